/**
 * Stack file checks beyond one setting: provider keys, zone ids by provider, the rules between a region's
 * settings, secrets never echoed, and the global plan's view of every stack file of the project.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { GlobalStackConfig, parseStackConfig } from "../../stacks/config";
import { checkRegionAgainstSiblings, checkRegionStacks, discoverRegionStacks } from "../../stacks/regions";
import {
  kubernetesMinorProblem,
  PROVIDER_KEYS,
  regionCrossFieldIssue,
  zoneIdProblem,
} from "../../stacks/stack-file-checks";
import { readStackFile, stackFilePath } from "../../stacks/stack-files";
import { versions } from "../../lib/versions";
import { projectName, projectRoot, stackConfig } from "../support/plan";

const stackYaml = (stack: string): Record<string, any> =>
  parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;

/** A project folder with these stack files (config maps, or raw text). */
function tempProject(files: Record<string, Record<string, unknown> | string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-checks-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: projectName, runtime: "nodejs" }));
  for (const [stack, config] of Object.entries(files)) {
    const text = typeof config === "string" ? config : stringify({ config });
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  }
  return dir;
}

/** Mumbai's file as another region. */
function region(stack: string, awsRegion: string, cidr: string, extra: Record<string, unknown> = {}) {
  const config = stackYaml("mumbai");
  config["aws:region"] = awsRegion;
  config["aws:defaultTags"].tags.stack = stack;
  config["livekit-platform:regionLabel"] = stack;
  config["livekit-platform:network"].cidr = cidr;
  // The once-per-deployment setting stays with mumbai.
  config["livekit-platform:dns"] = { ...config["livekit-platform:dns"], ownsGlobalNameValidation: stack === "mumbai" };
  return { ...config, ...extra };
}

const globalCfg = (raw = stackConfig("global")) => parseStackConfig(raw, "global") as GlobalStackConfig;
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("provider keys", () => {
  it.each(Object.keys(PROVIDER_KEYS))("lists exactly the config variables of the pinned @pulumi/%s", (ns) => {
    const vars = fs.readFileSync(path.join(projectRoot, "node_modules", "@pulumi", ns, "config", "vars.d.ts"), "utf8");
    const names = [...vars.matchAll(/export declare const (\w+)/g)].map((m) => m[1]).sort();
    expect([...PROVIDER_KEYS[ns]].sort()).toEqual(names);
  });

  it("has pinned add-ons for the Kubernetes version this program defaults to", () => {
    expect(kubernetesMinorProblem(versions.kubernetes)).toBeUndefined();
  });

  it("refuses a minor EKS offers but lib/versions.ts has no add-ons for, naming the minors it has", () => {
    expect(kubernetesMinorProblem("1.34")).toBe(
      "has no EKS add-on builds pinned in lib/versions.ts eksAddons (pinned: 1.35, 1.36); pin vpc-cni, kube-proxy, coredns and eks-pod-identity-agent for it there first",
    );
  });
});

