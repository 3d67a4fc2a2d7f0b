/**
 * A component's type token is part of the URN of the component and of every resource under it. Rename one
 * without an alias and the next `pulumi up` creates everything under it anew and deletes the old (a cluster, a
 * Redis replication group, a recordings bucket): CONTRIBUTING.md, "Renames need aliases". So every token a
 * release has shipped is listed here, and each must still be some component's token or be named by an alias
 * (`aliases: [{ type: "<old token>" }]`) in the component that took its place. A change of parent or name is
 * not checked here: compare the URNs of `npm run plan` before and after.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/stack-config";

/** Every component type token in a release. Add a new component's token with the component; never remove one. */
const SHIPPED_TOKENS = [
  "livekit-platform:audit-logs:AuditLogs",
  "livekit-platform:autoscaling:Keda",
  "livekit-platform:autoscaling:MetricsServer",
  "livekit-platform:chaos:Chaos",
  "livekit-platform:cluster:Cluster",
  "livekit-platform:credentials:Credentials",
  "livekit-platform:dns:CloudflareLatencyRouting",
  "livekit-platform:dns:Route53LatencyRouting",
  "livekit-platform:egress:Egress",
  "livekit-platform:endpoints:Endpoints",
  "livekit-platform:iam:PodIdentityRole",
  "livekit-platform:ingress:LoadBalancerController",
  "livekit-platform:karpenter:Karpenter",
  "livekit-platform:livekit:LiveKit",
  "livekit-platform:loadtest:LoadTest",
  "livekit-platform:monitoring:Monitoring",
  "livekit-platform:network:Network",
  "livekit-platform:network-policy:NetworkPolicies",
  "livekit-platform:registry-mirror:RegistryMirror",
  "livekit-platform:redis-hub-peering:RedisHubPeering",
  "livekit-platform:redis:Redis",
  "livekit-platform:redis:RedisAlarms",
  "livekit-platform:storage:BlockStorage",
  "livekit-platform:turn:Coturn",
];

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

const text = sources(path.join(projectRoot, "components"))
  .map((file) => fs.readFileSync(file, "utf8"))
  .join("\n");
const inUse = new Set([...text.matchAll(/super\(\s*"(livekit-platform:[^"]+)"/g)].map((m) => m[1]));
const aliased = new Set([...text.matchAll(/\btype:\s*"(livekit-platform:[^"]+)"/g)].map((m) => m[1]));

describe("component type tokens", () => {
  it("finds the components' tokens in the sources", () => {
    expect(inUse.size).toBeGreaterThan(10);
  });

  it("keeps every shipped token, or an alias naming it where the component took a new one", () => {
    expect(SHIPPED_TOKENS.filter((token) => !inUse.has(token) && !aliased.has(token))).toEqual([]);
  });

  it("lists every token in use as shipped, so a rename of a new component is caught from its first release", () => {
    expect([...inUse].filter((token) => !SHIPPED_TOKENS.includes(token)).sort()).toEqual([]);
  });
});
