/**
 * Pod Security Admission labels of the namespaces the program creates: the API server enforces the level on
 * every pod of the namespace, and warns and audits at the same level (kubernetes/pod-security-admission v0.35.2
 * api/constants.go: `pod-security.kubernetes.io/<enforce|warn|audit>[-version]`).
 */
import { versions } from "../../lib/versions";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

const MODES = ["enforce", "warn", "audit"] as const;

/** The six labels for `level`, each mode at the pinned version. */
export function podSecurityLabels(level: PodSecurityLevel): Record<string, string> {
  return Object.fromEntries(
    MODES.flatMap((mode) => [
      [`pod-security.kubernetes.io/${mode}`, level],
      [`pod-security.kubernetes.io/${mode}-version`, versions.podSecurityStandard],
    ]),
  );
}
