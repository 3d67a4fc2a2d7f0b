/**
 * Global rooms mode through whole region stacks: a Redis hub and its members, for two and three
 * regions. The hub's plan feeds the members' StackReference, as `npm run plan` does with a child process.
 */
import { parse } from "yaml";
import {
  inputsOf,
  isSecret,
  maskSecrets,
  plain,
  PlannedResource,
  PlanResult,
  resourcesOfType,
} from "../../tools/plan/engine";
import { layoutSubnets } from "../../components/network/subnets";
import { policies } from "../../policy/policies";
import { K8S_TYPES } from "../support/media-plane";
import { nodePoolsAwaitedBy, offClusterProvider } from "../support/plan";
import { mandatory, resourcesOfPlan, violations } from "../support/policy";
import { FixtureRegion, fixtureProject, planFixtureRegion, regionFixture, SERVICE_KEYS } from "../support/rooms";
import { refreshedTokenFailures, renderedKeyFile } from "../support/api-keys";

const HUB: FixtureRegion = { stack: "mumbai", awsRegion: "ap-south-1", cidr: "10.20.0.0/16" };
const SINGAPORE: FixtureRegion = { stack: "singapore", awsRegion: "ap-southeast-1", cidr: "10.30.0.0/16" };
const FRANKFURT: FixtureRegion = { stack: "frankfurt", awsRegion: "eu-central-1", cidr: "10.40.0.0/16" };
const ROOMS = { mode: "global", hub: HUB.stack };

const TYPES = {
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  peering: "aws:ec2/vpcPeeringConnection:VpcPeeringConnection",
  accepter: "aws:ec2/vpcPeeringConnectionAccepter:VpcPeeringConnectionAccepter",
  route: "aws:ec2/route:Route",
  routeTable: "aws:ec2/routeTable:RouteTable",
  ingress: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  awsProvider: "pulumi:providers:aws",
  stackReference: "pulumi:pulumi:StackReference",
} as const;

/** Plans the hub, then each member with the hub's outputs behind its StackReference. */
/** How every fixture stack reaches AWS: a profile and a role to assume, which the hub side must use too. */
const AWS_ACCESS = {
  "aws:profile": "livekit-deploy",
  "aws:assumeRoles": [{ roleArn: "arn:aws:iam::123456789012:role/livekit-deploy", sessionName: "livekit" }],
};

async function planSet(regions: FixtureRegion[]): Promise<Record<string, PlanResult>> {
  const files = Object.fromEntries(regions.map((r) => [r.stack, { ...regionFixture(r, ROOMS), ...AWS_ACCESS }]));
  const root = fixtureProject(files);
  const plans: Record<string, PlanResult> = {};
  plans[HUB.stack] = await planFixtureRegion(root, HUB.stack, files[HUB.stack]);
  for (const r of regions.filter((r) => r.stack !== HUB.stack)) {
    plans[r.stack] = await planFixtureRegion(root, r.stack, files[r.stack], { [HUB.stack]: plans[HUB.stack] });
  }
  return plans;
}

const ofType = (plan: PlanResult, type: string) => resourcesOfType(plan, type);
const hubProviderOf = (plan: PlanResult): PlannedResource => {
  const providers = ofType(plan, TYPES.awsProvider).filter((p) => inputsOf(p).region === HUB.awsRegion);
  expect(providers).toHaveLength(1);
  return providers[0];
};
const onProvider = (r: PlannedResource, provider: PlannedResource) => r.provider?.startsWith(`${provider.urn}::`);
const liveKitConfig = (plan: PlanResult) => {
  const map = ofType(plan, K8S_TYPES.configMap)
    .map((r) => inputsOf(r))
    .find((m) => String(m.metadata.name).startsWith("livekit-config-"))!;
  return parse(map.data["config.yaml"]) as Record<string, any>;
};
const hubOutputs = (plans: Record<string, PlanResult>) =>
  plans[HUB.stack].outputs.redisHub as {
    vpcId: string;
    cidr: string;
    privateRouteTableIds: string[];
    securityGroupId: string;
    address: string;
    port: number;
    awsRegion: string;
  };
/** Public and private subnets of a member: its node ranges. */
const nodeCidrs = (r: FixtureRegion) => {
  const layout = layoutSubnets(r.cidr, 3);
  return [...layout.public, ...layout.private];
};

/** The two-region set's hub plan, once planned below (the member key tests plan it themselves when run alone). */
let twoRegionHub: (() => PlanResult | undefined) | undefined;

