/**
 * The policy pack (policy/): every shipped stack passes every policy, and each policy catches what it is
 * there for. Policies are called directly with hand-built arguments; `new PolicyPack` (a gRPC server) is
 * only started once, the way the Pulumi CLI starts it, to prove the pack loads and serves.
 */
import { spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import * as pulumi from "@pulumi/pulumi";
import { AuditLogs } from "../../components/audit-logs";
import { Coturn } from "../../components/coturn";
import { Egress } from "../../components/egress";
import { Keda } from "../../components/keda";
import { LoadTest } from "../../components/load-test";
import { renderCoturnStartScript } from "../../components/coturn/start";
import { renderEgressConfig } from "../../components/egress/config";
import { LIVEKIT_DEFAULT_ROOM, renderLiveKitServerConfig } from "../../components/livekit/server-config";
import { COTURN_LISTENING_PORT, renderTurnserverConf } from "../../components/coturn/turnserver-conf";
import {
  configMapsHoldNoCredentials,
  containerImagesByDigest,
  containerImagesPinned,
  coturnDeniesPrivatePeers,
  DEFAULT_PUBLIC_INGRESS,
  elasticacheEncryptedWithAuth,
  imdsv2Required,
  livekitSfuPodShape,
  loadBalancersLogAccess,
  podsMeetNamespacePodSecurity,
  policies,
  publicIngressOnlyForWebRtc,
  s3BucketsAccessLogged,
  s3BucketsPrivateAndEncrypted,
  TYPES,
} from "../../policy/policies";
import { ALB_ATTRIBUTES_ANNOTATION, NLB_ATTRIBUTES_ANNOTATION } from "../../policy/lb-attributes";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { versions } from "../../lib/versions";
import { listStackNames, readStackFile, stackFilePath } from "../../stacks/stack-files";
import { asReferencedStack, PlanResult, runProgram } from "../../tools/plan/engine";
import { mediaPlane, turnserverSettings } from "../support/media-plane";
import { projectName, projectRoot, runComponents, shippedStackPlan, stackConfig } from "../support/plan";
import { check, mandatory, resourcesOfPlan, TestResource, violations } from "../support/policy";

const policyDir = path.join(projectRoot, "policy");
/** What stops `pulumi up`; the advisory container-images-by-digest only warns (the shipped tags are not digests). */
const mandatoryPolicies = mandatory(policies);

const shippedStacks = listStackNames(projectRoot);
const roleOf = (stack: string) =>
  readStackFile(stackFilePath(projectRoot, stack), stack).config["livekit-platform:role"];

/** Plans every shipped stack in this process: regions first (shared by the worker), then global fed with their outputs. */
async function planShippedStacks(): Promise<Map<string, PlanResult>> {
  const plans = new Map<string, PlanResult>();
  const run = (stack: string) =>
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
    runProgram(() => require(path.join(projectRoot, "index.ts")), {
      project: projectName,
      stack,
      config: stackConfig(stack),
      resolveStackReference: async (name) => {
        const planned = plans.get(name.split("/")[2]);
        return planned ? asReferencedStack(planned) : undefined;
      },
    });
  for (const stack of shippedStacks.filter((s) => roleOf(s) === "region"))
    plans.set(stack, await shippedStackPlan(stack));
  for (const stack of shippedStacks.filter((s) => roleOf(s) !== "region")) plans.set(stack, await run(stack));
  return plans;
}

describe("the shipped stacks", () => {
  let plans: Map<string, PlanResult>;
  beforeAll(async () => {
    plans = await planShippedStacks();
  }, 120_000);

  it("include the two regions and the global stack", () => {
    expect(shippedStacks).toEqual(expect.arrayContaining(["global", "mumbai", "singapore"]));
  });

  it.each(shippedStacks)("%s passes every mandatory policy with no violation", async (stack) => {
    expect(mandatoryPolicies.map((p) => p.name)).toEqual(
      policies.map((p) => p.name).filter((name) => name !== containerImagesByDigest.name),
    );
    expect(await violations(mandatoryPolicies, resourcesOfPlan(plans.get(stack)!))).toEqual([]);
  });

  it("are warned (advisory) of every workload image pinned by tag only, since the shipped stacks pin no digest", async () => {
    const warned = await violations([containerImagesByDigest], resourcesOfPlan(plans.get("mumbai")!));
    const images = new Set(warned.map((v) => /image "([^"]+)"/.exec(v.message)![1]));
    expect([...images].sort()).toEqual(Object.values(versions.images).sort());
  });

  it("give the policies something to check in every region (node groups, node classes, public ports, Redis, logs)", () => {
    for (const stack of shippedStacks.filter((s) => roleOf(s) === "region")) {
      const types = new Set(plans.get(stack)!.resources.map((r) => r.type));
      for (const type of [
        TYPES.managedNodeGroup,
        TYPES.ec2NodeClass,
        TYPES.securityGroupIngressRule,
        TYPES.replicationGroup,
        TYPES.bucketLogging[0],
        TYPES.ingress,
        TYPES.service,
      ]) {
        expect({ stack, type, present: types.has(type) }).toEqual({ stack, type, present: true });
      }
    }
  });

  it("would report the same stack with its invariants broken (the policies read the shapes the program sends)", async () => {
    const resources = resourcesOfPlan(plans.get("mumbai")!);
    const weaken: Record<string, (p: Record<string, any>) => void> = {
      [TYPES.managedNodeGroup]: (p) => (p.enableIMDSv2 = false),
      [TYPES.ec2NodeClass]: (p) => delete p.spec.metadataOptions,
      [TYPES.securityGroupIngressRule]: (p) =>
        p.cidrIpv4 === "0.0.0.0/0" && Object.assign(p, { ipProtocol: "tcp", fromPort: 22, toPort: 22 }),
      [TYPES.replicationGroup]: (p) => delete p.authToken,
      [TYPES.ingress]: (p) => (p.metadata.annotations[ALB_ATTRIBUTES_ANNOTATION] = "idle_timeout.timeout_seconds=3600"),
      // The load test keeping the runtime's capabilities (NET_RAW among them), in its restricted namespace.
      "kubernetes:batch/v1:Job": (p) => delete p.spec.template.spec.containers[0].securityContext.capabilities,
    };
    for (const r of resources) weaken[r.type]?.(r.props);
    // And no bucket's requests logged any more.
    const withoutLogging = resources.filter((r) => !(TYPES.bucketLogging as readonly string[]).includes(r.type));
    const found = new Set((await violations(mandatoryPolicies, withoutLogging)).map((v) => v.policy));
    expect([...found].sort()).toEqual([
      "elasticache-encrypted-with-auth",
      "load-balancers-log-access",
      "nodes-require-imdsv2",
      "pods-meet-namespace-pod-security",
      "public-ingress-only-for-webrtc",
      "s3-buckets-access-logged",
    ]);
  });
});

describe("pods-meet-namespace-pod-security", () => {
  const namespace = (name: string, level?: string): TestResource => ({
    type: "kubernetes:core/v1:Namespace",
    name,
    props: { metadata: { name, labels: level ? { "pod-security.kubernetes.io/enforce": level } : {} } },
  });
  const restrictedContainer = {
    name: "app",
    image: "example/app:1.0",
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
  };
  const deployment = (ns: string, podSpec: Record<string, unknown>): TestResource => ({
    type: "kubernetes:apps/v1:Deployment",
    name: "app",
    props: { metadata: { name: "app", namespace: ns }, spec: { template: { spec: podSpec } } },
  });
  const restrictedPod = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [restrictedContainer],
  };

  it("passes a restricted pod in a restricted namespace", async () => {
    expect(
      await check(podsMeetNamespacePodSecurity, [namespace("a", "restricted"), deployment("a", restrictedPod)]),
    ).toEqual([]);
  });

  it("reports a pod that needs more than its namespace enforces, with the rule it breaks", async () => {
    const hostNetwork = { ...restrictedPod, hostNetwork: true };
    expect(
      await check(podsMeetNamespacePodSecurity, [namespace("a", "baseline"), deployment("a", hostNetwork)]),
    ).toEqual([
      'kubernetes:apps/v1:Deployment app in a breaks Pod Security "baseline": hostNamespaces: hostNetwork=true.',
    ]);
    const root = { ...restrictedPod, securityContext: { seccompProfile: { type: "RuntimeDefault" } } };
    expect(await check(podsMeetNamespacePodSecurity, [namespace("a", "restricted"), deployment("a", root)])).toEqual([
      'kubernetes:apps/v1:Deployment app in a breaks Pod Security "restricted": runAsNonRoot: container "app" must run as non-root.',
    ]);
    expect(
      await check(podsMeetNamespacePodSecurity, [namespace("a", "privileged"), deployment("a", hostNetwork)]),
    ).toEqual([]);
  });

  it("reports a namespace the stack creates without an enforced level, and leaves namespaces it does not create alone", async () => {
    expect(await check(podsMeetNamespacePodSecurity, [namespace("a")])).toEqual([
      "Namespace a enforces no Pod Security Standard (pod-security.kubernetes.io/enforce).",
    ]);
    // A namespace Helm created and the stack labels through a patch (KEDA's) is held to the same.
    const patched = (level?: string) => ({ ...namespace("keda", level), type: "kubernetes:core/v1:NamespacePatch" });
    expect(await check(podsMeetNamespacePodSecurity, [patched()])).toEqual([
      "Namespace keda enforces no Pod Security Standard (pod-security.kubernetes.io/enforce).",
    ]);
    expect(
      await check(podsMeetNamespacePodSecurity, [
        patched("restricted"),
        deployment("keda", { ...restrictedPod, hostPID: true }),
      ]),
    ).toEqual([expect.stringMatching(/breaks Pod Security "restricted": hostNamespaces: hostPID=true/)]);
    expect(
      await check(podsMeetNamespacePodSecurity, [deployment("kube-system", { ...restrictedPod, hostPID: true })]),
    ).toEqual([]);
  });
});

