import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  EGRESS_CONFIG_FILE_ENV,
  EGRESS_CONFIG_MOUNT,
  EGRESS_CONFIG_PATH,
  EGRESS_HEALTH_PORT,
  EGRESS_METRICS_PORT,
  EgressLogLevel,
  renderEgressConfig,
} from "./config";
import { placeOn } from "../shared/node-roles";
import { versions } from "../../lib/versions";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { CONFIG_CHECKSUM_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION, sha256, workloadLabels } from "../shared/annotations";
import { checkAutoscaling, CpuAutoscaling, drainingScaling } from "../shared/draining-autoscaling";
import { recordingsPolicy } from "./iam";

/**
 * How long an egress pod may finish its recordings after SIGTERM (egress stops taking jobs and exits
 * when idle). The chart's 1 h; recordings still running after it are cut. Karpenter's egress NodePool
 * `terminationGracePeriod` must be at least this.
 */
export const EGRESS_TERMINATION_GRACE_SECONDS = 3600;

/** LiveKit's advice: at least 4 CPUs and 4 GB per egress instance (room composite uses 2-6 CPUs). */
export const EGRESS_MIN_CPUS = 4;
export const EGRESS_MIN_MEMORY_GIB = 4;

export interface EgressArgs {
  /** The region cluster's Kubernetes provider. */
  provider: k8s.Provider;
  /** EKS cluster name, for the Pod Identity association. */
  clusterName: pulumi.Input<string>;
  /** Existing namespace (the media plane's). */
  namespace: pulumi.Input<string>;
  /** Signalling URL egress joins rooms through (`ws_url`), e.g. `LiveKit.internalUrl`. */
  livekitUrl: pulumi.Input<string>;
  /** One of livekit-server's API keys (`LiveKit.apiKey` / `apiSecret`). */
  apiKey: pulumi.Input<string>;
  apiSecret: pulumi.Input<string>;
  /** The same ElastiCache as the SFUs: jobs reach egress through it. */
  redis: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** AUTH token (a secret Output); egress takes it only in its config file, which is kept in a Secret. */
    password: pulumi.Input<string>;
  };
  /**
   * Per pod, requests = limits (whole CPUs). Egress sizes its job admission from the CPU count it sees in
   * the cgroup quota and from `memoryGiB` (its max_memory), so both must be the pod's real limits.
   */
  resources: { cpus: number; memoryGiB: number };
  autoscaling: CpuAutoscaling;
  /** Days a recording stays in the bucket before S3 deletes it. */
  recordingRetentionDays: number;
  /** `protect` the recordings bucket: `pulumi destroy` and replacements stop at it. */
  protectRecordings?: boolean;
  /** Share of the pod's CPUs egress fills before refusing jobs, in (0, 1]; egress's default 0.8 if omitted. */
  maxCpuUtilization?: number;
  logging?: { level: EgressLogLevel; json: boolean };
  /** AWS tags for the bucket and the role. */
  tags?: Record<string, string>;
}

/**
 * LiveKit Egress: recorders on their own nodes, uploading to a private, encrypted S3 bucket with short-lived
 * credentials from EKS Pod Identity (a role that can touch that bucket and nothing else).
 */
export class Egress extends pulumi.ComponentResource {
  readonly bucketName: pulumi.Output<string>;
  readonly bucketArn: pulumi.Output<string>;
  readonly roleArn: pulumi.Output<string>;
  readonly serviceAccountName: pulumi.Output<string>;
  readonly namespace: pulumi.Output<string>;
  /** Labels of the egress pods (for PodMonitors). */
  readonly podLabels: Record<string, string>;
  readonly metricsPort: number = EGRESS_METRICS_PORT;
  /** SHA-256 of the rendered config (not secret: it reveals nothing of the secrets inside). */
  readonly configChecksum: pulumi.Output<string>;

