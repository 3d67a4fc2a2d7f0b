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
  checkMaxRecordingSeconds,
  renderEgressConfig,
} from "./config";
import type { ApiKeyPair } from "../credentials";
import { dependenciesOf } from "../shared/dependencies";
import { deletionCostPolicy } from "../shared/deletion-cost-policy";
import { placeOn } from "../shared/node-roles";
import { versions } from "../../lib/versions";
import { invariant } from "../shared/invariant";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { CONFIG_CHECKSUM_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION, sha256, workloadLabels } from "../shared/annotations";
import { recordingsPolicy } from "./iam";
import {
  deletionCostScript,
  egressScaledObjectSpec,
  egressTerminationGraceSeconds,
  EgressPoolScaling,
  IDLE_POD_DELETION_COST,
  POD_DELETION_COST_ANNOTATION,
} from "./scaling";

export {
  DEFAULT_MAX_RECORDING_HOURS,
  egressTerminationGraceSeconds,
  EGRESS_UPLOAD_MARGIN_SECONDS,
  busyEgressPodsQuery,
  desiredEgressPodsQuery,
} from "./scaling";

/** LiveKit's advice: at least 4 CPUs and 4 GB per egress instance (room composite uses 2-6 CPUs). */
export const EGRESS_MIN_CPUS = 4;
export const EGRESS_MIN_MEMORY_GIB = 4;
/** The pod's memory limit must exceed egress's `max_memory` by this, so egress's own kill acts first. */
export const EGRESS_MIN_MEMORY_HEADROOM_GIB = 1;

export interface EgressArgs {
  /** EKS cluster name, for the Pod Identity association. */
  clusterName: pulumi.Input<string>;
  /** Existing namespace (the media plane's). */
  namespace: pulumi.Input<string>;
  /** Signalling URL egress joins rooms through (`ws_url`), e.g. `LiveKit.internalUrl`. */
  livekitUrl: pulumi.Input<string>;
  /** Egress's own key pair of livekit-server's key file (`Credentials.egressKey`). */
  apiKey: ApiKeyPair;
  /** The same ElastiCache as the SFUs: jobs reach egress through it. */
  redis: {
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** AUTH token (a secret Output); egress takes it only in its config file, which is kept in a Secret. */
    password: pulumi.Input<string>;
  };
  /**
   * Per pod, requests = limits (whole CPUs, Guaranteed QoS). Egress counts its CPUs from the cgroup quota;
   * `maxMemoryGiB` is egress's own ceiling (`cpu_cost.max_memory`), at least 1 GiB under `memoryGiB`, the
   * pod's limit, so egress refuses and kills jobs before the kernel's OOM killer does.
   */
  resources: { cpus: number; memoryGiB: number; maxMemoryGiB: number };
  /**
   * CPU cost egress charges a room composite or web egress; with `cpus` x maxCpuUtilization (0.8 by default)
   * only an idle pod admits one. Egress's default 4 when omitted.
   */
  compositeCpuCost?: number;
  /** The pool's floor, ceiling and idle pool (see ./scaling.ts). */
  autoscaling: Omit<EgressPoolScaling, "namespace">;
  /** Prometheus's query URL inside the cluster, for KEDA's Prometheus scaler. */
  prometheusUrl: string;
  /** Longest recording, seconds (egress session limits); the pods' grace period is set from it. */
  maxRecordingSeconds: number;
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
 *
 * Options: the cluster's Kubernetes provider (`providers`); in `dependsOn`, the Pod Identity agent add-on and
 * KEDA's Helm release (its CRDs and operator must exist before the ScaledObject, which names them again).
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
  /** The pods' terminationGracePeriodSeconds: Karpenter's egress NodePool must wait at least this. */
  readonly terminationGracePeriodSeconds: number;

  constructor(name: string, args: EgressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:egress:Egress", name, {}, opts);
    checkEgressArgs(args);
    const namespace = pulumi.output(args.namespace);
    const grace = egressTerminationGraceSeconds(args.maxRecordingSeconds);
    const recording = args.autoscaling.maxReplicas > 0;
    this.terminationGracePeriodSeconds = grace;
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
      { parent: this },
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
        args.apiKey.id,
        args.apiKey.secret,
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
          admission: {
            maxCpuUtilization: args.maxCpuUtilization,
            maxMemoryGiB: args.resources.maxMemoryGiB,
            compositeCpuCost: args.compositeCpuCost,
          },
          maxRecordingSeconds: args.maxRecordingSeconds,
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
      { parent: this },
    );

