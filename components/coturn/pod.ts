/**
 * Coturn's DaemonSet spec, as a pure, typed builder: one pod on every SFU node, on the host network. Relays bind
 * the node's public IP on ports disjoint from LiveKit's; the shared secrets come from the TURN Secret, the private
 * IP from the Downward API and the public IP from the node-address init container.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { type ContainerImages, SHIPPED_IMAGES } from "../shared/images";
import { CONFIG_CHECKSUM_ANNOTATION, workloadLabels } from "../shared/annotations";
import {
  HOST_IP_ENV_VAR,
  NODE_ADDRESS_MOUNT,
  NODE_ADDRESS_VOLUME_SPEC,
  nodeAddressInitContainer,
  restrictedSecurityContext,
} from "../shared/node-address";
import { placeOn } from "../shared/node-roles";
import { hostPort, nonRootPodSecurityContext, type PodResources } from "../shared/pods";
import { TURN_SECRET_GENERATIONS_ANNOTATION, turnSecretGenerationsAnnotation } from "../shared/turn";
import {
  COTURN_CONFIG_DIR,
  COTURN_CONTAINER_COMMAND,
  COTURN_RUNTIME_DIR,
  COTURN_SECRET_DIR,
  COTURN_SECRET_KEY,
  COTURN_SECRETS_KEY,
} from "./start";
import { COTURN_LISTENING_PORT, COTURN_METRICS_PORT } from "./turnserver-conf";

type DaemonSetSpec = k8s.types.input.apps.v1.DaemonSetSpec;
type PodSpec = k8s.types.input.core.v1.PodSpec;
type Container = k8s.types.input.core.v1.Container;

/** Name of the DaemonSet, its pods' app label and its container. */
export const COTURN_APP = "coturn";

/** Selector labels of the Coturn pods, and their full label set. */
export const COTURN_LABELS = workloadLabels(COTURN_APP, "turn");

/**
 * How long a Coturn pod may drain. On termination the preStop hook puts coturn in drain mode (SIGUSR1:
 * no new allocations) and waits until the last allocation is gone; an allocation lives at most
 * `max-allocate-lifetime` (3600 s) unless the client keeps refreshing it, so an hour lets most calls end.
 */
export const COTURN_TERMINATION_GRACE_SECONDS = 3600;

/** The image's user (docker/coturn/debian/Dockerfile: `USER nobody:nogroup`). */
const NOBODY = 65534;

/** What the Coturn pod is built from: plain settings, and the names of the objects it reads. */
export interface CoturnPodInput {
  /** Per pod; Coturn shares each SFU node with a LiveKit pod. No CPU limit: throttling a relay drops packets. */
  resources: PodResources;
  /** The ConfigMap holding turnserver.conf and the start script. */
  configMapName: Input<string>;
  /** SHA-256 of turnserver.conf and the start script: a change rolls the pods. */
  configChecksum: string;
  /**
   * The TURN Secret, the key holding every secret Coturn accepts, and their generations: with one, the key is the
   * secret itself; with two (a rotation), one secret per line.
   */
  turnSecret: { secretName: Input<string>; key: string; generations: readonly string[] };
  /** Where the images come from (a digest pin, the registry mirror); the shipped tags when omitted. */
  images?: ContainerImages;
}

/**
 * The memory the scheduler counts for a Coturn pod with these resources: its one container's request (the
 * node-address init container asks for less and runs first).
 */
export function coturnPodMemoryRequestMiB(resources: Pick<PodResources, "memoryRequestMiB">): number {
  return resources.memoryRequestMiB;
}

/** The DaemonSet's spec: a rolling update of a quarter of the nodes at a time, and the Coturn pod. */
export function coturnDaemonSetSpec(input: CoturnPodInput): DaemonSetSpec {
  return {
    selector: { matchLabels: COTURN_LABELS.podLabels },
    updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
    template: {
      metadata: {
        labels: COTURN_LABELS.labels,
        annotations: {
          [CONFIG_CHECKSUM_ANNOTATION]: input.configChecksum,
          // Coturn reads its secrets at start: a change of the accepted generations rolls the pods
          // (labels only; none for the initial generation alone).
          ...turnSecretGenerationsAnnotation(TURN_SECRET_GENERATIONS_ANNOTATION, input.turnSecret.generations),
        },
      },
      spec: coturnPodSpec(input),
    },
  };
}

