/**
 * The global stack: latency routing of <domain> to every deployed region, in Route53 and in Cloudflare.
 *
 * In-process runs feed the StackReferences with region outputs built from the region output contract
 * (stacks/region-outputs.ts): they are the global stack's inputs. End-to-end runs use the plan command,
 * which plans the region stacks themselves and feeds their outputs.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import type * as pulumi from "@pulumi/pulumi";
import { awsRegions } from "../../lib/aws-regions";
import { apiKeyFingerprint } from "../../components/credentials/api-keys";
import { GlobalSettings, parseStackConfig } from "../../stacks/config";
import { globalStack } from "../../stacks/global";
import { readRegionOutputs, regionHostnames, REGION_OUTPUT_KEYS, RegionOutputs } from "../../stacks/region-outputs";
import { listStackNames, stackFilePath } from "../../stacks/stack-files";
import {
  findResource,
  inputsOf,
  isSecret,
  plain,
  PlannedResource,
  PlanResult,
  resourcesOfType,
  runProgram,
} from "../../tools/plan/engine";
import { report } from "../../tools/commands/plan";
import { main as regionCommand } from "../../tools/commands/region";
import { programFingerprint, readCachedOutputs } from "../../tools/plan/cache";
import { mockResource } from "../../tools/plan/mock-cloud";
import { planInChildProcess } from "../../tools/plan/runner";
import { planCommandLoading, projectName, projectRoot, stackConfig, writeTempStackFile } from "../support/plan";
import { copyOfProgram } from "../support/project-copy";
import { SHARED_RUN_HOOK_TIMEOUT_MS, sharedPlanRun } from "../support/shared-plan-runs";

const DOMAIN = "livekit.example.com";
const HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const RECORD = "aws:route53/record:Record";
const MONITOR = "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor";
const POOL = "cloudflare:index/loadBalancerPool:LoadBalancerPool";
const LOAD_BALANCER = "cloudflare:index/loadBalancer:LoadBalancer";
const DNS_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const CF_ACCOUNT = "0123456789abcdef0123456789abcdef";
const CF_ZONE = "fedcba9876543210fedcba9876543210";

/** What a deployed region stack exports, per the contract. */
function regionOutputs(regionLabel: string, awsRegion: string): RegionOutputs {
  const names = regionHostnames(regionLabel, DOMAIN);
  return {
    awsRegion,
    regionLabel,
    signallingHostname: names.signalling,
    turnHostname: names.turn,
    signallingLoadBalancer: {
      dnsName: `k8s-livekit-${regionLabel}-alb.${awsRegion}.elb.amazonaws.com`,
      zoneId: `ZALB${regionLabel.toUpperCase()}`,
    },
    turnLoadBalancer: {
      dnsName: `k8s-coturn-${regionLabel}-nlb.elb.${awsRegion}.amazonaws.com`,
      zoneId: `ZNLB${regionLabel.toUpperCase()}`,
    },
  };
}

/** The application's key as every region exports it beside the contract (stacks/region-outputs.ts). */
const APP_KEY = { applicationKeyId: "APPexamplekey0001", applicationKeySecret: "s".repeat(48) };

/** Every key a region accepts, with its secret's fingerprint: the application's, and the region's own. */
const keysOf = (regionLabel: string) => ({
  apiKeyFingerprints: {
    [APP_KEY.applicationKeyId]: apiKeyFingerprint(APP_KEY.applicationKeySecret),
    [`EGRESS${regionLabel}01`]: apiKeyFingerprint(`egress-${regionLabel}`.padEnd(48, "e")),
    [`LOADTEST${regionLabel}01`]: apiKeyFingerprint(`load-test-${regionLabel}`.padEnd(48, "l")),
  },
});

const mumbai = { ...regionOutputs("mumbai", "ap-south-1"), ...APP_KEY, ...keysOf("mumbai") };
const singapore = { ...regionOutputs("singapore", "ap-southeast-1"), ...APP_KEY, ...keysOf("singapore") };

/** The shipped stack file's `config:` map as YAML values. */
const stackYaml = (stack: string): Record<string, any> =>
  parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;

/** A region stack file: a copy of mumbai's with another region, label and CIDR. */
function regionFile(
  regionLabel: string,
  awsRegion: string,
  cidr: string,
  extra: Record<string, unknown> = {},
): Record<string, unknown> {
  const config = stackYaml("mumbai");
  config["aws:region"] = awsRegion;
  config["aws:defaultTags"].tags.stack = regionLabel;
  config["livekit-platform:regionLabel"] = regionLabel;
  config["livekit-platform:network"].cidr = cidr;
  const merged: Record<string, any> = { ...config, ...extra };
  // Exactly one region file owns the once-per-deployment setting: mumbai, as shipped.
  merged["livekit-platform:dns"] = {
    ...merged["livekit-platform:dns"],
    ownsGlobalNameValidation: regionLabel === "mumbai",
  };
  return merged;
}