    const quantities = { cpu: `${args.resources.cpus}`, memory: `${args.resources.memoryGiB}Gi` };
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-egress`,
      {
        metadata: { name: appName, namespace, labels },
        spec: {
          // No replicas: KEDA's HPA owns the count (none when nothing is recorded: maxReplicas 0).
          ...(recording ? {} : { replicas: 0 }),
          selector: { matchLabels: podLabels },
          // A rollout first adds new pods, then drains old ones (each finishes its recordings): capacity never
          // drops below the current count. The idle pods go first (deletion cost).
          strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
          // New pods may wait for new nodes.
          progressDeadlineSeconds: 1800,
          template: {
            metadata: {
              labels,
              annotations: {
                [CONFIG_CHECKSUM_ANNOTATION]: this.configChecksum,
                // A recording in progress lives in this pod: Karpenter must not consolidate it away.
                [DO_NOT_DISRUPT_ANNOTATION]: "true",
                // New pods are idle: first to go until the updater sees a recording.
                [POD_DELETION_COST_ANNOTATION]: String(IDLE_POD_DELETION_COST),
              },
            },
            spec: {
              ...placeOn("egress"),
              serviceAccountName: serviceAccount.metadata.name,
              // SIGTERM: egress stops taking jobs and exits once its recordings end, which the session limit
              // bounds; the grace period is that limit plus the upload.
              terminationGracePeriodSeconds: grace,
              enableServiceLinks: false,
              // Chrome runs without its own sandbox (egress's default, enable_chrome_sandbox unset: it would
              // need unprivileged user namespaces or SYS_ADMIN and LiveKit's seccomp profile). Egress renders only
              // LiveKit's own room template from localhost, so the container itself is the boundary: the image's
              // non-root user `egress` (build/egress/Dockerfile `USER egress`; a name, so runAsNonRoot could not
              // verify it), no privilege escalation, no capabilities, the runtime's default seccomp profile.
              securityContext: { seccompProfile: { type: "RuntimeDefault" } },
              containers: [
                {
                  name: "egress",
                  image: versions.images.livekitEgress,
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    privileged: false,
                    capabilities: { drop: ["ALL"] },
                  },
                  env: [{ name: EGRESS_CONFIG_FILE_ENV, value: EGRESS_CONFIG_PATH }],
                  ports: [
                    { name: "health", containerPort: EGRESS_HEALTH_PORT, protocol: "TCP" },
                    { name: "metrics", containerPort: EGRESS_METRICS_PORT, protocol: "TCP" },
                  ],
                  // Limits = requests: egress counts its CPUs from the cgroup quota, and Guaranteed QoS keeps
                  // the kernel from reclaiming a recorder's memory first. Memory is max_memory + >= 1 GiB.
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
        parent: this,
        // The Pod Identity webhook injects credentials at pod creation: the association must exist first.
        dependsOn: [podIdentity],
        customTimeouts: { create: "20m", update: "30m" }, // new pods may wait for new egress nodes
      },
    );

    // Voluntary evictions (node drains) one pod at a time; each drains until its recordings end.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-egress`,
      {
        metadata: { name: appName, namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: podLabels } },
      },
      { parent: this },
    );

    // Scale on idle pods, through KEDA (its CRDs come with its release, hence the dependency).
    const ns = pulumi.output(args.namespace);
    if (recording) this.createScaledObject(name, appName, ns, labels, deployment, args, dependenciesOf(opts));

    this.createDeletionCostUpdater(name, appName, ns, podLabels);
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

  private createScaledObject(
    name: string,
    appName: string,
    namespace: pulumi.Output<string>,
    labels: Record<string, string>,
    deployment: k8s.apps.v1.Deployment,
    args: EgressArgs,
    dependencies: pulumi.Input<pulumi.Resource>[],
  ): void {
    new k8s.apiextensions.CustomResource(
      `${name}-egress`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: appName, namespace, labels },
        spec: pulumi.all([namespace, deployment.metadata.name]).apply(([namespaceName, deploymentName]) =>
          egressScaledObjectSpec({
            ...args.autoscaling,
            namespace: namespaceName,
            deploymentName,
            prometheusUrl: args.prometheusUrl,
          }),
        ),
      },
      {
        parent: this,
        dependsOn: [...dependencies, deployment],
        // This resource replaces the CPU HPA of the same name, which must go first: KEDA's admission webhook
        // refuses a ScaledObject for a Deployment another HPA already scales.
        aliases: [{ type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler" }],
        deleteBeforeReplace: true,
      },
    );
  }

  /**
   * Keeps each egress pod's deletion cost current (idle 0, busy 1000), so the ReplicaSet removes idle pods
   * first on scale-in and rollouts. One small pod on system nodes reads every egress pod's metrics through
   * the API server; the egress pods themselves keep no Kubernetes credentials.
   */
  private createDeletionCostUpdater(
    name: string,
    appName: string,
    namespace: pulumi.Output<string>,
    podLabels: Record<string, string>,
  ): void {
    const updaterName = `${appName}-deletion-cost`;
    const updater = workloadLabels(updaterName, "egress");
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-deletion-cost`,
      { metadata: { name: updaterName, namespace, labels: updater.labels } },
      { parent: this },
    );
    // Read pods and their metrics, write their annotations: in this namespace only (RBAC), only the deletion
    // cost of egress pods (the admission policy below).
    const role = new k8s.rbac.v1.Role(
      `${name}-deletion-cost`,
      {
        metadata: { name: updaterName, namespace, labels: updater.labels },
        rules: [
          { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch"] },
          { apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] },
        ],
      },
      { parent: this },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deletion-cost`,
      {
        metadata: { name: updaterName, namespace, labels: updater.labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      },
      { parent: this },
    );
    // RBAC cannot narrow a patch to one field of some pods: the admission policy does (only this annotation,
    // only on egress pods).
    const deletionCost = pulumi.all([namespace, account.metadata.name]).apply(([ns, serviceAccount]) =>
      deletionCostPolicy({
        name: updaterName,
        namespace: ns,
        serviceAccount,
        pods: { labels: podLabels },
        labels: updater.labels,
      }),
    );
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-deletion-cost`,
      { metadata: { name: updaterName, labels: updater.labels }, spec: deletionCost.policy.spec },
      { parent: this },
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-deletion-cost`,
      {
        metadata: { name: updaterName, labels: updater.labels },
        spec: { policyName: policy.metadata.name, validationActions: deletionCost.binding.spec.validationActions },
      },
      { parent: this },
    );
    const selector = Object.entries(podLabels)
      .map(([k, v]) => `${k}=${v}`)
      .join(",");
    new k8s.apps.v1.Deployment(
      `${name}-deletion-cost`,
      {
        metadata: { name: updaterName, namespace, labels: updater.labels },
        spec: {
          replicas: 1,
          selector: { matchLabels: updater.podLabels },
          template: {
            metadata: { labels: updater.labels },
            spec: {
              ...placeOn("system"),
              serviceAccountName: account.metadata.name,
              enableServiceLinks: false,
              securityContext: {
                runAsNonRoot: true,
                runAsUser: 65534,
                runAsGroup: 65534,
                seccompProfile: { type: "RuntimeDefault" },
              },
              containers: [
                {
                  name: "updater",
                  image: versions.images.kubectl,
                  command: ["/bin/sh", "-c"],
                  args: [
                    namespace.apply((ns) =>
                      deletionCostScript({ namespace: ns, selector, metricsPort: EGRESS_METRICS_PORT }),
                    ),
                  ],
                  // kubectl keeps its discovery cache under $HOME/.kube: a scratch volume, the root stays read-only.
                  env: [{ name: "HOME", value: "/tmp" }],
                  volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
                  resources: {
                    requests: { cpu: "20m", memory: "64Mi" },
                    limits: { memory: "128Mi" },
                  },
                  securityContext: {
                    allowPrivilegeEscalation: false,
                    readOnlyRootFilesystem: true,
                    capabilities: { drop: ["ALL"] },
                  },
                },
              ],
              volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
            },
          },
        },
      },
      { parent: this },
    );
  }
}

