/**
 * Runs a rendered ValidatingAdmissionPolicy and its binding against an admission request, as the API server's
 * admission plugin does (Kubernetes docs, "Validating Admission Policy"; admissionregistration.k8s.io/v1), with
 * the CEL expressions evaluated by a real CEL implementation (@marcbachmann/cel-js), never read as text:
 *
 * 1. The binding must name the policy; the request must match the policy's `matchConstraints` (resource rules:
 *    group, version, resource or `resource/subresource`, operation; namespace selector by labels) and the
 *    binding's `matchResources`, if any. Otherwise the policy does not apply.
 * 2. Every `matchConditions` expression must be true, else the policy does not apply; one that fails to
 *    evaluate applies the `failurePolicy`.
 * 3. Every `validations` expression must be true; the first false one denies with its message, one that fails
 *    to evaluate applies the `failurePolicy` (`Fail`, the default: deny).
 *
 * The expressions see `object`, `oldObject` and `request` (the AdmissionRequest's fields). Parts of the API the
 * platform's policies do not use (variables, params, label selector expressions, object selectors, audit
 * annotations, message expressions) are refused with an error rather than silently ignored.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node's own loader: the package is ESM-only
const nodeLoad = (require("module") as { _load(request: string, parent: unknown, isMain: boolean): any })._load;
const cel = nodeLoad(require.resolve("@marcbachmann/cel-js"), null, false) as {
  Environment: new (options?: Record<string, unknown>) => CelEnvironment;
};

/** A copy of a JSON value in Node's realm, which the evaluator accepts (test/support/main-realm.js). */
const mainRealm = nodeLoad(require.resolve("./main-realm.js"), null, false) as { parse(text: string): unknown };
const inNodeRealm = (value: unknown) => (value === undefined ? null : mainRealm.parse(JSON.stringify(value)));

interface CelEnvironment {
  registerVariable(name: string, type: string): CelEnvironment;
  evaluate(expression: string, context: Record<string, unknown>): unknown;
  check(expression: string): { valid: boolean; error?: { message: string } };
}

/** The variables an admission policy's expressions see (those the platform's policies may use). */
const environment = new cel.Environment()
  .registerVariable("object", "dyn")
  .registerVariable("oldObject", "dyn")
  .registerVariable("request", "dyn");

export interface AdmissionRequest {
  operation: "CREATE" | "UPDATE" | "DELETE" | "CONNECT";
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  namespace: string;
  name: string;
  userInfo: { username: string; uid?: string; groups?: string[]; extra?: Record<string, string[]> };
  object: unknown;
  oldObject: unknown;
}

export type AdmissionOutcome =
  { applies: false } | { applies: true; allowed: true } | { applies: true; allowed: false; message: string };

interface ResourceRule {
  apiGroups?: string[];
  apiVersions?: string[];
  resources?: string[];
  operations?: string[];
  scope?: string;
}
interface MatchResources {
  resourceRules?: ResourceRule[];
  excludeResourceRules?: ResourceRule[];
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: unknown[] };
  objectSelector?: unknown;
  matchPolicy?: string;
}

/** A rendered policy and its binding, as the plan sends them. */
export interface PolicyObjects {
  policy: { metadata: { name: string }; spec: Record<string, any> };
  binding: { metadata: { name: string }; spec: Record<string, any> };
}

const wildcardOr = (values: string[] | undefined, value: string) =>
  (values ?? []).some((v) => v === "*" || v === value);

function ruleMatches(rule: ResourceRule, request: AdmissionRequest): boolean {
  const resource = request.subResource
    ? `${request.resource.resource}/${request.subResource}`
    : request.resource.resource;
  return (
    wildcardOr(rule.apiGroups, request.resource.group) &&
    wildcardOr(rule.apiVersions, request.resource.version) &&
    wildcardOr(rule.operations, request.operation) &&
    (rule.resources ?? []).some((r) => r === "*" || r === resource || r === `${request.resource.resource}/*`) &&
    (rule.scope === undefined || rule.scope === "*" || rule.scope === "Namespaced")
  );
}

function matches(
  match: MatchResources | undefined,
  request: AdmissionRequest,
  namespaceLabels: Record<string, string>,
) {
  if (match === undefined) return true;
  if (match.objectSelector !== undefined) throw new Error("objectSelector is not supported by this harness");
  if (match.namespaceSelector?.matchExpressions !== undefined)
    throw new Error("namespaceSelector.matchExpressions is not supported by this harness");
  const labels = match.namespaceSelector?.matchLabels ?? {};
  if (!Object.entries(labels).every(([k, v]) => namespaceLabels[k] === v)) return false;
  if ((match.excludeResourceRules ?? []).some((rule) => ruleMatches(rule, request))) return false;
  return match.resourceRules === undefined || match.resourceRules.some((rule) => ruleMatches(rule, request));
}