/** A project folder of its own (Pulumi.yaml and region stack files), so these tests see exactly these regions. */
function tempProject(files: Record<string, Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-global-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: projectName, runtime: "nodejs" }));
  for (const [stack, config] of Object.entries(files))
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  return dir;
}

const twoRegions = tempProject({
  mumbai: regionFile("mumbai", "ap-south-1", "10.20.0.0/16"),
  singapore: regionFile("singapore", "ap-southeast-1", "10.30.0.0/16"),
});

const cloudflare = {
  "livekit-platform:dns": { provider: "cloudflare", zoneId: CF_ZONE, cloudflareAccountId: CF_ACCOUNT },
};

/** The same two regions with their zone in Cloudflare: a global stack on Cloudflare needs its regions there too. */
const twoCloudflareRegions = tempProject({
  mumbai: regionFile("mumbai", "ap-south-1", "10.20.0.0/16", cloudflare),
  singapore: regionFile("singapore", "ap-southeast-1", "10.30.0.0/16", cloudflare),
});

/**
 * Runs the global stack in this process with the shipped Pulumi.global.yaml (plus overrides), the region
 * files of `root`, and `deployed` answering its StackReferences (a stack not listed has no outputs).
 */
function runGlobal(
  overrides: Record<string, unknown> = {},
  deployed: Record<string, Partial<RegionOutputs> & Record<string, unknown>> = { mumbai, singapore },
  root?: string,
): Promise<PlanResult> {
  const config = stackConfig("global", overrides);
  root ??= JSON.parse(config["livekit-platform:dns"]).provider === "cloudflare" ? twoCloudflareRegions : twoRegions;
  return runProgram(() => globalStack(parseStackConfig(config, "global") as GlobalSettings, root), {
    project: projectName,
    stack: "global",
    config,
    resolveStackReference: async (name) => {
      const outputs = deployed[name.split("/")[2]];
      return outputs && { outputs, secretOutputNames: [] };
    },
  });
}

/** The id the pretend cloud gives a resource: what another resource's input holds when it refers to it. */
const idOf = (r: PlannedResource) =>
  mockResource({ type: r.type, name: r.name, inputs: {}, custom: true } as pulumi.runtime.MockResourceArgs, {
    awsRegion: "us-east-1",
  }).id;

