import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { KeyFile } from "../credentials";
import type { AcceptedTurnSecrets } from "../shared/turn";
import {
  LIVEKIT_HTTP_PORT,
  LIVEKIT_MOUNTS,
  LiveKitServerConfigInput,
  renderLiveKitServerConfig,
} from "./server-config";
import { checkAutoscaling, CpuAutoscaling, drainingScaling } from "../shared/draining-autoscaling";
import { sha256 } from "../shared/annotations";
import type { ContainerImages } from "../shared/images";
import { checkResources, PodResources, SecretKeyRef } from "../shared/pods";
import { deletionCostPolicy } from "../shared/deletion-cost-policy";
import { LIVEKIT_APP, LIVEKIT_LABELS, liveKitDeploymentSpec } from "./pod";

export { KEYS_CHECKSUM_ANNOTATION, LIVEKIT_TERMINATION_GRACE_SECONDS } from "./pod";

export interface LiveKitArgs {
  /**
   * Existing namespace for the media plane: the Secrets of the region's credentials are there, and a pod can
   * only mount Secrets of its own namespace.
   */
  namespace: pulumi.Input<string>;
  /** livekit-server settings (components/livekit/server-config.ts), everything but Redis. */
  server: Omit<LiveKitServerConfigInput, "redis">;
  /** The ElastiCache replication group the SFUs share. */
  redis: {
    /** Primary endpoint hostname. */
    host: pulumi.Input<string>;
    port: pulumi.Input<number>;
    /** Secret holding the AUTH token, and its key; read into REDIS_PASSWORD. Must be in `namespace`: a pod reads only its own namespace's Secrets. */
    password: SecretKeyRef;
  };
  /**
   * Per pod; one pod per SFU node, so size it to the node minus Coturn and the daemon sets. The CPU request
   * is the pod's total (what the HPA's utilisation is measured against): the deletion-cost sidecar's share
   * comes out of it.
   */
  resources: PodResources;
  /** HPA bounds on CPU utilisation (of the CPU request). */
  autoscaling: CpuAutoscaling;
  /** The key file of every consumer's keys (`Credentials.keyFile`); a change of it rolls the pods. */
  keyFile: KeyFile;
  /**
   * The TURN secrets (`Credentials.turnSecret`): LiveKit mints credentials with the current generation, the
   * first, read under the Secret's TURN_SECRET_KEY; a change of it rolls the pods.
   */
  turnSecret: AcceptedTurnSecrets;
  /** Id of the application's signing key (`Credentials.signingKeyId`): LiveKit signs its webhooks with it. */
  signingKeyId: string;
  /** Where the images come from (digest pins, the registry mirror): components/shared/images.ts. Shipped tags when omitted. */
  images?: ContainerImages;
}

/**
 * The LiveKit SFU as plain Kubernetes objects: one hostNetwork pod per SFU node (./pod.ts), scaled on CPU,
 * draining for hours on rollouts, with every secret in a Secret and a ConfigMap that holds none.
 */
