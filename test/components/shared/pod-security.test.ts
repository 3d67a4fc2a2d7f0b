/**
 * The namespaces' Pod Security Admission labels, read back the way the admission controller reads them
 * (kubernetes/pod-security-admission v0.35.2: api/constants.go names the labels, api/helpers.go
 * `PolicyToEvaluate` reads each mode's level and version; a level must be privileged, baseline or restricted and
 * a version `latest` or `v1.<minor>`, or the namespace is evaluated at `restricted`).
 */
import { podSecurityLabels, type PodSecurityLevel } from "../../../components/shared/pod-security";
import { versions } from "../../../lib/versions";
import { isLabelKey, isLabelValue } from "../../support/kubernetes-names";

const LEVELS = ["privileged", "baseline", "restricted"];
const VERSION = /^(latest|v1\.(0|[1-9][0-9]*))$/;
const MODES = ["enforce", "warn", "audit"] as const;

/** Each mode's level and version as PSA reads them; a missing or invalid label throws here instead. */
function policyToEvaluate(labels: Record<string, string>) {
  return Object.fromEntries(
    MODES.map((mode) => {
      const level = labels[`pod-security.kubernetes.io/${mode}`];
      const version = labels[`pod-security.kubernetes.io/${mode}-version`];
      if (!LEVELS.includes(level)) throw new Error(`${mode}: level ${level}`);
      if (!VERSION.test(version)) throw new Error(`${mode}: version ${version}`);
      return [mode, { level, version }];
    }),
  );
}

describe("Pod Security Admission labels", () => {
  it.each(LEVELS as PodSecurityLevel[])("enforce, warn and audit %s by default, at the pinned standard", (level) => {
    expect(policyToEvaluate(podSecurityLabels(level))).toEqual({
      enforce: { level, version: versions.podSecurityStandard },
      warn: { level, version: versions.podSecurityStandard },
      audit: { level, version: versions.podSecurityStandard },
    });
  });

  it("warn and audit at the reported level while enforcing another", () => {
    const policy = policyToEvaluate(podSecurityLabels("privileged", "baseline"));
    expect(policy.enforce.level).toBe("privileged");
    expect(policy.warn.level).toBe("baseline");
    expect(policy.audit.level).toBe("baseline");
  });

  it("are the six labels and nothing else, each a label the API server takes", () => {
    const labels = podSecurityLabels("privileged", "baseline");
    expect(Object.keys(labels)).toHaveLength(6);
    for (const [key, value] of Object.entries(labels)) {
      expect(isLabelKey(key)).toBe(true);
      expect(isLabelValue(value)).toBe(true);
    }
  });

  it("pin a version PSA parses, never `latest`, so a cluster upgrade does not tighten the standard by itself", () => {
    expect(versions.podSecurityStandard).toMatch(VERSION);
    expect(versions.podSecurityStandard).not.toBe("latest");
  });
});
