import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EgressKey } from "../credentials";
import { sha256, workloadLabels } from "../shared/annotations";
import type { ContainerImages } from "../shared/images";
import { dependenciesOf } from "../shared/dependencies";
import { deletionCostPolicy } from "../shared/deletion-cost-policy";
import { invariant } from "../shared/invariant";
import { kubectlLoopSpec } from "../shared/kubectl-pod";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { secretKeyName } from "../shared/pods";
import {
  EGRESS_CONFIG_MOUNT,
  EGRESS_METRICS_PORT,
  EgressLogLevel,
  checkMaxRecordingSeconds,
  renderEgressConfig,
} from "./config";
import { DELETION_COST_UPDATER_RULES, deletionCostScript, labelSelector } from "./deletion-cost";
import { recordingsBucketPolicy, recordingsPolicy } from "./iam";
import { EGRESS_APP, egressDeploymentSpec } from "./pod";
import { egressScaledObjectSpec, egressTerminationGraceSeconds, EgressPoolScaling } from "./scaling";

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
  /**
   * The recorders' own namespace, created by the stack: they need less than the media plane's host network, so
   * they do not share its namespace (pass its `metadata.name`, so every object waits for it).
   */
  namespace: pulumi.Input<string>;
  /**
   * The namespace the recorders ran in before `namespace`, while pods started there may still be recording: their
   * service account and Pod Identity association stay there, and the role keeps trusting it, so they upload what
   * they record (docs/recording.md, "Where the recorders run").
   */
  formerNamespace?: pulumi.Input<string>;
  /** Signalling URL egress joins rooms through (`ws_url`), e.g. `LiveKit.internalUrl`. */
  livekitUrl: pulumi.Input<string>;
  /** Egress's own key pair of livekit-server's key file, in a Secret of `namespace` (`Credentials.egressKeySecret`). */
  apiKey: EgressKey;
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
  /** Where the images come from (digest pins, the registry mirror): components/shared/images.ts. Shipped tags when omitted. */
  images?: ContainerImages;
}

/** Name of the deletion-cost updater's Deployment, service account and Role. */
const DELETION_COST_UPDATER = `${EGRESS_APP}-deletion-cost`;

/**
 * How pulumi-kubernetes deletes the Deployment when it is replaced or removed (pulumi-kubernetes v4.32.0
 * provider/pkg/metadata/overrides.go DeletionPropagation, foreground when unset; the annotation exists since
 * v4.12.0): in the background, so the delete returns at once and the old pods drain under their grace period while
 * `pulumi up` goes on. In the foreground the delete waits for the last pod, that is for the longest recording,
 * beyond the provider's 10 minutes (provider/pkg/await/await.go, Deletion). The provider reads it from the inputs
 * of the object it deletes (the state's): it takes effect for the Deployments created with it.
 */
