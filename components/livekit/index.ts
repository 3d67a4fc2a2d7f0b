import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import {
  acceptedTurnSecretGenerations,
  INITIAL_TURN_SECRET_GENERATION,
  TURN_ACCEPTED_SECRETS_KEY,
  TURN_SECRET_GENERATION_ANNOTATION,
  TURN_SECRET_KEY,
  turnSecretGenerationsAnnotation,
  type AcceptedTurnSecrets,
  type TurnSecretGenerations,
} from "../shared/turn";
import { invariant } from "../shared/invariant";
import {
  LIVEKIT_CONFIG_PATH,
  LIVEKIT_HTTP_PORT,
  LIVEKIT_METRICS_PORT,
  LIVEKIT_MOUNTS,
  LIVEKIT_NODE_IP_ENV,
  LIVEKIT_REDIS_PASSWORD_ENV,
  LIVEKIT_WEBHOOK_API_KEY_ENV,
  LiveKitServerConfigInput,
  renderLiveKitKeyFile,
  renderLiveKitServerConfig,
} from "./server-config";
import { placeOn } from "../shared/node-roles";
import { versions } from "../../lib/versions";
import { checkAutoscaling, CpuAutoscaling, drainingScaling } from "../shared/draining-autoscaling";
import { CONFIG_CHECKSUM_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION, sha256, workloadLabels } from "../shared/annotations";
import { checkResources, nonRootPodSecurityContext, PodResources, SecretKeyRef } from "../shared/pods";
import {
  HOST_IP_ENV,
  HOST_IP_ENV_VAR,
  NODE_ADDRESS_MOUNT,
  NODE_ADDRESS_VOLUME_SPEC,
  NODE_PUBLIC_IPV4_PATH,
  nodeAddressInitContainer,
  restrictedSecurityContext,
} from "../shared/node-address";

import { DELETION_COST_CPU_MILLIS, DELETION_COST_TOKEN_DIR, renderDeletionCostScript } from "./deletion-cost";
import { deletionCostPolicy } from "../shared/deletion-cost-policy";
import { apiKeyFingerprints, SERVICE_KEY_PREFIXES, ServiceKeyConsumer } from "./api-keys";

/** The server's unprivileged user; the image (alpine, `ENTRYPOINT /livekit-server`) sets none, so root otherwise. */
const LIVEKIT_UID = 65534;

/**
 * The container's command: the node's public IP from the init container's file as rtc.node_ip (NODE_IP),
 * HTTP and metrics listeners bound to the node's private IP only (`--bind`, cmd/server/main.go; the ALB,
 * the kubelet's probes and Prometheus all reach the pod there). Pass `configPath`.
 */
export function liveKitCommand(configPath: string): string[] {
  return [
    "/bin/sh",
    "-c",
    `${LIVEKIT_NODE_IP_ENV}="$(cat ${NODE_PUBLIC_IPV4_PATH})" && export ${LIVEKIT_NODE_IP_ENV} && ` +
      `exec /livekit-server --config ${configPath} --bind "$${HOST_IP_ENV}"`,
  ];
}

/**
 * How long a LiveKit pod may drain: on SIGTERM the server stops taking new rooms and waits for the
 * participants of its rooms to leave. The official chart's 5 h; Karpenter's SFU NodePool
 * `terminationGracePeriod` must be at least this.
 */
export const LIVEKIT_TERMINATION_GRACE_SECONDS = 18_000;

/**
 * Data keys of the API key Secret: the key file livekit-server reads (every consumer's keys), and the load
 * tests' own pair (the Job and k6 read it from here). Egress's pair goes into egress's own config Secret;
 * the application's comes from stack config and never needs the cluster.
 */
export const API_KEY_SECRET_KEYS = {
  keyFile: LIVEKIT_MOUNTS.keys.file,
  loadTestApiKey: "load-test-api-key",
  loadTestApiSecret: "load-test-api-secret",
} as const;

/** Pod annotation holding the SHA-256 of the key file: a key change rolls the pods (the server reads it once). */
export const KEYS_CHECKSUM_ANNOTATION = "livekit-platform/keys-sha256";

/** Prefixes of the egress and load-test key ids: the id alone says which consumer a key belongs to (in logs, in `iss`). */
export const GENERATED_KEY_PREFIXES = SERVICE_KEY_PREFIXES;