describe("the media-plane components", () => {
  // The credentials, LiveKit, Coturn, egress (its bucket's requests logged) and the load test, built as a region
  // stack builds them, checked by every policy.
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runComponents(() => {
      const { provider, credentials, livekit } = mediaPlane({ credentials: { egressNamespace: "livekit" } });
      const providers = [provider];
      new Coturn(
        "mumbai-coturn",
        {
          sharedSecret: credentials.turnSecret,
          turnserver: turnserverSettings,
          resources: { cpuRequestMillis: 500, memoryRequestMiB: 256, memoryLimitMiB: 512 },
        },
        { providers },
      );
      const keda = new Keda("mumbai-keda", {}, { providers, dependsOn: [livekit] });
      const egress = new Egress(
        "mumbai-egress",
        {
          clusterName: "livekit-mumbai",
          namespace: "livekit",
          livekitUrl: livekit.internalUrl,
          apiKey: credentials.egressKeySecret!,
          redis: {
            host: "master.livekit-mumbai.example.cache.amazonaws.com",
            port: 6379,
            password: pulumi.secret("redis-auth-token"),
          },
          resources: { cpus: 5, memoryGiB: 5, maxMemoryGiB: 4 },
          autoscaling: { minReplicas: 2, maxReplicas: 4, idlePods: 2, idleShare: 0.1 },
          prometheusUrl: "http://prometheus.monitoring.svc:9090",
          maxRecordingSeconds: 6 * 3600,
          recordingRetentionDays: 30,
        },
        { providers, dependsOn: [keda.release] },
      );
      new AuditLogs("mumbai", {
        clusterName: "livekit-mumbai",
        vpcId: "vpc-0123456789abcdef0",
        loggedBuckets: [{ label: "recordings", bucket: egress.bucketName, arn: egress.bucketArn }],
        retentionDays: 365,
        flowLogRetentionDays: 90,
      });
      new LoadTest(
        "mumbai-load-test",
        {
          namespace: "livekit",
          url: "wss://mumbai.livekit.example.com",
          apiKey: credentials.loadTestKey,
          publicNodes: { nodeClassName: "public" },
          rooms: 2,
          videoPublishersPerRoom: 1,
          subscribersPerRoom: 10,
          duration: "1m",
          resources: { cpus: 2, memoryGiB: 2 },
        },
        { providers, dependsOn: [livekit] },
      );
    });
  }, 60_000);

  it("pass every mandatory policy with no violation", async () => {
    expect(await violations(mandatoryPolicies, resourcesOfPlan(plan))).toEqual([]);
  });

  it("give every Kubernetes policy something to check", () => {
    const types = plan.resources.map((r) => r.type);
    for (const type of [
      TYPES.configMap,
      TYPES.deployment,
      "kubernetes:apps/v1:DaemonSet",
      "kubernetes:batch/v1:Job",
      "aws:s3/bucket:Bucket",
    ]) {
      expect(types).toContain(type);
    }
  });
});

