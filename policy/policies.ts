/**
 * The livekit-platform policy pack's policies: the invariants the platform relies on, checked on every
 * `pulumi preview` / `pulumi up` run with `--policy-pack policy`.
 *
 * This module only exports policy objects. `index.ts` hands them to `new PolicyPack(...)`, whose
 * constructor starts a gRPC server; tests import this module instead and call each policy's
 * `validateResource` / `validateStack` with hand-built arguments.
 *
 * Policies read `props` in the provider's input shape: camelCase for AWS (`enableIMDSv2`, `cidrIpv4`),
 * the manifest for Kubernetes (`spec.template.spec.hostNetwork`). Type tokens are matched as strings, so
 * the pack never loads @pulumi/aws or @pulumi/kubernetes.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- resource properties are untyped JSON */
import type {
  Policies,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { UnknownValueError } from "@pulumi/policy";
import { findCredentials } from "./credentials";
import { covers, IpRange, overlaps, parseCidr, parseCoturnPeerRange } from "./ip";
import { ALB_ATTRIBUTES_ANNOTATION, controllerStringMap, NLB_ATTRIBUTES_ANNOTATION } from "./lb-attributes";
import { enforcedPodSecurity, podSecurityProblems } from "./pod-security";
import {
  allContainers,
  imageHasDigest,
  imagePinProblem,
  imageRepository,
  podSpecOf,
  WORKLOAD_TYPES,
} from "./workloads";

/** Type tokens, as the engine reports them. */
export const TYPES = {
  managedNodeGroup: "eks:index:ManagedNodeGroup",
  launchTemplate: "aws:ec2/launchTemplate:LaunchTemplate",
  ec2NodeClass: "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass",
  securityGroupIngressRule: "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule",
  securityGroupRule: "aws:ec2/securityGroupRule:SecurityGroupRule",
  securityGroup: "aws:ec2/securityGroup:SecurityGroup",
  buckets: ["aws:s3/bucket:Bucket", "aws:s3/bucketV2:BucketV2"],
  bucketPublicAccessBlock: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  accountPublicAccessBlock: "aws:s3/accountPublicAccessBlock:AccountPublicAccessBlock",
  bucketEncryption: [
    "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
    "aws:s3/bucketServerSideEncryptionConfigurationV2:BucketServerSideEncryptionConfigurationV2",
  ],
  bucketLogging: ["aws:s3/bucketLogging:BucketLogging", "aws:s3/bucketLoggingV2:BucketLoggingV2"],
  bucketOwnershipControls: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  bucketLifecycle: [
    "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
    "aws:s3/bucketLifecycleConfigurationV2:BucketLifecycleConfigurationV2",
  ],
  replicationGroup: "aws:elasticache/replicationGroup:ReplicationGroup",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  service: "kubernetes:core/v1:Service",
  configMap: "kubernetes:core/v1:ConfigMap",
  deployment: "kubernetes:apps/v1:Deployment",
} as const;

type Props = Record<string, any>;

const isRecord = (v: unknown): v is Record<string, any> => v !== null && typeof v === "object" && !Array.isArray(v);
const asArray = (v: unknown): any[] => (Array.isArray(v) ? v : []);

/** Merges a policy's config (as `getConfig()` returns it, possibly empty in tests) over its defaults. */
function configOf<T extends object>(args: { getConfig<C extends object>(): C }, defaults: T): T {
  return { ...defaults, ...(args.getConfig<Partial<T>>() ?? {}) };
}

// ---------------------------------------------------------------------------------------------------
// IMDSv2 on every node
// ---------------------------------------------------------------------------------------------------

/**
 * IMDSv2 only. A pod that can reach IMDSv1 can steal the node role's credentials with one GET (SSRF);
 * the SFU and Coturn pods run on the host network, where no hop limit protects the node.
 */
export const imdsv2Required: ResourceValidationPolicy = {
  name: "nodes-require-imdsv2",
  description:
    "Every node (EKS managed node group, launch template, Karpenter EC2NodeClass) requires IMDSv2 session tokens.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set enableIMDSv2: true on eks.ManagedNodeGroup, metadataOptions.httpTokens: required on launch templates, " +
    "and spec.metadataOptions.httpTokens: required on EC2NodeClasses.",
  validateResource: (args, report) => {
    const p: Props = args.props;
    switch (args.type) {
      case TYPES.managedNodeGroup:
        // A custom launch template excludes enableIMDSv2 (pulumi-eks); the template is checked on its own.
        if (p.enableIMDSv2 !== true && p.launchTemplate === undefined) {
          report("managed node group does not set enableIMDSv2: true, so its nodes accept IMDSv1 (AL2 default).");
        }
        return;
      case TYPES.launchTemplate:
        if (p.metadataOptions?.httpTokens !== "required") {
          report(
            `launch template metadataOptions.httpTokens is ${JSON.stringify(p.metadataOptions?.httpTokens)}, expected "required".`,
          );
        }
        return;
      case TYPES.ec2NodeClass:
        if (p.spec?.metadataOptions?.httpTokens !== "required") {
          report(
            `EC2NodeClass ${p.metadata?.name ?? args.name} spec.metadataOptions.httpTokens is ` +
              `${JSON.stringify(p.spec?.metadataOptions?.httpTokens)}, expected "required" (set it explicitly).`,
          );
        }
        return;
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// Security groups: the internet reaches only the WebRTC and TURN ports
// ---------------------------------------------------------------------------------------------------

export interface PublicIngressAllowance {
  protocol: "tcp" | "udp";
  fromPort: number;
  toPort: number;
  description?: string;
}

/** The stack defaults (stacks/config/): rtc.udpPortRange, rtc.tcpPort, Coturn's listener, turn.relayPortRange. */
export const DEFAULT_PUBLIC_INGRESS: readonly PublicIngressAllowance[] = [
  { protocol: "udp", fromPort: 50000, toPort: 60000, description: "LiveKit ICE/UDP" },
  { protocol: "tcp", fromPort: 7881, toPort: 7881, description: "LiveKit ICE/TCP" },
  { protocol: "udp", fromPort: 3478, toPort: 3478, description: "TURN/STUN over UDP" },
  { protocol: "tcp", fromPort: 3478, toPort: 3478, description: "TURN over TCP (and TLS from the NLB)" },
  { protocol: "udp", fromPort: 40000, toPort: 49999, description: "Coturn UDP relays" },
];

export interface PublicIngressConfig {
  allowedPublicIngress: PublicIngressAllowance[];
}

/** `-1`/`all`, `6`/`tcp`, `17`/`udp`; anything else as given. */
function normalizeProtocol(protocol: unknown): string {
  const p = String(protocol ?? "").toLowerCase();
  return ({ "-1": "all", all: "all", "6": "tcp", "17": "udp" } as Record<string, string>)[p] ?? p;
}

/** `0.0.0.0/0` or `::/0` (however spelled): every address of the family. */
function isWorld(cidr: unknown): boolean {
  const range = typeof cidr === "string" ? parseCidr(cidr) : undefined;
  return (
    range !== undefined &&
    range.first === 0n &&
    range.last === (range.family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n)
  );
}

/** Why a rule open to the world is not allowed, or undefined if one allowance contains it. */
export function publicIngressProblem(
  rule: { protocol: unknown; fromPort: unknown; toPort: unknown },
  allowed: readonly PublicIngressAllowance[],
): string | undefined {
  const protocol = normalizeProtocol(rule.protocol);
  if (protocol === "all") return "opens every protocol and port";
  // ICMP type 3 code 4 (fragmentation needed) alone: path MTU discovery, which may come from any router.
  if ((protocol === "icmp" || protocol === "1") && Number(rule.fromPort) === 3 && Number(rule.toPort) === 4)
    return undefined;
  const from = Number(rule.fromPort);
  const to = Number(rule.toPort);
  const fits = allowed.some((a) => a.protocol === protocol && from >= a.fromPort && to <= a.toPort && from <= to);
  return fits
    ? undefined
    : `opens ${protocol.toUpperCase()} ${from === to ? from : `${from}-${to}`}, which is not a WebRTC or TURN port`;
}

export const publicIngressOnlyForWebRtc: ResourceValidationPolicy = {
  name: "public-ingress-only-for-webrtc",
  description:
    "Security groups admit 0.0.0.0/0 and ::/0 only on the WebRTC and TURN ports (ICE/UDP and TCP, TURN listener, TURN relays), and for ICMP fragmentation-needed (path MTU discovery).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Restrict the rule's source to a VPC CIDR or a security group, or, if the port really must be public, " +
    "add it to this policy's allowedPublicIngress config.",
  configSchema: {
    properties: {
      allowedPublicIngress: {
        type: "array",
        description:
          "Protocol and port ranges that may be open to the internet. Keep in step with rtc.udpPortRange, rtc.tcpPort and turn.relayPortRange.",
        items: {
          type: "object",
          properties: {
            protocol: { type: "string", enum: ["tcp", "udp"] },
            fromPort: { type: "integer", minimum: 0, maximum: 65535 },
            toPort: { type: "integer", minimum: 0, maximum: 65535 },
            description: { type: "string" },
          },
          required: ["protocol", "fromPort", "toPort"],
          additionalProperties: false,
        },
        default: DEFAULT_PUBLIC_INGRESS.map((a) => ({ ...a })),
      },
    },
  },
  validateResource: (args, report) => {
    const { allowedPublicIngress } = configOf<PublicIngressConfig>(args, {
      allowedPublicIngress: [...DEFAULT_PUBLIC_INGRESS],
    });
    const p: Props = args.props;
    const check = (
      rule: { protocol: unknown; fromPort: unknown; toPort: unknown },
      sources: unknown[],
      where: string,
    ) => {
      const open = sources.filter(isWorld);
      if (open.length === 0) return;
      const problem = publicIngressProblem(rule, allowedPublicIngress);
      if (problem) report(`${where} from ${open.join(", ")} ${problem}.`);
    };
    switch (args.type) {
      case TYPES.securityGroupIngressRule:
        check(
          { protocol: p.ipProtocol, fromPort: p.fromPort, toPort: p.toPort },
          [p.cidrIpv4, p.cidrIpv6],
          "ingress rule",
        );
        return;
      case TYPES.securityGroupRule:
        if (p.type !== "ingress") return;
        check(
          { protocol: p.protocol, fromPort: p.fromPort, toPort: p.toPort },
          [...asArray(p.cidrBlocks), ...asArray(p.ipv6CidrBlocks)],
          "ingress rule",
        );
        return;
      case TYPES.securityGroup:
        asArray(p.ingress).forEach((rule, i) =>
          check(rule, [...asArray(rule?.cidrBlocks), ...asArray(rule?.ipv6CidrBlocks)], `inline ingress[${i}]`),
        );
        return;
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// S3: private and encrypted (a stack policy: the settings live in resources of their own)
// ---------------------------------------------------------------------------------------------------

const PUBLIC_ACCESS_FLAGS = [
  "blockPublicAcls",
  "blockPublicPolicy",
  "ignorePublicAcls",
  "restrictPublicBuckets",
] as const;

/** Reads `read()` unless a value is unknown (preview): then undefined. */
function known<T>(read: () => T): T | undefined {
  try {
    return read();
  } catch (e) {
    if (e instanceof UnknownValueError) return undefined;
    throw e;
  }
}

/**
 * Whether `r` (a bucket setting such as a BucketPublicAccessBlock) applies to `bucket`: its `bucket`
 * property depends on the bucket (what the engine records when it is `bucket.id`), or it names the
 * same bucket. Without per-property dependencies (the offline plan records only the resource's), any
 * dependency on the bucket counts.
 */
export function appliesToBucket(r: PolicyResource, bucket: PolicyResource): boolean {
  const byProperty = r.propertyDependencies?.bucket;
  if (byProperty && byProperty.length > 0) return byProperty.some((d) => d.urn === bucket.urn);
  const name = known(() => r.props.bucket);
  const bucketName = known(() => bucket.props.bucket);
  if (typeof name === "string" && typeof bucketName === "string" && name !== "") return name === bucketName;
  return r.dependencies.some((d) => d.urn === bucket.urn);
}

const allTrue = (p: Props) => PUBLIC_ACCESS_FLAGS.every((f) => p[f] === true);

const hasEncryptionRule = (rules: unknown) =>
  asArray(rules).some(
    (rule) =>
      typeof rule?.applyServerSideEncryptionByDefault?.sseAlgorithm === "string" &&
      rule.applyServerSideEncryptionByDefault.sseAlgorithm !== "",
  );

export const s3BucketsPrivateAndEncrypted: StackValidationPolicy = {
  name: "s3-buckets-private-and-encrypted",
  description:
    "Every S3 bucket has a public access block with all four settings true and a default server-side encryption configuration.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Add an aws.s3.BucketPublicAccessBlock (blockPublicAcls, blockPublicPolicy, ignorePublicAcls, restrictPublicBuckets: true) " +
    "and an aws.s3.BucketServerSideEncryptionConfiguration with applyServerSideEncryptionByDefault for the bucket.",
  validateStack: (args, report) => {
    const of = (types: readonly string[]) => args.resources.filter((r) => types.includes(r.type));
    const accountBlocked = of([TYPES.accountPublicAccessBlock]).some((r) => allTrue(r.props));
    for (const bucket of of(TYPES.buckets)) {
      const label = `S3 bucket ${bucket.name}`;
      const blocks = of([TYPES.bucketPublicAccessBlock]).filter((r) => appliesToBucket(r, bucket));
      if (!accountBlocked && !blocks.some((r) => allTrue(r.props))) {
        report(
          blocks.length === 0
            ? `${label} has no BucketPublicAccessBlock.`
            : `${label}'s BucketPublicAccessBlock does not set all of ${PUBLIC_ACCESS_FLAGS.join(", ")} to true.`,
          bucket.urn,
        );
      }
      const inline = hasEncryptionRule([known(() => bucket.props.serverSideEncryptionConfiguration?.rule)]);
      const encrypted =
        inline ||
        of(TYPES.bucketEncryption).some((r) => appliesToBucket(r, bucket) && hasEncryptionRule(r.props.rules));
      if (!encrypted)
        report(`${label} has no server-side encryption configuration with a default algorithm.`, bucket.urn);
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// S3: every request to a bucket is logged, to a log bucket fit to receive logs
// ---------------------------------------------------------------------------------------------------

/**
 * Whether input `key` of `r` (a BucketLogging's `bucket` or `targetBucket`) is `bucket`: by the engine's
 * per-input dependencies, else by name. Unlike `appliesToBucket`, never by `r`'s dependencies as a whole, since
 * a BucketLogging depends on two buckets.
 */
/** The services that deliver access logs to a bucket (S3 server access logs, ALB, NLB through CloudWatch Logs). */
const LOG_DELIVERY_PRINCIPALS = [
  "logging.s3.amazonaws.com",
  "logdelivery.elasticloadbalancing.amazonaws.com",
  "delivery.logs.amazonaws.com",
];

export function namesBucket(r: PolicyResource, key: string, bucket: PolicyResource): boolean {
  const byProperty = r.propertyDependencies?.[key];
  if (byProperty && byProperty.length > 0) return byProperty.some((d) => d.urn === bucket.urn);
  const name = known(() => r.props[key]);
  const bucketName = known(() => bucket.props.bucket);
  return typeof name === "string" && name !== "" && name === bucketName;
}

const encryptionAlgorithms = (rules: unknown): string[] =>
  asArray(rules)
    .map((rule) => rule?.applyServerSideEncryptionByDefault?.sseAlgorithm)
    .filter((a): a is string => typeof a === "string");

/** An enabled lifecycle rule with an expiration (an object in the v7 provider's input, a list in older ones). */
const expires = (rule: any) =>
  rule?.status === "Enabled" &&
  [rule.expiration].flat().some((e: any) => Number(e?.days) > 0 || (typeof e?.date === "string" && e.date !== ""));

export const s3BucketsAccessLogged: StackValidationPolicy = {
  name: "s3-buckets-access-logged",
  description:
    "Every S3 bucket logs its requests (S3 server access logs) to a log bucket; a log bucket logs nowhere itself, has ACLs off (BucketOwnerEnforced), SSE-S3 default encryption (the only one log deliveries write to) and a lifecycle rule that expires logs.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Add an aws.s3.BucketLogging with the bucket as `bucket` and the region's log bucket (components/audit-logs) as `targetBucket`. " +
    "On the log bucket: BucketOwnershipControls BucketOwnerEnforced, sseAlgorithm AES256, a lifecycle rule with an expiration.",
  validateStack: (args, report) => {
    const of = (types: readonly string[]) => args.resources.filter((r) => types.includes(r.type));
    const buckets = of(TYPES.buckets);
    const loggings = of(TYPES.bucketLogging);
    const inlineTarget = (b: PolicyResource) => known(() => b.props.logging?.targetBucket);
    const loggedBy = (b: PolicyResource) => loggings.filter((l) => namesBucket(l, "bucket", b));
    // A log bucket is one some bucket logs to, or one whose policy lets a log delivery service write: a region
    // without recordings (a global rooms member) still keeps its load balancers' access logs there.
    const grantsLogDelivery = (b: PolicyResource) =>
      of([TYPES.bucketPolicy])
        .filter((p) => appliesToBucket(p, b))
        .some((p) =>
          LOG_DELIVERY_PRINCIPALS.some((principal) => String(known(() => p.props.policy)).includes(principal)),
        );
    const logTarget = (b: PolicyResource) =>
      grantsLogDelivery(b) ||
      loggings.some((l) => namesBucket(l, "targetBucket", b)) ||
      buckets.some(
        (other) =>
          other !== b && inlineTarget(other) !== undefined && inlineTarget(other) === known(() => b.props.bucket),
      );
    for (const bucket of buckets) {
      const label = `S3 bucket ${bucket.name}`;
      const logged = loggedBy(bucket).length > 0 || typeof inlineTarget(bucket) === "string";
      if (!logTarget(bucket)) {
        if (!logged)
          report(`${label} has no server access logging: nothing records who read or deleted its objects.`, bucket.urn);
        continue;
      }
      if (logged)
        report(
          `${label} receives access logs and has server access logging of its own (each delivery would be logged again).`,
          bucket.urn,
        );
      const algorithms = [
        ...encryptionAlgorithms([known(() => bucket.props.serverSideEncryptionConfiguration?.rule)]),
        ...of(TYPES.bucketEncryption)
          .filter((r) => appliesToBucket(r, bucket))
          .flatMap((r) => encryptionAlgorithms(known(() => r.props.rules))),
      ];
      if (algorithms.length === 0 || algorithms.some((a) => a !== "AES256"))
        report(
          `${label} receives access logs but its default encryption is ${algorithms.join(", ") || "missing"}; S3 server access logs and ALB access logs are delivered only to SSE-S3 (AES256) buckets.`,
          bucket.urn,
        );
      const ownership = of([TYPES.bucketOwnershipControls]).filter((r) => appliesToBucket(r, bucket));
      if (!ownership.some((r) => known(() => r.props.rule?.objectOwnership) === "BucketOwnerEnforced"))
        report(
          `${label} receives access logs but keeps ACLs on (set BucketOwnerEnforced: the bucket policy alone grants log delivery).`,
          bucket.urn,
        );
      const lifecycle = of(TYPES.bucketLifecycle).filter((r) => appliesToBucket(r, bucket));
      if (!lifecycle.some((r) => asArray(known(() => r.props.rules)).some(expires)))
        report(`${label} receives access logs but no enabled lifecycle rule expires them.`, bucket.urn);
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// Load balancers the controller makes keep access logs
// ---------------------------------------------------------------------------------------------------

/** An Ingress the AWS Load Balancer Controller turns into an ALB, or a Service it turns into an NLB. */
function controllerLoadBalancer(type: string, p: Props): { kind: string; annotation: string } | undefined {
  if (type === TYPES.ingress) {
    const ingressClass = p.spec?.ingressClassName ?? p.metadata?.annotations?.["kubernetes.io/ingress.class"];
    return ingressClass === "alb" ? { kind: "ALB of Ingress", annotation: ALB_ATTRIBUTES_ANNOTATION } : undefined;
  }
  if (type === TYPES.service && p.spec?.type === "LoadBalancer") {
    const annotations = isRecord(p.metadata?.annotations) ? p.metadata.annotations : {};
    const byController =
      p.spec?.loadBalancerClass === "service.k8s.aws/nlb" ||
      ["external", "nlb-ip"].includes(annotations["service.beta.kubernetes.io/aws-load-balancer-type"]);
    return byController ? { kind: "NLB of Service", annotation: NLB_ATTRIBUTES_ANNOTATION } : undefined;
  }
  return undefined;
}

export const loadBalancersLogAccess: ResourceValidationPolicy = {
  name: "load-balancers-log-access",
  description:
    "Every ALB (Ingress of class alb) and NLB (Service of class service.k8s.aws/nlb) the AWS Load Balancer Controller makes writes access logs to S3: access_logs.s3.enabled=true and a bucket in its attributes annotation.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps:
    "Give the Ingress alb.ingress.kubernetes.io/load-balancer-attributes (the Service service.beta.kubernetes.io/aws-load-balancer-attributes) " +
    "access_logs.s3.enabled=true,access_logs.s3.bucket=<log bucket>,access_logs.s3.prefix=<prefix>, merged with its other attributes.",
  validateResource: (args, report) => {
    const lb = controllerLoadBalancer(args.type, args.props);
    if (!lb) return;
    const name = known(() => args.props.metadata?.name) ?? args.name;
    let raw: unknown;
    try {
      raw = args.props.metadata?.annotations?.[lb.annotation];
    } catch (e) {
      // Not known in a preview (it names a bucket being created): checked at `pulumi up`.
      if (e instanceof UnknownValueError) return;
      throw e;
    }
    let attributes: Record<string, string>;
    try {
      attributes = typeof raw === "string" ? controllerStringMap(raw) : {};
    } catch {
      report(`${lb.kind} ${name}: ${lb.annotation} is not a list of key=value pairs; the controller rejects it.`);
      return;
    }
    if (attributes["access_logs.s3.enabled"] !== "true" || !attributes["access_logs.s3.bucket"])
      report(
        `${lb.kind} ${name} keeps no access logs: ${lb.annotation} does not set access_logs.s3.enabled=true and access_logs.s3.bucket.`,
      );
  },
};

// ---------------------------------------------------------------------------------------------------
// ElastiCache: TLS, encryption at rest, AUTH
// ---------------------------------------------------------------------------------------------------

export const elasticacheEncryptedWithAuth: ResourceValidationPolicy = {
  name: "elasticache-encrypted-with-auth",
  description: "ElastiCache replication groups encrypt in transit and at rest and require an AUTH token.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Set transitEncryptionEnabled: true, atRestEncryptionEnabled: true and authToken (from a secret) on the replication group.",
  validateResource: (args, report) => {
    if (args.type !== TYPES.replicationGroup) return;
    const p: Props = args.props;
    const on = (v: unknown) => v === true || v === "true";
    if (!on(p.transitEncryptionEnabled))
      report(
        "replication group does not set transitEncryptionEnabled: true (LiveKit's room state would cross the VPC in clear).",
      );
    if (!on(p.atRestEncryptionEnabled)) report("replication group does not set atRestEncryptionEnabled: true.");
    const token = p.authToken ?? p.authTokenWo;
    if (typeof token !== "string" || token === "")
      report("replication group has no authToken: anything that reaches the port can read and write room state.");
  },
};

// ---------------------------------------------------------------------------------------------------
// ConfigMaps hold no credentials
// ---------------------------------------------------------------------------------------------------

export const configMapsHoldNoCredentials: ResourceValidationPolicy = {
  name: "configmaps-hold-no-credentials",
  description:
    "No ConfigMap carries a credential (passwords, secrets, tokens, API key pairs, private keys, AWS access keys).",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Move the value to a Kubernetes Secret and mount it as a file (e.g. LiveKit's key_file, secret_file) or an env var from secretKeyRef.",
  validateResource: (args, report) => {
    if (args.type !== TYPES.configMap) return;
    const p: Props = args.props;
    const name = known(() => p.metadata?.name) ?? args.name;
    const entries: [string, string][] = [];
    for (const key of Object.keys(isRecord(p.data) ? p.data : {})) {
      // A value still unknown in preview is checked at `pulumi up`, when it is known.
      const value = known(() => p.data[key]);
      if (typeof value === "string") entries.push([key, value]);
    }
    for (const key of Object.keys(isRecord(p.binaryData) ? p.binaryData : {})) {
      const value = known(() => p.binaryData[key]);
      if (typeof value === "string") entries.push([key, Buffer.from(value, "base64").toString("latin1")]);
    }
    for (const [key, value] of entries) {
      for (const f of findCredentials(key, value)) {
        report(`ConfigMap ${name} entry "${key}"${f.line ? ` line ${f.line}` : ""} holds a credential: ${f.what}.`);
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// Container images pinned
// ---------------------------------------------------------------------------------------------------

/**
 * Each container image of a workload resource (containers, init and ephemeral containers), with where it is:
 * `<kind> <name> <list> <container>`.
 */
function forEachWorkloadImage(args: ResourceValidationArgs, visit: (image: unknown, where: string) => void): void {
  if (!WORKLOAD_TYPES.includes(args.type)) return;
  const spec = podSpecOf(args.type, args.props);
  if (!spec) return;
  const kind = args.type.split(":").pop();
  const name = known(() => args.props.metadata?.name) ?? args.name;
  for (const { list, container } of allContainers(spec))
    visit(container.image, `${kind} ${name} ${list} ${container.name ?? "?"}`);
}

export const containerImagesPinned: ResourceValidationPolicy = {
  name: "container-images-pinned",
  description:
    "Every container image (containers, initContainers, ephemeralContainers) names a version: a tag other than latest, or a digest.",
  enforcementLevel: "mandatory",
  severity: "medium",
  remediationSteps: "Pin the image in lib/versions.ts to a release tag (or a digest).",
  validateResource: (args, report) =>
    forEachWorkloadImage(args, (image, where) => {
      const problem = imagePinProblem(image);
      if (problem) report(`${where}: image ${JSON.stringify(image ?? null)} ${problem}.`);
    }),
};

/**
 * Advisory: a tag can be pushed again upstream (Docker Hub tags are mutable), so a node pulling later may run
 * other bytes than the plan named. Warns on every image pinned by tag only; untagged and `latest` images are
 * container-images-pinned's (mandatory).
 */
export const containerImagesByDigest: ResourceValidationPolicy = {
  name: "container-images-by-digest",
  description: "Every container image is pinned by digest (`@sha256:`), not only by a tag that can be pushed again.",
  enforcementLevel: "advisory",
  severity: "low",
  remediationSteps:
    "Pin the image by digest in the stack file: `livekit-platform:images.pins.<image>` = `<repository>:<tag>@sha256:<digest>` (docs/security.md).",
  validateResource: (args, report) =>
    forEachWorkloadImage(args, (image, where) => {
      if (imagePinProblem(image) === undefined && !imageHasDigest(image))
        report(`${where}: image ${JSON.stringify(image)} is a tag without a digest.`);
    }),
};

// ---------------------------------------------------------------------------------------------------
// The LiveKit SFU pod
// ---------------------------------------------------------------------------------------------------

export const LIVEKIT_SERVER_NAME = "livekit-server";
export const LIVEKIT_SERVER_IMAGE = "livekit/livekit-server";

export interface LiveKitPodConfig {
  minTerminationGracePeriodSeconds: number;
}

/** A Deployment named or labelled livekit-server, or running its image. */
export function isLiveKitServerDeployment(p: Props): boolean {
  const labels = [p.metadata?.labels, p.spec?.template?.metadata?.labels].filter(isRecord);
  const named =
    p.metadata?.name === LIVEKIT_SERVER_NAME ||
    labels.some((l) => l["app.kubernetes.io/name"] === LIVEKIT_SERVER_NAME || l.app === LIVEKIT_SERVER_NAME);
  const spec = podSpecOf(TYPES.deployment, p);
  const runsImage =
    !!spec &&
    allContainers(spec).some(({ container }) => imageRepository(container.image).endsWith(LIVEKIT_SERVER_IMAGE));
  return named || runsImage;
}

export const livekitSfuPodShape: ResourceValidationPolicy = {
  name: "livekit-sfu-pod-shape",
  description:
    "LiveKit SFU pods run on the host network, have no CPU limit, and may drain their rooms for at least 5 hours.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "In the livekit-server Deployment: hostNetwork: true (ICE ports on the node's public IP), no resources.limits.cpu " +
    "(CFS throttling drops packets), terminationGracePeriodSeconds >= 18000 (rooms drain on SIGTERM).",
  configSchema: {
    properties: {
      minTerminationGracePeriodSeconds: {
        type: "integer",
        minimum: 0,
        default: 18000,
        description: "Shortest drain a LiveKit pod may get.",
      },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== TYPES.deployment || !isLiveKitServerDeployment(args.props)) return;
    const { minTerminationGracePeriodSeconds: minGrace } = configOf<LiveKitPodConfig>(args, {
      minTerminationGracePeriodSeconds: 18000,
    });
    const spec = podSpecOf(args.type, args.props) ?? {};
    const name = args.props.metadata?.name ?? args.name;
    if (spec.hostNetwork !== true)
      report(
        `Deployment ${name}: hostNetwork is not true; ICE candidates would carry the pod IP, not the node's public IP.`,
      );
    for (const container of spec.containers ?? []) {
      const cpu = container.resources?.limits?.cpu;
      if (cpu !== undefined)
        report(
          `Deployment ${name} container ${container.name ?? "?"}: CPU limit ${JSON.stringify(cpu)}; a media server must not be throttled.`,
        );
    }
    const grace = spec.terminationGracePeriodSeconds;
    if (typeof grace !== "number" || grace < minGrace) {
      report(
        `Deployment ${name}: terminationGracePeriodSeconds is ${JSON.stringify(grace ?? null)} (default 30), below ${minGrace}; rooms would be cut on every rollout.`,
      );
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// Coturn relays never reach private, loopback or link-local peers
// ---------------------------------------------------------------------------------------------------

/** The ranges a TURN relay must not reach: the VPC and pods, loopback, and IMDS (169.254.169.254, fd00:ec2::254). */
export const REQUIRED_DENIED_PEER_CIDRS: readonly string[] = [
  "10.0.0.0/8",
  "172.16.0.0/12",
  "192.168.0.0/16",
  "127.0.0.0/8",
  "169.254.0.0/16",
  "::1/128",
  "fc00::/7",
  "fe80::/10",
];

export const COTURN_CONF_KEY = "turnserver.conf";

export interface CoturnPeerConfig {
  requiredDeniedPeerCidrs: string[];
}

/** Problems with a turnserver.conf's peer rules against `required` CIDRs. */
export function coturnPeerProblems(conf: string, required: readonly string[]): string[] {
  const problems: string[] = [];
  const denied: IpRange[] = [];
  const allowed: { text: string; range: IpRange }[] = [];
  for (const raw of conf.split(/\r?\n/)) {
    const line = raw.replace(/#.*$/, "").trim();
    // Coturn also accepts the --long-option spelling in the file.
    const m = /^(?:--)?(denied-peer-ip|allowed-peer-ip)\s*=\s*(\S+)$/.exec(line);
    if (m) {
      const range = parseCoturnPeerRange(m[2]);
      if (!range)
        problems.push(
          `${m[1]}=${m[2]} is not an address or address range (Coturn takes no CIDR; 4.11+ refuses to start)`,
        );
      else if (m[1] === "denied-peer-ip") denied.push(range);
      else allowed.push({ text: m[2], range });
    } else if (/^(?:--)?allow-loopback-peers\b/.test(line)) {
      problems.push("allow-loopback-peers lets relays reach 127.0.0.0/8 and ::1");
    }
  }
  for (const cidr of required) {
    const target = parseCidr(cidr);
    if (!target) {
      problems.push(`required range ${cidr} is not a CIDR (policy config)`);
      continue;
    }
    if (!covers(denied, target)) problems.push(`denied-peer-ip does not cover ${cidr}`);
    for (const a of allowed)
      if (overlaps(a.range, target)) problems.push(`allowed-peer-ip=${a.text} re-opens part of ${cidr}`);
  }
  return problems;
}

export const coturnDeniesPrivatePeers: ResourceValidationPolicy = {
  name: "coturn-denies-private-peers",
  description:
    "Coturn's turnserver.conf denies relays to private, loopback and link-local ranges, and no allowed-peer-ip re-opens them.",
  enforcementLevel: "mandatory",
  severity: "critical",
  remediationSteps:
    "Render denied-peer-ip ranges covering every required CIDR (components/coturn/turnserver-conf.ts DENIED_PEER_CIDRS) and drop allowed-peer-ip lines inside them.",
  configSchema: {
    properties: {
      requiredDeniedPeerCidrs: {
        type: "array",
        items: { type: "string" },
        default: [...REQUIRED_DENIED_PEER_CIDRS],
        description: "CIDRs every turnserver.conf must deny as relay peers.",
      },
    },
  },
  validateResource: (args, report) => {
    if (args.type !== TYPES.configMap) return;
    const data = args.props.data;
    if (!isRecord(data) || !(COTURN_CONF_KEY in data)) return;
    const conf = known(() => data[COTURN_CONF_KEY]);
    if (typeof conf !== "string") return;
    const { requiredDeniedPeerCidrs } = configOf<CoturnPeerConfig>(args, {
      requiredDeniedPeerCidrs: [...REQUIRED_DENIED_PEER_CIDRS],
    });
    const name = args.props.metadata?.name ?? args.name;
    for (const problem of coturnPeerProblems(conf, requiredDeniedPeerCidrs)) {
      report(`ConfigMap ${name} ${COTURN_CONF_KEY}: ${problem}.`);
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// Pod Security Standards: every pod meets the level its namespace enforces
// ---------------------------------------------------------------------------------------------------

/** A namespace the stack creates, or labels through a patch (one Helm created before the stack labelled it). */
const NAMESPACE_TYPES = ["kubernetes:core/v1:Namespace", "kubernetes:core/v1:NamespacePatch"];

export const podsMeetNamespacePodSecurity: StackValidationPolicy = {
  name: "pods-meet-namespace-pod-security",
  description:
    "Every namespace the stack creates or labels enforces a Pod Security Standard (pod-security.kubernetes.io/enforce), and every " +
    "pod the stack renders into it meets that level, so the API server never refuses one at `pulumi up`.",
  enforcementLevel: "mandatory",
  severity: "high",
  remediationSteps:
    "Label the namespace with pod-security.kubernetes.io/enforce (and warn, audit, their -version) at the strictest " +
    "level its pods meet; give a pod that needs more than its namespace allows a namespace of its own, or take away " +
    "what it does not need (host namespaces, capabilities, root, a writable root filesystem is fine).",
  validateStack: (args, report) => {
    const namespaces = new Map<string, PolicyResource>();
    for (const ns of args.resources.filter((r) => NAMESPACE_TYPES.includes(r.type))) {
      const name = known(() => ns.props.metadata?.name);
      if (typeof name !== "string") continue;
      namespaces.set(name, ns);
      if (enforcedPodSecurity(known(() => ns.props.metadata?.labels)) === undefined)
        report(`Namespace ${name} enforces no Pod Security Standard (pod-security.kubernetes.io/enforce).`, ns.urn);
    }
    for (const workload of args.resources.filter((r) => WORKLOAD_TYPES.includes(r.type))) {
      const namespace = known(() => workload.props.metadata?.namespace);
      const ns = typeof namespace === "string" ? namespaces.get(namespace) : undefined;
      const enforced = ns && enforcedPodSecurity(known(() => ns.props.metadata?.labels));
      const spec = known(() => podSpecOf(workload.type, workload.props));
      if (!enforced || !spec) continue; // a namespace the stack does not create, or a value not known yet
      for (const problem of known(() => podSecurityProblems(spec, enforced.level)) ?? [])
        report(
          `${workload.type} ${workload.name} in ${namespace} breaks Pod Security "${enforced.level}": ${problem}.`,
          workload.urn,
        );
    }
  },
};

/** Every policy of the pack, in the order `pulumi preview` lists them. */
export const policies: Policies = [
  imdsv2Required,
  publicIngressOnlyForWebRtc,
  s3BucketsPrivateAndEncrypted,
  s3BucketsAccessLogged,
  loadBalancersLogAccess,
  elasticacheEncryptedWithAuth,
  configMapsHoldNoCredentials,
  containerImagesPinned,
  containerImagesByDigest,
  livekitSfuPodShape,
  coturnDeniesPrivatePeers,
  podsMeetNamespacePodSecurity,
];

// Re-exported for tests that build arguments by hand.
export type { PolicyResource, ReportViolation, ResourceValidationArgs, StackValidationArgs };
