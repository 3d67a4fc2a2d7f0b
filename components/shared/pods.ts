/**
 * Types and checks for pod specs that several components build.
 */
import type * as k8s from "@pulumi/kubernetes";

/** A key of a Kubernetes Secret: what `secretKeyRef` and Secret volumes point at. */
export interface SecretKeyRef {
  secret: k8s.core.v1.Secret;
  key: string;
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
    if (!Number.isInteger(value) || value <= 0)
      throw new Error(`${what}.${field}: expected a positive integer, got ${value}`);
  }
  if (r.memoryLimitMiB < r.memoryRequestMiB) {
    throw new Error(`${what}: memoryLimitMiB ${r.memoryLimitMiB} is below memoryRequestMiB ${r.memoryRequestMiB}`);
  }
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
