/**
 * Annotations and labels that several components put on their workloads.
 */
import { createHash } from "crypto";

/** Pod annotation holding the SHA-256 of the rendered config, so a config change rolls the pods. */
export const CONFIG_CHECKSUM_ANNOTATION = "livekit-platform/config-sha256";

/**
 * Pod annotation holding the SHA-256 of the API keys a server reads once, at start (livekit-server's key file,
 * egress's pair): a key change rolls the pods.
 */
export const KEYS_CHECKSUM_ANNOTATION = "livekit-platform/keys-sha256";

/** Karpenter leaves nodes running a pod with this annotation alone (no consolidation, no drift). */
export const DO_NOT_DISRUPT_ANNOTATION = "karpenter.sh/do-not-disrupt";

/** The value of `app.kubernetes.io/part-of` on everything this program deploys. */
export const PART_OF = "livekit-platform";

/** Selector labels of a workload, and the full label set (selector labels plus `part-of`). */
export function workloadLabels(
  name: string,
  component?: string,
): { podLabels: Record<string, string>; labels: Record<string, string> } {
  const podLabels: Record<string, string> = { "app.kubernetes.io/name": name };
  if (component) podLabels["app.kubernetes.io/component"] = component;
  return { podLabels, labels: { ...podLabels, "app.kubernetes.io/part-of": PART_OF } };
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}
