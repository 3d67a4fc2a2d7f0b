import * as aws from "@pulumi/aws";
import * as cloudflare from "@pulumi/cloudflare";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { TURN_TLS_PORT, TURN_UDP_PORT } from "../shared/turn";

/** TLS 1.3 with 1.2 fallback: AWS's recommended policy for ALB and NLB TLS listeners. */
export const DEFAULT_SSL_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06";

/**
 * The ALB closes a connection idle this long. WebSocket signalling lives for the whole call; LiveKit pings
 * every 10 s, so this only matters for a stalled client, but a short timeout would cut calls on any hiccup.
 */
export const SIGNALLING_IDLE_TIMEOUT_SECONDS = 3600;

/** TTL of the regional records; short, so a replaced load balancer is picked up quickly. */
const RECORD_TTL = 60;

export interface DnsZoneArgs {
  /** Route53 (alias records) or Cloudflare (DNS-only CNAMEs). */
  provider: "route53" | "cloudflare";
  /** Route53 hosted zone id, or Cloudflare zone id, of the zone holding both hostnames. */
  zoneId: string;
}

export interface EndpointsArgs {
  /** LiveKit signalling, `<region>.<domain>`: the ALB, TLS with an ACM certificate. */
  signallingHostname: string;
  /** Coturn, `turn-<region>.<domain>`: the NLB (TURN/TLS 443 and TURN/UDP 3478). Must match LiveKit's `turnHost`. */
  turnHostname: string;
  /**
   * The global name, `<domain>`, that the global stack's latency records point at this region's ALB: the
   * ALB's certificate must cover it and its Ingress must route it too.
   */
  globalHostname?: string;
  /**
   * Whether this region creates the global name's ACM validation record (the same record for every region's
   * certificate). Exactly one region does, and keeps it when destroyed; the others list it and wait for it.
   */
  ownsGlobalNameValidation?: boolean;
  dns: DnsZoneArgs;
  /** The SFU's ClusterIP Service (`LiveKit` component). */
  livekit: { namespace: pulumi.Input<string>; serviceName: pulumi.Input<string>; servicePort: number };
  /** The TURN pods (`Coturn` component). */
  coturn: { namespace: pulumi.Input<string>; podLabels: Record<string, string>; listeningPort: number };
  /** TLS policy of both load balancers; DEFAULT_SSL_POLICY if omitted. */
  sslPolicy?: string;
  /** AWS tags for the certificates and load balancers. */
  tags?: Record<string, string>;
}

/**
 * The region's public front doors. Signalling: https/wss://<region>.<domain> → ALB (ACM certificate,
 * 1 h idle timeout) → LiveKit pods. TURN: turn-<region>.<domain> → NLB, TLS 443 terminated with an ACM
 * certificate and UDP 3478, both → Coturn 3478 on the SFU nodes. Certificates validated through DNS, and
 * both names published in Route53 or Cloudflare (never proxied).
 *
 * Options: the cluster's Kubernetes provider, and for `dns.provider` "cloudflare" a Cloudflare provider if not
 * the default one (`cloudflare:apiToken`), in `providers`; in `dependsOn`, the AWS Load Balancer Controller (its
 * Helm release): its admission webhooks must answer before an Ingress or a LoadBalancer Service is created, or
 * the API server rejects them.
 */
export class Endpoints extends pulumi.ComponentResource {
  readonly signallingHostname: string;
  readonly turnHostname: string;
  /** The ALB's DNS name, from the Ingress status (the global stack aliases `<domain>` to it). */
  readonly albHostname: pulumi.Output<string>;
  /** The ALB's canonical hosted zone id, for Route53 alias records. */
  readonly albZoneId: pulumi.Output<string>;
  /** The NLB's DNS name, from the Service status. */
  readonly nlbHostname: pulumi.Output<string>;
  readonly nlbZoneId: pulumi.Output<string>;
  /** Validated ACM certificates (ARNs resolve only once validation succeeded). */
  readonly signallingCertificateArn: pulumi.Output<string>;
  readonly turnCertificateArn: pulumi.Output<string>;