describe("global stack with Route53 (the default)", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await runGlobal();
  });

  it("reads every region stack file's outputs through a StackReference in the organization `organization`", () => {
    expect(resourcesOfType(result, "pulumi:pulumi:StackReference").map((r) => r.name)).toEqual([
      "organization/livekit-platform/mumbai",
      "organization/livekit-platform/singapore",
    ]);
  });

  it("health-checks each region over HTTPS on its own hostname, from the configured checker regions", () => {
    for (const region of [mumbai, singapore]) {
      const check = inputsOf(findResource(result, HEALTH_CHECK, `latency-${region.regionLabel}-signalling`));
      expect(check).toEqual({
        type: "HTTPS",
        fqdn: region.signallingHostname,
        port: 443,
        resourcePath: "/",
        enableSni: true,
        measureLatency: false,
        failureThreshold: 3,
        requestInterval: 30,
        regions: ["ap-southeast-1", "ap-northeast-1", "eu-west-1"],
        tags: { Name: `livekit ${region.regionLabel} signalling` },
      });
    }
    expect(resourcesOfType(result, HEALTH_CHECK)).toHaveLength(2);
  });

  it("answers <domain> with one latency alias per region: its ALB, its AWS region, its health check", () => {
    for (const region of [mumbai, singapore]) {
      const record = findResource(result, RECORD, `latency-${region.regionLabel}-signalling`);
      const check = findResource(result, HEALTH_CHECK, `latency-${region.regionLabel}-signalling`);
      expect(inputsOf(record)).toEqual({
        zoneId: "Z0EXAMPLEZONE00000000",
        name: DOMAIN,
        type: "A",
        setIdentifier: region.regionLabel,
        latencyRoutingPolicies: [{ region: region.awsRegion }],
        aliases: [
          {
            name: region.signallingLoadBalancer.dnsName,
            zoneId: region.signallingLoadBalancer.zoneId,
            evaluateTargetHealth: true,
          },
        ],
        healthCheckId: idOf(check),
      });
      expect(record.dependencies).toEqual([check.urn]);
    }
    // Alias records take Route53's fixed TTL: giving one (or records) would be rejected.
    expect(resourcesOfType(result, RECORD).every((r) => !("ttl" in r.inputs) && !("records" in r.inputs))).toBe(true);
  });

  it("creates no TURN records unless a global TURN name is configured", () => {
    expect(resourcesOfType(result, RECORD).map((r) => inputsOf(r).name)).toEqual([DOMAIN, DOMAIN]);
  });

  it("exports the region label -> wss URL map the token service pins rooms with", () => {
    expect(result.outputs).toMatchObject({
      domain: DOMAIN,
      url: `wss://${DOMAIN}`,
      regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
      notDeployed: [],
    });
    expect(result.warnings).toEqual([]);
  });

  it("takes the checks' threshold, interval, checker regions and latency measurement from config", async () => {
    const tuned = await runGlobal({
      "livekit-platform:dns": {
        provider: "route53",
        zoneId: "Z0EXAMPLEZONE00000000",
        healthCheck: {
          checkerRegions: ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"],
          failureThreshold: 2,
          requestInterval: 10,
          measureLatency: true,
        },
      },
    });
    for (const check of resourcesOfType(tuned, HEALTH_CHECK).map((r) => inputsOf(r))) {
      expect(check).toMatchObject({
        regions: ["us-east-1", "eu-west-1", "ap-southeast-2", "sa-east-1"],
        failureThreshold: 2,
        requestInterval: 10,
        measureLatency: true,
      });
    }
  });

  it("routes a global TURN name to each region's NLB with latency aliases and TCP checks on the regional TURN names", async () => {
    const withTurn = await runGlobal({
      "livekit-platform:dns": { provider: "route53", zoneId: "Z0EXAMPLEZONE00000000", turnHostname: `turn.${DOMAIN}` },
    });
    for (const region of [mumbai, singapore]) {
      const check = findResource(withTurn, HEALTH_CHECK, `latency-${region.regionLabel}-turn`);
      expect(inputsOf(check)).toMatchObject({
        type: "TCP",
        fqdn: region.turnHostname,
        port: 443,
        failureThreshold: 3,
        requestInterval: 30,
      });
      const record = findResource(withTurn, RECORD, `latency-${region.regionLabel}-turn`);
      expect(inputsOf(record)).toEqual({
        zoneId: "Z0EXAMPLEZONE00000000",
        name: `turn.${DOMAIN}`,
        type: "A",
        setIdentifier: region.regionLabel,
        latencyRoutingPolicies: [{ region: region.awsRegion }],
        aliases: [
          { name: region.turnLoadBalancer.dnsName, zoneId: region.turnLoadBalancer.zoneId, evaluateTargetHealth: true },
        ],
        healthCheckId: idOf(check),
      });
      expect(record.dependencies).toEqual([check.urn]);
    }
    expect(withTurn.outputs.turnHostname).toBe(`turn.${DOMAIN}`);
  });
});