/** The Coturn pod: turnserver on the node's host network, started by the script that adds the node's address. */
export function coturnPodSpec(input: CoturnPodInput): PodSpec {
  const perLine = input.turnSecret.generations.length > 1;
  return {
    // One per SFU node, on the node's network: relayed media goes to the node's public IP.
    hostNetwork: true,
    dnsPolicy: "ClusterFirstWithHostNet",
    ...placeOn("sfu"),
    terminationGracePeriodSeconds: COTURN_TERMINATION_GRACE_SECONDS,
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    // fsGroup makes the Secret file group-readable by the image's non-root user, and no one else.
    securityContext: nonRootPodSecurityContext(NOBODY),
    // The node's public IPv4 from instance metadata (the same file LiveKit reads).
    initContainers: [nodeAddressInitContainer((input.images ?? SHIPPED_IMAGES).curl)],
    containers: [coturnContainer(input.resources, (input.images ?? SHIPPED_IMAGES).coturn)],
    volumes: [
      { name: "config", configMap: { name: input.configMapName } },
      {
        name: "shared-secret",
        secret: {
          secretName: input.turnSecret.secretName,
          defaultMode: 0o440,
          items: [{ key: input.turnSecret.key, path: perLine ? COTURN_SECRETS_KEY : COTURN_SECRET_KEY }],
        },
      },
      // The generated conf holds the secret: memory only, gone with the pod.
      { name: "runtime", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
      NODE_ADDRESS_VOLUME_SPEC,
    ],
  };
}

function coturnContainer(resources: PodResources, image: Input<string>): Container {
  return {
    name: COTURN_APP,
    image,
    command: [...COTURN_CONTAINER_COMMAND],
    // The node's private IP: listening, relay and metrics address.
    env: [HOST_IP_ENV_VAR],
    ports: [
      hostPort("turn-udp", COTURN_LISTENING_PORT, "UDP"),
      hostPort("turn-tcp", COTURN_LISTENING_PORT),
      hostPort("metrics", COTURN_METRICS_PORT),
    ],
    resources: {
      requests: { cpu: `${resources.cpuRequestMillis}m`, memory: `${resources.memoryRequestMiB}Mi` },
      limits: { memory: `${resources.memoryLimitMiB}Mi` },
    },
    readinessProbe: {
      tcpSocket: { port: COTURN_LISTENING_PORT },
      periodSeconds: 5,
      timeoutSeconds: 2,
      failureThreshold: 3,
    },
    livenessProbe: {
      tcpSocket: { port: COTURN_LISTENING_PORT },
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    },
    lifecycle: {
      // Drain (coturn >= 4.15): refuse new allocations, exit once the last one ends. The kubelet's
      // SIGTERM, which stops coturn at once, only comes after this hook returns or the grace ends.
      preStop: {
        exec: { command: ["/bin/bash", "-c", "kill -USR1 1 && while kill -0 1 2>/dev/null; do sleep 5; done"] },
      },
    },
    // The image gives turnserver the file capability cap_net_bind_service; exec fails with EPERM
    // unless it stays in the bounding set (coturn binds no port below 1024 here, so it is never
    // used). The only capability kept, for that reason alone.
    securityContext: restrictedSecurityContext(["NET_BIND_SERVICE"]),
    volumeMounts: [
      { name: "config", mountPath: COTURN_CONFIG_DIR, readOnly: true },
      { name: "shared-secret", mountPath: COTURN_SECRET_DIR, readOnly: true },
      { name: "runtime", mountPath: COTURN_RUNTIME_DIR },
      NODE_ADDRESS_MOUNT,
    ],
  };
}