// ---------------------------------------------------------------------------------------------------

const resource = (type: string, props: Record<string, unknown>, name = "r"): TestResource => ({ type, name, props });

describe("nodes-require-imdsv2", () => {
  it("requires enableIMDSv2 on managed node groups, unless they bring a launch template", async () => {
    expect(await check(imdsv2Required, resource(TYPES.managedNodeGroup, { enableIMDSv2: true }))).toEqual([]);
    expect(
      await check(imdsv2Required, resource(TYPES.managedNodeGroup, { launchTemplate: { id: "lt-1", version: "1" } })),
    ).toEqual([]);
    expect(await check(imdsv2Required, resource(TYPES.managedNodeGroup, {}))).toEqual([
      expect.stringMatching(/enableIMDSv2/),
    ]);
    expect(await check(imdsv2Required, resource(TYPES.managedNodeGroup, { enableIMDSv2: false }))).toHaveLength(1);
  });

  it("requires httpTokens: required on launch templates", async () => {
    expect(
      await check(imdsv2Required, resource(TYPES.launchTemplate, { metadataOptions: { httpTokens: "required" } })),
    ).toEqual([]);
    expect(
      await check(imdsv2Required, resource(TYPES.launchTemplate, { metadataOptions: { httpTokens: "optional" } })),
    ).toEqual([expect.stringMatching(/"optional"/)]);
    expect(await check(imdsv2Required, resource(TYPES.launchTemplate, {}))).toHaveLength(1);
  });

  it("requires Karpenter node classes to say httpTokens: required explicitly", async () => {
    const nodeClass = (metadataOptions?: object) =>
      resource(TYPES.ec2NodeClass, {
        apiVersion: "karpenter.k8s.aws/v1",
        kind: "EC2NodeClass",
        metadata: { name: "public" },
        spec: { metadataOptions },
      });
    expect(await check(imdsv2Required, nodeClass({ httpTokens: "required", httpPutResponseHopLimit: 1 }))).toEqual([]);
    expect(await check(imdsv2Required, nodeClass({ httpTokens: "optional" }))).toEqual([
      expect.stringMatching(/EC2NodeClass public/),
    ]);
    expect(await check(imdsv2Required, nodeClass())).toHaveLength(1);
  });

  it("leaves other resources alone", async () => {
    expect(await check(imdsv2Required, resource("aws:ec2/instance:Instance", {}))).toEqual([]);
  });
});

describe("public-ingress-only-for-webrtc", () => {
  const rule = (props: Record<string, unknown>) =>
    resource(TYPES.securityGroupIngressRule, { securityGroupId: "sg-1", ...props });
  const world = (ipProtocol: string, fromPort: number, toPort: number) =>
    rule({ cidrIpv4: "0.0.0.0/0", ipProtocol, fromPort, toPort });

  it("allows the WebRTC and TURN ports from anywhere", async () => {
    for (const r of [
      world("udp", 50000, 60000),
      world("tcp", 7881, 7881),
      world("udp", 3478, 3478),
      world("tcp", 3478, 3478),
      world("udp", 40000, 49999),
      world("udp", 55000, 55100),
      world("17", 3478, 3478),
    ]) {
      expect(await check(publicIngressOnlyForWebRtc, r)).toEqual([]);
    }
  });

  it("reports anything else open to 0.0.0.0/0 or ::/0", async () => {
    expect(await check(publicIngressOnlyForWebRtc, world("tcp", 22, 22))).toEqual([
      expect.stringMatching(/0\.0\.0\.0\/0 opens TCP 22/),
    ]);
    expect(await check(publicIngressOnlyForWebRtc, world("-1", 0, 0))).toEqual([
      expect.stringMatching(/every protocol/),
    ]);
    expect(await check(publicIngressOnlyForWebRtc, world("udp", 39999, 49999))).toHaveLength(1); // one port too many
    // A start port inside an allowed range does not admit an end past it.
    expect(await check(publicIngressOnlyForWebRtc, world("udp", 59000, 60001))).toHaveLength(1);
    expect(await check(publicIngressOnlyForWebRtc, world("udp", 49999, 50000))).toHaveLength(1); // two ranges, not one
    expect(await check(publicIngressOnlyForWebRtc, world("tcp", 7881, 7882))).toHaveLength(1);
    expect(await check(publicIngressOnlyForWebRtc, world("tcp", 50000, 60000))).toHaveLength(1); // ICE range is UDP only
    expect(
      await check(
        publicIngressOnlyForWebRtc,
        rule({ cidrIpv6: "::/0", ipProtocol: "tcp", fromPort: 443, toPort: 443 }),
      ),
    ).toHaveLength(1);
  });

  it("lets private sources reach any port", async () => {
    expect(await check(publicIngressOnlyForWebRtc, rule({ cidrIpv4: "10.20.0.0/16", ipProtocol: "-1" }))).toEqual([]);
    expect(
      await check(
        publicIngressOnlyForWebRtc,
        rule({ referencedSecurityGroupId: "sg-2", ipProtocol: "tcp", fromPort: 6379, toPort: 6379 }),
      ),
    ).toEqual([]);
  });

  it("checks security group rules (ingress only) and inline security group ingress", async () => {
    const sgRule = (type: string, fromPort: number) =>
      resource(TYPES.securityGroupRule, {
        type,
        protocol: "tcp",
        fromPort,
        toPort: fromPort,
        cidrBlocks: ["0.0.0.0/0"],
      });
    expect(await check(publicIngressOnlyForWebRtc, sgRule("ingress", 80))).toHaveLength(1);
    expect(await check(publicIngressOnlyForWebRtc, sgRule("ingress", 7881))).toEqual([]);
    expect(await check(publicIngressOnlyForWebRtc, sgRule("egress", 80))).toEqual([]);
    const group = resource(TYPES.securityGroup, {
      ingress: [
        { protocol: "udp", fromPort: 50000, toPort: 60000, cidrBlocks: ["0.0.0.0/0"] },
        { protocol: "tcp", fromPort: 22, toPort: 22, ipv6CidrBlocks: ["::/0"] },
      ],
    });
    expect(await check(publicIngressOnlyForWebRtc, group)).toEqual([
      expect.stringMatching(/inline ingress\[1\] from ::\/0 opens TCP 22/),
    ]);
  });

  it("takes the allowed list from the policy config", async () => {
    const config = { allowedPublicIngress: [{ protocol: "tcp", fromPort: 443, toPort: 443 }] };
    expect(await check(publicIngressOnlyForWebRtc, world("tcp", 443, 443), config)).toEqual([]);
    expect(await check(publicIngressOnlyForWebRtc, world("udp", 50000, 60000), config)).toHaveLength(1);
  });

  it("defaults to the stack defaults' ports", () => {
    const cfg = parseStackConfig(
      {
        "aws:region": "ap-south-1",
        "livekit-platform:role": "region",
        "livekit-platform:domain": "example.com",
        "livekit-platform:dns": JSON.stringify({ zoneId: "Z0EXAMPLEZONE00000000" }),
        "livekit-platform:applicationKeys": JSON.stringify({ signing: "APPk", keys: { APPk: "s".repeat(48) } }),
        "livekit-platform:cluster": JSON.stringify({ publicAccessCidrs: [] }),
      },
      "x",
    ) as RegionSettings;
    const range = (protocol: string, r: { start: number; end: number }) => ({
      protocol,
      fromPort: r.start,
      toPort: r.end,
    });
    expect(DEFAULT_PUBLIC_INGRESS.map(({ protocol, fromPort, toPort }) => ({ protocol, fromPort, toPort }))).toEqual(
      expect.arrayContaining([
        range("udp", cfg.rtc.udpPortRange),
        range("tcp", { start: cfg.rtc.tcpPort, end: cfg.rtc.tcpPort }),
        range("udp", { start: COTURN_LISTENING_PORT, end: COTURN_LISTENING_PORT }),
        range("tcp", { start: COTURN_LISTENING_PORT, end: COTURN_LISTENING_PORT }),
        range("udp", cfg.turn.relayPortRange),
      ]),
    );
    expect(DEFAULT_PUBLIC_INGRESS).toHaveLength(5);
    expect(
      (publicIngressOnlyForWebRtc.configSchema!.properties.allowedPublicIngress as { default: unknown }).default,
    ).toEqual(DEFAULT_PUBLIC_INGRESS);
  });
});

