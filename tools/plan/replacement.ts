/**
 * Which changed inputs make `pulumi up` replace a resource (create a new one, delete the old) rather than update
 * it in place, for the resource types this program creates. The offline plan has no provider to ask, so the rules
 * are the providers' own, read at their sources:
 *
 * - Kubernetes objects, pulumi/pulumi-kubernetes v4.32.0 (the newest tag read; the pinned SDK is 4.34.2):
 *   provider/pkg/provider/provider.go:1560 (a name or namespace change always replaces) and
 *   provider/pkg/provider/diff.go:23-250 (`forceNewProperties`, per kind). A ConfigMap's `data`/`binaryData` and a
 *   Secret's `type`/`data`/`stringData` replace it unless the provider is configured with
 *   `enableConfigMapMutable` / `enableSecretMutable` (off by default, provider.go:696-725; this program sets
 *   neither). A Helm release is replaced when its name or namespace changes (helm_release.go:907).
 * - AWS resources, hashicorp/terraform-provider-aws (bridged by @pulumi/aws): the arguments whose schema says
 *   `ForceNew: true`. Only the types below are modelled; for any other type the diff says the rule is not known
 *   rather than guessing "in place".
 */

/** Input paths (from `inputs.`, dotted, `[...]` for list items) that replace a resource when they change. */
type Rule = (path: string) => boolean;

const under =
  (...prefixes: string[]): Rule =>
  (path) =>
    prefixes.some((p) => path === p || path.startsWith(`${p}.`) || path.startsWith(`${p}[`));

const KUBERNETES_BY_KIND: Record<string, Rule> = {
  "apps/v1:Deployment": under("spec.selector"),
  "apps/v1:DaemonSet": under("spec.selector"),
  "apps/v1:StatefulSet": under(
    "spec.podManagementPolicy",
    "spec.revisionHistoryLimit",
    "spec.selector",
    "spec.serviceName",
    "spec.volumeClaimTemplates",
  ),
  "batch/v1:Job": under("spec.completions", "spec.parallelism", "spec.selector", "spec.template"),
  "core/v1:ConfigMap": under("data", "binaryData"),
  "core/v1:Secret": under("type", "data", "stringData"),
  "core/v1:Service": under("spec.clusterIP"),
  "core/v1:PersistentVolumeClaim": under(
    "spec.accessModes",
    "spec.selector",
    "spec.storageClassName",
    "spec.volumeName",
  ),
  "rbac.authorization.k8s.io/v1:RoleBinding": under("roleRef"),
  "rbac.authorization.k8s.io/v1:ClusterRoleBinding": under("roleRef"),
  "storage.k8s.io/v1:StorageClass": under("parameters", "provisioner"),
};

const AWS_BY_TYPE: Record<string, Rule> = {
  // internal/service/route53/record.go (commit 00655c1681ea): name and zone_id are ForceNew; a new
  // set_identifier is handled by the update (the file's note on its mutable identity).
  "aws:route53/record:Record": under("name", "zoneId"),
};

/**
 * The changed paths (relative to inputs) that replace a resource of `type` (empty: an update in place), or
 * undefined when this module does not know the type's rule.
 */
export function replacingPaths(type: string, changedInputPaths: string[]): string[] | undefined {
  const rule = ruleFor(type);
  return rule ? changedInputPaths.filter((p) => rule(p)) : undefined;
}

function ruleFor(type: string): Rule | undefined {
  if (type === "kubernetes:helm.sh/v3:Release") return under("name", "namespace");
  if (type.startsWith("kubernetes:")) {
    const kind = KUBERNETES_BY_KIND[type.slice("kubernetes:".length)];
    const identity = under("metadata.name", "metadata.namespace");
    return (path) => identity(path) || (kind?.(path) ?? false);
  }
  return AWS_BY_TYPE[type];
}
