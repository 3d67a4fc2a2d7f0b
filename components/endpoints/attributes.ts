/**
 * Load balancer attributes as the AWS Load Balancer Controller reads them (pure). The Ingress annotation
 * `alb.ingress.kubernetes.io/load-balancer-attributes` and the Service annotation
 * `service.beta.kubernetes.io/aws-load-balancer-attributes` are string maps: `key=value` pairs joined by commas,
 * split and trimmed by the controller (aws-load-balancer-controller v3.5.0 pkg/annotations/parser.go
 * `ParseStringMapAnnotation`, `splitKeyValuePairs`). Only the attributes an annotation names are reconciled
 * (pkg/deploy/elbv2/load_balancer_attributes_reconciler.go: `DiffStringMap(desired, current)`), so a setting is
 * turned off by saying `false`, never by leaving it out.
 */

/** Attribute keys, as the controller's shared constants spell them (pkg/shared_constants/attributes.go). */
export const LB_ATTRIBUTES = {
  deletionProtection: "deletion_protection.enabled",
  accessLogsEnabled: "access_logs.s3.enabled",
  accessLogsBucket: "access_logs.s3.bucket",
  accessLogsPrefix: "access_logs.s3.prefix",
} as const;

/** Where a load balancer writes its access logs. */
export interface AccessLogDestination {
  bucket: string;
  /** Elastic Load Balancing appends `/AWSLogs/<account>/...` to it. */
  prefix: string;
}

/**
 * The annotation value of `attributes`, in the order given. A comma or backslash inside a value is escaped with a
 * backslash, which the controller reads as the character itself.
 */
export function formatAttributes(attributes: Record<string, string>): string {
  return Object.entries(attributes)
    .map(([key, value]) => `${key}=${value.replace(/[\\,]/g, "\\$&")}`)
    .join(",");
}

/**
 * The attributes that make a load balancer leave a trail and survive a stray deletion: access logs to `logs`, and
 * deletion protection on or, explicitly, off. With `deletion_protection.enabled=true` in its annotation the
 * controller refuses to delete the load balancer when the Ingress or Service goes (v3.5.0
 * pkg/ingress/model_builder.go and pkg/service/model_builder.go, `getDeletionProtectionViaAnnotation`), so a
 * teardown first turns it off (docs/runbooks.md, "Teardown").
 */
export function auditAttributes(logs: AccessLogDestination, deletionProtection: boolean): Record<string, string> {
  return {
    [LB_ATTRIBUTES.deletionProtection]: String(deletionProtection),
    [LB_ATTRIBUTES.accessLogsEnabled]: "true",
    [LB_ATTRIBUTES.accessLogsBucket]: logs.bucket,
    [LB_ATTRIBUTES.accessLogsPrefix]: logs.prefix,
  };
}