/** Evaluates a boolean expression; undefined when it fails to evaluate (or is not a bool). */
function evaluate(expression: string, request: AdmissionRequest): boolean | undefined {
  try {
    const { object, oldObject, ...rest } = request;
    const value = environment.evaluate(expression, {
      object: inNodeRealm(object),
      oldObject: inNodeRealm(oldObject),
      request: inNodeRealm(rest),
    });
    return typeof value === "boolean" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Every CEL expression of the policy, with the problem the CEL type checker finds in it (empty: none). */
export function expressionProblems(policy: PolicyObjects["policy"]): string[] {
  const expressions: string[] = [
    ...(policy.spec.matchConditions ?? []).map((c: { expression: string }) => c.expression),
    ...(policy.spec.validations ?? []).map((v: { expression: string }) => v.expression),
  ];
  return expressions.flatMap((expression) => {
    const result = environment.check(expression);
    return result.valid ? [] : [`${expression}: ${result.error?.message ?? "invalid"}`];
  });
}

/** What the API server answers to `request` with this policy and binding in place. */
export function admit(
  { policy, binding }: PolicyObjects,
  request: AdmissionRequest,
  namespaceLabels: Record<string, string>,
): AdmissionOutcome {
  const spec = policy.spec;
  for (const unsupported of ["variables", "paramKind", "auditAnnotations"]) {
    if (spec[unsupported] !== undefined) throw new Error(`${unsupported} is not supported by this harness`);
  }
  if (binding.spec.paramRef !== undefined) throw new Error("paramRef is not supported by this harness");
  if (binding.spec.policyName !== policy.metadata.name) return { applies: false };
  if (!matches(spec.matchConstraints, request, namespaceLabels)) return { applies: false };
  if (!matches(binding.spec.matchResources, request, namespaceLabels)) return { applies: false };
  const deny = spec.failurePolicy === "Ignore" ? undefined : "policy failed to evaluate (failurePolicy Fail)";
  const failed = (): AdmissionOutcome =>
    deny === undefined ? { applies: true, allowed: true } : { applies: true, allowed: false, message: deny };

  for (const condition of spec.matchConditions ?? []) {
    const value = evaluate(condition.expression, request);
    if (value === undefined) return failed();
    if (!value) return { applies: false };
  }
  const denies = (binding.spec.validationActions ?? []).includes("Deny");
  for (const validation of spec.validations ?? []) {
    if (validation.messageExpression !== undefined)
      throw new Error("messageExpression is not supported by this harness");
    const value = evaluate(validation.expression, request);
    if (value === undefined) return denies ? failed() : { applies: true, allowed: true };
    if (!value && denies) return { applies: true, allowed: false, message: validation.message };
  }
  return { applies: true, allowed: true };
}

/** A running pod of a rendered Deployment, as the API server stores it (owned by the Deployment's ReplicaSet). */
export function podOf(deployment: Record<string, any>, name: string): Record<string, any> {
  const template = deployment.spec.template;
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: deployment.metadata.namespace,
      uid: `uid-${name}`,
      labels: structuredClone(template.metadata.labels),
      ...(template.metadata.annotations ? { annotations: structuredClone(template.metadata.annotations) } : {}),
      ownerReferences: [
        {
          apiVersion: "apps/v1",
          kind: "ReplicaSet",
          name: name.replace(/-[a-z0-9]+$/, ""),
          uid: `uid-rs-${name}`,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: { ...structuredClone(template.spec), nodeName: "ip-10-20-0-17.ap-south-1.compute.internal" },
    status: { phase: "Running" },
  };
}

/** A JSON merge patch (RFC 7386) applied to a copy of `target`: what `application/merge-patch+json` does. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (patch === null || typeof patch !== "object" || Array.isArray(patch)) return structuredClone(patch);
  const result: Record<string, unknown> =
    target !== null && typeof target === "object" && !Array.isArray(target)
      ? structuredClone(target as Record<string, unknown>)
      : {};
  for (const [key, value] of Object.entries(patch)) {
    if (value === null) delete result[key];
    else result[key] = mergePatch(result[key], value);
  }
  return result;
}

/** The admission request of `username` patching `pod` (an UPDATE of the pod resource) with a merge patch. */
export function podPatch(
  pod: Record<string, any>,
  patch: unknown,
  userInfo: AdmissionRequest["userInfo"],
  options: { subResource?: string } = {},
): AdmissionRequest {
  return {
    operation: "UPDATE",
    resource: { group: "", version: "v1", resource: "pods" },
    ...(options.subResource ? { subResource: options.subResource } : {}),
    namespace: pod.metadata.namespace,
    name: pod.metadata.name,
    userInfo,
    object: mergePatch(pod, patch),
    oldObject: pod,
  };
}

/**
 * The user a pod's service account token authenticates as: a token bound to the pod (a projected token, as the
 * kubelet mounts) carries the pod's name and uid in `extra`; a legacy Secret-based token carries neither.
 */
export function serviceAccountUser(
  namespace: string,
  serviceAccount: string,
  boundTo?: { name: string; uid: string },
): AdmissionRequest["userInfo"] {
  return {
    username: `system:serviceaccount:${namespace}:${serviceAccount}`,
    uid: `uid-sa-${serviceAccount}`,
    groups: ["system:serviceaccounts", `system:serviceaccounts:${namespace}`, "system:authenticated"],
    ...(boundTo
      ? {
          extra: {
            "authentication.kubernetes.io/pod-name": [boundTo.name],
            "authentication.kubernetes.io/pod-uid": [boundTo.uid],
          },
        }
      : {}),
  };
}