  private readonly args: EndpointsArgs;

  constructor(name: string, args: EndpointsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:endpoints:Endpoints", name, {}, opts);
    this.args = args;
    const sslPolicy = args.sslPolicy ?? DEFAULT_SSL_POLICY;
    // The Ingress and the Service name the controller again (the component's dependsOn).
    const lbOpts = { parent: this, dependsOn: dependenciesOf(opts) };

    const signallingHosts = [args.signallingHostname, ...(args.globalHostname ? [args.globalHostname] : [])];
    this.signallingCertificateArn = this.validatedCertificate(`${name}-signalling`, signallingHosts);
    this.turnCertificateArn = this.validatedCertificate(`${name}-turn`, [args.turnHostname]);

    const alb = this.signallingLoadBalancer(name, signallingHosts, sslPolicy, lbOpts);
    this.albHostname = alb.hostname;
    this.albZoneId = alb.zoneId;
    const nlb = this.turnLoadBalancer(name, sslPolicy, lbOpts);
    this.nlbHostname = nlb.hostname;
    this.nlbZoneId = nlb.zoneId;

    // Names: alias records of the load balancers.
    this.pointAt(`${name}-signalling`, args.signallingHostname, this.albHostname, this.albZoneId);
    this.pointAt(`${name}-turn`, args.turnHostname, this.nlbHostname, this.nlbZoneId);

    this.signallingHostname = args.signallingHostname;
    this.turnHostname = args.turnHostname;
    this.registerOutputs({
      signallingHostname: this.signallingHostname,
      turnHostname: this.turnHostname,
      albHostname: this.albHostname,
      albZoneId: this.albZoneId,
      nlbHostname: this.nlbHostname,
      nlbZoneId: this.nlbZoneId,
    });
  }

  /** Signalling: an internet-facing ALB (an Ingress the load balancer controller turns into one) to the LiveKit Service. */
  private signallingLoadBalancer(
    name: string,
    signallingHosts: string[],
    sslPolicy: string,
    lbOpts: pulumi.CustomResourceOptions,
  ) {
    const ingress = new k8s.networking.v1.Ingress(
      `${name}-signalling`,
      {
        metadata: {
          name: "livekit-signalling",
          namespace: this.args.livekit.namespace,
          annotations: {
            "alb.ingress.kubernetes.io/scheme": "internet-facing",
            // Pod IPs as targets: a hostNetwork pod's IP is its node's primary IP, which the controller
            // registers and finds the node's ENI (and security group) for. No NodePort hop.
            "alb.ingress.kubernetes.io/target-type": "ip",
            "alb.ingress.kubernetes.io/listen-ports": JSON.stringify([{ HTTP: 80 }, { HTTPS: 443 }]),
            "alb.ingress.kubernetes.io/ssl-redirect": "443",
            "alb.ingress.kubernetes.io/certificate-arn": this.signallingCertificateArn,
            "alb.ingress.kubernetes.io/ssl-policy": sslPolicy,
            "alb.ingress.kubernetes.io/backend-protocol": "HTTP",
            "alb.ingress.kubernetes.io/load-balancer-attributes": [
              `idle_timeout.timeout_seconds=${SIGNALLING_IDLE_TIMEOUT_SECONDS}`,
              "routing.http.drop_invalid_header_fields.enabled=true",
            ].join(","),
            // A draining SFU keeps its WebSockets for up to the ALB's maximum instead of the default 300 s.
            "alb.ingress.kubernetes.io/target-group-attributes": "deregistration_delay.timeout_seconds=3600",
            // LiveKit answers 200 on `/` only while it reports fresh node stats.
            "alb.ingress.kubernetes.io/healthcheck-path": "/",
            "alb.ingress.kubernetes.io/success-codes": "200",
            ...(this.args.tags ? { "alb.ingress.kubernetes.io/tags": formatTags(this.args.tags) } : {}),
          },
        },
        spec: {
          ingressClassName: "alb",
          rules: signallingHosts.map((host) => ({
            host,
            http: {
              paths: [
                {
                  path: "/",
                  pathType: "Prefix",
                  backend: {
                    service: { name: this.args.livekit.serviceName, port: { number: this.args.livekit.servicePort } },
                  },
                },
              ],
            },
          })),
        },
      },
      lbOpts,
    );
    return {
      hostname: ingress.status.apply((s) => loadBalancerHostname(s?.loadBalancer?.ingress, "signalling Ingress")),
      zoneId: aws.lb.getHostedZoneIdOutput({ loadBalancerType: "application" }, { parent: this }).id,
    };
  }