describe("global stack with Cloudflare", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await runGlobal(cloudflare);
  });

  it("creates no Route53 resources", () => {
    expect(result.resources.filter((r) => r.type.startsWith("aws:"))).toEqual([]);
  });

  it("monitors LiveKit with one HTTPS GET / expecting 200", () => {
    const [monitor] = resourcesOfType(result, MONITOR);
    expect(resourcesOfType(result, MONITOR)).toHaveLength(1);
    expect(inputsOf(monitor)).toMatchObject({
      accountId: CF_ACCOUNT,
      type: "https",
      method: "GET",
      path: "/",
      port: 443,
      expectedCodes: "200",
      interval: 60,
      timeout: 5,
      retries: 2,
      consecutiveDown: 3, // dns.healthCheck.failureThreshold
    });
    // Host comes from each origin (it takes precedence over the monitor's), so one monitor fits all regions.
    expect(inputsOf(monitor).header).toBeUndefined();
  });

  it("gives each region a pool at its coordinates, with its regional hostname as the only origin", () => {
    const monitor = resourcesOfType(result, MONITOR)[0];
    for (const region of [mumbai, singapore]) {
      const pool = findResource(result, POOL, `latency-signalling-${region.regionLabel}`);
      const facts = awsRegions[region.awsRegion];
      expect(inputsOf(pool)).toMatchObject({
        accountId: CF_ACCOUNT,
        name: `livekit-example-com-${region.regionLabel}`,
        latitude: facts.latitude,
        longitude: facts.longitude,
        monitor: idOf(monitor),
        origins: [
          {
            name: region.regionLabel,
            address: region.signallingHostname,
            enabled: true,
            weight: 1,
            header: { hosts: [region.signallingHostname] },
          },
        ],
      });
      expect(pool.dependencies).toEqual([monitor.urn]);
    }
  });

  it("checks every pool from the same explicit Cloudflare regions for dynamic latency (never ALL_REGIONS, Enterprise only)", async () => {
    // Default: the check regions nearest the deployed regions (mumbai: SAS, singapore: SEAS).
    for (const pool of resourcesOfType(result, POOL)) expect(inputsOf(pool).checkRegions).toEqual(["SAS", "SEAS"]);
    const chosen = await runGlobal({
      "livekit-platform:dns": { ...cloudflare["livekit-platform:dns"], cloudflareCheckRegions: ["WEU", "SAS"] },
    });
    for (const pool of resourcesOfType(chosen, POOL)) expect(inputsOf(pool).checkRegions).toEqual(["WEU", "SAS"]);
  });

  it("checks each pool from its nearest Cloudflare region for proximity steering, which steers by coordinates", async () => {
    const proximity = await runGlobal({
      "livekit-platform:dns": { ...cloudflare["livekit-platform:dns"], cloudflareSteering: "proximity" },
    });
    expect(inputsOf(findResource(proximity, POOL, "latency-signalling-mumbai")).checkRegions).toEqual(["SAS"]);
    expect(inputsOf(findResource(proximity, POOL, "latency-signalling-singapore")).checkRegions).toEqual(["SEAS"]);
    expect(inputsOf(resourcesOfType(proximity, LOAD_BALANCER)[0]).steeringPolicy).toBe("proximity");
  });

  it("puts a DNS-only load balancer on <domain> over every pool, steering by latency, falling back to the first region", () => {
    const [lb] = resourcesOfType(result, LOAD_BALANCER);
    const pools = ["mumbai", "singapore"].map((r) => findResource(result, POOL, `latency-signalling-${r}`));
    expect(inputsOf(lb)).toMatchObject({
      zoneId: CF_ZONE,
      name: DOMAIN,
      steeringPolicy: "dynamic_latency",
      proxied: false,
      defaultPools: pools.map(idOf),
      fallbackPool: idOf(pools[0]),
      sessionAffinity: "none",
      ttl: 30,
    });
    expect(lb.dependencies.sort()).toEqual(pools.map((p) => p.urn).sort());
  });

  it("falls back to the configured region, when it is deployed", async () => {
    const configured = await runGlobal({
      "livekit-platform:dns": { ...cloudflare["livekit-platform:dns"], cloudflareFallbackRegion: "singapore" },
    });
    expect(inputsOf(resourcesOfType(configured, LOAD_BALANCER)[0]).fallbackPool).toBe(
      idOf(findResource(configured, POOL, "latency-signalling-singapore")),
    );

    const notYet = await runGlobal(
      { "livekit-platform:dns": { ...cloudflare["livekit-platform:dns"], cloudflareFallbackRegion: "singapore" } },
      { mumbai },
    );
    expect(inputsOf(resourcesOfType(notYet, LOAD_BALANCER)[0]).fallbackPool).toBe(
      idOf(findResource(notYet, POOL, "latency-signalling-mumbai")),
    );
    expect(notYet.warnings).toContain(
      "dns.cloudflareFallbackRegion singapore is not deployed yet; the fallback pool is mumbai's until it is",
    );
  });

  it("keeps TURN DNS-only: a global TURN name gets its own unproxied load balancer over the regional TURN names, checked over TCP", async () => {
    const withTurn = await runGlobal({
      "livekit-platform:dns": { ...cloudflare["livekit-platform:dns"], turnHostname: `turn.${DOMAIN}` },
    });
    const turnMonitor = findResource(withTurn, MONITOR, "latency-turn");
    expect(inputsOf(turnMonitor)).toMatchObject({ type: "tcp", port: 443, method: "connection_established" });
    for (const region of [mumbai, singapore]) {
      const pool = findResource(withTurn, POOL, `latency-turn-${region.regionLabel}`);
      expect(inputsOf(pool).origins).toEqual([
        { name: region.regionLabel, address: region.turnHostname, enabled: true, weight: 1 },
      ]);
      expect(pool.dependencies).toEqual([turnMonitor.urn]);
    }
    const turnLb = findResource(withTurn, LOAD_BALANCER, "latency-turn");
    expect(inputsOf(turnLb)).toMatchObject({
      name: `turn.${DOMAIN}`,
      proxied: false,
      steeringPolicy: "dynamic_latency",
    });
    // Nothing this stack publishes in Cloudflare is proxied.
    const published = [...resourcesOfType(withTurn, LOAD_BALANCER), ...resourcesOfType(withTurn, DNS_RECORD)];
    expect(published.map((r) => inputsOf(r).proxied)).toEqual([false, false]);
  });
});

