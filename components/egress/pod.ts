/**
 * The egress Deployment's spec (pure: Pulumi types only). Values other resources give (the service account, the
 * config Secret and its checksum) arrive as inputs: plain strings in tests, Outputs in the component.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { type ContainerImages, SHIPPED_IMAGES } from "../shared/images";
import { CONFIG_CHECKSUM_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION, KEYS_CHECKSUM_ANNOTATION } from "../shared/annotations";
import type { SecretKeyName } from "../shared/pods";
import { placeOn } from "../shared/node-roles";
import {
  EGRESS_API_KEY_ENV,
  EGRESS_CONFIG_FILE_ENV,
  EGRESS_CONFIG_MOUNT,
  EGRESS_CONFIG_PATH,
  EGRESS_HEALTH_PORT,
  EGRESS_METRICS_PORT,
} from "./config";
import { IDLE_POD_DELETION_COST, POD_DELETION_COST_ANNOTATION } from "./deletion-cost";

/** The name of the egress Deployment, its service account, PDB and ScaledObject. */
export const EGRESS_APP = "livekit-egress";

export interface EgressPodInput {
  /** The pods' labels, and the selector labels among them (`workloadLabels`). */
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  /** Whole CPUs and GiB per pod; requests = limits. */
  resources: { cpus: number; memoryGiB: number };
  /** Seconds a pod gets to end its recordings after SIGTERM (`egressTerminationGraceSeconds`). */
  terminationGracePeriodSeconds: number;
  /** Pods only when something is recorded: without, the Deployment keeps none. */
  recording: boolean;
  serviceAccountName: Input<string>;
  /** The Secret holding the rendered config, and the config's SHA-256 (rolls the pods on a change). */
  configSecretName: Input<string>;
  configChecksum: Input<string>;
  /** Egress's API key pair, two keys of the Secret the credentials keep in the pods' namespace, and its SHA-256. */
  apiKey: { id: SecretKeyName; secret: SecretKeyName; checksum: Input<string> };
  /** Where the images come from (a digest pin, the registry mirror); the shipped tags when omitted. */
  images?: ContainerImages;
}

const secretKeyRef = ({ secretName, key }: SecretKeyName) => ({ secretKeyRef: { name: secretName, key } });

/** The Deployment's spec: no replicas (KEDA's HPA owns the count), surge-only rollouts, the pod below. */
export function egressDeploymentSpec(input: EgressPodInput): k8s.types.input.apps.v1.DeploymentSpec {
  return {
    // No replicas: KEDA's HPA owns the count (none when nothing is recorded: maxReplicas 0).
    ...(input.recording ? {} : { replicas: 0 }),
    selector: { matchLabels: input.podLabels },
    // A rollout first adds new pods, then drains old ones (each finishes its recordings): capacity never
    // drops below the current count. The idle pods go first (deletion cost).
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" } },
    // New pods may wait for new nodes.
    progressDeadlineSeconds: 1800,
    template: {
      metadata: {
        labels: input.labels,
        annotations: {
          [CONFIG_CHECKSUM_ANNOTATION]: input.configChecksum,
          // Egress reads its key pair once, at start: a new pair needs new pods (old ones finish their recordings).
          [KEYS_CHECKSUM_ANNOTATION]: input.apiKey.checksum,
          // A recording in progress lives in this pod: Karpenter must not consolidate it away.
          [DO_NOT_DISRUPT_ANNOTATION]: "true",
          // New pods are idle: first to go until the updater sees a recording.
          [POD_DELETION_COST_ANNOTATION]: String(IDLE_POD_DELETION_COST),
        },
      },
      spec: egressPodSpec(input),
    },
  };
}

/** An egress pod: on egress nodes, Guaranteed QoS, hardened, its config from the Secret. */
export function egressPodSpec(input: EgressPodInput): k8s.types.input.core.v1.PodSpec {
  const quantities = { cpu: `${input.resources.cpus}`, memory: `${input.resources.memoryGiB}Gi` };
  return {
    ...placeOn("egress"),
    serviceAccountName: input.serviceAccountName,
    // SIGTERM: egress stops taking jobs and exits once its recordings end, which the session limit
    // bounds; the grace period is that limit plus the upload.
    terminationGracePeriodSeconds: input.terminationGracePeriodSeconds,
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
        image: (input.images ?? SHIPPED_IMAGES).livekitEgress,
        securityContext: {
          allowPrivilegeEscalation: false,
          privileged: false,
          capabilities: { drop: ["ALL"] },
        },
        env: [
          { name: EGRESS_CONFIG_FILE_ENV, value: EGRESS_CONFIG_PATH },
          { name: EGRESS_API_KEY_ENV.id, valueFrom: secretKeyRef(input.apiKey.id) },
          { name: EGRESS_API_KEY_ENV.secret, valueFrom: secretKeyRef(input.apiKey.secret) },
        ],
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
        secret: { secretName: input.configSecretName, defaultMode: 0o440 },
      },
    ],
  };
}