  /** TURN: an internet-facing NLB (a LoadBalancer Service) to Coturn, TLS on 443 and UDP on 3478. */
  private turnLoadBalancer(name: string, sslPolicy: string, lbOpts: pulumi.CustomResourceOptions) {
    const turnPort = String(this.args.coturn.listeningPort);
    const nlb = new k8s.core.v1.Service(
      `${name}-turn`,
      {
        metadata: {
          name: "coturn-nlb",
          namespace: this.args.coturn.namespace,
          annotations: {
            "service.beta.kubernetes.io/aws-load-balancer-nlb-target-type": "ip",
            "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing",
            // TURN/TLS: the NLB terminates TLS on 443 and forwards plain TCP (coturn runs no TLS listener).
            "service.beta.kubernetes.io/aws-load-balancer-ssl-cert": this.turnCertificateArn,
            "service.beta.kubernetes.io/aws-load-balancer-ssl-ports": String(TURN_TLS_PORT),
            "service.beta.kubernetes.io/aws-load-balancer-ssl-negotiation-policy": sslPolicy,
            "service.beta.kubernetes.io/aws-load-balancer-backend-protocol": "tcp",
            // UDP target groups need a TCP health check: coturn listens on TCP 3478 too.
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-protocol": "tcp",
            "service.beta.kubernetes.io/aws-load-balancer-healthcheck-port": turnPort,
            "service.beta.kubernetes.io/aws-load-balancer-attributes": "load_balancing.cross_zone.enabled=true",
            // A draining coturn keeps its flows while its allocations end (its grace period is an hour too).
            "service.beta.kubernetes.io/aws-load-balancer-target-group-attributes":
              "deregistration_delay.timeout_seconds=3600",
            ...(this.args.tags
              ? { "service.beta.kubernetes.io/aws-load-balancer-additional-resource-tags": formatTags(this.args.tags) }
              : {}),
          },
        },
        spec: {
          type: "LoadBalancer",
          loadBalancerClass: "service.k8s.aws/nlb", // the AWS Load Balancer Controller, not the in-tree one
          allocateLoadBalancerNodePorts: false, // ip targets need no NodePorts
          selector: this.args.coturn.podLabels,
          ports: [
            { name: "turn-tls", port: TURN_TLS_PORT, targetPort: this.args.coturn.listeningPort, protocol: "TCP" },
            { name: "turn-udp", port: TURN_UDP_PORT, targetPort: this.args.coturn.listeningPort, protocol: "UDP" },
          ],
        },
      },
      lbOpts,
    );
    return {
      hostname: nlb.status.apply((s) => loadBalancerHostname(s?.loadBalancer?.ingress, "TURN Service")),
      zoneId: aws.lb.getHostedZoneIdOutput({ loadBalancerType: "network" }, { parent: this }).id,
    };
  }

