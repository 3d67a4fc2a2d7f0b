/**
 * What a plan publishes in DNS and how it routes: the records (Route 53 or Cloudflare), the health checks that
 * decide which region answers, and the routing between regions (latency records, Cloudflare load balancers and
 * pools). Read from planned resources, for the plan's diff and for report.html.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- planned inputs are untyped JSON */
import { maskSecrets } from "./result";

export interface PlannedInputs {
  type: string;
  name: string;
  inputs: unknown;
}

export interface DnsRecordFact {
  /** `A livekit.example.com` or `CNAME _abc.livekit.example.com`, with the routing set when there is one. */
  key: string;
  name: string;
  type: string;
  /** What it answers: record values, or `alias <target>`. */
  answer: string;
  /** `latency ap-south-1`, `weighted 10`, ... ; empty for a simple record. */
  routing: string;
  healthCheck: string;
  resource: string;
}

export interface HealthCheckFact {
  key: string;
  /** `HTTPS mumbai.livekit.example.com:443/`. */
  target: string;
  /** Interval, threshold and where it probes from. */
  how: string;
  resource: string;
}

export interface LoadBalancerFact {
  key: string;
  hostname: string;
  steering: string;
  pools: string;
  resource: string;
}

const ROUTE53_RECORD = "aws:route53/record:Record";
const ROUTE53_HEALTH_CHECK = "aws:route53/healthCheck:HealthCheck";
const CLOUDFLARE_RECORD = "cloudflare:index/dnsRecord:DnsRecord";
const CLOUDFLARE_MONITOR = "cloudflare:index/loadBalancerMonitor:LoadBalancerMonitor";
const CLOUDFLARE_POOL = "cloudflare:index/loadBalancerPool:LoadBalancerPool";
const CLOUDFLARE_LOAD_BALANCER = "cloudflare:index/loadBalancer:LoadBalancer";

const inputsOf = (r: PlannedInputs) => (maskSecrets(r.inputs) ?? {}) as Record<string, any>;
const list = (v: unknown): any[] => (Array.isArray(v) ? v : []);

function route53Routing(i: Record<string, any>): string {
  const latency = list(i.latencyRoutingPolicies)[0];
  if (latency) return `latency ${latency.region}`;
  const weighted = list(i.weightedRoutingPolicies)[0];
  if (weighted) return `weighted ${weighted.weight}`;
  const failover = list(i.failoverRoutingPolicies)[0];
  if (failover) return `failover ${failover.type}`;
  const geo = list(i.geolocationRoutingPolicies)[0];
  if (geo) return `geolocation ${geo.continent ?? geo.country ?? geo.subdivision ?? "*"}`;
  return "";
}

/** Every DNS record the plan creates. */
export function dnsRecordsOf(resources: PlannedInputs[]): DnsRecordFact[] {
  const found: DnsRecordFact[] = [];
  for (const r of resources) {
    if (r.type === ROUTE53_RECORD) {
      const i = inputsOf(r);
      const alias = list(i.aliases)[0];
      const routing = route53Routing(i);
      found.push({
        key: `${i.type} ${i.name}${i.setIdentifier ? ` (${i.setIdentifier})` : ""}`,
        name: String(i.name),
        type: String(i.type),
        answer: alias ? `alias ${alias.name}` : list(i.records).join(", "),
        routing,
        healthCheck: i.healthCheckId ? String(i.healthCheckId) : "",
        resource: r.name,
      });
    } else if (r.type === CLOUDFLARE_RECORD) {
      const i = inputsOf(r);
      found.push({
        key: `${i.type} ${i.name}`,
        name: String(i.name),
        type: String(i.type),
        answer: `${i.content ?? ""}${i.proxied ? " (proxied)" : ""}`,
        routing: "",
        healthCheck: "",
        resource: r.name,
      });
    }
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** Every health check (Route 53 health checks, Cloudflare monitors). */
export function healthChecksOf(resources: PlannedInputs[]): HealthCheckFact[] {
  const found: HealthCheckFact[] = [];
  for (const r of resources) {
    const i = inputsOf(r);
    if (r.type === ROUTE53_HEALTH_CHECK) {
      const path = i.resourcePath ?? "";
      found.push({
        key: r.name,
        target: `${i.type} ${i.fqdn ?? i.ipAddress}:${i.port}${path}`,
        how: `every ${i.requestInterval ?? 30} s, ${i.failureThreshold ?? 3} failures; from ${list(i.regions).join(", ") || "every checker region"}`,
        resource: r.name,
      });
    } else if (r.type === CLOUDFLARE_MONITOR) {
      found.push({
        key: r.name,
        target: `${String(i.type ?? "http").toUpperCase()} :${i.port ?? ""}${i.path ?? ""}${i.expectedCodes ? ` expects ${i.expectedCodes}` : ""}`,
        how: `every ${i.interval ?? 60} s, ${i.retries ?? 2} retries`,
        resource: r.name,
      });
    }
  }
  return found.sort((a, b) => a.key.localeCompare(b.key));
}

/** Cloudflare load balancers and their pools (Route 53 latency routing is in the records). */
export function loadBalancersOf(resources: PlannedInputs[]): LoadBalancerFact[] {
  const pools = resources
    .filter((r) => r.type === CLOUDFLARE_POOL)
    .map((r) => {
      const i = inputsOf(r);
      const origins = list(i.origins).map((o) => o.address);
      return { resource: r.name, text: `${i.name} (${origins.join(", ")})` };
    });
  return resources
    .filter((r) => r.type === CLOUDFLARE_LOAD_BALANCER)
    .map((r) => {
      const i = inputsOf(r);
      // A load balancer's pools are named after it (`<lb>-<stack>`); pool ids are not known before `pulumi up`.
      const own = pools.filter((p) => p.resource.startsWith(`${r.name}-`));
      return {
        key: String(i.name),
        hostname: String(i.name),
        steering: String(i.steeringPolicy ?? ""),
        pools: (own.length > 0 ? own : pools).map((p) => p.text).join("; "),
        resource: r.name,
      };
    });
}
