/**
 * Shipped stack files as test input, and config mistakes with the exact line the user must see. Pure: no
 * Pulumi runtime is loaded (test/support/plan.ts re-exports these for the tests that run one).
 */
import { findProjectRoot, readProjectName, readStackFile, stackFilePath } from "../../stacks/stack-files";

export const projectRoot = findProjectRoot(__dirname);
export const projectName = readProjectName(projectRoot);

/**
 * A shipped stack file's config as `readStackFile` reads it, parsed once per test file: tests read the same few
 * files hundreds of times, and none writes them (a test that needs another stack file writes a temporary one).
 */
const shippedConfigs = new Map<string, Readonly<Record<string, string>>>();
function shippedConfig(stack: string): Record<string, string> {
  let config = shippedConfigs.get(stack);
  if (!config) {
    config = Object.freeze(readStackFile(stackFilePath(projectRoot, stack), stack).config);
    shippedConfigs.set(stack, config);
  }
  // A copy: its values are strings, so a shallow one is whole.
  return { ...config };
}

/** The raw config of a shipped stack file, with `overrides` (config key -> value) applied. */
export function stackConfig(stack: string, overrides: Record<string, unknown> = {}): Record<string, string> {
  const config = shippedConfig(stack);
  for (const [key, value] of Object.entries(overrides)) {
    if (value === undefined) delete config[key];
    else config[key] = typeof value === "string" ? value : JSON.stringify(value);
  }
  return config;
}

/**
 * The shipped stack file's `config:` map as YAML values (objects, not JSON text), with `secure:` values
 * replaced by the plan's placeholders as the plan command reads them.
 */
export function stackYaml(stack: string): Record<string, any> {
  const config = shippedConfig(stack);
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, /^[[{]/.test(v.trim()) ? JSON.parse(v) : v]));
}