describe.each([
  ["two regions", [HUB, SINGAPORE]],
  ["three regions", [HUB, SINGAPORE, FRANKFURT]],
])("global rooms mode, %s", (_, regions) => {
  const members = regions.filter((r) => r.stack !== HUB.stack);
  let plans: Record<string, PlanResult>;
  beforeAll(async () => {
    plans = await planSet(regions);
  }, 400_000);

  it("gives the hub the only Redis, and exports its endpoint, network and AUTH token (as a secret)", () => {
    expect(ofType(plans[HUB.stack], TYPES.replicationGroup)).toHaveLength(1);
    for (const m of members) expect(ofType(plans[m.stack], TYPES.replicationGroup)).toEqual([]);
    const hub = hubOutputs(plans);
    expect(hub).toMatchObject({ awsRegion: HUB.awsRegion, cidr: HUB.cidr, port: 6379 });
    expect(hub.privateRouteTableIds).toHaveLength(3);
    expect(isSecret(plans[HUB.stack].outputs.redisHubAuthToken)).toBe(true);
    // Nor in the members' cost estimates.
    const redisCost = (plan: PlanResult) =>
      (plan.outputs.sizing as { cost: { byGroup: Record<string, number> } }).cost.byGroup.elasticache;
    expect(redisCost(plans[HUB.stack])).toBeGreaterThan(0);
    for (const m of members) expect(redisCost(plans[m.stack])).toBe(0);
    // The hub peers with nobody itself: each member owns its link.
    expect(ofType(plans[HUB.stack], TYPES.peering)).toEqual([]);
  });

  it("creates LiveKit in every member after the Karpenter NodePools (a member has no Redis to wait for)", () => {
    for (const m of members) {
      const type = "livekit-platform:livekit:LiveKit";
      expect({ stack: m.stack, type, waitsFor: nodePoolsAwaitedBy(plans[m.stack], type) }).toEqual({
        stack: m.stack,
        type,
        waitsFor: ["egress", "general", "sfu"],
      });
    }
  });

  it("gives LiveKit a member's Redis address only once the accepter, every route and every rule exist", () => {
    for (const m of members) {
      const plan = plans[m.stack];
      const link = [
        ...ofType(plan, TYPES.accepter),
        ...ofType(plan, TYPES.route).filter((r) => inputsOf(r).vpcPeeringConnectionId !== undefined),
        ...ofType(plan, TYPES.ingress).filter((r) => String(r.name).startsWith(`${m.stack}-redis-hub-`)),
      ];
      // The accepter, 4 + 3 routes, 3 x 2 Redis rules and the two path MTU rules.
      expect(link).toHaveLength(1 + 7 + 6 + 2);
      const config = ofType(plan, K8S_TYPES.configMap).find((r) =>
        String(inputsOf(r).metadata.name).startsWith("livekit-config-"),
      )!;
      expect(link.map((r) => r.urn).filter((urn) => !config.dependencies.includes(urn))).toEqual([]);
    }
    // The hub's own address is its replication group's, with no link to wait for.
    const hubConfig = ofType(plans[HUB.stack], K8S_TYPES.configMap).find((r) =>
      String(inputsOf(r).metadata.name).startsWith("livekit-config-"),
    )!;
    expect(hubConfig.dependencies.some((urn) => urn.includes("VpcPeeringConnectionAccepter"))).toBe(false);
  });

  it("records every room in the hub's region: members run no Egress, the hub's recorders are sized for all", () => {
    for (const m of members) {
      expect(ofType(plans[m.stack], "livekit-platform:egress:Egress")).toEqual([]);
      // Its one bucket is the audit log bucket (its load balancers' access logs), no recordings bucket.
      expect(ofType(plans[m.stack], "aws:s3/bucket:Bucket").map((b) => b.name)).toEqual([`${m.stack}-audit-logs`]);
      expect(plans[m.stack].outputs.recordingsBucket).toBeUndefined();
    }
    expect(ofType(plans[HUB.stack], "livekit-platform:egress:Egress")).toHaveLength(1);
    const scaled = ofType(plans[HUB.stack], "kubernetes:keda.sh/v1alpha1:ScaledObject").map((r) => inputsOf(r).spec);
    // Each region's own file sizes its recordings; the hub's autoscaler takes the sum (the shipped mumbai file's
    // 15-167 recorder pods, once per region here).
    expect(scaled[0].maxReplicaCount).toBe(167 * regions.length);
    expect(scaled[0].minReplicaCount).toBe(15 * regions.length);
    for (const r of regions) {
      expect((plans[r.stack].outputs.rooms as { recordings: unknown }).recordings).toMatchObject({
        region: HUB.stack,
        awsRegion: HUB.awsRegion,
      });
    }
  });

  it("sizes the hub's Redis for every member's load, and watches each of its nodes", () => {
    const [group] = ofType(plans[HUB.stack], TYPES.replicationGroup);
    const expected = regions.length === 2 ? "cache.r7g.xlarge" : "cache.r7g.2xlarge";
    expect(inputsOf(group).nodeType).toBe(expected);
    const alarms = ofType(plans[HUB.stack], "aws:cloudwatch/metricAlarm:MetricAlarm")
      .map((a) => inputsOf(a))
      .filter((a) => a.namespace === "AWS/ElastiCache");
    expect(alarms).toHaveLength(2 * 5);
    const network = alarms.find((a) => a.name === "livekit-mumbai-001-LiveKitRedisNetworkAboveBaseline")!;
    expect(network.dimensions).toEqual({ CacheClusterId: "livekit-mumbai-001" });
    for (const m of members)
      expect(
        ofType(plans[m.stack], "aws:cloudwatch/metricAlarm:MetricAlarm").filter(
          (a) => inputsOf(a).namespace === "AWS/ElastiCache",
        ),
      ).toEqual([]);
  });

  it("keeps a ramp's rooms local: the SFU floor holds half the peak below the load limit in every region", () => {
    for (const r of regions) {
      const sizing = plans[r.stack].outputs.sizing as { sfuNodes: { min: number } };
      // The shipped mumbai file's 65 nodes at peak at 60%: 65 x 0.5 x 0.6 / 0.9 = 21.7; 20 in regional mode.
      expect(sizing.sfuNodes.min).toBe(22);
    }
  });

  it("says in the plan which region is the hub, which are members and the least round trip each adds", () => {
    for (const r of regions) {
      const rooms = plans[r.stack].outputs.rooms as {
        hub: string;
        members: { stack: string; addedRoundTripFloorMs: number }[];
      };
      expect(rooms.hub).toBe(HUB.stack);
      expect(rooms.members.map((m) => m.stack)).toEqual(members.map((m) => m.stack).sort());
      const singapore = rooms.members.find((m) => m.stack === "singapore")!;
      expect(singapore.addedRoundTripFloorMs).toBeCloseTo(38.2, 0);
    }
  });

  it("builds the hub side's provider from the stack's aws config: profile, roles and default tags", () => {
    for (const m of members) {
      const inputs = inputsOf(hubProviderOf(plans[m.stack]));
      // A provider's structured inputs reach the engine as JSON text, as the stack's own provider config does.
      expect({
        ...inputs,
        assumeRoles: JSON.parse(inputs.assumeRoles),
        defaultTags: JSON.parse(inputs.defaultTags),
      }).toMatchObject({
        region: HUB.awsRegion,
        profile: AWS_ACCESS["aws:profile"],
        assumeRoles: AWS_ACCESS["aws:assumeRoles"],
        defaultTags: { tags: { project: "livekit-platform", stack: m.stack } },
      });
    }
  });

  it("admits ICMP fragmentation-needed on the hub's Redis and the member's nodes: TLS over peering's 1500 MTU", () => {
    const hub = hubOutputs(plans);
    for (const m of members) {
      const plan = plans[m.stack];
      const icmp = ofType(plan, TYPES.ingress).filter((r) => inputsOf(r).ipProtocol === "icmp");
      expect(icmp.map((r) => inputsOf(r))).toEqual([
        expect.objectContaining({
          securityGroupId: hub.securityGroupId,
          fromPort: 3,
          toPort: 4,
          cidrIpv4: "0.0.0.0/0",
        }),
        expect.objectContaining({ fromPort: 3, toPort: 4, cidrIpv4: "0.0.0.0/0" }),
      ]);
      expect(onProvider(icmp[0], hubProviderOf(plan))).toBe(true);
      // On the member's cluster security group, which every node carries.
      expect(icmp[1].provider).toBeNull();
      expect(inputsOf(icmp[1]).securityGroupId).not.toBe(hub.securityGroupId);
    }
  });

  it("reads the hub through a StackReference in every member, and points LiveKit and the Secret at it", () => {
    const hub = hubOutputs(plans);
    const token = (plans[HUB.stack].outputs.redisHubAuthToken as { value: string }).value;
    for (const m of members) {
      const refs = ofType(plans[m.stack], TYPES.stackReference).map((r) => r.name);
      expect(refs).toEqual([`organization/livekit-platform/${HUB.stack}`]);
      expect(liveKitConfig(plans[m.stack]).redis).toEqual({
        address: `${hub.address}:${hub.port}`,
        tls: { enabled: true },
      });
      const secret = ofType(plans[m.stack], K8S_TYPES.secret).find((s) => inputsOf(s).metadata.name === "redis-auth")!;
      // Secret end to end: masked wherever the plan shows it.
      expect(JSON.stringify(maskSecrets(secret.inputs))).not.toContain(token);
      expect(inputsOf(secret).stringData.password).toBe(token);
      expect(plans[m.stack].outputs.rooms).toMatchObject({ mode: "global", hub: HUB.stack, thisStack: "member" });
    }
  });

  it("requests the peering in the member's region and accepts it in the hub's", () => {
    const hub = hubOutputs(plans);
    for (const m of members) {
      const plan = plans[m.stack];
      const [request] = ofType(plan, TYPES.peering);
      expect(ofType(plan, TYPES.peering)).toHaveLength(1);
      expect(request.provider).toBeNull(); // the stack's own region
      expect(inputsOf(request)).toMatchObject({ peerVpcId: hub.vpcId, peerRegion: HUB.awsRegion, autoAccept: false });
      expect(inputsOf(request).vpcId).toBe(plan.outputs.vpcId);
      const [accept] = ofType(plan, TYPES.accepter);
      expect(onProvider(accept, hubProviderOf(plan))).toBe(true);
      expect(inputsOf(accept).autoAccept).toBe(true);
      expect(accept.dependencies).toContain(request.urn);
    }
  });

  it("routes the hub's range from every member route table, and the member's range back from the hub's private tables", () => {
    const hub = hubOutputs(plans);
    for (const m of members) {
      const plan = plans[m.stack];
      const hubProvider = hubProviderOf(plan);
      const peeringRoutes = ofType(plan, TYPES.route).filter((r) => inputsOf(r).vpcPeeringConnectionId !== undefined);
      const toHub = peeringRoutes.filter((r) => !onProvider(r, hubProvider));
      const fromHub = peeringRoutes.filter((r) => onProvider(r, hubProvider));
      // The public table (SFU, egress and load-test nodes) and the three private ones (system nodes).
      expect(toHub.map((r) => inputsOf(r).destinationCidrBlock)).toEqual(Array(4).fill(HUB.cidr));
      expect(fromHub.map((r) => inputsOf(r).destinationCidrBlock)).toEqual(Array(3).fill(m.cidr));
      expect(fromHub.map((r) => inputsOf(r).routeTableId).sort()).toEqual([...hub.privateRouteTableIds].sort());
      const peering = new Set(peeringRoutes.map((r) => inputsOf(r).vpcPeeringConnectionId));
      expect(peering.size).toBe(1);
      // Every table's default route is a Route resource too: inline routes would delete the peering routes.
      for (const table of ofType(plan, TYPES.routeTable)) expect(inputsOf(table).routes).toBeUndefined();
    }
    for (const table of ofType(plans[HUB.stack], TYPES.routeTable)) expect(inputsOf(table).routes).toBeUndefined();
  });

  it("admits each member's node subnets, and nothing else, to the hub's Redis port", () => {
    const hub = hubOutputs(plans);
    for (const m of members) {
      const plan = plans[m.stack];
      const rules = ofType(plan, TYPES.ingress).filter(
        (r) => inputsOf(r).securityGroupId === hub.securityGroupId && inputsOf(r).ipProtocol === "tcp",
      );
      expect(rules.every((r) => onProvider(r, hubProviderOf(plan)))).toBe(true);
      expect(rules.map((r) => inputsOf(r).cidrIpv4).sort()).toEqual(nodeCidrs(m).sort());
      for (const r of rules) expect(inputsOf(r)).toMatchObject({ ipProtocol: "tcp", fromPort: 6379, toPort: 6379 });
    }
    // The hub's own nodes keep their security-group rule; no range rule on the hub's side of its Redis.
    const hubRules = ofType(plans[HUB.stack], TYPES.ingress).filter(
      (r) => inputsOf(r).securityGroupId === hub.securityGroupId,
    );
    expect(hubRules.map((r) => inputsOf(r).cidrIpv4)).toEqual([undefined]);
  });

  it("renders the same region-aware selector, with every region's coordinates and a load limit, in every region", () => {
    const selectors = regions.map((r) => liveKitConfig(plans[r.stack]).node_selector);
    for (const s of selectors) expect(s).toEqual(selectors[0]);
    expect(selectors[0]).toMatchObject({ kind: "regionaware", sort_by: "cpuload", algorithm: "twochoice" });
    expect(selectors[0].sysload_limit).toBeGreaterThan(0);
    expect(selectors[0].sysload_limit).toBeLessThanOrEqual(1);
    // By stack name, coordinates from lib/aws-regions.ts.
    expect(selectors[0].regions.map((r: { name: string }) => r.name)).toEqual(regions.map((r) => r.stack).sort());
    expect(selectors[0].regions.find((r: { name: string }) => r.name === "mumbai")).toEqual({
      name: "mumbai",
      lat: 19.08,
      lon: 72.88,
    });
    for (const r of regions) expect(liveKitConfig(plans[r.stack]).region).toBe(r.stack);
  });

  it("passes the policy pack in every region", async () => {
    for (const r of regions) expect(await violations(mandatory(policies), resourcesOfPlan(plans[r.stack]))).toEqual([]);
  });

  it("sends every Kubernetes resource of every region, a member's Redis Secret included, through its cluster's provider", () => {
    for (const r of regions) expect(offClusterProvider(plans[r.stack])).toEqual([]);
  });

  // A participant signals through any region here (the global name), and livekit-server refreshes its token
  // with any key of its key file: each key of each region's rendered key file must verify in every region.
  it("lets a token refreshed with any key of any region's key file reconnect through every region", async () => {
    const keyFiles = Object.fromEntries(regions.map((r) => [r.stack, renderedKeyFile(plans[r.stack])]));
    const every = regions.map((r) => r.stack);
    expect(await refreshedTokenFailures(keyFiles, () => every)).toEqual([]);
    // The keys are config's, the same in every region: the application's, egress's and the load tests'.
    for (const keyFile of Object.values(keyFiles)) {
      expect(Object.keys(keyFile).sort()).toEqual([
        "APPexamplekey0001",
        SERVICE_KEYS.egress.id,
        SERVICE_KEYS.loadTest.id,
      ]);
    }
    for (const r of regions) {
      expect(isSecret(plans[r.stack].outputs.apiKeyFingerprints)).toBe(true);
      expect(plain(plans[r.stack].outputs.apiKeyFingerprints)).toEqual(
        plain(plans[HUB.stack].outputs.apiKeyFingerprints),
      );
    }
  });
  if (regions.length === 2) twoRegionHub = () => plans?.[HUB.stack];
});

