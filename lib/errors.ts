/**
 * The one error for bad input, and how a failed zod parse becomes it.
 *
 * Bad input is a value a person wrote (a stack file, a flag of a command, a mix or price file) that the
 * program cannot work with, or a rule between several such values that they break. The message is one
 * line, `<key>: <problem>, got <value>`, where the key is written the way that person writes it
 * (`livekit-platform:capacity.mix.kinds[0].share`, `mix.kinds[0].share`).
 *
 * Pure (no Pulumi at run time), so the capacity model and the components' pure files throw it as well.
 */
import type { z } from "zod";
import { RUN_ERROR_MARK } from "./pulumi-sdk-internals";

/** A value an error line describes in words instead of showing it (a secret, a credential). */
export class Unshown {
  constructor(readonly text: string) {}
}

/** What the plan passes for a `secure:` value it cannot decrypt (stacks/stack-files.ts secretPlaceholder). */
export const SECRET_PLACEHOLDER_PREFIX = "plan-placeholder-for-";

/** True when `value` is, or contains, a placeholder for a secure value. */
export function holdsPlaceholder(value: unknown): boolean {
  if (typeof value === "string") return value.startsWith(SECRET_PLACEHOLDER_PREFIX);
  // A list too: its values are its items.
  if (value !== null && typeof value === "object") return Object.values(value).some(holdsPlaceholder);
  return false;
}

/** The value as the error line shows it; a secret's stand-in is never shown. */
export function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value instanceof Unshown) return value.text;
  if (holdsPlaceholder(value)) return "a secure: value (not shown)";
  // JSON would show NaN and Infinity as null.
  if (typeof value === "number") return String(value);
  return JSON.stringify(value);
}

export class InputError extends Error {
  /**
   * Pulumi's mark of a `RunError` (`RunError.isInstance`, the SDK's check that works across copies of
   * itself): `pulumi up` then prints the message alone, without a stack trace, and lib/ needs no Pulumi
   * import (lib/pulumi-sdk-internals.js). test/lib/errors.plan.test.ts holds the pinned SDK to it.
   */
  readonly [RUN_ERROR_MARK] = true;

  constructor(
    readonly key: string,
    readonly problem: string,
    readonly value: unknown,
  ) {
    super(`${key}: ${problem}, got ${describeValue(value)}`);
    this.name = "InputError";
  }

  /** The same problem under the name its reader knows the key by (with the file or namespace it is in). */
  rekey(key: (inner: string) => string): InputError {
    return new InputError(key(this.key), this.problem, this.value);
  }
}

/** A path into the input, written as a person writes it: `kinds[0].share`, after `root` when given. */
export function keyPath(path: readonly PropertyKey[], root = ""): string {
  let key = root;
  for (const part of path.map(String)) key += /^\d+$/.test(part) ? `[${part}]` : key === "" ? part : `.${part}`;
  return key;
}

export interface IssueReading {
  /** The key a person writes for a path into the input. */
  keyOf(path: readonly PropertyKey[]): string;
  /** Said of a value left out, instead of the schema's message (which says what a value must be). */
  missing?: string;
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value: unknown = root;
  for (const part of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[part];
  }
  return value;
}

/**
 * A union every branch refused: the issue of the one branch that took the value's type and refused it on a
 * check or inside (an object where a name or an object is expected is reported inside the object), else the
 * union's own issue.
 */
function branchIssue(issue: z.core.$ZodIssue): z.core.$ZodIssue {
  if (issue.code !== "invalid_union") return issue;
  const refusesType = (first: z.core.$ZodIssue | undefined) =>
    first !== undefined && first.path.length === 0 && (first.code === "invalid_type" || first.code === "invalid_value");
  const ofType = issue.errors.filter((errors) => !refusesType(errors[0]));
  if (ofType.length !== 1 || ofType[0].length === 0) return issue;
  const inner = ofType[0][0];
  return branchIssue({ ...inner, path: [...issue.path, ...inner.path] } as z.core.$ZodIssue);
}

/**
 * The first issue of a failed parse (`safeParse(input, { reportInput: true })`) as the one-line error: the key
 * from the issue's path, the schema's message, and the value at fault.
 */
export function inputErrorOf(issue: z.core.$ZodIssue, input: unknown, reading: IssueReading): InputError {
  const found = branchIssue(issue);
  if (found.code === "unrecognized_keys") {
    const path = [...found.path, found.keys[0]];
    return new InputError(reading.keyOf(path), found.message, valueAt(input, path));
  }
  const value = "input" in found ? found.input : valueAt(input, found.path);
  const problem = value === undefined && found.code !== "custom" ? (reading.missing ?? found.message) : found.message;
  return new InputError(reading.keyOf(found.path), problem, value);
}

/** The parsed value, or the InputError of its first issue. */
export function parseInput<T extends z.ZodType>(schema: T, input: unknown, reading: IssueReading): z.output<T> {
  const result = schema.safeParse(input, { reportInput: true });
  if (!result.success) throw inputErrorOf(result.error.issues[0], input, reading);
  return result.data;
}