/** Each bad input, the stack it breaks, and the exact line the user must see. */
export const badInputs: Array<{
  what: string;
  stack: string;
  change: (c: Record<string, any>) => void;
  message: string;
}> = [
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
    message:
      'error: aws:region: unknown AWS region, expected one such as ap-south-1 or ap-southeast-1, got "ap-mumbai-1"',
  },
  {
    what: "a malformed domain",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:domain"] = "https://LiveKit.example.com"),
    message:
      'error: livekit-platform:domain: must be a lowercase domain name such as livekit.example.com, got "https://LiveKit.example.com"',
  },
  {
    what: "a node count that is not a positive integer",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { ...c["livekit-platform:cluster"], sfuNodes: { min: 0, max: 4 } }),
    message: "error: livekit-platform:cluster.sfuNodes.min: must be a positive integer, got 0",
  },
  {
    what: "a fractional node count",
    stack: "mumbai",
    change: (c) =>
      (c["livekit-platform:cluster"] = { ...c["livekit-platform:cluster"], systemNodes: { min: 2, max: 2.5 } }),
    message: "error: livekit-platform:cluster.systemNodes.max: must be a positive integer, got 2.5",
  },
  {
    what: "min nodes above max nodes",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:cluster"] = { ...c["livekit-platform:cluster"], sfuNodes: { min: 6, max: 4 } }),
    message: "error: livekit-platform:cluster.sfuNodes.min: must not exceed max (4), got 6",
  },
  {
    what: "access logs kept for less time than recordings",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:auditLogs"] = { retentionDays: 7 }),
    message:
      "error: livekit-platform:auditLogs.retentionDays: must be at least egress.recordingRetentionDays (30): who read a recording must stay known while it exists, got 7",
  },
  {
    what: "a TURN relay range overlapping the SFU's UDP range",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { relayPortRange: { start: 45000, end: 55000 } }),
    message:
      'error: livekit-platform:turn.relayPortRange: overlaps rtc.udpPortRange 50000-60000; Coturn and LiveKit share the node\'s host network, got {"start":45000,"end":55000}',
  },
  {
    what: "a Karpenter CPU limit too small for one node",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:karpenter"] = { sfuCpuLimit: 4 }),
    message:
      "error: livekit-platform:karpenter.sfuCpuLimit: must be a whole number of vCPUs, at least 8 (one 8-vCPU node), got 4",
  },
  {
    what: "a Redis node type that is not an ElastiCache type",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:redis"] = { nodeType: "r7g.large" }),
    message:
      'error: livekit-platform:redis.nodeType: must be an ElastiCache node type such as cache.r7g.large, got "r7g.large"',
  },
  {
    what: "a single Redis node, which cannot fail over",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:redis"] = { nodeCount: 1 }),
    message:
      "error: livekit-platform:redis.nodeCount: must be an integer from 2 to 6 (a primary and 1-5 replicas; failover needs a replica), got 1",
  },
  {
    what: "a Route53 health-checker region that does not exist",
    stack: "global",
    change: (c) =>
      (c["livekit-platform:dns"].healthCheck.checkerRegions = ["ap-southeast-1", "ap-south-1", "eu-west-1"]),
    message:
      'error: livekit-platform:dns.healthCheck.checkerRegions[1]: not a Route53 health-checker region, expected one of us-east-1, us-west-1, us-west-2, eu-west-1, ap-southeast-1, ap-southeast-2, ap-northeast-1, sa-east-1, got "ap-south-1"',
  },
  {
    what: "an unknown DNS provider",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].provider = "godaddy"),
    message:
      'error: livekit-platform:dns.provider: unknown DNS provider, expected "route53" or "cloudflare", got "godaddy"',
  },
  {
    what: "a global TURN name equal to the signalling name",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].turnHostname = c["livekit-platform:domain"]),
    message:
      'error: livekit-platform:dns.turnHostname: must differ from domain (signalling and TURN go to different load balancers), got "livekit.example.com"',
  },
  {
    what: "a Cloudflare monitor timeout as long as its interval",
    stack: "global",
    change: (c) => (c["livekit-platform:dns"].cloudflareMonitor = { interval: 10, timeout: 10 }),
    message: "error: livekit-platform:dns.cloudflareMonitor.timeout: must be shorter than interval (10 s), got 10",
  },
  {
    what: "a runbook link that is not a URL",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:monitoring"] = { runbookUrl: "docs/runbooks.md" }),
    message:
      'error: livekit-platform:monitoring.runbookUrl: must be a URL such as https://github.com/<org>/<repo>/blob/main/docs/runbooks.md, got "docs/runbooks.md"',
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
    message:
      'error: livekit-platform:netwrok: is not a setting this stack reads (did you mean livekit-platform:network?), got {"cidr":"10.0.0.0/16"}',
  },
  {
    what: "a region without the application's key",
    stack: "mumbai",
    change: (c) => delete c["livekit-platform:applicationKeys"],
    message:
      "error: livekit-platform:applicationKeys: is required (the application's API key, the same in every region): run `npm run keys -- new` and the `pulumi config set` lines it prints, got nothing",
  },
  {
    what: "a signing key that is not among the keys",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:applicationKeys"].signing = "APPother"),
    message:
      'error: livekit-platform:applicationKeys.signing: must be one of the ids in applicationKeys.keys (APPexamplekey0001), got "APPother"',
  },
  {
    what: "a short application secret, without echoing it",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:applicationKeys"].keys.APPexamplekey0001 = "tooshort"),
    message:
      'error: livekit-platform:applicationKeys.keys.APPexamplekey0001: must be a secret of at least 32 characters without blanks (set it with --secret), got "[secret of 8 characters]"',
  },
  {
    what: "three application keys at once",
    stack: "mumbai",
    change: (c) =>
      Object.assign(c["livekit-platform:applicationKeys"].keys, {
        APPsecond: "x".repeat(40),
        APPthird: "y".repeat(40),
      }),
    message:
      'error: livekit-platform:applicationKeys.keys: must hold one key, or two while rotating (the old and the new), got ["APPexamplekey0001","APPsecond","APPthird"]',
  },
  {
    what: "a webhook URL that is not https",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:livekit"] = { webhook: { urls: ["http://app.example.com/hook"] } }),
    message:
      'error: livekit-platform:livekit.webhook.urls[0]: must be an https:// URL without user or password (LiveKit signs each request instead), got "http://app.example.com/hook"',
  },
  {
    what: "a webhook URL with credentials in it",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:livekit"] = { webhook: { urls: ["https://u:p@app.example.com/hook"] } }),
    message:
      'error: livekit-platform:livekit.webhook.urls[0]: must be an https:// URL without user or password (LiveKit signs each request instead), got "https://u:p@app.example.com/hook"',
  },
  {
    what: "an empty webhook URL list",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:livekit"] = { webhook: { urls: [] } }),
    message:
      "error: livekit-platform:livekit.webhook.urls: must list at least one https:// URL (omit webhook to turn webhooks off), got []",
  },
  {
    what: "a TURN relay range sharing exactly its last port with the start of the SFU's UDP range",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { relayPortRange: { start: 40000, end: 50000 } }),
    message:
      'error: livekit-platform:turn.relayPortRange: overlaps rtc.udpPortRange 50000-60000; Coturn and LiveKit share the node\'s host network, got {"start":40000,"end":50000}',
  },
  {
    what: "a TURN relay range sharing exactly its first port with the end of the SFU's UDP range",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { relayPortRange: { start: 60000, end: 61000 } }),
    message:
      'error: livekit-platform:turn.relayPortRange: overlaps rtc.udpPortRange 50000-60000; Coturn and LiveKit share the node\'s host network, got {"start":60000,"end":61000}',
  },
  {
    what: "a TURN secret generation label that is not a short DNS label",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { sharedSecret: { current: "Gen_2" } }),
    message:
      'error: livekit-platform:turn.sharedSecret.current: must be a generation label (1-16 lowercase letters, digits and hyphens, such as 2), got "Gen_2"',
  },
  {
    what: "three TURN secret generations accepted at once",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { sharedSecret: { current: "2", alsoAccepted: ["1", "3"] } }),
    message:
      'error: livekit-platform:turn.sharedSecret.alsoAccepted: must name at most one generation besides current (Coturn accepts two secrets at once: the current one and the one coming or going), got ["1","3"]',
  },
  {
    what: "a TURN secret generation accepted twice",
    stack: "mumbai",
    change: (c) => (c["livekit-platform:turn"] = { sharedSecret: { current: "2", alsoAccepted: ["2"] } }),
    message: 'error: livekit-platform:turn.sharedSecret.alsoAccepted: must not name current (2) again, got ["2"]',
  },
  ...["10.0.0.0/33", "10.0.0/16", "ten.0.0.0/16", "10.0.0.256/16", "10.0.0.1/16", "10.0.0.0"].map((cidr) => ({
    what: `an unparsable VPC CIDR (${cidr})`,
    stack: "mumbai",
    change: (c: Record<string, any>) => (c["livekit-platform:network"] = { cidr }),
    message: `error: livekit-platform:network.cidr: must be an IPv4 CIDR block from /16 to /20, such as 10.20.0.0/16, got "${cidr}"`,
  })),
];
