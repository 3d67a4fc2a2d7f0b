/**
 * The AWS Load Balancer Controller's annotations that hold load balancer attributes, and how the controller
 * (v3.5.0) reads them.
 */

/** Where the controller reads an ALB's attributes (an Ingress) and an NLB's (a Service). */
export const ALB_ATTRIBUTES_ANNOTATION = "alb.ingress.kubernetes.io/load-balancer-attributes";
export const NLB_ATTRIBUTES_ANNOTATION = "service.beta.kubernetes.io/aws-load-balancer-attributes";

/**
 * A string-map annotation as the controller reads it (pkg/annotations/parser.go, `ParseStringMapAnnotation` and
 * `splitKeyValuePairs`): a backslash escapes the next character; a comma ends a pair only when what follows it
 * still holds an `=`; each pair splits at its first `=`, both sides trimmed; a pair without `=`, or with an empty
 * key, fails the whole annotation (thrown here); a repeated key keeps its last value.
 */
export function controllerStringMap(raw: string): Record<string, string> {
  const pairs: string[] = [];
  let current = "";
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i];
    if (c === "\\" && i + 1 < raw.length) {
      current += raw[++i];
    } else if (c === ",") {
      const rest = raw.slice(i + 1).trim();
      if (rest.includes("=")) {
        pairs.push(current.trim());
        current = "";
      } else if (rest.length > 0) {
        pairs.push(current.trim(), rest);
        current = "";
        break;
      } else {
        current += c;
      }
    } else {
      current += c;
    }
  }
  if (current.length > 0) pairs.push(current.trim());
  const map: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    const key = at < 0 ? "" : pair.slice(0, at).trim();
    if (key === "") throw new Error(`failed to parse stringMap annotation: ${raw}`);
    map[key] = pair.slice(at + 1).trim();
  }
  return map;
}