  /**
   * An ACM certificate for `hostnames` (the first is its domain name, the rest alternative names), each
   * validated through a DNS record; returns its ARN once issued.
   */
  private validatedCertificate(name: string, hostnames: string[]): pulumi.Output<string> {
    const [domainName, ...alternatives] = hostnames;
    const certificate = new aws.acm.Certificate(
      name,
      {
        domainName,
        subjectAlternativeNames: alternatives.length > 0 ? alternatives : undefined,
        validationMethod: "DNS",
        tags: this.args.tags,
      },
      { parent: this },
    );
    const recordFqdns = hostnames.map((hostname, i) => {
      // The record ACM asks for, taken from this certificate's own answer.
      const option = certificate.domainValidationOptions.apply((options) => {
        const match = options.find((o) => o.domainName === hostname);
        if (!match) throw new Error(`ACM returned no DNS validation record for ${hostname}`);
        return match;
      });
      const shared = hostname === this.args.globalHostname;
      if (shared && !this.args.ownsGlobalNameValidation) {
        // Another region's stack owns this record: only name it, so the validation waits for it.
        return option.resourceRecordName.apply((n) => n.replace(/\.$/, ""));
      }
      return this.dnsRecord(
        `${name}-validation${i === 0 ? "" : `-${i}`}`,
        {
          name: option.resourceRecordName,
          type: option.resourceRecordType,
          value: option.resourceRecordValue,
          comment: `ACM validation for ${hostname}`,
        },
        // The other regions' certificates renew with it: destroying this region must leave it.
        shared ? { retainOnDelete: true } : {},
      );
    });
    const validation = new aws.acm.CertificateValidation(
      name,
      {
        certificateArn: certificate.arn,
        validationRecordFqdns: recordFqdns,
      },
      { parent: this },
    );
    return validation.certificateArn;
  }

  /** `hostname` → a load balancer: a Route53 alias, or a DNS-only Cloudflare CNAME. */
  private pointAt(
    name: string,
    hostname: string,
    target: pulumi.Output<string>,
    targetZoneId: pulumi.Output<string>,
  ): void {
    if (this.args.dns.provider === "route53") {
      new aws.route53.Record(
        name,
        {
          zoneId: this.args.dns.zoneId,
          name: hostname,
          type: "A",
          aliases: [{ name: target, zoneId: targetZoneId, evaluateTargetHealth: true }],
        },
        { parent: this },
      );
      return;
    }
    this.dnsRecord(name, { name: hostname, type: "CNAME", value: target, comment: `LiveKit ${hostname}` });
  }

  /**
   * A plain record in the zone; returns its name. In Cloudflare it is always DNS-only: TURN (UDP, and
   * TLS that the NLB terminates) cannot pass Cloudflare's HTTP proxy, and signalling must reach the ALB
   * itself: the ALB holds this name's certificate, Cloudflare's proxy restarts WebSockets when it
   * redeploys, and the global stack's load balancer uses these names as pool origins, which Cloudflare
   * requires to resolve directly to the origin, not to a proxied name.
   */
  private dnsRecord(
    name: string,
    record: { name: pulumi.Input<string>; type: pulumi.Input<string>; value: pulumi.Input<string>; comment: string },
    opts: pulumi.CustomResourceOptions = {},
  ): pulumi.Output<string> {
    const { dns } = this.args;
    if (dns.provider === "route53") {
      const r = new aws.route53.Record(
        name,
        {
          zoneId: dns.zoneId,
          name: record.name,
          type: record.type,
          records: [record.value],
          ttl: RECORD_TTL,
          allowOverwrite: true, // a re-created certificate asks for the same record
        },
        { ...opts, parent: this },
      );
      return r.fqdn;
    }
    // Cloudflare stores names without the trailing dot ACM puts on them; sending one would never converge.
    const bare = (value: pulumi.Input<string>) => pulumi.output(value).apply((v) => v.replace(/\.$/, ""));
    const r = new cloudflare.DnsRecord(
      name,
      {
        zoneId: dns.zoneId,
        name: bare(record.name),
        type: record.type,
        content: bare(record.value),
        ttl: RECORD_TTL,
        proxied: false,
        comment: record.comment,
      },
      { ...opts, parent: this },
    );
    return r.name;
  }
}

function loadBalancerHostname(ingress: { hostname?: string }[] | undefined, what: string): string {
  const hostname = ingress?.find((i) => i.hostname)?.hostname;
  // The provider waits for the controller to publish it; missing means the controller is not running.
  if (!hostname)
    throw new Error(`the ${what} has no load balancer hostname: is the AWS Load Balancer Controller running?`);
  return hostname;
}

function formatTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}
