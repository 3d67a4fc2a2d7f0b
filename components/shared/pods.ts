/**
 * Types and checks for pod specs that several components build.
 */
import type * as k8s from "@pulumi/kubernetes";
import { invariant } from "./invariant";

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