describe("s3-buckets-private-and-encrypted", () => {
  const urn = (name: string) => `urn:pulumi:test::livekit-platform::x::${name}`;
  const bucket: TestResource = { type: "aws:s3/bucket:Bucket", name: "recordings", urn: urn("recordings"), props: {} };
  const block = (flags: Partial<Record<string, boolean>> = {}, dependsOn = bucket.urn!): TestResource => ({
    type: TYPES.bucketPublicAccessBlock,
    name: "block",
    urn: urn("block"),
    dependencies: [dependsOn],
    propertyDependencies: { bucket: [dependsOn] },
    props: {
      bucket: "recordings-abc",
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
      ...flags,
    },
  });
  const encryption = (dependsOn = bucket.urn!): TestResource => ({
    type: TYPES.bucketEncryption[0],
    name: "sse",
    urn: urn("sse"),
    dependencies: [dependsOn],
    propertyDependencies: { bucket: [dependsOn] },
    props: { bucket: "recordings-abc", rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }] },
  });

  it("passes a bucket with a full public access block and default encryption", async () => {
    expect(await check(s3BucketsPrivateAndEncrypted, [bucket, block(), encryption()])).toEqual([]);
  });

  it("reports a bare bucket twice", async () => {
    expect(await check(s3BucketsPrivateAndEncrypted, [bucket])).toEqual([
      expect.stringMatching(/no BucketPublicAccessBlock/),
      expect.stringMatching(/no server-side encryption/),
    ]);
  });

  it("reports a public access block with a setting off", async () => {
    expect(
      await check(s3BucketsPrivateAndEncrypted, [bucket, block({ restrictPublicBuckets: false }), encryption()]),
    ).toEqual([expect.stringMatching(/does not set all of/)]);
  });

  it("correlates settings with their own bucket", async () => {
    const other: TestResource = { ...bucket, name: "other", urn: urn("other") };
    const found = await violations([s3BucketsPrivateAndEncrypted], [bucket, other, block(), encryption()]);
    expect(found.map((v) => v.urn)).toEqual([other.urn, other.urn]);
  });

  it("matches by bucket name when per-property dependencies are missing", async () => {
    const named = { ...bucket, props: { bucket: "recordings-abc" } };
    const strip = (r: TestResource) => ({ ...r, dependencies: [], propertyDependencies: {} });
    expect(await check(s3BucketsPrivateAndEncrypted, [named, strip(block()), strip(encryption())])).toEqual([]);
  });

  it("accepts inline encryption and an account-wide public access block", async () => {
    const inline = {
      ...bucket,
      props: {
        serverSideEncryptionConfiguration: {
          rule: { applyServerSideEncryptionByDefault: { sseAlgorithm: "aws:kms" } },
        },
      },
    };
    const account = resource(TYPES.accountPublicAccessBlock, {
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(await check(s3BucketsPrivateAndEncrypted, [inline, account])).toEqual([]);
  });
});

