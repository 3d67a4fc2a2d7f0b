/**
 * The LiveKit SFU's Deployment spec, as a pure, typed builder: one hostNetwork pod per SFU node (WebRTC ports are
 * bound on the node's public IP), draining for hours on rollouts, every secret read from a Secret.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { type ContainerImages, SHIPPED_IMAGES } from "../shared/images";
import {
  CONFIG_CHECKSUM_ANNOTATION,
  DO_NOT_DISRUPT_ANNOTATION,
  KEYS_CHECKSUM_ANNOTATION,
  workloadLabels,
} from "../shared/annotations";
import {
  HOST_IP_ENV,
  HOST_IP_ENV_VAR,
  NODE_ADDRESS_MOUNT,
  NODE_ADDRESS_VOLUME_SPEC,
  NODE_PUBLIC_IPV4_PATH,
  nodeAddressInitContainer,
  restrictedSecurityContext,
} from "../shared/node-address";
import { placeOn } from "../shared/node-roles";
import { hostPort, nonRootPodSecurityContext, type PodResources, type SecretKeyName } from "../shared/pods";
import { TURN_SECRET_GENERATION_ANNOTATION, TURN_SECRET_KEY, turnSecretGenerationsAnnotation } from "../shared/turn";
import { DELETION_COST_CPU_MILLIS, DELETION_COST_TOKEN_DIR, renderDeletionCostScript } from "./deletion-cost";
import {
  LIVEKIT_CONFIG_PATH,
  LIVEKIT_HTTP_PORT,
  LIVEKIT_METRICS_PORT,
  LIVEKIT_MOUNTS,
  LIVEKIT_NODE_IP_ENV,
  LIVEKIT_REDIS_PASSWORD_ENV,
  LIVEKIT_WEBHOOK_API_KEY_ENV,
  type LiveKitServerConfigInput,
} from "./server-config";

type DeploymentSpec = k8s.types.input.apps.v1.DeploymentSpec;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;
type Volume = k8s.types.input.core.v1.Volume;

/** Name of the Deployment, its pods' app label, its Service, its service account and its server container. */
export const LIVEKIT_APP = "livekit-server";

/** Selector labels of the SFU pods, and their full label set. */
export const LIVEKIT_LABELS = workloadLabels(LIVEKIT_APP, "sfu");

/** The server's unprivileged user; the image (alpine, `ENTRYPOINT /livekit-server`) sets none, so root otherwise. */
const LIVEKIT_UID = 65534;

/**
 * How long a LiveKit pod may drain: on SIGTERM the server stops taking new rooms and waits for the
 * participants of its rooms to leave. The official chart's 5 h; Karpenter's SFU NodePool
 * `terminationGracePeriod` must be at least this.
 */
export const LIVEKIT_TERMINATION_GRACE_SECONDS = 18_000;

export { KEYS_CHECKSUM_ANNOTATION };

/** What the SFU pod is built from: plain settings, and the names of the objects it reads. */
export interface LiveKitPodInput {
  /** The server's ports and webhooks (the rest of its settings are in the config file). */
  server: Pick<LiveKitServerConfigInput, "rtc" | "webhook">;
  /** The pod's total; the deletion-cost sidecar's share comes out of the server's CPU request. */
  resources: PodResources;
  /** The ConfigMap holding config.yaml. */
  configMapName: Input<string>;
  /** The service account the deletion-cost sidecar's token belongs to. */
  serviceAccountName: Input<string>;
  redisPassword: SecretKeyName;
  /** livekit-server's key file. */
  keyFile: SecretKeyName;
  /** The TURN Secret and the generation LiveKit mints with, read under TURN_SECRET_KEY. */
  turnSecret: { secretName: Input<string>; generation: string };
  /** Id of the application's signing key, which signs webhooks (its secret is in the key file). */
  signingKeyId: string;
  /** SHA-256 of config.yaml and of the key file: the server reads both once, so a change must roll the pods. */
  checksums: { config: Input<string>; keys: Input<string> };
  /** Where the images come from (a digest pin, the registry mirror); the shipped tags when omitted. */
  images?: ContainerImages;
}

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

/** The Deployment's spec: no replica count, a rollout that never lowers capacity, and the SFU pod. */
export function liveKitDeploymentSpec(input: LiveKitPodInput): DeploymentSpec {
  return {
    // No replicas: the HPA owns the count, and Pulumi would reset it on every update otherwise.
    selector: { matchLabels: LIVEKIT_LABELS.podLabels },
    // A new pod needs a free node (one per node, from Karpenter): never go below the current capacity
    // while it comes. Replaced pods drain in the background for up to 5 h, each holding its node, and
    // the rollout does not wait for them: one new pod at a time paces the rollout, but by its end the
    // old pods still draining need as many nodes again (the sfu NodePool limit is sized for that,
    // lib/capacity plan.karpenter.sfuCpuLimit). Rooms on an old pod stay there until they end; new
    // rooms go to SERVING nodes only.
    strategy: { type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } },
    template: {
      metadata: {
        labels: LIVEKIT_LABELS.labels,
        annotations: {
          [CONFIG_CHECKSUM_ANNOTATION]: input.checksums.config,
          // The server reads the key file once, at start: new keys need new pods (old ones drain).
          [KEYS_CHECKSUM_ANNOTATION]: input.checksums.keys,
          // Rooms live on one node: Karpenter must not consolidate a node away under them.
          [DO_NOT_DISRUPT_ANNOTATION]: "true",
          // The server reads the TURN secret once, at start: a new current generation needs new pods
          // (labels only; none for the initial generation).
          ...turnSecretGenerationsAnnotation(TURN_SECRET_GENERATION_ANNOTATION, [input.turnSecret.generation]),
        },
      },
      spec: liveKitPodSpec(input),
    },
  };
}