/** An API key pair; the secret is a Pulumi secret. */
export interface ApiKeyPair {
  id: pulumi.Output<string>;
  secret: pulumi.Output<string>;
}

/** The application's keys: the same in every region, from stack config (see stacks/config.ts). */
export interface ApplicationKeysArgs {
  /** Id of the key the application signs tokens with, and LiveKit its webhooks; one of `keys`. */
  signing: string;
  /** Key id -> secret: the signing key and, while rotating, the other one (old or new). */
  keys: Record<string, pulumi.Input<string>>;
}

/** HPA bounds on CPU utilisation (of the CPU request). */
export interface LiveKitArgs {
  /**
   * Existing namespace for the media plane. Coturn, egress and the load test go in the same one: Coturn
   * mounts the TURN Secret made here, and a pod can only mount Secrets of its own namespace.
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
  autoscaling: CpuAutoscaling;
  /** The application's keys, accepted beside the egress and load-test pairs. */
  applicationKeys: ApplicationKeysArgs;
  /**
   * Egress's and the load tests' pairs from stack config (ids with the SERVICE_KEY_PREFIXES), the same in every
   * region; when omitted, each is generated in this region. livekit-server signs participants' refreshed tokens
   * with any key of its file (./api-keys.ts), so where participants can reconnect through another region (global
   * rooms mode) these pairs must be the same there.
   */
  serviceKeys?: Record<ServiceKeyConsumer, { id: string; secret: pulumi.Input<string> }>;
  /**
   * Generations of the TURN shared secret: LiveKit mints with the current one, Coturn accepts every one
   * (docs/credentials.md, "The TURN shared secret"). `{ current: "1", alsoAccepted: [] }` is the single secret of old.
   */
  turnSecretGenerations: TurnSecretGenerations;
}

/**
 * The LiveKit SFU as plain Kubernetes objects: one hostNetwork pod per SFU node (WebRTC ports are bound
 * on the node's public IP), scaled on CPU, draining for hours on rollouts, with every secret in a Secret
 * and a ConfigMap that holds none.
 */