describe("s3-buckets-access-logged", () => {
  const urn = (name: string) => `urn:pulumi:test::livekit-platform::x::${name}`;
  const bucket = (name: string): TestResource => ({ type: TYPES.buckets[0], name, urn: urn(name), props: {} });
  const recordings = bucket("recordings");
  const logs = bucket("logs");
  /** A setting of `of` (encryption, ownership, lifecycle), tied to it by its `bucket` input. */
  const setting = (type: string, of: TestResource, props: Record<string, unknown>): TestResource => ({
    type,
    name: `${of.name}-${type.split(":").pop()}`,
    urn: urn(`${of.name}-${type}`),
    dependencies: [of.urn!],
    propertyDependencies: { bucket: [of.urn!] },
    props,
  });
  const logging = (source: TestResource, target: TestResource): TestResource => ({
    type: TYPES.bucketLogging[0],
    name: `${source.name}-access-logs`,
    urn: urn(`${source.name}-access-logs`),
    dependencies: [source.urn!, target.urn!],
    propertyDependencies: { bucket: [source.urn!], targetBucket: [target.urn!] },
    props: { targetPrefix: `s3/${source.name}/` },
  });
  const sse = (of: TestResource, sseAlgorithm = "AES256") =>
    setting(TYPES.bucketEncryption[0], of, { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm } }] });
  const ownership = (of: TestResource, objectOwnership = "BucketOwnerEnforced") =>
    setting(TYPES.bucketOwnershipControls, of, { rule: { objectOwnership } });
  const lifecycle = (of: TestResource, rule: Record<string, unknown> = { expiration: { days: 365 } }) =>
    setting(TYPES.bucketLifecycle[0], of, { rules: [{ id: "expire", status: "Enabled", filter: {}, ...rule }] });
  const fitLogBucket = [logs, sse(logs), ownership(logs), lifecycle(logs)];

  it("passes a bucket logged to a log bucket fit to receive logs (the log bucket itself logs nowhere)", async () => {
    expect(await check(s3BucketsAccessLogged, [recordings, logging(recordings, logs), ...fitLogBucket])).toEqual([]);
  });

  it("reports a bucket whose requests nobody logs", async () => {
    const found = await violations([s3BucketsAccessLogged], [recordings, ...fitLogBucket]);
    expect(found.map((v) => [v.urn, v.message])).toEqual([
      [recordings.urn, expect.stringMatching(/has no server access logging/)],
      // Nothing logs to it, so the log bucket is just another bucket without logging.
      [logs.urn, expect.stringMatching(/has no server access logging/)],
    ]);
  });

  it("tells the logged bucket from the log bucket by the input that names each, not by dependencies", async () => {
    // Reversed: the "recordings" bucket receives the logs of "logs", so it is the one that must be fit for them.
    const found = await check(s3BucketsAccessLogged, [recordings, logging(logs, recordings), ...fitLogBucket]);
    expect(found).toEqual([
      expect.stringMatching(/S3 bucket recordings receives access logs but its default encryption is missing/),
      expect.stringMatching(/S3 bucket recordings receives access logs but keeps ACLs on/),
      expect.stringMatching(/S3 bucket recordings receives access logs but no enabled lifecycle rule expires them/),
    ]);
  });

  it("matches buckets by name when the engine gives no per-input dependencies", async () => {
    const named = (b: TestResource, name: string) => ({ ...b, props: { bucket: name } });
    const byName: TestResource = {
      ...logging(recordings, logs),
      dependencies: [],
      propertyDependencies: {},
      props: { bucket: "recordings-abc", targetBucket: "logs-abc", targetPrefix: "s3/recordings/" },
    };
    expect(
      await check(s3BucketsAccessLogged, [
        named(recordings, "recordings-abc"),
        named(logs, "logs-abc"),
        byName,
        ...fitLogBucket.slice(1),
      ]),
    ).toEqual([]);
  });

  it("requires SSE-S3 on a log bucket: log deliveries do not write to SSE-KMS buckets", async () => {
    const kms = [logs, sse(logs, "aws:kms"), ownership(logs), lifecycle(logs)];
    expect(await check(s3BucketsAccessLogged, [recordings, logging(recordings, logs), ...kms])).toEqual([
      expect.stringMatching(/its default encryption is aws:kms; .* delivered only to SSE-S3 \(AES256\) buckets/),
    ]);
  });

  it("requires ACLs off and an expiring, enabled lifecycle rule on a log bucket", async () => {
    const loose = [
      logs,
      sse(logs),
      ownership(logs, "BucketOwnerPreferred"),
      lifecycle(logs, { status: "Disabled", expiration: { days: 30 } }),
    ];
    expect(await check(s3BucketsAccessLogged, [recordings, logging(recordings, logs), ...loose])).toEqual([
      expect.stringMatching(/keeps ACLs on/),
      expect.stringMatching(/no enabled lifecycle rule expires them/),
    ]);
    const abortOnly = [logs, sse(logs), ownership(logs), lifecycle(logs, { expiration: undefined })];
    expect(await check(s3BucketsAccessLogged, [recordings, logging(recordings, logs), ...abortOnly])).toEqual([
      expect.stringMatching(/no enabled lifecycle rule expires them/),
    ]);
  });

  it("reports a log bucket that logs its own requests", async () => {
    expect(
      await check(s3BucketsAccessLogged, [recordings, logging(recordings, logs), logging(logs, logs), ...fitLogBucket]),
    ).toEqual([expect.stringMatching(/S3 bucket logs receives access logs and has server access logging of its own/)]);
  });
});

describe("load-balancers-log-access", () => {
  const ingress = (attributes?: string, ingressClassName = "alb"): TestResource =>
    resource(
      TYPES.ingress,
      {
        metadata: { name: "signalling", annotations: attributes ? { [ALB_ATTRIBUTES_ANNOTATION]: attributes } : {} },
        spec: { ingressClassName },
      },
      "signalling",
    );
  const nlb = (attributes?: string): TestResource =>
    resource(
      TYPES.service,
      {
        metadata: { name: "turn", annotations: attributes ? { [NLB_ATTRIBUTES_ANNOTATION]: attributes } : {} },
        spec: { type: "LoadBalancer", loadBalancerClass: "service.k8s.aws/nlb" },
      },
      "turn",
    );
  const logged = "access_logs.s3.enabled=true,access_logs.s3.bucket=logs-abc,access_logs.s3.prefix=alb";

  it("passes an ALB and an NLB that write access logs, among their other attributes", async () => {
    expect(await check(loadBalancersLogAccess, [ingress(`idle_timeout.timeout_seconds=3600,${logged}`)])).toEqual([]);
    expect(await check(loadBalancersLogAccess, [nlb(`${logged}, load_balancing.cross_zone.enabled=true`)])).toEqual([]);
  });

  it("reports load balancers without access logs, or with logs off or no bucket", async () => {
    for (const attributes of [undefined, "idle_timeout.timeout_seconds=3600", "access_logs.s3.enabled=true"]) {
      expect(await check(loadBalancersLogAccess, [ingress(attributes)])).toEqual([
        expect.stringMatching(/^ALB of Ingress signalling keeps no access logs/),
      ]);
    }
    expect(
      await check(loadBalancersLogAccess, [nlb("access_logs.s3.enabled=false,access_logs.s3.bucket=logs-abc")]),
    ).toEqual([expect.stringMatching(/^NLB of Service turn keeps no access logs/)]);
  });

  it("reports an attributes annotation the controller cannot parse", async () => {
    expect(await check(loadBalancersLogAccess, [ingress(`${logged},oops`)])).toEqual([
      expect.stringMatching(/is not a list of key=value pairs/),
    ]);
  });

  it("leaves alone what the controller does not turn into a load balancer", async () => {
    const clusterIp = resource(TYPES.service, { metadata: { name: "livekit" }, spec: { type: "ClusterIP" } });
    expect(await check(loadBalancersLogAccess, [ingress(undefined, "nginx"), clusterIp])).toEqual([]);
  });
});

