/**
 * Reading what a pure builder returns. Builders take Pulumi inputs (`Input<string>` for a name another resource
 * gives): given plain values, as unit tests give them, they return plain objects. `plain` checks that, and lets
 * the test read the result like a Kubernetes object from a plan.
 */

/** `value`, checked to hold only JSON values (no Output, no Promise, no class instance anywhere inside). */
export function plain(value: unknown): Record<string, any> {
  const problem = notPlain(value, "value");
  if (problem) throw new Error(`not a plain value: ${problem}`);
  return value as Record<string, any>;
}

function notPlain(value: unknown, path: string): string | undefined {
  if (value === null || ["string", "number", "boolean", "undefined"].includes(typeof value)) return undefined;
  if (Array.isArray(value)) {
    for (const [i, item] of value.entries()) {
      const problem = notPlain(item, `${path}[${i}]`);
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [key, item] of Object.entries(value)) {
      const problem = notPlain(item, `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  return `${path} is a ${typeof value === "object" ? (value.constructor?.name ?? "object") : typeof value}`;
}
