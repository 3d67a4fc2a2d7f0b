import { deletionCostPolicy, POD_DELETION_COST_ANNOTATION } from "../../../components/shared/deletion-cost-policy";
import { ValidatingAdmissionPolicy } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy";
import { ValidatingAdmissionPolicyBinding } from "kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding";
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

  it("are objects the API server takes: the policy's and binding's kinds, names and enums", () => {
    for (const { policy, binding } of [own, labelled]) {
      expect([policy.apiVersion, policy.kind]).toEqual([
        ValidatingAdmissionPolicy.apiVersion,
        ValidatingAdmissionPolicy.kind,
      ]);
      expect([binding.apiVersion, binding.kind]).toEqual([
        ValidatingAdmissionPolicyBinding.apiVersion,
        ValidatingAdmissionPolicyBinding.kind,
      ]);
      // The models' schemas hold the API's enums (failurePolicy Fail|Ignore, matchPolicy Equivalent|Exact).
      expect(() => new ValidatingAdmissionPolicy(policy as never).validate()).not.toThrow();
      expect(() => new ValidatingAdmissionPolicyBinding(binding as never).validate()).not.toThrow();
      // Cluster-scoped objects need a name; the binding carries the policy's, and both the component's labels.
      expect(binding.metadata).toEqual(policy.metadata);
      expect(binding.spec.policyName).toBe(policy.metadata.name);
      // A matchCondition needs a name of its own (admissionregistration/v1 MatchCondition: required, a
      // qualified name), unique in the policy.
      expect(policy.spec.matchConditions.map((c) => c.name)).toEqual(["is-the-deletion-cost-updater"]);
    }
  });

  it("names the annotation the ReplicaSet controller reads to pick the pods to remove first", () => {
    // kubernetes pkg/apis/core/annotation_key_constants.go PodDeletionCost, read by
    // pkg/controller/controller_utils.go getPodDeletionCost when scaling a ReplicaSet down.
    expect(POD_DELETION_COST_ANNOTATION).toBe("controller.kubernetes.io/pod-deletion-cost");
  });

  it("answers a denied patch with 403 Forbidden, the updater's own message naming what it may not do", () => {
    // Validation.reason left empty is answered 422 Invalid (admissionregistration/v1 types.go Validation.Reason).
    expect(own.policy.spec.validations.map((v) => v.reason)).toEqual([
      "Forbidden",
      "Forbidden",
      "Forbidden",
      "Forbidden",
    ]);
    const user = serviceAccountUser(NAMESPACE, "sa", { name: "a", uid: "uid-a" });
    const image = podPatch(barePod("a"), { spec: { containers: [{ name: "app", image: "evil:1" }] } }, user);
    expect(admit(own, image, NAMESPACE_LABELS)).toEqual({
      applies: true,
      allowed: false,
      message: `sa may change only the ${POD_DELETION_COST_ANNOTATION} annotation, not the pod's spec`,
    });
  });

  it("lets an own-pod updater annotate only the pod its token is bound to, a legacy token none", () => {
    const denied = {
      applies: true,
      allowed: false,
      message: "sa may annotate only its own pod (the pod its service account token is bound to)",
    };
    const boundToA = serviceAccountUser(NAMESPACE, "sa", { name: "a", uid: "uid-a" });
    expect(admit(own, podPatch(barePod("b"), cost("1"), boundToA), NAMESPACE_LABELS)).toEqual(denied);
    // A Secret-based token carries no pod name: denied by the rule, not by a failed evaluation.
    const legacy = serviceAccountUser(NAMESPACE, "sa");
    expect(admit(own, podPatch(barePod("a"), cost("1"), legacy), NAMESPACE_LABELS)).toEqual(denied);
  });

  it("leaves every other client's requests alone: other users, namespaces, operations and subresources", () => {
    const user = serviceAccountUser(NAMESPACE, "sa", { name: "a", uid: "uid-a" });
    const image = { spec: { containers: [{ name: "app", image: "app:2" }] } };
    // The controller manager, another service account, or the same name in another namespace.
    for (const other of [
      { username: "system:kube-controller-manager" },
      serviceAccountUser(NAMESPACE, "other", { name: "a", uid: "uid-a" }),
      serviceAccountUser("elsewhere", "sa", { name: "a", uid: "uid-a" }),
    ]) {
      expect(admit(own, podPatch(barePod("a"), image, other), NAMESPACE_LABELS)).toEqual({ applies: false });
    }
    // Pods of another namespace.
    const elsewhere = { "kubernetes.io/metadata.name": "elsewhere" };
    expect(admit(own, podPatch(barePod("a"), image, user), elsewhere)).toEqual({ applies: false });
    // The kubelet's status updates, and a pod's creation (which RBAC, not this policy, keeps from the updater).
    const status = podPatch(barePod("a"), { status: { phase: "Running" } }, user, { subResource: "status" });
    expect(admit(own, status, NAMESPACE_LABELS)).toEqual({ applies: false });
    expect(admit(own, { ...podPatch(barePod("a"), image, user), operation: "CREATE" }, NAMESPACE_LABELS)).toEqual({
      applies: false,
    });
    // Another resource of the namespace.
    const configMap = {
      ...podPatch(barePod("a"), image, user),
      resource: { group: "", version: "v1", resource: "configmaps" },
    };
    expect(admit(own, configMap, NAMESPACE_LABELS)).toEqual({ applies: false });
  });

  it("renders the same policy whatever the order of the pods' labels, and names them all", () => {
    const render = (labels: Record<string, string>) =>
      deletionCostPolicy({ name: "q", namespace: NAMESPACE, serviceAccount: "sa", pods: { labels }, labels: {} });
    const ab = render({ app: "worker", tier: "media" });
    // A reordered config must not show as a change in the plan (and replace the policy).
    expect(render({ tier: "media", app: "worker" })).toEqual(ab);
    const outcome = admit(ab, podPatch(barePod("b"), cost("1"), serviceAccountUser(NAMESPACE, "sa")), NAMESPACE_LABELS);
    expect(outcome).toEqual({
      applies: true,
      allowed: false,
      message: "sa may annotate only pods labelled app=worker, tier=media",
    });
  });
});