describe("elasticache-encrypted-with-auth", () => {
  const group = (props: Record<string, unknown>) =>
    resource(TYPES.replicationGroup, {
      transitEncryptionEnabled: true,
      atRestEncryptionEnabled: true,
      authToken: "0123456789abcdef0123",
      ...props,
    });

  it("passes TLS, encryption at rest and an AUTH token", async () => {
    expect(await check(elasticacheEncryptedWithAuth, group({}))).toEqual([]);
  });

  it("reports each one missing", async () => {
    expect(await check(elasticacheEncryptedWithAuth, group({ transitEncryptionEnabled: false }))).toEqual([
      expect.stringMatching(/transitEncryptionEnabled/),
    ]);
    expect(await check(elasticacheEncryptedWithAuth, group({ atRestEncryptionEnabled: undefined }))).toEqual([
      expect.stringMatching(/atRestEncryptionEnabled/),
    ]);
    expect(await check(elasticacheEncryptedWithAuth, group({ authToken: undefined }))).toEqual([
      expect.stringMatching(/authToken/),
    ]);
  });
});

describe("configmaps-hold-no-credentials", () => {
  const configMap = (data: Record<string, string>, binaryData?: Record<string, string>) =>
    resource(TYPES.configMap, {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", namespace: "livekit" },
      data,
      binaryData,
    });
  const clean = async (data: Record<string, string>) =>
    expect(await check(configMapsHoldNoCredentials, configMap(data))).toEqual([]);
  const dirty = async (data: Record<string, string>, pattern: RegExp) =>
    expect(await check(configMapsHoldNoCredentials, configMap(data))).toEqual(
      expect.arrayContaining([expect.stringMatching(pattern)]),
    );

  it("passes the platform's own config files (paths to Secret mounts, shell expansions)", async () => {
    const livekit = renderLiveKitServerConfig({
      region: "mumbai",
      rtc: { tcpPort: 7881, portRange: { start: 50000, end: 60000 } },
      turnHost: "turn-mumbai.example.com",
      room: LIVEKIT_DEFAULT_ROOM,
      logging: { level: "info", json: true },
      redis: { host: "redis.example.com", port: 6379 },
    });
    expect(livekit).toMatch(/secret_file: /);
    await clean({
      "config.yaml": livekit,
      "turnserver.conf": renderTurnserverConf(turnserverSettings),
      "start.sh": renderCoturnStartScript(),
    });
    await clean({ "app.env": "TOKEN=${TOKEN}\nPASSWORD=\nsecret_file=/etc/x\n# the api_secret: lives in a Secret" });
    await clean({
      "load.js":
        "// -e LIVEKIT_API_SECRET=...\nconst s = {\n  apiSecret: env('LIVEKIT_API_SECRET', ''),\n  token: settings.token,\n};",
    });
  });

  it("reports literal passwords, secrets and tokens", async () => {
    await dirty(
      { "config.yaml": "api_key: APIabc\napi_secret: s3cr3tvalue\n" },
      /"api_secret" is set to a literal value/,
    );
    await dirty({ "config.yaml": "redis:\n  address: r:6379\n  password: hunter2\n" }, /line 3.*"password"/);
    await dirty({ "app.env": "export AUTH_TOKEN=abc.def.ghi" }, /AUTH_TOKEN/);
    await dirty({ "settings.json": '{"url":"wss://x","apiSecret":"abcdef"}' }, /"apiSecret"/);
    await dirty({ "config.yaml": "db:\n  password: |\n    hunter2\n" }, /"password"/);
    await dirty({ "client.yaml": "token: eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl\n" }, /"token"/);
  });

  it("reports LiveKit key maps, credential-named keys, private keys and AWS access keys", async () => {
    await dirty({ "config.yaml": "port: 7880\nkeys:\n  APIabc123: secretsecretsecret\n" }, /LiveKit `keys:` map/);
    await dirty({ password: "hunter2" }, /its key "password" names a credential/);
    await dirty(
      { "tls.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n" },
      /PEM private key/,
    );
    await dirty({ "aws.conf": "region=ap-south-1\nid=AKIAIOSFODNN7EXAMPLE\n" }, /AWS access key id/);
    const pem = Buffer.from("-----BEGIN PRIVATE KEY-----\nabc\n-----END PRIVATE KEY-----\n").toString("base64");
    expect(await check(configMapsHoldNoCredentials, configMap({}, { "key.der": pem }))).toEqual([
      expect.stringMatching(/PEM private key/),
    ]);
  });

  it("would catch egress's config (the Redis password) put in a ConfigMap instead of a Secret", async () => {
    const egress = renderEgressConfig({
      wsUrl: "ws://livekit",
      logging: { level: "info", json: true },
      maxRecordingSeconds: 3600,
      redis: { host: "redis", port: 6379, password: "redis-auth-token" },
      s3: { bucket: "b", region: "ap-south-1" },
    });
    await dirty({ "config.yaml": egress }, /"password"/);
  });
});

/** A Deployment running `image` (and an init container running `init`), for the two image policies. */
const imageDeployment = (image: string, init?: string) =>
  resource("kubernetes:apps/v1:Deployment", {
    metadata: { name: "app" },
    spec: {
      template: {
        spec: {
          containers: [{ name: "app", image }],
          ...(init ? { initContainers: [{ name: "init", image: init }] } : {}),
        },
      },
    },
  });