describe("DNS zone ids by provider", () => {
  it.each([
    ["route53", "Z0EXAMPLEZONE00000000", undefined],
    ["route53", "Z1D633PJN98FT9", undefined],
    ["route53", "livekit.example.com", "must be a Route53 hosted zone id"],
    ["route53", "12345", "must be a Route53 hosted zone id"],
    ["route53", "/hostedzone/Z1D633PJN98FT9", "without the /hostedzone/ prefix"],
    ["route53", "0123456789abcdef0123456789abcdef", "looks like a cloudflare zone id"],
    ["cloudflare", "0123456789abcdef0123456789abcdef", undefined],
    ["cloudflare", "Z0EXAMPLEZONE00000000", "looks like a route53 zone id"],
    ["cloudflare", "0123456789ABCDEF0123456789ABCDEF", "must be a Cloudflare zone id"],
  ])("%s %s", (provider, zoneId, problem) => {
    const found = zoneIdProblem(provider, zoneId);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("a region's settings against each other", () => {
  const ok = {
    rtc: { udpPortRange: { start: 50000, end: 60000 }, tcpPort: 7881 },
    turn: { relayPortRange: { start: 40000, end: 49999 }, totalQuota: 8000 },
    cluster: { kubernetesVersion: versions.kubernetes },
  };
  it("accepts the defaults", () => expect(regionCrossFieldIssue(ok)).toBeUndefined());
  it.each([
    ["a TCP port on the signalling port", { ...ok, rtc: { ...ok.rtc, tcpPort: 7880 } }, "rtc.tcpPort"],
    ["a TCP port on LiveKit's metrics port", { ...ok, rtc: { ...ok.rtc, tcpPort: 6789 } }, "rtc.tcpPort"],
    [
      "an SFU range over Coturn's 3478",
      { ...ok, rtc: { ...ok.rtc, udpPortRange: { start: 3000, end: 4000 } } },
      "rtc.udpPortRange",
    ],
    [
      "a relay range over Coturn's 3478",
      { ...ok, turn: { ...ok.turn, relayPortRange: { start: 3000, end: 4000 } } },
      "turn.relayPortRange",
    ],
    ["a quota above the relay range", { ...ok, turn: { ...ok.turn, totalQuota: 10001 } }, "turn.totalQuota"],
    ["an unknown Kubernetes version", { ...ok, cluster: { kubernetesVersion: "1.99" } }, "cluster.kubernetesVersion"],
    [
      "a Kubernetes minor without pinned add-ons",
      { ...ok, cluster: { kubernetesVersion: "1.34" } },
      "cluster.kubernetesVersion",
    ],
    [
      "Prometheus retention above its volume",
      { ...ok, monitoring: { retentionSize: "100GB", volumeSize: "100Gi" } },
      "monitoring.retentionSize",
    ],
    [
      "a subnet both public and private",
      {
        ...ok,
        network: {
          existingVpc: { publicSubnetIds: ["subnet-1", "subnet-2"], privateSubnetIds: ["subnet-2", "subnet-3"] },
        },
      },
      "network.existingVpc.privateSubnetIds",
    ],
  ])("refuses %s", (_what, cfg, key) => {
    expect(regionCrossFieldIssue(cfg)?.path.join(".")).toBe(key);
  });
});

describe("secrets", () => {
  it("never reports the plan's placeholder as the user's value", () => {
    const dir = tempProject({
      mumbai: `config:\n${Object.entries(stackYaml("mumbai"))
        .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
        .join("\n")}\n  livekit-platform:domain:\n    secure: v1:Zm9vYmFyYmF6:cXV4cXV4cXV4\n`.replace(
        / {2}livekit-platform:domain: "livekit.example.com"\n/,
        "",
      ),
    });
    const file = readStackFile(path.join(dir, "Pulumi.mumbai.yaml"));
    const message = errorOf(() => parseStackConfig(file.config, "mumbai", file.secretKeys));
    expect(message).toContain("livekit-platform:domain: is a secure: value");
    expect(message).toMatch(/got a secure: value \(not shown\)$/);
    expect(message).not.toMatch(/placeholder|Zm9v/);
  });

  it("accepts an encrypted credential and refuses a plain one without showing it", () => {
    const raw = stackConfig("global", { "cloudflare:apiToken": "secret-token-value" });
    expect(errorOf(() => parseStackConfig(raw, "global", ["cloudflare:apiToken"]))).toBe("no error");
    const message = errorOf(() => parseStackConfig(raw, "global"));
    expect(message).toContain("cloudflare:apiToken: is a credential");
    expect(message).not.toContain("secret-token-value");
  });
});

describe("the global plan reads every stack file", () => {
  const mumbai = region("mumbai", "ap-south-1", "10.20.0.0/16");
  const singapore = region("singapore", "ap-southeast-1", "10.30.0.0/16");

  it("finds the regions of a sound project", () => {
    const dir = tempProject({ mumbai, singapore, global: stackYaml("global") });
    const regions = discoverRegionStacks(dir, "global");
    expect(regions.map((r) => r.file)).toEqual(["Pulumi.mumbai.yaml", "Pulumi.singapore.yaml"]);
    expect(() => checkRegionStacks(regions, globalCfg())).not.toThrow();
  });

  it.each([
    [
      "a region file without a role",
      { "livekit-platform:role": undefined },
      'Pulumi.singapore.yaml livekit-platform:role: is required, expected "region" or "global", got nothing',
    ],
    [
      "a region file with a misspelt role",
      { "livekit-platform:role": "regions" },
      'Pulumi.singapore.yaml livekit-platform:role: unknown stack role, expected "region" or "global", got "regions"',
    ],
    [
      "a region file whose role is global",
      { "livekit-platform:role": "global" },
      'Pulumi.singapore.yaml livekit-platform:role: is global, but the file sets livekit-platform:regionLabel, a setting of a region stack (wrong role?), got "global"',
    ],
  ])("refuses %s instead of leaving its region out", (_what, change, message) => {
    const broken = { ...singapore, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete (broken as Record<string, unknown>)[k];
    const dir = tempProject({ mumbai, singapore: broken, global: stackYaml("global") });
    expect(errorOf(() => discoverRegionStacks(dir, "global"))).toContain(message);
  });

  it("names the file and line of a YAML error in another stack file", () => {
    const dir = tempProject({ mumbai, singapore: "config:\n  aws:region: ap-southeast-1\n\tbad: tab\n" });
    expect(errorOf(() => discoverRegionStacks(dir, "global"))).toMatch(
      /^Pulumi\.singapore\.yaml line 3: is not valid YAML: Tabs are not allowed as indentation, got "\\tbad: tab"$/,
    );
  });

  const cloudflare = {
    provider: "cloudflare",
    zoneId: "fedcba9876543210fedcba9876543210",
    cloudflareAccountId: "0123456789abcdef0123456789abcdef",
  };
  it.each([
    [
      "a global stack on Cloudflare with its regions on Route53",
      { mumbai, singapore },
      { "livekit-platform:dns": cloudflare },
      'Pulumi.mumbai.yaml livekit-platform:dns.provider: must be the global stack\'s DNS provider cloudflare (regional names and certificate validation live in the same zone), got "route53"',
    ],
    [
      "a region in another zone",
      {
        mumbai,
        singapore: { ...singapore, "livekit-platform:dns": { provider: "route53", zoneId: "Z0OTHERZONE000000000" } },
      },
      {},
      "Pulumi.singapore.yaml livekit-platform:dns.zoneId: must be the global stack's zone Z0EXAMPLEZONE00000000 (every region serves the global stack's domain), got \"Z0OTHERZONE000000000\"",
    ],
    [
      "overlapping VPC ranges",
      { mumbai, singapore: region("singapore", "ap-southeast-1", "10.20.128.0/17") },
      {},
      'Pulumi.singapore.yaml livekit-platform:network.cidr: overlaps 10.20.0.0/16 of Pulumi.mumbai.yaml; keep the regions\' VPC ranges distinct, got "10.20.128.0/17"',
    ],
    [
      "a copied file whose region tag names the region it was copied from",
      {
        mumbai,
        singapore: {
          ...singapore,
          "aws:defaultTags": { tags: { project: "livekit-platform", stack: "singapore", owner: "mumbai" } },
        },
      },
      {},
      'Pulumi.singapore.yaml aws:defaultTags.tags.owner: names the region of Pulumi.mumbai.yaml (a file copied from it?); tag this region\'s resources with its own name, got "mumbai"',
    ],
  ])("refuses %s, naming the file", (_what, files, globalOverrides, message) => {
    const dir = tempProject(files);
    const regions = discoverRegionStacks(dir, "global");
    expect(errorOf(() => checkRegionStacks(regions, globalCfg(stackConfig("global", globalOverrides))))).toBe(message);
  });

  it("checks a region planned on its own against the other region files", () => {
    const dir = tempProject({ mumbai, singapore, global: stackYaml("global") });
    // The application key in the clear: this raw config skips the `secure:` decoding a stack file gets.
    const frankfurt = region("frankfurt", "eu-central-1", "10.30.0.0/20", {
      "livekit-platform:applicationKeys": { signing: "APPexamplekey0001", keys: { APPexamplekey0001: "a".repeat(48) } },
    });
    const raw = Object.fromEntries(
      Object.entries(frankfurt).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, raw, []))).toContain(
      "Pulumi.frankfurt.yaml livekit-platform:network.cidr: overlaps 10.30.0.0/16 of Pulumi.singapore.yaml",
    );
    raw["livekit-platform:network"] = JSON.stringify({ cidr: "10.40.0.0/16" });
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, raw, []))).toBe("no error");
  });
});

describe("the checks, through the schema", () => {
  it.each([
    [{ "livekit-platform:dns": { provider: "route53", zoneId: "livekit.example.com" } }, "livekit-platform:dns.zoneId"],
    [{ "livekit-platform:rtc": { tcpPort: 7880 } }, "livekit-platform:rtc.tcpPort"],
    [{ "livekit-platform:turn": { totalQuota: 20000 } }, "livekit-platform:turn.totalQuota"],
    [
      { "livekit-platform:cluster": { publicAccessCidrs: [], kubernetesVersion: "1.99" } },
      "livekit-platform:cluster.kubernetesVersion",
    ],
    [{ "aws:defaultTag": { tags: {} } }, "aws:defaultTag"],
    [{ "livekit-platfrom:capacity": {} }, "livekit-platfrom:capacity"],
  ])("refuses %j with one line naming %s", (overrides, key) => {
    expect(errorOf(() => parseStackConfig(stackConfig("mumbai", overrides), "mumbai"))).toMatch(
      new RegExp(`^${key.replace(/[.]/g, "\\.")}: .+, got .+$`),
    );
  });
});
