/**
 * Pod Security Admission labels of the namespaces the program creates (kubernetes/pod-security-admission v0.35.2
 * api/constants.go: `pod-security.kubernetes.io/<enforce|warn|audit>[-version]`).
 *
 * The API server rejects a pod that breaks the `enforce` level. It evaluates `warn` and `audit` on their own,
 * whatever `enforce` says (admission/admission.go, EvaluatePod): a breach of `warn` comes back as a warning to
 * whoever applied the pod or its workload (`pulumi up` prints it), a breach of `audit` is an annotation on the
 * request's audit event. So a namespace that must enforce `privileged` warns and audits at `baseline`: what the
 * media plane needs (host network, host ports) shows up every time, and so does anything more than that.
 */
import { versions } from "../../lib/versions";

export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** The six labels: `enforce` at `level`, `warn` and `audit` at `reported` (the same level by default). */
export function podSecurityLabels(level: PodSecurityLevel, reported: PodSecurityLevel = level): Record<string, string> {
  const modes = { enforce: level, warn: reported, audit: reported };
  return Object.fromEntries(
    Object.entries(modes).flatMap(([mode, modeLevel]) => [
      [`pod-security.kubernetes.io/${mode}`, modeLevel],
      [`pod-security.kubernetes.io/${mode}-version`, versions.podSecurityStandard],
    ]),
  );
}
