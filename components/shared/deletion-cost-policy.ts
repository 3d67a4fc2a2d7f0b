/**
 * What a pod-deletion-cost updater may change, as a ValidatingAdmissionPolicy (admissionregistration.k8s.io/v1,
 * GA since Kubernetes 1.30) and its binding. RBAC can grant `pods: patch` only on whole pods, and a pod patch
 * can change a container image; the policy narrows the updater's patches to the one annotation the ReplicaSet
 * controller reads, on the pods it is meant to annotate.
 *
 * - Which requests: UPDATE of `pods` (not a subresource) in the workload namespace, made by the updater's own
 *   service account (`matchConditions`, on the username alone, so that the condition itself can never fail
 *   and block anyone else's pod updates). A `patch` that would create a pod is authorized as `create`
 *   (apiserver pkg/endpoints/handlers/patch.go, `createAuthorizerAttributes`), which the updaters' Roles do not
 *   grant: UPDATE is the only operation they can reach.
 * - What it allows: the object after the patch equals the pod before it in spec, labels, owner references,
 *   finalizers and every annotation but `controller.kubernetes.io/pod-deletion-cost`. Status is not compared:
 *   an update of the pod resource cannot change it (the pod strategy's PrepareForUpdate keeps the old status).
 * - Which pods: the updater's own pod (the pod name its bound service account token carries, which the API
 *   server puts in `userInfo.extra["authentication.kubernetes.io/pod-name"]` for every pod-bound token, as the
 *   kubelet's projected tokens are: kubernetes pkg/serviceaccount/claims.go `Validate` and
 *   staging/src/k8s.io/apiserver/pkg/authentication/serviceaccount/util.go `PodNameKey`; no feature gate, unlike
 *   the node name and uid that ServiceAccountTokenPodNodeInfo adds, on by default since 1.30 and GA in 1.32, so
 *   on at the pinned 1.35 either way), or pods carrying given labels before the patch. The `request` variable
 *   declares `userInfo.extra` (map of string lists) and `username` as optional fields
 *   (staging/src/k8s.io/apiserver/pkg/admission/plugin/cel/compile.go `BuildRequestType`): every expression
 *   tests them with `has()` first, so a request without them is denied or unmatched, never an evaluation error.
 * - `failurePolicy: Fail`: an expression that cannot be evaluated denies the updater's patch (the pod keeps its
 *   last deletion cost), never another client's request, which the match above never selects.
 *
 * Pure (no Pulumi): the components render it with their namespace and service account once those are known.
 */
import { invariant } from "./invariant";

/** Pod annotation the ReplicaSet controller reads to choose which pods to remove first (lowest first). */
export const POD_DELETION_COST_ANNOTATION = "controller.kubernetes.io/pod-deletion-cost";

/** `userInfo.extra` key holding the name of the pod a service account token is bound to. */
export const POD_NAME_EXTRA_KEY = "authentication.kubernetes.io/pod-name";

/** Which pods the updater may annotate. */
export type DeletionCostPods =
  /** Only the pod whose bound service account token makes the request (a sidecar annotating itself). */
  | { own: true }
  /** Pods that carry all of these labels before the patch. */
  | { labels: Record<string, string> };

export interface DeletionCostPolicyInput {
  /** Name of the policy and of its binding (cluster-scoped objects). */
  name: string;
  /** The namespace of the updater and of the pods it annotates. */
  namespace: string;
  /** The updater's service account, in `namespace`. */
  serviceAccount: string;
  pods: DeletionCostPods;
  /** Labels of both objects. */
  labels: Record<string, string>;
}

/** A CEL string literal (JSON's escapes are CEL's for these strings). */
const cel = (text: string) => JSON.stringify(text);

/** `object.metadata.<field>` is unchanged, present or absent alike. */
const unchangedMetadata = (field: string) =>
  `has(object.metadata.${field}) ? (has(oldObject.metadata.${field}) && object.metadata.${field} == oldObject.metadata.${field}) : !has(oldObject.metadata.${field})`;

const annotation = cel(POD_DELETION_COST_ANNOTATION);