export class LiveKit extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** ClusterIP Service in front of the signalling port; the ALB Ingress targets it. */
  readonly serviceName: pulumi.Output<string>;
  readonly servicePort: number = LIVEKIT_HTTP_PORT;
  /** Labels of the SFU pods (for PodMonitors). */
  readonly podLabels: Record<string, string> = LIVEKIT_LABELS.podLabels;
  /** In-cluster signalling URL, for clients inside the cluster (egress). */
  readonly internalUrl: pulumi.Output<string>;
  /** SHA-256 of the rendered config.yaml. */
  readonly configChecksum: pulumi.Output<string>;

  constructor(name: string, args: LiveKitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:livekit:LiveKit", name, {}, opts);
    checkResources("livekit resources", args.resources);
    checkAutoscaling("livekit autoscaling", args.autoscaling);
    this.namespace = pulumi.output(args.namespace);

    const config = this.serverConfig(name, args);
    this.configChecksum = config.checksum;
    const serviceAccount = this.deletionCostAccess(name);
    const deployment = this.deployment(name, args, config.configMap, serviceAccount);
    // Voluntary evictions (node drains, upgrades) take one SFU at a time; a removed pod drains for hours.
    drainingScaling(
      `${name}-server`,
      {
        metadata: { name: LIVEKIT_APP, namespace: this.namespace, labels: LIVEKIT_LABELS.labels },
        podLabels: LIVEKIT_LABELS.podLabels,
        deploymentName: deployment.metadata.name,
        autoscaling: args.autoscaling,
        scaleInEverySeconds: 600,
      },
      { parent: this },
    );
    this.serviceName = this.service(name).metadata.name;
    this.internalUrl = pulumi.interpolate`ws://${this.serviceName}.${this.namespace}.svc.cluster.local:${LIVEKIT_HTTP_PORT}`;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
      internalUrl: this.internalUrl,
      configChecksum: this.configChecksum,
    });
  }

  /**
   * config.yaml in a ConfigMap. The content hash in the name makes a config change a new ConfigMap (created
   * before the old one goes), so pods still draining on the old config keep their volume.
   */
  private serverConfig(name: string, args: LiveKitArgs) {
    // The config names the Redis endpoint, an Output: render it once it is known.
    const config = pulumi
      .all([args.redis.host, args.redis.port])
      .apply(([host, port]) => renderLiveKitServerConfig({ ...args.server, redis: { host, port } }));
    const checksum = config.apply(sha256);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: {
          name: checksum.apply((sum) => `livekit-config-${sum.slice(0, 10)}`),
          namespace: this.namespace,
          labels: LIVEKIT_LABELS.labels,
        },
        data: { [LIVEKIT_MOUNTS.config.file]: config },
      },
      { parent: this },
    );
    return { configMap, checksum };
  }

  /**
   * The deletion-cost sidecar's access: it may patch pods of this namespace (RBAC), only its own pod's deletion
   * cost (the admission policy), and nothing else. RBAC cannot narrow a patch to one field of one pod: the
   * admission policy does (only this annotation, only the pod the sidecar's bound token names).
   */
  private deletionCostAccess(name: string): k8s.core.v1.ServiceAccount {
    const metadata = { name: `${LIVEKIT_APP}-deletion-cost`, namespace: this.namespace, labels: LIVEKIT_LABELS.labels };
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-server`,
      { metadata: { ...metadata, name: LIVEKIT_APP }, automountServiceAccountToken: false },
      { parent: this },
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-deletion-cost`,
      { metadata, rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }] },
      { parent: this },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deletion-cost`,
      {
        metadata,
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace: this.namespace }],
      },
      { parent: this },
    );
    const deletionCost = pulumi.all([this.namespace, serviceAccount.metadata.name]).apply(([ns, account]) =>
      deletionCostPolicy({
        name: `${LIVEKIT_APP}-deletion-cost`,
        namespace: ns,
        serviceAccount: account,
        pods: { own: true },
        labels: LIVEKIT_LABELS.labels,
      }),
    );
    const clusterWide = { name: `${LIVEKIT_APP}-deletion-cost`, labels: LIVEKIT_LABELS.labels };
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-deletion-cost`,
      { metadata: clusterWide, spec: deletionCost.policy.spec },
      { parent: this },
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-deletion-cost`,
      {
        metadata: clusterWide,
        spec: { policyName: policy.metadata.name, validationActions: deletionCost.binding.spec.validationActions },
      },
      { parent: this },
    );
    return serviceAccount;
  }

  /** The SFU pods (./pod.ts); new pods wait for new nodes. */
  private deployment(
    name: string,
    args: LiveKitArgs,
    configMap: k8s.core.v1.ConfigMap,
    serviceAccount: k8s.core.v1.ServiceAccount,
  ): k8s.apps.v1.Deployment {
    const spec = liveKitDeploymentSpec({
      server: args.server,
      resources: args.resources,
      configMapName: configMap.metadata.name,
      serviceAccountName: serviceAccount.metadata.name,
      redisPassword: { secretName: args.redis.password.secret.metadata.name, key: args.redis.password.key },
      keyFile: { secretName: args.keyFile.secret.metadata.name, key: args.keyFile.key },
      turnSecret: { secretName: args.turnSecret.secret.metadata.name, generation: args.turnSecret.generations[0] },
      signingKeyId: args.signingKeyId,
      checksums: { config: this.configChecksum, keys: args.keyFile.checksum },
      images: args.images,
    });
    return new k8s.apps.v1.Deployment(
      `${name}-server`,
      { metadata: { name: LIVEKIT_APP, namespace: this.namespace, labels: LIVEKIT_LABELS.labels }, spec },
      { parent: this, customTimeouts: { create: "20m", update: "45m" } },
    );
  }

  /** The ClusterIP Service in front of the signalling port. */
  private service(name: string): k8s.core.v1.Service {
    return new k8s.core.v1.Service(
      `${name}-server`,
      {
        metadata: { name: LIVEKIT_APP, namespace: this.namespace, labels: LIVEKIT_LABELS.labels },
        spec: {
          type: "ClusterIP",
          selector: LIVEKIT_LABELS.podLabels,
          ports: [{ name: "http", port: LIVEKIT_HTTP_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );
  }
}
