/**
 * The API server's rules for the names we give Kubernetes, read from k8s.io/apimachinery at v0.35.0 (the library
 * of Kubernetes 1.35, versions.kubernetes). An object that breaks one is refused when applied, so `pulumi up` fails.
 */

const DNS1123_LABEL = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
/** pkg/api/validate/content/dns.go 23, 51, 57: lower-case labels joined by dots, at most 253 characters. */
const DNS1123_SUBDOMAIN = new RegExp(`^${DNS1123_LABEL}(\\.${DNS1123_LABEL})*$`);
/** pkg/api/validate/content/kube.go 24-28: a qualified name's name part, at most 63 characters. */
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

/**
 * A key the API server takes in an annotation (pkg/api/validation/objectmeta.go 44-50: IsQualifiedName of the
 * lower-cased key): `[prefix/]name`, the prefix a DNS subdomain, the name 1-63 characters
 * (pkg/api/validate/content/kube.go 43-72).
 */
export function isAnnotationKey(key: string): boolean {
  return isLabelKey(key.toLowerCase());
}

/**
 * A key the API server takes for a label or a taint (apimachinery pkg/api/validation ValidateLabelName, and
 * ValidateTaints for a taint's key: IsQualifiedName as written, not lower-cased as for an annotation): `[prefix/]name`,
 * the prefix a lower-case DNS subdomain, the name 1-63 characters.
 */
export function isLabelKey(key: string): boolean {
  const parts = key.split("/");
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  const prefixOk = parts.length === 1 || (parts[0].length <= 253 && DNS1123_SUBDOMAIN.test(parts[0]));
  return prefixOk && name.length <= 63 && QUALIFIED_NAME_PART.test(name);
}

/**
 * A value the API server takes for a label or a taint (pkg/util/validation/validation.go IsValidLabelValue): empty,
 * or 1-63 characters of the qualified name's name part.
 */
export function isLabelValue(value: string): boolean {
  return value === "" || (value.length <= 63 && QUALIFIED_NAME_PART.test(value));
}

/**
 * A key the API server takes in a Secret's or ConfigMap's data (pkg/util/validation/validation.go 405-421
 * IsConfigMapKey, 457-468 hasChDirPrefix): 1-253 of `[-._a-zA-Z0-9]`, not `.`, `..` nor starting with `..`. Mounted, it is also
 * the file's name.
 */
export function isSecretDataKey(key: string): boolean {
  return key.length <= 253 && /^[-._a-zA-Z0-9]+$/.test(key) && key !== "." && !key.startsWith("..");
}

/**
 * A name the API server takes for a ServiceAccount, Role or most other objects (pkg/api/validation/generic.go
 * 43-48 NameIsDNSSubdomain, pkg/api/validate/content/dns.go 64-66, 84-101): a DNS subdomain of at most 253 characters.
 */
export function isObjectName(name: string): boolean {
  return name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}