/** Every annotation but the deletion cost is unchanged: none added or changed, none removed. */
const OTHER_ANNOTATIONS_UNCHANGED = [
  `(!has(object.metadata.annotations) || object.metadata.annotations.all(k, k == ${annotation} || ` +
    `(has(oldObject.metadata.annotations) && k in oldObject.metadata.annotations && ` +
    `oldObject.metadata.annotations[k] == object.metadata.annotations[k])))`,
  `(!has(oldObject.metadata.annotations) || oldObject.metadata.annotations.all(k, k == ${annotation} || ` +
    `(has(object.metadata.annotations) && k in object.metadata.annotations)))`,
].join(" && ");

function podScope(pods: DeletionCostPods): { expression: string; message: string } {
  if ("own" in pods) {
    const podName = `request.userInfo.extra[${cel(POD_NAME_EXTRA_KEY)}]`;
    return {
      expression:
        `has(request.userInfo.extra) && ${cel(POD_NAME_EXTRA_KEY)} in request.userInfo.extra && ` +
        `${podName} == [oldObject.metadata.name]`,
      message: "may annotate only its own pod (the pod its service account token is bound to)",
    };
  }
  const entries = Object.entries(pods.labels).sort(([a], [b]) => a.localeCompare(b));
  invariant(entries.length > 0, "deletion cost policy pods.labels", "must name at least one label", pods.labels);
  const labels = entries.map(
    ([key, value]) =>
      `${cel(key)} in oldObject.metadata.labels && oldObject.metadata.labels[${cel(key)}] == ${cel(value)}`,
  );
  return {
    expression: ["has(oldObject.metadata.labels)", ...labels].join(" && "),
    message: `may annotate only pods labelled ${entries.map(([k, v]) => `${k}=${v}`).join(", ")}`,
  };
}

/** The policy and its binding, as Kubernetes objects (apiVersion, kind, metadata, spec). */
export function deletionCostPolicy(input: DeletionCostPolicyInput) {
  const { name, namespace, serviceAccount, labels } = input;
  const username = `system:serviceaccount:${namespace}:${serviceAccount}`;
  const scope = podScope(input.pods);
  const policy = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicy",
    metadata: { name, labels },
    spec: {
      failurePolicy: "Fail",
      matchConstraints: {
        resourceRules: [
          {
            apiGroups: [""],
            apiVersions: ["v1"],
            resources: ["pods"],
            operations: ["UPDATE"],
            scope: "Namespaced",
          },
        ],
        namespaceSelector: { matchLabels: { "kubernetes.io/metadata.name": namespace } },
        matchPolicy: "Equivalent",
      },
      matchConditions: [
        {
          name: "is-the-deletion-cost-updater",
          expression: `has(request.userInfo.username) && request.userInfo.username == ${cel(username)}`,
        },
      ],
      validations: [
        { expression: scope.expression, message: `${serviceAccount} ${scope.message}`, reason: "Forbidden" },
        {
          expression: "object.spec == oldObject.spec",
          message: `${serviceAccount} may change only the ${POD_DELETION_COST_ANNOTATION} annotation, not the pod's spec`,
          reason: "Forbidden",
        },
        {
          expression: ["labels", "ownerReferences", "finalizers"].map((f) => `(${unchangedMetadata(f)})`).join(" && "),
          message: `${serviceAccount} may change only the ${POD_DELETION_COST_ANNOTATION} annotation, not labels, owner references or finalizers`,
          reason: "Forbidden",
        },
        {
          expression: OTHER_ANNOTATIONS_UNCHANGED,
          message: `${serviceAccount} may change only the ${POD_DELETION_COST_ANNOTATION} annotation, no other annotation`,
          reason: "Forbidden",
        },
      ],
    },
  };
  const binding = {
    apiVersion: "admissionregistration.k8s.io/v1",
    kind: "ValidatingAdmissionPolicyBinding",
    metadata: { name, labels },
    spec: { policyName: name, validationActions: ["Deny"] },
  };
  return { policy, binding };
}
