/**
 * Whether a namespaced Role's rules let a request through, by Kubernetes RBAC's rule matching
 * (kubernetes/kubernetes pkg/apis/rbac/v1/evaluation_helpers.go at 03bf11a: VerbMatches 31-42, APIGroupMatches
 * 44-55, ResourceMatches 57-83, ResourceNameMatches 85-97).
 * A rule allows a request when its verbs, API groups, resources and resource names all match; `*` matches any
 * verb, group or resource, `*\/<subresource>` any resource's subresource, and a rule without resource names any
 * name. A subresource is requested as `<resource>/<subresource>` and matches only a rule that names it so: a rule
 * for `pods` does not cover `pods/exec`. Non-resource URLs (ClusterRoles only) are not evaluated.
 */
export interface RbacRule {
  apiGroups?: string[];
  resources?: string[];
  verbs: string[];
  resourceNames?: string[];
}

export interface RbacRequest {
  verb: string;
  /** "" for the core group (pods, configmaps), "apps" for deployments. */
  apiGroup: string;
  /** `pods`, or `pods/exec` for a subresource. */
  resource: string;
  name?: string;
}

const matches = (listed: string[] | undefined, requested: string) =>
  (listed ?? []).some((item) => item === "*" || item === requested);

function resourceMatches(listed: string[] | undefined, requested: string): boolean {
  const subresource = requested.includes("/") ? requested.slice(requested.indexOf("/") + 1) : "";
  return (listed ?? []).some(
    (item) => item === "*" || item === requested || (subresource !== "" && item === `*/${subresource}`),
  );
}

export function rbacAllows(rules: readonly RbacRule[], request: RbacRequest): boolean {
  return rules.some(
    (rule) =>
      matches(rule.verbs, request.verb) &&
      matches(rule.apiGroups, request.apiGroup) &&
      resourceMatches(rule.resources, request.resource) &&
      (!rule.resourceNames?.length || (request.name !== undefined && rule.resourceNames.includes(request.name))),
  );
}
