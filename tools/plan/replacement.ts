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
 *   `ForceNew: true`, in the resource's file named below.
 * - @pulumi/random: every argument of RandomPassword and RandomString replaces it (terraform-provider-random,
 *   internal/provider/resource_password.go and resource_string.go: each attribute has a `RequiresReplace` plan
 *   modifier); a new password is a new secret.
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
  // internal/service/ec2/vpc_.go: cidr_block, instance_tenancy is updatable
  "aws:ec2/vpc:Vpc": under("cidrBlock"),
  // internal/service/ec2/vpc_subnet.go: availability_zone, cidr_block, vpc_id
  "aws:ec2/subnet:Subnet": under("availabilityZone", "availabilityZoneId", "cidrBlock", "vpcId"),
  // internal/service/ec2/vpc_security_group.go: name, name_prefix, description, vpc_id
  "aws:ec2/securityGroup:SecurityGroup": under("name", "namePrefix", "description", "vpcId"),
  // internal/service/ec2/vpc_security_group_rule.go: every argument but description
  "aws:ec2/securityGroupRule:SecurityGroupRule": (path) => !under("description")(path),
  // internal/service/ec2/vpc_security_group_ingress_rule.go: security_group_id (RequiresReplace)
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": under("securityGroupId"),
  // internal/service/route53/record.go: name, zone_id, set_identifier
  "aws:route53/record:Record": under("name", "zoneId", "setIdentifier"),
  // internal/service/elasticache/replication_group.go: replication_group_id, subnet_group_name,
  // at_rest_encryption_enabled, kms_key_id, engine
  "aws:elasticache/replicationGroup:ReplicationGroup": under(
    "replicationGroupId",
    "subnetGroupName",
    "atRestEncryptionEnabled",
    "kmsKeyId",
  ),
  // internal/service/s3/bucket.go: bucket, bucket_prefix
  "aws:s3/bucket:Bucket": under("bucket", "bucketPrefix"),
  // internal/service/iam/role.go: name, name_prefix, path
  "aws:iam/role:Role": under("name", "namePrefix", "path"),
};

/** The changed paths (relative to inputs) that replace a resource of `type`; empty: an update in place. */
export function replacingPaths(type: string, changedInputPaths: string[]): string[] {
  const rule = ruleFor(type);
  return rule ? changedInputPaths.filter((p) => rule(p)) : [];
}

function ruleFor(type: string): Rule | undefined {
  if (type === "random:index/randomPassword:RandomPassword" || type === "random:index/randomString:RandomString")
    return () => true;
  if (type === "kubernetes:helm.sh/v3:Release") return under("name", "namespace");
  if (type.startsWith("kubernetes:")) {
    const kind = KUBERNETES_BY_KIND[type.slice("kubernetes:".length)];
    const identity = under("metadata.name", "metadata.namespace");
    return (path) => identity(path) || (kind?.(path) ?? false);
  }
  return AWS_BY_TYPE[type];
}
