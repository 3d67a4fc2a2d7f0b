import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import type { LoadBalancerTarget, RoutedRegion } from "../shared/routed-region";

/** LiveKit's signalling port behind the ALB, and the TURN/TLS port on the NLB. */
const HTTPS_PORT = 443;

export interface Route53HealthCheckSettings {
  /** Route53 health-checker regions (at least three, from the regions that run checkers). */
  checkerRegions: string[];
  /** Consecutive failed checks that mark a region unhealthy (1-10). */
  failureThreshold: number;
  /** Seconds between checks from each checker: 30, or 10 (fast, extra charge). Fixed once created. */
  requestInterval: number;
  /** Latency graphs in the Route53 console (extra charge). Fixed once created. */
  measureLatency: boolean;
}

export interface Route53LatencyRoutingArgs {
  /** Hosted zone holding `domain` (and `turnHostname`, if given). */
  zoneId: string;
  /** The global signalling name, aliased to the nearest healthy region's ALB. */
  domain: string;
  /** A global TURN name, aliased to the nearest healthy region's NLB; none if undefined. */
  turnHostname?: string;
  /** The deployed regions, keyed by stack name (the logical names of their records). */
  regions: Record<string, RoutedRegion>;
  healthCheck: Route53HealthCheckSettings;
}

/**
 * Latency-based routing in Route53: for each region, an A alias on `domain` to its ALB, answered to the
 * users with the lowest latency to its AWS region while the region's health check passes. When the
 * nearest region fails, Route53 answers with the next-nearest healthy one (active-active failover).
 *
 * Each region's check probes its own hostname (`<label>.<domain>`), never the shared name: AWS warns
 * that checking the record's own name gives unpredictable results with latency records.
 */
export class Route53LatencyRouting extends pulumi.ComponentResource {
  /** Health check id per stack name, for alarms. */
  readonly healthCheckIds: Record<string, pulumi.Output<string>> = {};

  constructor(name: string, args: Route53LatencyRoutingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:dns:Route53LatencyRouting", name, {}, opts);
    const hc = args.healthCheck;
    const timing = {
      failureThreshold: hc.failureThreshold,
      requestInterval: hc.requestInterval,
      regions: hc.checkerRegions,
    };

    for (const [stack, region] of Object.entries(args.regions)) {
      // LiveKit answers 200 on `/` only while its node stats are fresh (406 otherwise).
      const signallingCheck = new aws.route53.HealthCheck(
        `${name}-${stack}-signalling`,
        {
          type: "HTTPS",
          fqdn: region.signallingHostname,
          port: HTTPS_PORT,
          resourcePath: "/",
          enableSni: true, // the ALB picks its certificate by SNI
          measureLatency: hc.measureLatency,
          ...timing,
          tags: { Name: `livekit ${region.regionLabel} signalling` },
        },
        { parent: this },
      );
      this.healthCheckIds[stack] = signallingCheck.id;
      this.latencyAlias(
        `${name}-${stack}-signalling`,
        args.zoneId,
        args.domain,
        region,
        region.signallingLoadBalancer,
        signallingCheck,
      );

      if (args.turnHostname !== undefined) {
        // The NLB terminates TLS itself, so this only proves the region is reachable from outside;
        // the alias's evaluateTargetHealth adds whether Coturn targets behind it are healthy.
        const turnCheck = new aws.route53.HealthCheck(
          `${name}-${stack}-turn`,
          {
            type: "TCP",
            fqdn: region.turnHostname,
            port: HTTPS_PORT,
            ...timing,
            tags: { Name: `livekit ${region.regionLabel} turn` },
          },
          { parent: this },
        );
        this.latencyAlias(
          `${name}-${stack}-turn`,
          args.zoneId,
          args.turnHostname,
          region,
          region.turnLoadBalancer,
          turnCheck,
        );
      }
    }
    this.registerOutputs({ healthCheckIds: this.healthCheckIds });
  }

  /** One latency record of the set on `recordName`: alias, no TTL (Route53 fixes alias TTLs at 60 s). */
  private latencyAlias(
    name: string,
    zoneId: string,
    recordName: string,
    region: RoutedRegion,
    target: LoadBalancerTarget,
    healthCheck: aws.route53.HealthCheck,
  ): aws.route53.Record {
    return new aws.route53.Record(
      name,
      {
        zoneId,
        name: recordName,
        type: "A",
        setIdentifier: region.regionLabel,
        latencyRoutingPolicies: [{ region: region.awsRegion }],
        aliases: [{ name: target.dnsName, zoneId: target.zoneId, evaluateTargetHealth: true }],
        healthCheckId: healthCheck.id,
      },
      { parent: this },
    );
  }
}