export class LiveKit extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** ClusterIP Service in front of the signalling port; the ALB Ingress targets it. */
  readonly serviceName: pulumi.Output<string>;
  readonly servicePort: number = LIVEKIT_HTTP_PORT;
  /** Labels of the SFU pods (for PodMonitors). */
  readonly podLabels: Record<string, string>;
  /** In-cluster signalling URL, for clients inside the cluster (egress). */
  readonly internalUrl: pulumi.Output<string>;
  /** Egress's own key pair, from `serviceKeys` or generated in this region (the secret is a secret Output). */
  readonly egressKey: ApiKeyPair;
  /** The load tests' own key pair, from `serviceKeys` or generated in this region; also in `apiKeySecret`. */
  readonly loadTestKey: ApiKeyPair;
  /**
   * Key id -> SHA-256 of its secret, for every key of the key file (a secret Output): what the stacks compare
   * across regions to prove a token signed here verifies there.
   */
  readonly apiKeyFingerprints: pulumi.Output<Record<string, string>>;
  /** The application's key ids this region accepts, the signing one first (not secret). */
  readonly applicationKeyIds: string[];
  /** The Secret holding the key file and the load tests' pair (keys: API_KEY_SECRET_KEYS). */
  readonly apiKeySecret: k8s.core.v1.Secret;
  /** Every static-auth-secret Coturn accepts, and their generations: Coturn must mount this very Secret and key. */
  readonly turnSecret: AcceptedTurnSecrets;
  /** SHA-256 of the rendered config.yaml. */
  readonly configChecksum: pulumi.Output<string>;

  constructor(name: string, args: LiveKitArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:livekit:LiveKit", name, {}, opts);
    checkResources("livekit resources", args.resources);
    checkAutoscaling("livekit autoscaling", args.autoscaling);
    const namespace = pulumi.output(args.namespace);
    const appName = "livekit-server";
    const { podLabels, labels } = workloadLabels(appName, "sfu");

    // One key pair per consumer, all in the one key file: the application's (from config, the same in every
    // region), egress's and the load tests' (from config, or generated here). A leaked test credential is then
    // revoked by replacing its pair, without touching the application. LiveKit logs an error for secrets
    // shorter than 32 characters; alphanumerics keep the key file plain YAML.
    const app = args.applicationKeys;
    invariant(
      Object.hasOwn(app.keys, app.signing),
      "livekit applicationKeys.signing",
      `must be one of the keys (${Object.keys(app.keys).join(", ")})`,
      app.signing,
    );
    const configuredOrGenerated = (consumer: ServiceKeyConsumer): ApiKeyPair => {
      const configured = args.serviceKeys?.[consumer];
      if (configured === undefined) return generatedPair(consumer);
      return { id: pulumi.output(configured.id), secret: pulumi.secret(configured.secret) };
    };
    const generatedPair = (consumer: ServiceKeyConsumer): ApiKeyPair => {
      const id = new random.RandomString(
        `${name}-${consumer}-key-id`,
        { length: 12, special: false },
        { parent: this },
      );
      const secret = new random.RandomPassword(
        `${name}-${consumer}-key-secret`,
        { length: 48, special: false },
        { parent: this },
      );
      return {
        id: pulumi.interpolate`${GENERATED_KEY_PREFIXES[consumer]}${id.result}`,
        secret: pulumi.secret(secret.result),
      };
    };
    this.egressKey = configuredOrGenerated("egress");
    this.loadTestKey = configuredOrGenerated("loadTest");
    this.applicationKeyIds = [app.signing, ...Object.keys(app.keys).filter((id) => id !== app.signing)];
    const appIds = this.applicationKeyIds;
    const allKeys = pulumi
      .all([
        pulumi.all(app.keys),
        this.egressKey.id,
        this.egressKey.secret,
        this.loadTestKey.id,
        this.loadTestKey.secret,
      ])
      .apply(([appKeys, egressId, egressSecret, loadTestId, loadTestSecret]) => {
        const all: Record<string, string> = { [egressId]: egressSecret, [loadTestId]: loadTestSecret };
        for (const id of appIds) {
          invariant(!Object.hasOwn(all, id), "livekit applicationKeys.keys", "must not reuse a generated key's id", id);
          all[id] = appKeys[id];
        }
        return all;
      });
    const keyFile = allKeys.apply(renderLiveKitKeyFile);
    this.apiKeyFingerprints = pulumi.secret(allKeys.apply(apiKeyFingerprints));
    // The hash of the key file (not secret: it reveals nothing of the keys) rolls the pods on any key change.
    const keysChecksum = pulumi.unsecret(keyFile.apply(sha256));
    this.apiKeySecret = new k8s.core.v1.Secret(
      `${name}-api-keys`,
      {
        metadata: { name: "livekit-api-keys", namespace, labels },
        type: "Opaque",
        stringData: pulumi.secret(
          pulumi
            .all([keyFile, this.loadTestKey.id, this.loadTestKey.secret])
            .apply(([file, loadTestId, loadTestSecret]) => ({
              [API_KEY_SECRET_KEYS.keyFile]: file,
              [API_KEY_SECRET_KEYS.loadTestApiKey]: loadTestId,
              [API_KEY_SECRET_KEYS.loadTestApiSecret]: loadTestSecret,
            })),
        ),
      },
      { parent: this },
    );

    // Coturn's shared secret, one per generation. The initial generation keeps the name the single secret
    // always had, so its URN, and the secret, survive the upgrade. Alphanumerics only: the Coturn start script
    // accepts nothing that would need quoting.
    const generations = acceptedTurnSecretGenerations(args.turnSecretGenerations);
    const turnPasswords = generations.map(
      (label) =>
        new random.RandomPassword(
          label === INITIAL_TURN_SECRET_GENERATION ? `${name}-turn-secret` : `${name}-turn-secret-${label}`,
          { length: 48, special: false },
          { parent: this },
        ).result,
    );
    // LiveKit reads the current secret under the key it always had; during a rotation Coturn reads every
    // accepted one, one per line, the current one first.
    const turnSecret = new k8s.core.v1.Secret(
      `${name}-turn-secret`,
      {
        metadata: { name: "livekit-turn-secret", namespace, labels },
        type: "Opaque",
        stringData: {
          [TURN_SECRET_KEY]: pulumi.secret(turnPasswords[0]),
          ...(generations.length > 1
            ? {
                [TURN_ACCEPTED_SECRETS_KEY]: pulumi.secret(
                  pulumi.all(turnPasswords).apply((secrets) => `${secrets.join("\n")}\n`),
                ),
              }
            : {}),
        },
      },
      { parent: this },
    );
    this.turnSecret = {
      secret: turnSecret,
      key: generations.length > 1 ? TURN_ACCEPTED_SECRETS_KEY : TURN_SECRET_KEY,
      generations,
    };

    // The config names the Redis endpoint, an Output: render it once it is known.
    const config = pulumi
      .all([args.redis.host, args.redis.port])
      .apply(([host, port]) => renderLiveKitServerConfig({ ...args.server, redis: { host, port } }));
    this.configChecksum = config.apply(sha256);
    // The content hash in the name makes a config change a new ConfigMap (created before the old one
    // goes), so pods still draining on the old config keep their volume.
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: this.configChecksum.apply((sum) => `livekit-config-${sum.slice(0, 10)}`), namespace, labels },
        data: { [LIVEKIT_MOUNTS.config.file]: config },
      },
      { parent: this },
    );

    // The deletion-cost sidecar may patch pods of this namespace (RBAC), only its own pod's deletion cost (the
    // admission policy below), and nothing else.
    const serviceAccount = new k8s.core.v1.ServiceAccount(
      `${name}-server`,
      { metadata: { name: appName, namespace, labels }, automountServiceAccountToken: false },
      { parent: this },
    );
    const role = new k8s.rbac.v1.Role(
      `${name}-deletion-cost`,
      {
        metadata: { name: `${appName}-deletion-cost`, namespace, labels },
        rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }],
      },
      { parent: this },
    );
    new k8s.rbac.v1.RoleBinding(
      `${name}-deletion-cost`,
      {
        metadata: { name: `${appName}-deletion-cost`, namespace, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: serviceAccount.metadata.name, namespace }],
      },
      { parent: this },
    );
    // RBAC cannot narrow a patch to one field of one pod: the admission policy does (only this annotation,
    // only the pod the sidecar's bound token names).
    const deletionCost = pulumi.all([namespace, serviceAccount.metadata.name]).apply(([ns, account]) =>
      deletionCostPolicy({
        name: `${appName}-deletion-cost`,
        namespace: ns,
        serviceAccount: account,
        pods: { own: true },
        labels,
      }),
    );
    const policy = new k8s.admissionregistration.v1.ValidatingAdmissionPolicy(
      `${name}-deletion-cost`,
      { metadata: { name: `${appName}-deletion-cost`, labels }, spec: deletionCost.policy.spec },
      { parent: this },
    );
    new k8s.admissionregistration.v1.ValidatingAdmissionPolicyBinding(
      `${name}-deletion-cost`,
      {
        metadata: { name: `${appName}-deletion-cost`, labels },
        spec: { policyName: policy.metadata.name, validationActions: deletionCost.binding.spec.validationActions },
      },
      { parent: this },
    );

    const deployment = new k8s.apps.v1.Deployment(
      `${name}-server`,
      {
        metadata: { name: appName, namespace, labels },
        spec: {
          // No replicas: the HPA owns the count, and Pulumi would reset it on every update otherwise.
          selector: { matchLabels: podLabels },
          // A new pod needs a free node (one per node, from Karpenter): never go below the current capacity
          // while it comes. Replaced pods drain in the background for up to 5 h, each holding its node, and
          // the rollout does not wait for them: one new pod at a time paces the rollout, but by its end the
          // old pods still draining need as many nodes again (the sfu NodePool limit is sized for that,
          // lib/capacity plan.karpenter.sfuCpuLimit). Rooms on an old pod stay there until they end; new
          // rooms go to SERVING nodes only.
          strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
          template: {
            metadata: {
              labels,
              annotations: {
                [CONFIG_CHECKSUM_ANNOTATION]: this.configChecksum,
                // The server reads the key file once, at start: new keys need new pods (old ones drain).
                [KEYS_CHECKSUM_ANNOTATION]: keysChecksum,
                // Rooms live on one node: Karpenter must not consolidate a node away under them.
                [DO_NOT_DISRUPT_ANNOTATION]: "true",
                // The server reads the TURN secret once, at start: a new current generation needs new pods
                // (labels only; none for the initial generation).
                ...turnSecretGenerationsAnnotation(TURN_SECRET_GENERATION_ANNOTATION, [generations[0]]),
              },
            },
            spec: {
              // WebRTC: ICE ports are bound on the node's own (public) IP; one pod per node follows.
              hostNetwork: true,
              dnsPolicy: "ClusterFirstWithHostNet",
              ...placeOn("sfu"),
              affinity: {
                podAntiAffinity: {
                  requiredDuringSchedulingIgnoredDuringExecution: [
                    { labelSelector: { matchLabels: podLabels }, topologyKey: "kubernetes.io/hostname" },
                  ],
                },
              },
              // SIGTERM starts the drain; the pod leaves when its last participant does.
              terminationGracePeriodSeconds: LIVEKIT_TERMINATION_GRACE_SECONDS,
              enableServiceLinks: false,
              serviceAccountName: serviceAccount.metadata.name,
              // Only the deletion-cost sidecar mounts a token (its own projected volume).
              automountServiceAccountToken: false,
              // Non-root: fsGroup makes the key and TURN secret files group-readable (0440) by this user;
              // livekit-server refuses only files that "others" can read (pkg/config/config.go at v1.13.5).
              securityContext: nonRootPodSecurityContext(LIVEKIT_UID),
              // The node's public IPv4 from instance metadata, written once for the server to read.
              initContainers: [nodeAddressInitContainer(versions.images.curl)],
              containers: [
                {
                  name: appName,
                  image: versions.images.livekitServer,
                  command: liveKitCommand(LIVEKIT_CONFIG_PATH),
                  ports: [
                    // On the host network a containerPort is also a hostPort.
                    { name: "http", containerPort: LIVEKIT_HTTP_PORT, hostPort: LIVEKIT_HTTP_PORT, protocol: "TCP" },
                    {
                      name: "rtc-tcp",
                      containerPort: args.server.rtc.tcpPort,
                      hostPort: args.server.rtc.tcpPort,
                      protocol: "TCP",
                    },
                    {
                      name: "metrics",
                      containerPort: LIVEKIT_METRICS_PORT,
                      hostPort: LIVEKIT_METRICS_PORT,
                      protocol: "TCP",
                    },
                  ],
                  env: [
                    {
                      name: LIVEKIT_REDIS_PASSWORD_ENV,
                      valueFrom: {
                        secretKeyRef: { name: args.redis.password.secret.metadata.name, key: args.redis.password.key },
                      },
                    },
                    // Webhooks are signed with the application's signing key (its id; the secret is in the key file).
                    ...(args.server.webhook ? [{ name: LIVEKIT_WEBHOOK_API_KEY_ENV, value: app.signing }] : []),
                    HOST_IP_ENV_VAR,
                  ],
                  resources: {
                    // CPU request, no CPU limit: throttling a media server drops packets.
                    requests: {
                      cpu: `${args.resources.cpuRequestMillis - DELETION_COST_CPU_MILLIS}m`,
                      memory: `${args.resources.memoryRequestMiB}Mi`,
                    },
                    limits: { memory: `${args.resources.memoryLimitMiB}Mi` },
                  },
                  // `GET /` answers 200 only while the node's stats are under 4 s old, and they move only
                  // through Redis (pkg/service/server.go, pkg/routing/redisrouter.go at v1.13.5): readiness
                  // (and the ALB's check) only, so a Redis outage takes nodes out of rotation, not restarts them.
                  readinessProbe: {
                    httpGet: { path: "/", port: LIVEKIT_HTTP_PORT },
                    periodSeconds: 5,
                    timeoutSeconds: 3,
                    failureThreshold: 3,
                  },
                  // Until the server listens (config validated, Redis reached), liveness waits: up to 5 min.
                  startupProbe: {
                    tcpSocket: { port: LIVEKIT_HTTP_PORT },
                    periodSeconds: 5,
                    timeoutSeconds: 3,
                    failureThreshold: 60,
                  },
                  // Liveness proves only that the process accepts connections: a restart is a SIGTERM drain of
                  // up to 5 h during which the node takes no new rooms, so it must never follow Redis.
                  livenessProbe: {
                    tcpSocket: { port: LIVEKIT_HTTP_PORT },
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                    failureThreshold: 6,
                  },
                  // Binds only ports above 1024: no capability at all.
                  securityContext: restrictedSecurityContext(),
                  volumeMounts: [
                    { name: "config", mountPath: LIVEKIT_MOUNTS.config.dir, readOnly: true },
                    { name: "api-keys", mountPath: LIVEKIT_MOUNTS.keys.dir, readOnly: true },
                    { name: "turn-secret", mountPath: LIVEKIT_MOUNTS.turnSecret.dir, readOnly: true },
                    NODE_ADDRESS_MOUNT,
                    { name: "tmp", mountPath: "/tmp" },
                  ],
                },
                {
                  // Keeps controller.kubernetes.io/pod-deletion-cost at the pod's participant count, so
                  // scale-in and rollouts remove the emptiest SFU pod first (components/livekit/deletion-cost.ts).
                  name: "deletion-cost",
                  image: versions.images.curl,
                  command: [
                    "/bin/sh",
                    "-c",
                    renderDeletionCostScript({ metricsPort: LIVEKIT_METRICS_PORT, everySeconds: 30 }),
                  ],
                  env: [
                    HOST_IP_ENV_VAR,
                    { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                    { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
                  ],
                  resources: {
                    requests: { cpu: `${DELETION_COST_CPU_MILLIS}m`, memory: "16Mi" },
                    limits: { memory: "32Mi" },
                  },
                  securityContext: restrictedSecurityContext(),
                  volumeMounts: [{ name: "deletion-cost-token", mountPath: DELETION_COST_TOKEN_DIR, readOnly: true }],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: configMap.metadata.name } },
                // livekit-server refuses key and TURN secret files that "others" can read: 0440, group = fsGroup.
                {
                  name: "api-keys",
                  secret: {
                    secretName: this.apiKeySecret.metadata.name,
                    defaultMode: 0o440,
                    items: [{ key: API_KEY_SECRET_KEYS.keyFile, path: LIVEKIT_MOUNTS.keys.file }],
                  },
                },
                {
                  name: "turn-secret",
                  secret: {
                    secretName: turnSecret.metadata.name,
                    defaultMode: 0o440,
                    items: [{ key: TURN_SECRET_KEY, path: LIVEKIT_MOUNTS.turnSecret.file }],
                  },
                },
                NODE_ADDRESS_VOLUME_SPEC,
                {
                  name: "deletion-cost-token",
                  projected: {
                    sources: [
                      { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
                      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
                    ],
                  },
                },
                // The root filesystem is read-only; a small scratch dir for anything that wants /tmp.
                { name: "tmp", emptyDir: { medium: "Memory", sizeLimit: "16Mi" } },
              ],
            },
          },
        },
      },
      { parent: this, customTimeouts: { create: "20m", update: "45m" } },
    ); // new pods wait for new nodes

    // Voluntary evictions (node drains, upgrades) take one SFU at a time; a removed pod drains for hours.
    drainingScaling(
      `${name}-server`,
      {
        metadata: { name: appName, namespace, labels },
        podLabels,
        deploymentName: deployment.metadata.name,
        autoscaling: args.autoscaling,
        scaleInEverySeconds: 600,
      },
      { parent: this },
    );

    const service = new k8s.core.v1.Service(
      `${name}-server`,
      {
        metadata: { name: appName, namespace, labels },
        spec: {
          type: "ClusterIP",
          selector: podLabels,
          ports: [{ name: "http", port: LIVEKIT_HTTP_PORT, targetPort: "http", protocol: "TCP" }],
        },
      },
      { parent: this },
    );

    this.namespace = namespace;
    this.serviceName = service.metadata.name;
    this.podLabels = podLabels;
    this.internalUrl = pulumi.interpolate`ws://${service.metadata.name}.${namespace}.svc.cluster.local:${LIVEKIT_HTTP_PORT}`;
    this.registerOutputs({
      namespace: this.namespace,
      serviceName: this.serviceName,
      internalUrl: this.internalUrl,
      configChecksum: this.configChecksum,
    });
  }
}