describe("regions that are not deployed yet", () => {
  it("leaves out a region whose stack lacks the load balancer outputs, with a warning, and routes to the others", async () => {
    const { signallingLoadBalancer: _alb, turnLoadBalancer: _nlb, ...withoutLoadBalancers } = singapore;
    const result = await runGlobal({}, { mumbai, singapore: withoutLoadBalancers });
    expect(resourcesOfType(result, RECORD).map((r) => inputsOf(r).setIdentifier)).toEqual(["mumbai"]);
    expect(resourcesOfType(result, HEALTH_CHECK).map((r) => inputsOf(r).fqdn)).toEqual([mumbai.signallingHostname]);
    expect(result.warnings).toEqual([
      "region stack singapore is not deployed yet (no outputs signallingLoadBalancer, turnLoadBalancer); singapore is left out of " +
        "the routing until `pulumi up --stack singapore` and then `pulumi up --stack global`",
    ]);
    expect(result.outputs).toMatchObject({
      regionUrls: { mumbai: "wss://mumbai.livekit.example.com" },
      notDeployed: ["singapore"],
    });
  });

  it("creates nothing but warns when no region is deployed", async () => {
    for (const overrides of [{}, cloudflare]) {
      const result = await runGlobal(overrides, {});
      expect(result.resources.filter((r) => r.custom && !r.read)).toEqual([]);
      expect(result.warnings).toContain(
        "no region stack is deployed yet (mumbai, singapore); livekit.example.com routes nowhere and the global stack creates nothing",
      );
      expect(result.outputs).toMatchObject({ regionUrls: {}, notDeployed: ["mumbai", "singapore"] });
    }
  });

  it("routes to what a region deployed, and says so, when its stack file has changed since", async () => {
    const result = await runGlobal({}, { mumbai: { ...mumbai, awsRegion: "ap-south-2" }, singapore });
    expect(inputsOf(findResource(result, RECORD, "latency-mumbai-signalling")).latencyRoutingPolicies).toEqual([
      { region: "ap-south-2" },
    ]);
    expect(result.warnings).toEqual([
      "region stack mumbai is deployed with awsRegion ap-south-2 (file: ap-south-1); routing follows the deployed stack until " +
        "`pulumi up --stack mumbai` applies Pulumi.mumbai.yaml",
    ]);
  });

  it("tells a missing output (not deployed yet) from one that breaks the contract (an error, never routed to)", () => {
    expect(readRegionOutputs("x", {})).toEqual({ deployed: false, missing: [...REGION_OUTPUT_KEYS] });
    const contract = regionOutputs("mumbai", "ap-south-1");
    expect(readRegionOutputs("x", mumbai)).toEqual({ deployed: true, outputs: contract });
    expect(() =>
      readRegionOutputs("mumbai", { ...mumbai, signallingLoadBalancer: { dnsName: "", zoneId: "Z1" } }),
    ).toThrow(
      'region stack mumbai: output signallingLoadBalancer.dnsName does not follow the region output contract (stacks/region-outputs.ts): expected a non-empty string, got ""',
    );
    expect(() => readRegionOutputs("mumbai", { ...mumbai, turnLoadBalancer: "k8s-nlb.elb.amazonaws.com" })).toThrow(
      'output turnLoadBalancer does not follow the region output contract (stacks/region-outputs.ts): expected { dnsName, zoneId }, got "k8s-nlb.elb.amazonaws.com"',
    );
  });
});

describe("the application's key", () => {
  it("is exported once the regions agree on it, the secret as a Pulumi secret", async () => {
    const result = await runGlobal();
    expect(result.outputs.applicationKeyId).toBe(APP_KEY.applicationKeyId);
    expect(isSecret(result.outputs.applicationKeySecret)).toBe(true);
    expect(plain(result.outputs.applicationKeySecret)).toBe(APP_KEY.applicationKeySecret);
  });

  it("stops the global stack with one line naming the region that signs with another key (exit 2 in the plan)", async () => {
    const other = { ...singapore, applicationKeyId: "APPotherkey0002" };
    const error = await runGlobal({}, { mumbai, singapore: other }).catch((e: Error) => e);
    let stderr = "";
    expect(report(error, (t) => (stderr += t))).toBe(2);
    expect(stderr).toBe(
      "error: Pulumi.singapore.yaml livekit-platform:applicationKeys.signing: region stack singapore signs with " +
        "another application key than mumbai (APPexamplekey0001); every region must sign with the same key: set the " +
        'same applicationKeys in every region file and `pulumi up` it, got "APPotherkey0002"\n',
    );
  });

  it("leaves a region deployed before it exported the key out of the check, with a warning, and still routes to it", async () => {
    const { applicationKeyId: _id, applicationKeySecret: _secret, ...old } = singapore;
    const result = await runGlobal({}, { mumbai, singapore: old });
    expect(result.warnings).toEqual([
      "region stack singapore exports no applicationKeyId yet; `pulumi up --stack singapore` to export the application's key",
    ]);
    expect(result.outputs.applicationKeyId).toBe(APP_KEY.applicationKeyId);
    expect(Object.keys(result.outputs.regionUrls as object)).toEqual(["mumbai", "singapore"]);
  });
});

