/** zod building blocks of lib's schemas (the capacity model's inputs, the price file). */
import { z } from "zod";

/** A number whose every check fails with the same message, the one that says what the value must be. */
export function numberSchema(message: string, checks: { int?: boolean; gt?: number; min?: number; max?: number } = {}) {
  let schema = z.number({ error: message });
  if (checks.int) schema = schema.int({ error: message });
  if (checks.gt !== undefined) schema = schema.gt(checks.gt, { error: message });
  if (checks.min !== undefined) schema = schema.min(checks.min, { error: message });
  if (checks.max !== undefined) schema = schema.max(checks.max, { error: message });
  return schema;
}

/** An object whose unknown keys are an error listing the known ones (a typo is never silently ignored). */
export function strictFields<T extends z.core.$ZodLooseShape>(
  shape: T,
  notAnObject: string,
  known = Object.keys(shape),
) {
  return z.strictObject(shape, {
    error: (issue) =>
      issue.code === "unrecognized_keys" ? `unknown field (expected ${known.join(", ")})` : notAnObject,
  });
}
