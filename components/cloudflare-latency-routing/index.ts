import * as cloudflare from "@pulumi/cloudflare";
import * as pulumi from "@pulumi/pulumi";
import { awsRegions } from "../../lib/aws-regions";
import type { RoutedRegion } from "../shared/routed-region";
import { invariant } from "../shared/invariant";

/** LiveKit signalling behind the ALB, and TURN/TLS on the NLB. */
const HTTPS_PORT = 443;

/** DNS-only load balancers answer with this TTL; short, so a failed region drains quickly. */
const ANSWER_TTL = 30;

export type CloudflareSteering = "dynamic_latency" | "proximity";

export interface CloudflareMonitorSettings {
  /** Seconds between checks. */
  interval: number;
  /** Seconds before a check times out. */
  timeout: number;
  /** Immediate retries after a timeout. */
  retries: number;
  /** Consecutive failed checks that mark a region unhealthy. */
  consecutiveDown: number;
}

export interface CloudflareLatencyRoutingArgs {
  /** Account holding the pools and monitors (they are account-scoped). */
  accountId: string;
  /** Zone holding `domain` (load balancers are zone-scoped). */
  zoneId: string;
  /** The global signalling name. */
  domain: string;
  /** A global TURN name, steered to the regions' NLBs the same way; none if undefined. */
  turnHostname?: string;
  /** The deployed regions, keyed by stack name, in failover order. */
  regions: Record<string, RoutedRegion>;
  /** `dynamic_latency`: measured round-trip times; `proximity`: the pools' coordinates. */
  steering: CloudflareSteering;
  /**
   * Cloudflare regions every pool is checked from with dynamic latency; default the regions nearest the
   * deployed AWS regions. An explicit list: `ALL_REGIONS` is for Enterprise plans only (Cloudflare API,
   * load-balancing_check_regions), and pool creation fails on any other plan.
   */
  checkRegions?: string[];
  /** Stack name of the region whose pool takes everyone when every pool is unhealthy. */
  fallbackStack: string;
  monitor: CloudflareMonitorSettings;
}

/**
 * Latency steering with a Cloudflare load balancer: one pool per region (its regional hostname as the
 * only origin), one shared HTTPS monitor, and a DNS-only load balancer on `domain`.
 *
 * DNS-only (not proxied), so clients connect straight to the region's ALB, as in Route53 mode. Proxying
 * would add nothing for WebRTC: media (UDP to the SFU nodes, TURN) can never pass Cloudflare's proxy and
 * ICE candidates reveal the nodes' IPs anyway. It would cost something for signalling: an extra hop on
 * every join, WebSockets cut whenever Cloudflare restarts an edge server, and its idle timeout (100 s)
 * on a connection that lives for the whole call (LiveKit pings every 10 s, which keeps it open, but a
 * client that stalls longer loses its session). DNS-only, both DNS modes behave the same: the answer
 * names the region, and the client talks to that region's ALB.
 *
 * Options: a Cloudflare provider in `providers`, or none for the default one (config `cloudflare:apiToken`).
 */
export class CloudflareLatencyRouting extends pulumi.ComponentResource {
  /** Pool id per stack name. */
  readonly poolIds: Record<string, pulumi.Output<string>> = {};
  readonly loadBalancerId: pulumi.Output<string>;

  constructor(name: string, args: CloudflareLatencyRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:dns:CloudflareLatencyRouting", name, {}, opts);
    const timing = {
      interval: args.monitor.interval,
      timeout: args.monitor.timeout,
      retries: args.monitor.retries,
      consecutiveDown: args.monitor.consecutiveDown,
    };

    // No Host header here: each origin sets its own, which takes precedence over the monitor's, so
    // one monitor serves every region and each probe asks for the name the region's ALB serves.
    const monitor = new cloudflare.LoadBalancerMonitor(
      `${name}-signalling`,
      {
        accountId: args.accountId,
        type: "https",
        method: "GET",
        path: "/",
        port: HTTPS_PORT,
        expectedCodes: "200", // LiveKit: 200 while its node stats are fresh, 406 otherwise
        followRedirects: false,
        allowInsecure: false,
        ...timing,
        description: `LiveKit signalling behind ${args.domain}`,
      },
      { parent: this },
    );

    const pools = this.pools(name, "signalling", args, monitor, (region) => ({
      name: region.regionLabel,
      address: region.signallingHostname,
      enabled: true,
      weight: 1,
      header: { hosts: [region.signallingHostname] },
    }));
    Object.assign(this.poolIds, pools);
    this.loadBalancerId = this.loadBalancer(`${name}-signalling`, args.domain, args, pools);

    if (args.turnHostname !== undefined) {
      // A CNAME cannot be latency-routed, so a global TURN name needs a load balancer of its own, on
      // pools of the regional TURN names (DNS-only records resolving to the NLBs). TCP: Coturn speaks
      // no HTTP; the NLB terminates TLS, so this proves the region is reachable, not Coturn itself.
      const turnMonitor = new cloudflare.LoadBalancerMonitor(
        `${name}-turn`,
        {
          accountId: args.accountId,
          type: "tcp",
          method: "connection_established",
          port: HTTPS_PORT,
          ...timing,
          description: `Coturn (TURN/TLS) behind ${args.turnHostname}`,
        },
        { parent: this },
      );
      const turnPools = this.pools(name, "turn", args, turnMonitor, (region) => ({
        name: region.regionLabel,
        address: region.turnHostname,
        enabled: true,
        weight: 1,
      }));
      this.loadBalancer(`${name}-turn`, args.turnHostname, args, turnPools);
    }

    this.registerOutputs({ poolIds: this.poolIds, loadBalancerId: this.loadBalancerId });
  }