const BACKGROUND_DELETION = { "pulumi.com/deletionPropagationPolicy": "background" } as const;

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
  /** The selector labels of the deletion-cost updater's pods (its NetworkPolicy selects them). */
  readonly deletionCostUpdaterPodLabels: Record<string, string> = workloadLabels(DELETION_COST_UPDATER, "egress")
    .podLabels;
  readonly metricsPort: number = EGRESS_METRICS_PORT;
  /** SHA-256 of the rendered config (not secret: it reveals nothing of the secrets inside). */
  readonly configChecksum: pulumi.Output<string>;
  /** The pods' terminationGracePeriodSeconds: Karpenter's egress NodePool must wait at least this. */
  readonly terminationGracePeriodSeconds: number;

  constructor(name: string, args: EgressArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:egress:Egress", name, {}, opts);
    checkEgressArgs(args);
    this.terminationGracePeriodSeconds = egressTerminationGraceSeconds(args.maxRecordingSeconds);
    const { podLabels, labels } = workloadLabels(EGRESS_APP, "egress");
    const namespace = pulumi.output(args.namespace);
    this.namespace = namespace;
    this.podLabels = podLabels;

    const bucket = this.recordingsBucket(name, args);
    const { serviceAccount, identity } = this.podIdentity(name, args, bucket, labels);
    const config = this.config(name, args, bucket, labels);
    this.configChecksum = config.checksum;
    const deployment = new k8s.apps.v1.Deployment(
      `${name}-egress`,
      {
        metadata: { name: EGRESS_APP, namespace, labels, annotations: { ...BACKGROUND_DELETION } },
        spec: egressDeploymentSpec({
          labels,
          podLabels,
          resources: args.resources,
          terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
          recording: args.autoscaling.maxReplicas > 0,
          serviceAccountName: serviceAccount.metadata.name,
          configSecretName: config.secret.metadata.name,
          configChecksum: config.checksum,
          apiKey: {
            id: secretKeyName(args.apiKey.id),
            secret: secretKeyName(args.apiKey.secret),
            checksum: args.apiKey.checksum,
          },
          images: args.images,
        }),
      },
      {
        parent: this,
        // The Pod Identity webhook injects credentials at pod creation: the association must exist first.
        dependsOn: [identity.association],
        customTimeouts: { create: "20m", update: "30m" }, // new pods may wait for new egress nodes
      },
    );
    // Voluntary evictions (node drains) one pod at a time; each drains until its recordings end.
    new k8s.policy.v1.PodDisruptionBudget(
      `${name}-egress`,
      {
        metadata: { name: EGRESS_APP, namespace, labels },
        spec: { maxUnavailable: 1, selector: { matchLabels: podLabels } },
      },
      { parent: this },
    );
    if (args.autoscaling.maxReplicas > 0) this.scaledObject(name, args, labels, deployment, dependenciesOf(opts));
    this.deletionCostUpdater(name, args.images);

    this.bucketName = bucket.bucket;
    this.bucketArn = bucket.arn;
    this.roleArn = identity.role.arn;
    this.serviceAccountName = serviceAccount.metadata.name;
    this.registerOutputs({
      bucketName: this.bucketName,
      bucketArn: this.bucketArn,
      roleArn: this.roleArn,
      serviceAccountName: this.serviceAccountName,
      configChecksum: this.configChecksum,
    });
  }

  /** The recordings bucket: private, ACLs off, encrypted at rest, TLS only, recordings expiring. */
  private recordingsBucket(name: string, args: EgressArgs): aws.s3.Bucket {
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
      { bucket: bucket.bucket, policy: bucket.arn.apply((arn) => JSON.stringify(recordingsBucketPolicy(arn))) },
      { ...bucketOpts, dependsOn: [publicAccess] }, // S3 rejects concurrent changes to one bucket's settings
    );
    return bucket;
  }

  /** The pods' service account and its IAM role through EKS Pod Identity: write to the bucket, nothing more. */
  private podIdentity(name: string, args: EgressArgs, bucket: aws.s3.Bucket, labels: Record<string, string>) {
    const account = (accountName: string, namespace: pulumi.Input<string>) =>
      new k8s.core.v1.ServiceAccount(
        accountName,
        {
          metadata: { name: EGRESS_APP, namespace, labels },
          automountServiceAccountToken: false, // egress never calls the Kubernetes API
        },
        { parent: this },
      );
    // During a move the account left behind keeps its name, as the role's association there does: Pulumi deletes
    // what a replacement leaves only at the end of the update, and the old pods need it until they end. The
    // account in the recorders' namespace has its own name either way, so dropping the former namespace later
    // deletes only what was left there.
    if (args.formerNamespace !== undefined) account(`${name}-egress`, args.formerNamespace);
    const serviceAccount = account(`${name}-egress-moved`, this.namespace);
    const identity = new PodIdentityRole(
      `${name}-egress`,
      {
        description: "LiveKit Egress pods (EKS Pod Identity): upload recordings to one bucket",
        clusterName: args.clusterName,
        namespace: this.namespace,
        formerNamespace: args.formerNamespace,
        associationName: `${name}-egress-moved`,
        serviceAccount: serviceAccount.metadata.name,
        inlinePolicy: bucket.arn.apply((arn) => JSON.stringify(recordingsPolicy(arn))),
        tags: args.tags,
      },
      { parent: this },
    );
    return { serviceAccount, identity };
  }

  /** The rendered config, in a Secret (it holds the Redis password), and its checksum. */
  private config(name: string, args: EgressArgs, bucket: aws.s3.Bucket, labels: Record<string, string>) {
    const region = aws.getRegionOutput({}, { parent: this }).region;
    const config = pulumi
      .all([args.livekitUrl, args.redis.host, args.redis.port, args.redis.password, bucket.bucket, region])
      .apply(([wsUrl, host, port, password, bucketName, bucketRegion]) =>
        renderEgressConfig({
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
    // Not secret: the checksum reveals nothing of the secrets inside.
    const checksum = pulumi.unsecret(config.apply(sha256));
    const secret = new k8s.core.v1.Secret(
      `${name}-config`,
      {
        metadata: {
          name: checksum.apply((sum) => `livekit-egress-config-${sum.slice(0, 10)}`),
          namespace: this.namespace,
          labels,
        },
        type: "Opaque",
        stringData: { [EGRESS_CONFIG_MOUNT.file]: pulumi.secret(config) },
      },
      { parent: this },
    );
    return { secret, checksum };
  }

  /** Scale on idle pods, through KEDA (its CRDs come with its release, hence the dependency). */
  private scaledObject(
    name: string,
    args: EgressArgs,
    labels: Record<string, string>,
    deployment: k8s.apps.v1.Deployment,
    dependencies: pulumi.Input<pulumi.Resource>[],
  ): void {
    new k8s.apiextensions.CustomResource(
      `${name}-egress`,
      {
        apiVersion: "keda.sh/v1alpha1",
        kind: "ScaledObject",
        metadata: { name: EGRESS_APP, namespace: this.namespace, labels },
        spec: pulumi.all([this.namespace, deployment.metadata.name]).apply(([namespaceName, deploymentName]) =>
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
   * Keeps each egress pod's deletion cost current (./deletion-cost.ts), so the ReplicaSet removes idle pods first
   * on scale-in and rollouts: its service account, Role, admission policy and Deployment.
   */
  private deletionCostUpdater(name: string, images: ContainerImages | undefined): void {
    const namespace = this.namespace;
    const updaterName = DELETION_COST_UPDATER;
    const updater = workloadLabels(updaterName, "egress");
    const metadata = { name: updaterName, namespace, labels: updater.labels };
    const account = new k8s.core.v1.ServiceAccount(`${name}-deletion-cost`, { metadata }, { parent: this });
    const role = new k8s.rbac.v1.Role(
      `${name}-deletion-cost`,
      { metadata, rules: DELETION_COST_UPDATER_RULES },
      { parent: this },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deletion-cost`,
      {
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      },
      { parent: this },
    );
    const deletionCost = pulumi.all([namespace, account.metadata.name]).apply(([ns, serviceAccount]) =>
      deletionCostPolicy({
        name: updaterName,
        namespace: ns,
        serviceAccount,
        pods: { labels: this.podLabels },
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
    const selector = labelSelector(this.podLabels);
    new k8s.apps.v1.Deployment(
      `${name}-deletion-cost`,
      {
        metadata,
        spec: kubectlLoopSpec({
          name: "updater",
          labels: updater.labels,
          podLabels: updater.podLabels,
          serviceAccountName: account.metadata.name,
          script: namespace.apply((ns) =>
            deletionCostScript({ namespace: ns, selector, metricsPort: EGRESS_METRICS_PORT }),
          ),
          cpuRequest: "20m",
          images,
        }),
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