function checkEgressArgs(args: EgressArgs): void {
  const { cpus, memoryGiB, maxMemoryGiB } = args.resources;
  invariant(
    Number.isInteger(cpus) && cpus >= EGRESS_MIN_CPUS,
    "egress resources.cpus",
    `must be a whole number of at least ${EGRESS_MIN_CPUS} (room composite needs 2-6 CPUs)`,
    cpus,
  );
  invariant(
    Number.isInteger(memoryGiB) && memoryGiB >= EGRESS_MIN_MEMORY_GIB,
    "egress resources.memoryGiB",
    `must be a whole number of at least ${EGRESS_MIN_MEMORY_GIB}`,
    memoryGiB,
  );
  invariant(
    maxMemoryGiB >= EGRESS_MIN_MEMORY_GIB - EGRESS_MIN_MEMORY_HEADROOM_GIB,
    "egress resources.maxMemoryGiB",
    `must be at least ${EGRESS_MIN_MEMORY_GIB - EGRESS_MIN_MEMORY_HEADROOM_GIB}`,
    maxMemoryGiB,
  );
  invariant(
    memoryGiB - maxMemoryGiB >= EGRESS_MIN_MEMORY_HEADROOM_GIB,
    "egress resources.memoryGiB",
    `must be at least ${EGRESS_MIN_MEMORY_HEADROOM_GIB} GiB above maxMemoryGiB (${maxMemoryGiB}) so egress's memory kill acts before the kernel's`,
    memoryGiB,
  );
  checkMaxRecordingSeconds(args.maxRecordingSeconds, "egress maxRecordingSeconds");
  // Validates the bounds now rather than inside an apply.
  egressScaledObjectSpec({ ...args.autoscaling, namespace: "-", deploymentName: "-", prometheusUrl: "-" });
  const days = args.recordingRetentionDays;
  invariant(
    Number.isInteger(days) && days >= 1,
    "egress recordingRetentionDays",
    "must be a whole number of at least 1",
    days,
  );
}