describe("the API keys across regions", () => {
  const fingerprints = (outputs: { apiKeyFingerprints: Record<string, string> }) => outputs.apiKeyFingerprints;
  /** The two regions in global rooms mode, with egress's and the load tests' keys from config. */
  const serviceKeys = {
    egress: { id: "EGRESSshared01", secret: { secure: "v1:REPLACE-ME-egress" } },
    loadTest: { id: "LOADTESTshared01", secret: { secure: "v1:REPLACE-ME-load-test" } },
  };
  const globalRooms = {
    "livekit-platform:rooms": { mode: "global", hub: "mumbai" },
    "livekit-platform:serviceKeys": serviceKeys,
  };
  const sharedKeys = {
    [APP_KEY.applicationKeyId]: apiKeyFingerprint(APP_KEY.applicationKeySecret),
    EGRESSshared01: apiKeyFingerprint("e".repeat(48)),
    LOADTESTshared01: apiKeyFingerprint("l".repeat(48)),
  };

  it("lets each region keep keys of its own in regional mode, but one key id means one secret everywhere", async () => {
    expect((await runGlobal()).warnings).toEqual([]);
    const otherSecret = { ...fingerprints(singapore), [APP_KEY.applicationKeyId]: apiKeyFingerprint("t".repeat(48)) };
    const error = await runGlobal({}, { mumbai, singapore: { ...singapore, apiKeyFingerprints: otherSecret } }).catch(
      (e: Error) => e,
    );
    let stderr = "";
    expect(report(error, (t) => (stderr += t))).toBe(2);
    expect(stderr).toBe(
      "error: Pulumi.singapore.yaml livekit-platform:applicationKeys.keys: region stack singapore holds another secret " +
        "for API key APPexamplekey0001 than mumbai; a token signed with it in one region fails in the other: set the " +
        'same secret in every region file and `pulumi up` each region, got "APPexamplekey0001"\n',
    );
  });

  it("requires every key in every region in global rooms mode, where a refreshed token can reach any region", async () => {
    const root = tempProject({
      mumbai: regionFile("mumbai", "ap-south-1", "10.20.0.0/16", globalRooms),
      singapore: regionFile("singapore", "ap-southeast-1", "10.30.0.0/16", globalRooms),
    });
    const deployed = (singaporeKeys: Record<string, string>) => ({
      mumbai: { ...mumbai, apiKeyFingerprints: sharedKeys },
      singapore: { ...singapore, apiKeyFingerprints: singaporeKeys },
    });
    expect((await runGlobal({}, deployed(sharedKeys), root)).warnings).toEqual([]);
    // Singapore still runs with its generated load-test key (deployed before its file took the shared one).
    const { LOADTESTshared01: _, ...stale } = { ...sharedKeys, LOADTESTsingapore01: apiKeyFingerprint("x".repeat(48)) };
    const error = await runGlobal({}, deployed(stale), root).catch((e: Error) => e);
    expect((error as Error).message).toBe(
      "Pulumi.singapore.yaml livekit-platform:serviceKeys.loadTest: region stack singapore does not accept API key " +
        "LOADTESTshared01, which mumbai holds; in global rooms mode livekit-server refreshes participants' tokens with " +
        "any key of its key file and they reconnect through any region, so every region must hold the same keys: set " +
        'them in every region file and `pulumi up` every region, the hub first, got "LOADTESTshared01"',
    );
    // The same set in regional mode is fine: each region's generated keys are its own.
    expect((await runGlobal({}, deployed(stale))).warnings).toEqual([]);
  });

  it("leaves a region deployed before it exported its keys out of the check, with a warning", async () => {
    const { apiKeyFingerprints: _, ...old } = singapore;
    const result = await runGlobal({}, { mumbai, singapore: old });
    expect(result.warnings).toEqual([
      "region stack singapore exports no apiKeyFingerprints yet; `pulumi up --stack singapore` to export them " +
        "(its keys are left out of the check across regions until then)",
    ]);
  });
});