/** The SFU pod: the server and its deletion-cost sidecar on the node's host network, one pod per node. */
export function liveKitPodSpec(input: LiveKitPodInput): PodSpec {
  return {
    // WebRTC: ICE ports are bound on the node's own (public) IP; one pod per node follows.
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    ...placeOn("sfu"),
    affinity: {
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [
          { labelSelector: { matchLabels: LIVEKIT_LABELS.podLabels }, topologyKey: "kubernetes.io/hostname" },
        ],
      },
    },
    // SIGTERM starts the drain; the pod leaves when its last participant does.
    terminationGracePeriodSeconds: LIVEKIT_TERMINATION_GRACE_SECONDS,
    enableServiceLinks: false,
    serviceAccountName: input.serviceAccountName,
    // Only the deletion-cost sidecar mounts a token (its own projected volume).
    automountServiceAccountToken: false,
    // Non-root: fsGroup makes the key and TURN secret files group-readable (0440) by this user;
    // livekit-server refuses only files that "others" can read (pkg/config/config.go at v1.13.5).
    securityContext: nonRootPodSecurityContext(LIVEKIT_UID),
    // The node's public IPv4 from instance metadata, written once for the server to read.
    initContainers: [nodeAddressInitContainer((input.images ?? SHIPPED_IMAGES).curl)],
    containers: [serverContainer(input), deletionCostContainer(input.images ?? SHIPPED_IMAGES)],
    volumes: volumes(input),
  };
}

function serverContainer(input: LiveKitPodInput): Container {
  return {
    name: LIVEKIT_APP,
    image: (input.images ?? SHIPPED_IMAGES).livekitServer,
    command: liveKitCommand(LIVEKIT_CONFIG_PATH),
    ports: [
      hostPort("http", LIVEKIT_HTTP_PORT),
      hostPort("rtc-tcp", input.server.rtc.tcpPort),
      hostPort("metrics", LIVEKIT_METRICS_PORT),
    ],
    env: [
      {
        name: LIVEKIT_REDIS_PASSWORD_ENV,
        valueFrom: { secretKeyRef: { name: input.redisPassword.secretName, key: input.redisPassword.key } },
      },
      // Webhooks are signed with the application's signing key (its id; the secret is in the key file).
      ...(input.server.webhook ? [{ name: LIVEKIT_WEBHOOK_API_KEY_ENV, value: input.signingKeyId }] : []),
      HOST_IP_ENV_VAR,
    ],
    resources: {
      // CPU request, no CPU limit: throttling a media server drops packets.
      requests: {
        cpu: `${input.resources.cpuRequestMillis - DELETION_COST_CPU_MILLIS}m`,
        memory: `${input.resources.memoryRequestMiB}Mi`,
      },
      limits: { memory: `${input.resources.memoryLimitMiB}Mi` },
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
    startupProbe: { tcpSocket: { port: LIVEKIT_HTTP_PORT }, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 60 },
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
  };
}

/** The deletion-cost sidecar's memory request, MiB. */
const DELETION_COST_MEMORY_REQUEST_MIB = 16;

/**
 * The memory the scheduler counts for a LiveKit pod with these server resources: its containers' requests together
 * (the server and the deletion-cost sidecar; the node-address init container asks for less and runs first).
 */
export function liveKitPodMemoryRequestMiB(resources: Pick<PodResources, "memoryRequestMiB">): number {
  return resources.memoryRequestMiB + DELETION_COST_MEMORY_REQUEST_MIB;
}

/**
 * Keeps controller.kubernetes.io/pod-deletion-cost at the pod's participant count, so scale-in and rollouts
 * remove the emptiest SFU pod first (./deletion-cost.ts).
 */
function deletionCostContainer(images: ContainerImages): Container {
  return {
    name: "deletion-cost",
    image: images.curl,
    command: ["/bin/sh", "-c", renderDeletionCostScript({ metricsPort: LIVEKIT_METRICS_PORT, everySeconds: 30 })],
    env: [
      HOST_IP_ENV_VAR,
      { name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
      { name: "POD_NAMESPACE", valueFrom: { fieldRef: { fieldPath: "metadata.namespace" } } },
    ],
    resources: {
      requests: { cpu: `${DELETION_COST_CPU_MILLIS}m`, memory: `${DELETION_COST_MEMORY_REQUEST_MIB}Mi` },
      limits: { memory: "32Mi" },
    },
    securityContext: restrictedSecurityContext(),
    volumeMounts: [{ name: "deletion-cost-token", mountPath: DELETION_COST_TOKEN_DIR, readOnly: true }],
  };
}

function volumes(input: LiveKitPodInput): Volume[] {
  return [
    { name: "config", configMap: { name: input.configMapName } },
    // livekit-server refuses key and TURN secret files that "others" can read: 0440, group = fsGroup.
    {
      name: "api-keys",
      secret: {
        secretName: input.keyFile.secretName,
        defaultMode: 0o440,
        items: [{ key: input.keyFile.key, path: LIVEKIT_MOUNTS.keys.file }],
      },
    },
    {
      name: "turn-secret",
      secret: {
        secretName: input.turnSecret.secretName,
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
  ];
}