describe("container-images-pinned", () => {
  it("passes tags and digests", async () => {
    for (const image of [
      "livekit/livekit-server:v1.13.5",
      "registry.example.com:5000/team/app:1.2.3",
      `grafana/k6@sha256:${"a".repeat(64)}`,
      `coturn/coturn:4.17.0-r0@sha256:${"b".repeat(64)}`,
    ]) {
      expect(await check(containerImagesPinned, imageDeployment(image))).toEqual([]);
    }
  });

  it("reports latest, missing tags and a registry port taken for a tag", async () => {
    expect(await check(containerImagesPinned, imageDeployment("nginx"))).toEqual([expect.stringMatching(/has no tag/)]);
    expect(await check(containerImagesPinned, imageDeployment("nginx:latest"))).toEqual([
      expect.stringMatching(/latest/),
    ]);
    expect(await check(containerImagesPinned, imageDeployment("registry:5000/app"))).toEqual([
      expect.stringMatching(/has no tag/),
    ]);
  });

  it("checks init containers and every workload kind", async () => {
    expect(await check(containerImagesPinned, imageDeployment("app:1", "busybox"))).toEqual([
      expect.stringMatching(/initContainers init/),
    ]);
    const pod = (image: string) => ({ containers: [{ name: "c", image }] });
    const kinds: TestResource[] = [
      resource("kubernetes:core/v1:Pod", { spec: pod("x") }),
      resource("kubernetes:apps/v1:DaemonSet", { spec: { template: { spec: pod("x") } } }),
      resource("kubernetes:apps/v1:StatefulSet", { spec: { template: { spec: pod("x") } } }),
      resource("kubernetes:batch/v1:Job", { spec: { template: { spec: pod("x") } } }),
      resource("kubernetes:batch/v1:CronJob", { spec: { jobTemplate: { spec: { template: { spec: pod("x") } } } } }),
    ];
    for (const k of kinds) expect(await check(containerImagesPinned, k)).toHaveLength(1);
  });
});

describe("container-images-by-digest (advisory)", () => {
  it("is advisory: a warning, never a stopped update", () => {
    expect(containerImagesByDigest.enforcementLevel).toBe("advisory");
  });

  it("warns on a bare tag, in containers and init containers", async () => {
    expect(
      await check(containerImagesByDigest, imageDeployment("livekit/livekit-server:v1.13.5", "curlimages/curl:8.12.1")),
    ).toEqual([
      'Deployment app initContainers init: image "curlimages/curl:8.12.1" is a tag without a digest.',
      'Deployment app containers app: image "livekit/livekit-server:v1.13.5" is a tag without a digest.',
    ]);
  });

  it("passes digests, with or without a tag, through a mirror too; leaves untagged images to container-images-pinned", async () => {
    for (const image of [
      `livekit/livekit-server:v1.13.5@sha256:${"a".repeat(64)}`,
      `123456789012.dkr.ecr.ap-south-1.amazonaws.com/docker-hub/livekit/egress@sha256:${"b".repeat(64)}`,
      "nginx",
    ]) {
      expect(await check(containerImagesByDigest, imageDeployment(image))).toEqual([]);
    }
  });
});

describe("livekit-sfu-pod-shape", () => {
  const sfu = (spec: Record<string, unknown>, name = "livekit-server", image = "livekit/livekit-server:v1.13.5") =>
    resource(TYPES.deployment, {
      metadata: { name, labels: {} },
      spec: {
        template: {
          metadata: { labels: {} },
          spec: {
            hostNetwork: true,
            terminationGracePeriodSeconds: 18000,
            containers: [
              { name: "livekit-server", image, resources: { requests: { cpu: "6500m" }, limits: { memory: "4Gi" } } },
            ],
            ...spec,
          },
        },
      },
    });

  it("passes host networking, no CPU limit and a 5 h drain", async () => {
    expect(await check(livekitSfuPodShape, sfu({}))).toEqual([]);
  });

  it("reports each broken invariant", async () => {
    expect(await check(livekitSfuPodShape, sfu({ hostNetwork: false }))).toEqual([
      expect.stringMatching(/hostNetwork/),
    ]);
    // Unset is the pod network too.
    expect(await check(livekitSfuPodShape, sfu({ hostNetwork: undefined }))).toEqual([
      expect.stringMatching(/hostNetwork is not true/),
    ]);
    expect(await check(livekitSfuPodShape, sfu({ terminationGracePeriodSeconds: 30 }))).toEqual([
      expect.stringMatching(/terminationGracePeriodSeconds is 30/),
    ]);
    expect(await check(livekitSfuPodShape, sfu({ terminationGracePeriodSeconds: undefined }))).toHaveLength(1);
    expect(
      await check(
        livekitSfuPodShape,
        sfu({
          containers: [
            { name: "livekit-server", image: "livekit/livekit-server:v1.13.5", resources: { limits: { cpu: "7" } } },
          ],
        }),
      ),
    ).toEqual([expect.stringMatching(/CPU limit "7"/)]);
  });

  it("recognises the SFU by name, label or image, and leaves other Deployments alone", async () => {
    expect(
      await check(
        livekitSfuPodShape,
        sfu({ hostNetwork: false }, "sfu", "registry.example.com/livekit/livekit-server:v1.13.5"),
      ),
    ).toHaveLength(1);
    expect(
      await check(livekitSfuPodShape, sfu({ hostNetwork: false }, "livekit-egress", "livekit/egress:v1.14.1")),
    ).toEqual([]);
  });

  it("takes the minimum drain from the policy config", async () => {
    expect(
      await check(livekitSfuPodShape, sfu({ terminationGracePeriodSeconds: 3600 }), {
        minTerminationGracePeriodSeconds: 3600,
      }),
    ).toEqual([]);
  });
});