describe("region files that clash", () => {
  // The checks themselves are in test/stacks/stack-file-checks.test.ts; this is how the global plan reports one.
  it("stop the global plan with exit 2 and one line naming both files", async () => {
    const root = copyOfProject();
    let run: Awaited<ReturnType<typeof planInChildProcess>>;
    try {
      fs.writeFileSync(
        path.join(root, "Pulumi.bombay.yaml"),
        stringify({ config: regionFile("bombay", "ap-south-1", "10.21.0.0/16") }),
      );
      run = await planInChildProcess(root, "global", ["--out", path.join(root, ".plan", "global")]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true }); // unlinks the node_modules link, never its target
    }
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 2,
      stderr:
        'error: Pulumi.mumbai.yaml aws:region: is also the region of Pulumi.bombay.yaml; one region stack per AWS region, got "ap-south-1"\n',
    });
  }, 60_000);
});

/** The program and its shipped stack files in a temp folder (node_modules linked), to plan a changed set of files. */
function copyOfProject(): string {
  const dir = copyOfProgram("lk-project-");
  for (const stack of listStackNames(projectRoot)) {
    fs.copyFileSync(
      stackFilePath(projectRoot, stack),
      path.join(dir, path.basename(stackFilePath(projectRoot, stack))),
    );
  }
  const cache = path.join(projectRoot, ".plan", ".cache");
  if (fs.existsSync(cache)) fs.cpSync(cache, path.join(dir, ".plan", ".cache"), { recursive: true });
  return dir;
}

describe("a region stack whose plan fails", () => {
  it("stops the global plan with one line naming that stack and its error", async () => {
    const root = copyOfProject();
    let run: Awaited<ReturnType<typeof planInChildProcess>>;
    try {
      // canada the only region, so the global plan plans that one alone.
      for (const stack of ["mumbai", "singapore"]) fs.rmSync(path.join(root, `Pulumi.${stack}.yaml`));
      fs.writeFileSync(
        path.join(root, "Pulumi.canada.yaml"),
        stringify({
          config: {
            ...regionFile("canada", "ca-central-1", "10.250.0.0/16"),
            // The only region owns the global name's validation record.
            "livekit-platform:dns": regionFile("mumbai", "ap-south-1", "10.250.0.0/16")["livekit-platform:dns"],
          },
        }),
      );
      // A region program that breaks for canada only, once its config has passed the global stack's checks.
      const region = path.join(root, "stacks", "region.ts");
      fs.writeFileSync(
        region,
        `if (require("@pulumi/pulumi").getStack() === "canada") throw new Error("canada's program is broken");\n` +
          fs.readFileSync(region, "utf8"),
      );
      run = await planInChildProcess(root, "global", ["--out", path.join(root, ".plan", "global")]);
    } finally {
      fs.rmSync(root, { recursive: true, force: true }); // unlinks the node_modules link, never its target
    }
    // The region's own plan prints the error and its stack trace; the global plan passes on the error line.
    expect({ code: run.code, stderr: run.stderr }).toEqual({
      code: 1,
      stderr: "error: stack canada: Error: canada's program is broken\n",
    });
  }, 120_000);
});

