/**
 * Labels and annotations several workloads share. A Deployment's selector must match its pod template's labels
 * and cannot change once created (apps/v1 validation), so the selector holds the workload's name (and component)
 * only, never the program-wide `part-of` label a later release might change.
 */
import {
  CONFIG_CHECKSUM_ANNOTATION,
  DO_NOT_DISRUPT_ANNOTATION,
  KEYS_CHECKSUM_ANNOTATION,
  PART_OF,
  sha256,
  workloadLabels,
} from "../../../components/shared/annotations";
import { isAnnotationKey } from "../../support/kubernetes-names";

describe("workloadLabels", () => {
  it("selects by name (and component), and labels with those plus part-of", () => {
    // Strictly: a selector key with no value would not be the same selector.
    expect(workloadLabels("livekit-server")).toStrictEqual({
      podLabels: { "app.kubernetes.io/name": "livekit-server" },
      labels: { "app.kubernetes.io/name": "livekit-server", "app.kubernetes.io/part-of": PART_OF },
    });
    const { podLabels, labels } = workloadLabels("livekit-egress", "recorder");
    expect(podLabels).toEqual({
      "app.kubernetes.io/name": "livekit-egress",
      "app.kubernetes.io/component": "recorder",
    });
    // Every selector label is on the pods, so the selector matches them.
    expect(labels).toMatchObject(podLabels);
    expect(labels["app.kubernetes.io/part-of"]).toBe("livekit-platform");
  });
});

describe("the shared annotations", () => {
  it("are keys the API server accepts, each its own, under the program's prefix for the checksums", () => {
    const keys = [CONFIG_CHECKSUM_ANNOTATION, KEYS_CHECKSUM_ANNOTATION, DO_NOT_DISRUPT_ANNOTATION];
    for (const key of keys) expect(isAnnotationKey(key)).toBe(true);
    expect(new Set(keys).size).toBe(keys.length);
    expect([CONFIG_CHECKSUM_ANNOTATION, KEYS_CHECKSUM_ANNOTATION].every((k) => k.startsWith("livekit-platform/"))).toBe(
      true,
    );
  });

  it("use Karpenter's own key for a pod that must not be disrupted (karpenter.sh/do-not-disrupt, v1 API)", () => {
    expect(DO_NOT_DISRUPT_ANNOTATION).toBe("karpenter.sh/do-not-disrupt");
  });

  it("checksum a text as SHA-256 in hex, so any change in the text changes the pods' annotation", () => {
    expect(sha256("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    expect(sha256("a")).not.toBe(sha256("b"));
  });
});