describe("coturn-denies-private-peers", () => {
  const coturn = (conf: string) =>
    resource(TYPES.configMap, { metadata: { name: "coturn-config" }, data: { "turnserver.conf": conf } });
  const denyAll = [
    "10.0.0.0-10.255.255.255",
    "172.16.0.0-172.31.255.255",
    "192.168.0.0-192.168.255.255",
    "127.0.0.0-127.255.255.255",
    "169.254.0.0-169.254.255.255",
    "::1",
    "fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
  ].map((r) => `denied-peer-ip=${r}`);

  it("passes the turnserver.conf the platform renders", async () => {
    expect(await check(coturnDeniesPrivatePeers, coturn(renderTurnserverConf(turnserverSettings)))).toEqual([]);
  });

  it("passes ranges covered in pieces", async () => {
    const split = denyAll
      .filter((l) => !l.includes("10.0.0.0"))
      .concat("denied-peer-ip=10.0.0.0-10.127.255.255", "denied-peer-ip=10.128.0.0-10.255.255.255");
    expect(await check(coturnDeniesPrivatePeers, coturn(split.join("\n")))).toEqual([]);
  });

  it("reports a gap between denied ranges, down to one address", async () => {
    const withGap = (first: string, second: string) =>
      denyAll
        .filter((l) => !l.includes("10.0.0.0"))
        .concat(`denied-peer-ip=${first}`, `denied-peer-ip=${second}`)
        .join("\n");
    expect(
      await check(coturnDeniesPrivatePeers, coturn(withGap("10.0.0.0-10.127.255.255", "10.128.0.1-10.255.255.255"))),
    ).toEqual([expect.stringMatching(/does not cover 10\.0\.0\.0\/8/)]);
    expect(
      await check(coturnDeniesPrivatePeers, coturn(withGap("10.0.0.0-10.127.255.254", "10.128.0.0-10.255.255.255"))),
    ).toEqual([expect.stringMatching(/does not cover 10\.0\.0\.0\/8/)]);
    // Ranges that touch leave no gap; overlapping ones neither.
    expect(
      await check(coturnDeniesPrivatePeers, coturn(withGap("10.0.0.0-10.128.0.5", "10.128.0.0-10.255.255.255"))),
    ).toEqual([]);
  });

  it("reports a missing range (the metadata service's link-local block)", async () => {
    const conf = denyAll.filter((l) => !l.includes("169.254")).join("\n");
    expect(await check(coturnDeniesPrivatePeers, coturn(conf))).toEqual([
      expect.stringMatching(/does not cover 169\.254\.0\.0\/16/),
    ]);
  });

  it("reports allowed-peer-ip re-opening a private range, and allow-loopback-peers", async () => {
    expect(await check(coturnDeniesPrivatePeers, coturn([...denyAll, "allowed-peer-ip=10.20.1.5"].join("\n")))).toEqual(
      [expect.stringMatching(/allowed-peer-ip=10\.20\.1\.5 re-opens part of 10\.0\.0\.0\/8/)],
    );
    expect(await check(coturnDeniesPrivatePeers, coturn([...denyAll, "allow-loopback-peers"].join("\n")))).toHaveLength(
      1,
    );
  });

  it("does not count CIDR syntax, which Coturn rejects", async () => {
    const conf = denyAll
      .filter((l) => !l.includes("192.168"))
      .concat("denied-peer-ip=192.168.0.0/16")
      .join("\n");
    expect(await check(coturnDeniesPrivatePeers, coturn(conf))).toEqual([
      expect.stringMatching(/192\.168\.0\.0\/16 is not an address/),
      expect.stringMatching(/does not cover 192\.168\.0\.0\/16/),
    ]);
  });

  it("leaves other ConfigMaps alone", async () => {
    expect(
      await check(coturnDeniesPrivatePeers, resource(TYPES.configMap, { data: { "config.yaml": "port: 7880" } })),
    ).toEqual([]);
  });
});

// ---------------------------------------------------------------------------------------------------

describe("the pack", () => {
  it("holds every policy once, all mandatory but the digest warning", () => {
    const names = policies.map((p) => p.name);
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(12);
    for (const p of policies)
      expect({ name: p.name, level: p.enforcementLevel }).toEqual({
        name: p.name,
        level: p.name === containerImagesByDigest.name ? "advisory" : "mandatory",
      });
  });

  it("is a Node.js pack with no dependencies of its own, whose index only serves the policies", () => {
    expect(parse(fs.readFileSync(path.join(policyDir, "PulumiPolicy.yaml"), "utf8")).runtime).toBe("nodejs");
    const pkg = JSON.parse(fs.readFileSync(path.join(policyDir, "package.json"), "utf8"));
    expect(pkg).toEqual(
      expect.objectContaining({
        name: expect.any(String),
        version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
        main: "index.ts",
      }),
    );
    expect(pkg.dependencies ?? {}).toEqual({});
    expect(fs.readFileSync(path.join(policyDir, "index.ts"), "utf8")).toMatch(
      /new PolicyPack\("livekit-platform", \{ policies \}\)/,
    );
  });

  it("starts and serves its policies the way the Pulumi CLI runs it", async () => {
    // The nodejs language host runs `node <@pulumi/pulumi/cmd/run-policy-pack> <engine> <pack dir>` in the pack's
    // directory, resolving the module from there: here, from the repository root's node_modules.
    const runner = require.resolve("@pulumi/pulumi/cmd/run-policy-pack", { paths: [policyDir] });
    const child = spawn(process.execPath, [runner, "127.0.0.1:0", "."], {
      cwd: policyDir,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const port = await new Promise<string>((resolve, reject) => {
        let out = "";
        let err = "";
        child.stdout.on("data", (d) => {
          out += d;
          if (/^\d+\s*$/m.test(out)) resolve(out.trim());
        });
        child.stderr.on("data", (d) => (err += d));
        child.on("exit", (code) => reject(new Error(`policy pack exited with ${code}: ${err}`)));
      });
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
      const grpc = require("@grpc/grpc-js");
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
      const { AnalyzerClient } = require("@pulumi/pulumi/proto/analyzer_grpc_pb");
      // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
      const { Empty } = require("google-protobuf/google/protobuf/empty_pb");
      const client = new AnalyzerClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
      const info = await new Promise<any>((resolve, reject) =>
        client.getAnalyzerInfo(new Empty(), (e: Error | null, res: any) => (e ? reject(e) : resolve(res.toObject()))),
      );
      client.close();
      expect(info.name).toBe("livekit-platform");
      expect(info.policiesList.map((p: { name: string }) => p.name)).toEqual(policies.map((p) => p.name));
    } finally {
      child.kill();
    }
  }, 90_000);
});