describe("npm run plan -- --stack global", () => {
  // Adding a region is one new stack file, which `npm run region -- add` writes: mumbai's settings with its
  // region, label, tags and VPC range changed and the once-only settings left out. Done in a copy of the
  // project, so the other tests (planning the real root) never see the extra file.
  const stack = "frankfurt";
  const out = fs.mkdtempSync(path.join(os.tmpdir(), "lk-global-plan-"));
  const readPlan = (name: string) => JSON.parse(fs.readFileSync(path.join(out, name, "plan.json"), "utf8"));
  // eu-central-1, unless a real region stack already uses it.
  const taken = new Set(listStackNames(projectRoot).map((s) => stackYaml(s)["aws:region"]));
  const awsRegion = ["eu-central-1", ...Object.keys(awsRegions)].find((r) => !taken.has(r))!;
  let root: string;
  /** The shipped global stack's plan, before the region is added: the copy holds the same program and files. */
  let globalBefore: string;
  beforeAll(async () => {
    // Plan the shipped regions once: the global plans below, here and in the copy, then read them from the
    // plan cache (same program, same stack files) instead of planning them again. A region another test file
    // has planned already is in the cache.
    const uncached = ["mumbai", "singapore"].filter(
      (s) => readCachedOutputs(projectRoot, s, stackFilePath(projectRoot, s)) === undefined,
    );
    for (const run of await Promise.all(uncached.map((s) => sharedPlanRun(s)))) {
      expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: "" });
    }
    root = copyOfProject();
    const before = await sharedPlanRun("global");
    expect({ code: before.code, stderr: before.stderr }).toEqual({ code: 0, stderr: "" });
    globalBefore = before.out;
  }, SHARED_RUN_HOOK_TIMEOUT_MS);
  afterAll(() => {
    fs.rmSync(root, { recursive: true, force: true }); // unlinks the node_modules link, never its target
    fs.rmSync(out, { recursive: true, force: true });
  });

  it("plans a region added with npm run region -- add, and the global plan then routes to it too (Route53)", async () => {
    let printed = "";
    const added = regionCommand(
      ["add", stack, awsRegion],
      { log: (t) => (printed += t), error: (t) => (printed += t) },
      root,
    );
    expect({ added, printed }).toEqual({ added: 0, printed: expect.stringContaining(`Wrote Pulumi.${stack}.yaml`) });
    // The key step: the application key's secret, copied through Pulumi into the new stack.
    expect(printed).toContain(`npm run keys -- copy mumbai ${stack}`);
    // The region first: the global plan then finds its plan cached instead of planning it again.
    const region = await planInChildProcess(root, stack, ["--out", path.join(out, stack)]);
    expect({ code: region.code, stderr: region.stderr }).toEqual({ code: 0, stderr: "" });
    // Compared with the global plan before the region was added.
    const global = await planInChildProcess(root, "global", [
      "--out",
      path.join(out, "global"),
      "--diff",
      globalBefore,
    ]);
    expect({ code: global.code, stderr: global.stderr }).toEqual({ code: 3, stderr: "" });
    // The diff names the one region added, not every region as changed: lists are matched by their items' names.
    const diff = global.stdout.slice(global.stdout.indexOf("Diff against "));
    expect(diff).toMatch(new RegExp(`~ regions routed: mumbai, singapore → .*${stack}`));
    expect(diff).toContain(`+ record A ${DOMAIN} (${stack}): alias `);
    expect(diff).toContain(`+ health check latency-${stack}-signalling: HTTPS ${stack}.${DOMAIN}:443/`);
    expect(diff).toContain(`+ aws:route53/record:Record latency-${stack}-signalling`);
    expect(diff).toContain(`~ regions[stack=${stack}]: (none) → `);
    expect(diff).not.toMatch(/regions\[(\d+|stack=(mumbai|singapore))\]/);
    expect(diff).not.toMatch(/^ {2}[~±-] .*latency-(mumbai|singapore)/m);

    const regionPlan = readPlan(stack);
    const globalPlan = readPlan("global");
    expect(regionPlan.outputs).toMatchObject({
      awsRegion,
      regionLabel: stack,
      signallingHostname: `${stack}.${DOMAIN}`,
    });
    expect(globalPlan.resources.map((r: PlannedResource) => r.name)).toContain(
      `organization/livekit-platform/${stack}`,
    );
    // Planned, the new region exports the whole contract, so the global plan routes to it.
    expect(readRegionOutputs(stack, regionPlan.outputs).deployed).toBe(true);
    const record = globalPlan.resources.find(
      (r: PlannedResource) => r.type === RECORD && r.inputs.setIdentifier === stack,
    );
    expect(record?.inputs).toMatchObject({ name: DOMAIN, latencyRoutingPolicies: [{ region: awsRegion }] });
    expect(globalPlan.outputs.regionUrls[stack]).toBe(`wss://${stack}.${DOMAIN}`);
  }, 120_000);

  it("finds the shipped regions' plans in the copy's cache: the copy is the same program", () => {
    // Otherwise every global plan in the copy plans mumbai and singapore again, in child processes.
    expect(programFingerprint(root)).toBe(programFingerprint(projectRoot));
    for (const s of ["mumbai", "singapore"]) {
      expect(readCachedOutputs(root, s, stackFilePath(root, s))).toEqual(
        readCachedOutputs(projectRoot, s, stackFilePath(projectRoot, s)),
      );
    }
  });

  it("region stacks export every key of the region output contract", () => {
    const regionPlan = readPlan(stack);
    expect(REGION_OUTPUT_KEYS.filter((key) => regionPlan.outputs[key] === undefined)).toEqual([]);
  });

  it("refuses a global stack switched to Cloudflare while the shipped region files stay on Route53, exit 2, before loading the engine", async () => {
    // Routing would move to Cloudflare while every regional name and certificate stays in the Route53 zone.
    const config = stackYaml("global");
    config["livekit-platform:dns"] = { ...cloudflare["livekit-platform:dns"], turnHostname: `turn.${DOMAIN}` };
    const stackFile = writeTempStackFile("global", config);
    const run = await planCommandLoading(
      "global",
      "--stack-file",
      stackFile,
      "--out",
      path.join(out, "global-cloudflare"),
    );
    expect({ code: run.code, stderr: run.stderr, engine: run.engine }).toEqual({
      code: 2,
      stderr:
        'error: Pulumi.mumbai.yaml livekit-platform:dns.provider: must be the global stack\'s DNS provider cloudflare (regional names and certificate validation live in the same zone), got "route53"\n',
      engine: false,
    });
    expect(fs.existsSync(path.join(out, "global-cloudflare"))).toBe(false);
  }, 120_000);
});