  /** One pool per region: where it is (proximity steering) and where it is checked from. */
  private pools(
    name: string,
    kind: "signalling" | "turn",
    args: CloudflareLatencyRoutingArgs,
    monitor: cloudflare.LoadBalancerMonitor,
    origin: (region: RoutedRegion) => cloudflare.types.input.LoadBalancerPoolOrigin,
  ): Record<string, pulumi.Output<string>> {
    const ids: Record<string, pulumi.Output<string>> = {};
    for (const [stack, region] of Object.entries(args.regions)) {
      const facts = awsRegions[region.awsRegion];
      invariant(
        facts,
        `region stack ${stack} awsRegion`,
        "must be an AWS region whose location is known (lib/aws-regions.ts)",
        region.awsRegion,
      );
      const pool = new cloudflare.LoadBalancerPool(
        `${name}-${kind}-${stack}`,
        {
          accountId: args.accountId,
          // Pools are account-wide: the domain in the name keeps two deployments in one account apart.
          name: poolName(args.domain, kind === "turn" ? `${region.regionLabel}-turn` : region.regionLabel),
          description: `LiveKit ${kind} ${region.regionLabel} (${region.awsRegion}, ${facts.city})`,
          origins: [origin(region)],
          minimumOrigins: 1,
          monitor: monitor.id,
          latitude: facts.latitude,
          longitude: facts.longitude,
          checkRegions: checkRegions(
            args.steering,
            facts.cloudflareCheckRegion,
            args.checkRegions ?? nearestCheckRegions(Object.values(args.regions)),
          ),
        },
        { parent: this },
      );
      ids[stack] = pool.id;
    }
    return ids;
  }

  private loadBalancer(
    name: string,
    hostname: string,
    args: CloudflareLatencyRoutingArgs,
    pools: Record<string, pulumi.Output<string>>,
  ): pulumi.Output<string> {
    const lb = new cloudflare.LoadBalancer(
      name,
      {
        zoneId: args.zoneId,
        name: hostname,
        description: `LiveKit: nearest healthy region (${args.steering})`,
        // Failover order, used while Cloudflare has no RTT data for a pool.
        defaultPools: Object.values(pools),
        fallbackPool: pools[args.fallbackStack],
        steeringPolicy: args.steering,
        proxied: false,
        ttl: ANSWER_TTL,
        // Cookie affinity needs the proxy; a DNS answer has none to give.
        sessionAffinity: "none",
      },
      { parent: this },
    );
    return lb.id;
  }
}

/**
 * Where a pool is checked from. Dynamic latency steers a user by the RTT that checks from the user's
 * Cloudflare region measured to each pool, and falls back to failover order where a pool has none: so
 * every pool is checked from the same explicit list of regions (`forLatency`; never `ALL_REGIONS`, which
 * only Enterprise plans may use). Proximity steers by coordinates; health is all the checks decide, and
 * the check region nearest the pool judges it without long-haul noise.
 */
export function checkRegions(steering: CloudflareSteering, nearest: string, forLatency: string[]): string[] {
  return steering === "dynamic_latency" ? forLatency : [nearest];
}

/** The Cloudflare check regions nearest the given AWS regions, without repeats, in order. */
export function nearestCheckRegions(regions: { awsRegion: string }[]): string[] {
  const codes = regions.map((r) => awsRegions[r.awsRegion]?.cloudflareCheckRegion).filter((c) => c !== undefined);
  return [...new Set(codes)];
}

/** `livekit-example-com-mumbai`: pool names allow letters, digits, `-` and `_` only. */
export function poolName(domain: string, regionLabel: string): string {
  return `${domain.replace(/[^A-Za-z0-9]+/g, "-")}-${regionLabel}`;
}
