/**
 * What latency routing needs of each region: its AWS region, label, hostnames and load balancers.
 * The region stacks export exactly this shape (stacks/region-outputs.ts), so the global stack can hand it on.
 */

/** A load balancer as a Route53 alias (or a Cloudflare origin) needs it. */
export interface LoadBalancerTarget<S = string> {
  /** `k8s-...elb.<region>.amazonaws.com` */
  dnsName: S;
  /** The load balancer's canonical hosted zone id (per region and type), for alias records. */
  zoneId: S;
}

export interface RoutedRegion<S = string> {
  /** `ap-south-1`: the latency region of this region's records. */
  awsRegion: S;
  /** `mumbai`: the record set identifier and the key of the token service's URL map. */
  regionLabel: S;
  /** `<regionLabel>.<domain>`: LiveKit signalling (ALB), the name health checks probe. */
  signallingHostname: S;
  /** `turn-<regionLabel>.<domain>`: Coturn (NLB), DNS-only. */
  turnHostname: S;
  /** The ALB in front of LiveKit (HTTPS 443). */
  signallingLoadBalancer: LoadBalancerTarget<S>;
  /** The NLB in front of Coturn (TLS 443, UDP 3478). */
  turnLoadBalancer: LoadBalancerTarget<S>;
}