describe("a member whose API keys are not the hub's", () => {
  let hub: PlanResult;
  let root: string;
  let files: Record<string, Record<string, unknown>>;
  beforeAll(async () => {
    files = Object.fromEntries([HUB, SINGAPORE].map((r) => [r.stack, regionFixture(r, ROOMS)]));
    root = fixtureProject(files);
    hub = twoRegionHub?.() ?? (await planFixtureRegion(root, HUB.stack, files[HUB.stack]));
  }, 120_000);
  const planMember = (config: Record<string, unknown>, hubPlan: PlanResult = hub) =>
    planFixtureRegion(root, SINGAPORE.stack, config, { [HUB.stack]: hubPlan }).then(
      () => "planned",
      (e: Error) => e.message,
    );

  it("stops with one line naming the key (never its secret): a token signed with it would get 401", async () => {
    const keys = { ...SERVICE_KEYS, egress: { ...SERVICE_KEYS.egress, secret: "x".repeat(48) } };
    expect(await planMember({ ...files[SINGAPORE.stack], "livekit-platform:serviceKeys": keys })).toBe(
      "Pulumi.singapore.yaml livekit-platform:serviceKeys.egress: region stack singapore holds another secret for API key " +
        "EGRESSexamplekey1 than mumbai; a token signed with it in one region fails in the other: set the same secret in " +
        'every region file and `pulumi up` each region, got "EGRESSexamplekey1"',
    );
  });

  it("stops on a hub deployed before it exported its keys: the hub goes first", async () => {
    const { apiKeyFingerprints: _, ...outputs } = hub.outputs;
    expect(await planMember(files[SINGAPORE.stack], { ...hub, outputs })).toBe(
      "livekit-platform:rooms.hub: the hub stack mumbai exports no apiKeyFingerprints yet: deploy the hub first " +
        '(`pulumi up --stack mumbai`), then this region, got "mumbai"',
    );
  });
});