  constructor(name: string, args: EgressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:egress:Egress", name, {}, opts);
    checkEgressArgs(args);
    const k8sOpts = { parent: this, provider: args.provider };
    const namespace = pulumi.output(args.namespace);
    const appName = "livekit-egress";
    const { podLabels, labels } = workloadLabels(appName, "egress");

    // --- The recordings bucket -------------------------------------------------------------------
    const bucket = new aws.s3.Bucket(
      `${name}-recordings`,
      {
        forceDestroy: false, // destroying the stack must not delete recordings
        tags: args.tags,
      },
      { parent: this, protect: args.protectRecordings },
    );
    const bucketOpts = { parent: this };
    const publicAccess = new aws.s3.BucketPublicAccessBlock(
      `${name}-recordings`,
      {
        bucket: bucket.bucket,
        blockPublicAcls: true,
        blockPublicPolicy: true,
        ignorePublicAcls: true,
        restrictPublicBuckets: true,
      },
      bucketOpts,
    );
    new aws.s3.BucketOwnershipControls(
      `${name}-recordings`,
      {
        bucket: bucket.bucket,
        rule: { objectOwnership: "BucketOwnerEnforced" }, // ACLs off: the bucket policy alone decides
      },
      bucketOpts,
    );
    new aws.s3.BucketServerSideEncryptionConfiguration(
      `${name}-recordings`,
      {
        bucket: bucket.bucket,
        // SSE-S3: encrypted at rest with no KMS key policy for the egress role to need.
        rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } }],
      },
      bucketOpts,
    );
    new aws.s3.BucketLifecycleConfiguration(
      `${name}-recordings`,
      {
        bucket: bucket.bucket,
        rules: [
          { id: "expire-recordings", status: "Enabled", filter: {}, expiration: { days: args.recordingRetentionDays } },
          // A recorder killed mid-upload leaves parts that are billed but invisible.
          {
            id: "abort-incomplete-uploads",
            status: "Enabled",
            filter: {},
            abortIncompleteMultipartUpload: { daysAfterInitiation: 3 },
          },
        ],
      },
      bucketOpts,
    );
    new aws.s3.BucketPolicy(
      `${name}-recordings`,
      {
        bucket: bucket.bucket,
        policy: bucket.arn.apply((arn) =>
          JSON.stringify({
            Version: "2012-10-17",
            Statement: [
              {
                Sid: "DenyInsecureTransport",
                Effect: "Deny",
                Principal: "*",
                Action: "s3:*",
                Resource: [arn, `${arn}/*`],
                Condition: { Bool: { "aws:SecureTransport": "false" } },
              },
            ],
          }),
        ),
      },
      { ...bucketOpts, dependsOn: [publicAccess] },
    ); // S3 rejects concurrent changes to one bucket's settings

    // --- Credentials: EKS Pod Identity ------------------------------------------------------------
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-egress`,
      {
        metadata: { name: appName, namespace, labels },
        automountServiceAccountToken: false, // egress never calls the Kubernetes API
      },
      k8sOpts,
    );
    const identity = new PodIdentityRole(
      `${name}-egress`,
      {
        description: "LiveKit Egress pods (EKS Pod Identity): upload recordings to one bucket",
        clusterName: args.clusterName,
        namespace,
        serviceAccount: serviceAccount.metadata.name,
        inlinePolicy: bucket.arn.apply((arn) => JSON.stringify(recordingsPolicy(arn))),
        tags: args.tags,
      },
      { parent: this },
    );
    const role = identity.role;
    const podIdentity = identity.association;

    // --- Config: holds the API secret and the Redis password, so a Secret -------------------------
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const config = pulumi
      .all([
        args.apiKey,
        args.apiSecret,
        args.livekitUrl,
        args.redis.host,
        args.redis.port,
        args.redis.password,
        bucket.bucket,
        region,
      ])
      .apply(([apiKey, apiSecret, wsUrl, host, port, password, bucketName, bucketRegion]) =>
        renderEgressConfig({
          apiKey,
          apiSecret,
          wsUrl,
          redis: { host, port, password },
          s3: { bucket: bucketName, region: bucketRegion },
          logging: args.logging ?? { level: "info", json: true },
          admission: { maxCpuUtilization: args.maxCpuUtilization, maxMemoryGiB: args.resources.memoryGiB },
        }),
      );
    this.configChecksum = pulumi.unsecret(config.apply(sha256));
    const configSecret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: {
          name: this.configChecksum.apply((sum) => `livekit-egress-config-${sum.slice(0, 10)}`),
          namespace,
          labels,
        },
        type: "Opaque",
        stringData: { [EGRESS_CONFIG_MOUNT.file]: pulumi.secret(config) },
      },
      k8sOpts,
    );

    const quantities = { cpu: `${args.resources.cpus}`, memory: `${args.resources.memoryGiB}Gi` };
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-egress`,
      {
        metadata: { name: appName, namespace, labels },
        spec: {
          // No replicas: the HPA owns the count.
          selector: { matchLabels: podLabels },
          template: {
            metadata: {
              labels,
              annotations: {
                [CONFIG_CHECKSUM_ANNOTATION]: this.configChecksum,
                // A recording in progress lives in this pod: Karpenter must not consolidate it away.
                [DO_NOT_DISRUPT_ANNOTATION]: "true",
              },
            },
            spec: {
              ...placeOn("egress"),
              serviceAccountName: serviceAccount.metadata.name,
              // SIGTERM: egress stops taking jobs and exits once its recordings end.
              terminationGracePeriodSeconds: EGRESS_TERMINATION_GRACE_SECONDS,
              enableServiceLinks: false,
              containers: [
                {
                  name: "egress",
                  image: versions.images.livekitEgress,
                  env: [{ name: EGRESS_CONFIG_FILE_ENV, value: EGRESS_CONFIG_PATH }],
                  ports: [
                    { name: "health", containerPort: EGRESS_HEALTH_PORT, protocol: "TCP" },
                    { name: "metrics", containerPort: EGRESS_METRICS_PORT, protocol: "TCP" },
                  ],
                  // Limits = requests: egress counts its CPUs from the cgroup quota, and Guaranteed QoS keeps
                  // the kernel from reclaiming a recorder's memory first.
                  resources: { requests: quantities, limits: quantities },
                  readinessProbe: {
                    httpGet: { path: "/", port: EGRESS_HEALTH_PORT },
                    periodSeconds: 10,
                    timeoutSeconds: 3,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    httpGet: { path: "/", port: EGRESS_HEALTH_PORT },
                    initialDelaySeconds: 30,
                    periodSeconds: 15,
                    timeoutSeconds: 5,
                    failureThreshold: 4,
                  },
                  volumeMounts: [{ name: "config", mountPath: EGRESS_CONFIG_MOUNT.dir, readOnly: true }],
                },
              ],
              volumes: [
                {
                  name: "config",
                  // The image's user `egress` is in group root (gid 0): 0440 lets it read, and no one else.
                  secret: { secretName: configSecret.metadata.name, defaultMode: 0o440 },
                },
              ],
            },
          },
        },
      },
      {
        ...k8sOpts,
        // The Pod Identity webhook injects credentials at pod creation: the association must exist first.
        dependsOn: [podIdentity],
        customTimeouts: { create: "20m", update: "30m" }, // new pods may wait for new egress nodes
      },
    );

    // A removed pod finishes its recordings first (up to an hour).
    drainingScaling(
      `${name}-egress`,
      {
        metadata: { name: appName, namespace, labels },
        podLabels,
        deploymentName: deployment.metadata.name,
        autoscaling: args.autoscaling,
        scaleInEverySeconds: 300,
      },
      k8sOpts,
    );

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.roleArn = role.arn;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.namespace = namespace;
    this.podLabels = podLabels;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      roleArn: this.roleArn,
      serviceAccountName: this.serviceAccountName,
      configChecksum: this.configChecksum,
    });
  }
}

function checkEgressArgs(args: EgressArgs): void {
  const { cpus, memoryGiB } = args.resources;
  if (!Number.isInteger(cpus) || cpus < EGRESS_MIN_CPUS) {
    throw new Error(
      `egress resources.cpus: expected a whole number >= ${EGRESS_MIN_CPUS} (room composite needs 2-6 CPUs), got ${cpus}`,
    );
  }
  if (!Number.isInteger(memoryGiB) || memoryGiB < EGRESS_MIN_MEMORY_GIB) {
    throw new Error(
      `egress resources.memoryGiB: expected a whole number >= ${EGRESS_MIN_MEMORY_GIB}, got ${memoryGiB}`,
    );
  }
  checkAutoscaling("egress autoscaling", args.autoscaling);
  const days = args.recordingRetentionDays;
  if (!Number.isInteger(days) || days < 1)
    throw new Error(`egress recordingRetentionDays: expected a whole number >= 1, got ${days}`);
}
