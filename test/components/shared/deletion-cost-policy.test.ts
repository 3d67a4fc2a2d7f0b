import { deletionCostPolicy, POD_DELETION_COST_ANNOTATION } from "../../../components/shared/deletion-cost-policy";
import { admit, expressionProblems, podPatch, serviceAccountUser } from "../../support/admission-policy";

const NAMESPACE = "media";
const NAMESPACE_LABELS = { "kubernetes.io/metadata.name": NAMESPACE };
const cost = (value: string | null) => ({ metadata: { annotations: { [POD_DELETION_COST_ANNOTATION]: value } } });

/** A bare pod: no labels, annotations, owner references or finalizers at all. */
const barePod = (name: string) => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name, namespace: NAMESPACE, uid: `uid-${name}` },
  spec: { containers: [{ name: "app", image: "app:1" }] },
});

describe("deletionCostPolicy", () => {
  const own = deletionCostPolicy({
    name: "p",
    namespace: NAMESPACE,
    serviceAccount: "sa",
    pods: { own: true },
    labels: {},
  });
  const labelled = deletionCostPolicy({
    name: "q",
    namespace: NAMESPACE,
    serviceAccount: "sa",
    pods: { labels: { app: "worker" } },
    labels: {},
  });

  it("renders expressions that type-check as CEL", () => {
    expect(expressionProblems(own.policy)).toEqual([]);
    expect(expressionProblems(labelled.policy)).toEqual([]);
  });

  it("allows adding, changing and removing the cost on a pod that had no metadata maps at all", () => {
    const pod = barePod("a");
    const user = serviceAccountUser(NAMESPACE, "sa", { name: "a", uid: "uid-a" });
    const added = podPatch(pod, cost("5"), user);
    expect(admit(own, added, NAMESPACE_LABELS)).toEqual({ applies: true, allowed: true });
    const removed = podPatch(added.object as Record<string, any>, cost(null), user);
    expect(admit(own, removed, NAMESPACE_LABELS)).toEqual({ applies: true, allowed: true });
  });

  it("denies, without failing to evaluate, a first label or annotation on a pod that had none", () => {
    const user = serviceAccountUser(NAMESPACE, "sa", { name: "a", uid: "uid-a" });
    for (const patch of [{ metadata: { labels: { x: "y" } } }, { metadata: { annotations: { x: "y" } } }]) {
      const outcome = admit(own, podPatch(barePod("a"), patch, user), NAMESPACE_LABELS);
      expect(outcome).toMatchObject({ applies: true, allowed: false });
      expect((outcome as { message: string }).message).toMatch(/^sa may change only/);
    }
  });

  it("denies a labelled-pods updater a pod without labels, by its rule rather than an evaluation error", () => {
    const outcome = admit(
      labelled,
      podPatch(barePod("b"), cost("1"), serviceAccountUser(NAMESPACE, "sa")),
      NAMESPACE_LABELS,
    );
    expect(outcome).toEqual({
      applies: true,
      allowed: false,
      message: "sa may annotate only pods labelled app=worker",
    });
  });

  it("refuses an empty label selection, which would allow every pod", () => {
    expect(() =>
      deletionCostPolicy({ name: "r", namespace: NAMESPACE, serviceAccount: "sa", pods: { labels: {} }, labels: {} }),
    ).toThrow("deletion cost policy pods.labels: must name at least one label, got {}");
  });
});
