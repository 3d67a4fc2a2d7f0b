/** zod building blocks of the program's schemas (a stack file's settings, the capacity model's inputs, the price file). */
import { z } from "zod";

/**
 * A number whose every check fails with the same message, the one that says what the value must be: a schema's
 * own `error` is the message of every issue its checks raise too (zod 4 applies a schema-level error map to
 * them; test/lib/schema.test.ts holds it).
 */
export function numberSchema(message: string, checks: { int?: boolean; gt?: number; min?: number; max?: number } = {}) {
  let schema = z.number({ error: message });
  if (checks.int) schema = schema.int();
  if (checks.gt !== undefined) schema = schema.gt(checks.gt);
  if (checks.min !== undefined) schema = schema.min(checks.min);
  if (checks.max !== undefined) schema = schema.max(checks.max);
  return schema;
}

/** A whole number from `min` to `max`; every check fails with "must be <what>" (`what`: "an integer from 2 to 4"). */
export function wholeNumber(min: number, max: number, what: string) {
  return numberSchema(`must be ${what}`, { int: true, min, max });
}

/** Nodes of a group or a ceiling on them: a positive integer. */
export const nodeCount = wholeNumber(1, 100_000, "a positive integer");

/** Days something is kept (S3 lifecycle, log retention without CloudWatch's fixed values): 1 to 3650. */
export const keptDays = wholeNumber(1, 3650, "a number of days from 1 to 3650");

/** A share from 0 to 1; every check fails with "must be <what>". */
export function fraction(what = "a fraction from 0 to 1") {
  return numberSchema(`must be ${what}`, { min: 0, max: 1 });
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
