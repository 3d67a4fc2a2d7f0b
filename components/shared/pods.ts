/**
 * Types and checks for pod specs that several components build.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { invariant } from "./invariant";

/** A key of a Kubernetes Secret: what `secretKeyRef` and Secret volumes point at. */
export interface SecretKeyRef {
  secret: k8s.core.v1.Secret;
  key: string;
}

/** A key of a Kubernetes Secret by the Secret's name, as a pod spec names it (an Output when the program made it). */
export interface SecretKeyName {
  secretName: Input<string>;
  key: string;
}

/** The name a pod spec reads a Secret's key under. */
export function secretKeyName(ref: SecretKeyRef): SecretKeyName {
  return { secretName: ref.secret.metadata.name, key: ref.key };
}

/** Container resources. The SFU gets no CPU limit: CFS throttling turns into packet loss and jitter. */
export interface PodResources {
  /** CPU request in millicores; what the scheduler and the HPA's utilisation are measured against. */
  cpuRequestMillis: number;
  memoryRequestMiB: number;
  /** Memory limit; must be at least the request. */
  memoryLimitMiB: number;
}

export function checkResources(what: string, r: PodResources): void {
  for (const [field, value] of Object.entries(r)) {
    invariant(Number.isInteger(value) && value > 0, `${what}.${field}`, "must be a positive integer", value);
  }
  invariant(
    r.memoryLimitMiB >= r.memoryRequestMiB,
    `${what}.memoryLimitMiB`,
    `must be at least memoryRequestMiB (${r.memoryRequestMiB})`,
    r.memoryLimitMiB,
  );
}

/**
 * The pod security context of a workload that runs as `uid`: non-root, its files (Secret volumes included)
 * group-owned by that user through fsGroup, and the runtime's default seccomp profile.
 */
export function nonRootPodSecurityContext(uid: number) {
  return {
    runAsUser: uid,
    runAsGroup: uid,
    runAsNonRoot: true,
    fsGroup: uid,
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** A container port of a hostNetwork pod: on the host network a containerPort is also a hostPort, so both are set. */
export function hostPort(name: string, port: number, protocol: "TCP" | "UDP" = "TCP") {
  return { name, containerPort: port, hostPort: port, protocol };
}
