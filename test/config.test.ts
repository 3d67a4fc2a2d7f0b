import * as fs from "fs";
import { parse } from "yaml";
import { parseStackConfig, RegionStackConfig, GlobalStackConfig } from "../stacks/config";
import { planCommand, stackConfig, writeTempStackFile } from "./support/plan";
import { stackFilePath } from "../stacks/stack-files";
import { projectRoot } from "./support/plan";

/** The shipped stack file's `config:` map as YAML values (objects, not JSON text). */
function stackYaml(stack: string): Record<string, any> {
  return parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;
}

/** Each bad input, the stack it breaks, and the exact line the user must see. */
const badInputs: Array<{ what: string; stack: string; change: (c: Record<string, any>) => void; message: string }> = [
  {
    what: "a missing AWS region",
    stack: "mumbai",
    change: (c) => delete c["aws:region"],
    message: "error: aws:region: is required, got nothing",
  },
  {
    what: "an unknown AWS region",
    stack: "mumbai",
    change: (c) => (c["aws:region"] = "ap-mumbai-1"),
    message: 'error: aws:region: unknown AWS region, expected one such as ap-south-1 or ap-southeast-1, got "ap-mumbai-1"',
  },
  {
    what: "a malformed domain",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:domain"] = "https://LiveKit.example.com"),
    message: 'error: livekit-platform:domain: must be a lowercase domain name such as livekit.example.com, got "https://LiveKit.example.com"',
  },
  {
    what: "a node count that is not a positive integer",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { sfuNodes: { min: 0, max: 4 } }),
    message: "error: livekit-platform:cluster.sfuNodes.min: must be a positive integer, got 0",
  },
  {
    what: "a fractional node count",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { systemNodes: { min: 2, max: 2.5 } }),
    message: "error: livekit-platform:cluster.systemNodes.max: must be a positive integer, got 2.5",
  },
  {
    what: "min nodes above max nodes",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { sfuNodes: { min: 6, max: 4 } }),
    message: "error: livekit-platform:cluster.sfuNodes.min: must not exceed max (4), got 6",
  },
  {
    what: "a TURN relay range overlapping the SFU's UDP range",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { relayPortRange: { start: 45000, end: 55000 } }),
    message:
      'error: livekit-platform:turn.relayPortRange: overlaps rtc.udpPortRange 50000-60000; Coturn and LiveKit share the node\'s host network, got {"start":45000,"end":55000}',
  },
  {
    what: "a Route53 health-checker region that does not exist",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].healthCheck.checkerRegions = ["ap-southeast-1", "ap-south-1", "eu-west-1"]),
    message:
      'error: livekit-platform:dns.healthCheck.checkerRegions[1]: not a Route53 health-checker region, expected one of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1, got "ap-south-1"',
  },
  {
    what: "an unknown DNS provider",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].provider = "godaddy"),
    message: 'error: livekit-platform:dns.provider: unknown DNS provider, expected "route53" or "cloudflare", got "godaddy"',
  },
  {
    what: "an unknown stack role",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:role"] = "edge"),
    message: 'error: livekit-platform:role: unknown stack role, expected "region" or "global", got "edge"',
  },
  {
    what: "a misspelt setting",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:netwrok"] = { cidr: "10.0.0.0/16" }),
    message: 'error: livekit-platform:netwrok: is not a setting this stack reads (a typo?), got {"cidr":"10.0.0.0/16"}',
  },
];

describe("stack configuration", () => {
  it("reads the shipped region stacks with their defaults filled in", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionStackConfig;
    expect(mumbai).toMatchObject({
      role: "region",
      awsRegion: "ap-south-1",
      regionLabel: "mumbai",
      rtc: { udpPortRange: { start: 50000, end: 60000 }, tcpPort: 7881 },
      cluster: { sfuNodes: { instanceType: "c6i.2xlarge" } },
    });
    const singapore = parseStackConfig(stackConfig("singapore"), "singapore") as RegionStackConfig;
    expect(singapore.awsRegion).toBe("ap-southeast-1");
  });

  it("names a region after its stack when regionLabel is not set", () => {
    const cfg = parseStackConfig(stackConfig("mumbai", { "livekit-platform:regionLabel": undefined }), "bom") as RegionStackConfig;
    expect(cfg.regionLabel).toBe("bom");
  });

  it("reads the global stack", () => {
    const cfg = parseStackConfig(stackConfig("global"), "global") as GlobalStackConfig;
    expect(cfg.dns.healthCheck.checkerRegions).toHaveLength(3);
    expect(cfg.stackReferences).toEqual({ organization: "organization", project: "livekit-platform" });
  });

  it("requires a Cloudflare account id with the cloudflare provider", () => {
    const raw = stackConfig("mumbai", { "livekit-platform:dns": { provider: "cloudflare", zoneId: "abc" } });
    expect(() => parseStackConfig(raw, "mumbai")).toThrow(
      "livekit-platform:dns.cloudflareAccountId: is required when dns.provider is cloudflare, got nothing",
    );
  });

  it.each(badInputs)("rejects $what with one line naming key, problem and value", ({ stack, change, message }) => {
    const yaml = stackYaml(stack);
    change(yaml);
    const raw = Object.fromEntries(Object.entries(yaml).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
    expect(() => parseStackConfig(raw, stack)).toThrow(message.replace(/^error: /, ""));
  });

  it("stops the plan command with exit code 2 and only that line on stderr, for every bad input", async () => {
    const runs = badInputs.map(async ({ stack, change, message }) => {
      const yaml = stackYaml(stack);
      change(yaml);
      const file = writeTempStackFile(stack, yaml);
      const run = await planCommand(stack, "--stack-file", file, "--out", `${file}.plan`);
      expect({ code: run.code, stderr: run.stderr, wrote: fs.existsSync(`${file}.plan`) }).toEqual({
        code: 2,
        stderr: `${message}\n`,
        wrote: false,
      });
    });
    // Two at a time: each is a Node process loading the Pulumi SDK.
    for (let i = 0; i < runs.length; i += 2) await Promise.all(runs.slice(i, i + 2));
  }, 120_000);
});
