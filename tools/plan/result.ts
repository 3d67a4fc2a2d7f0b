/**
 * What a plan records (PlanResult) and how to read it: secrets marked, masked or revealed, resources found by type
 * and name. Pure, without the Pulumi SDK: the plan's writers (output.ts, summary.ts, report.ts, diff.ts) and the
 * plan command load it without the engine (engine.ts), which records these results and re-exports them.
 */
import { WIRE } from "../../lib/pulumi-sdk-internals";

/** A secret value as recorded: tests can see it, writers mask it. */
export interface SecretValue {
  [WIRE.signatureKey]: typeof WIRE.secret;
  value: unknown;
}

export interface PlannedResource {
  urn: string;
  type: string;
  name: string;
  /** false for component resources. */
  custom: boolean;
  parent: string | null;
  /** `<provider urn>::<provider id>` of an explicit provider. */
  provider: string | null;
  /** The values the program passed, Outputs resolved; secrets kept as SecretValue. */
  inputs: Record<string, unknown>;
  dependencies: string[];
  /** Resource options that decide what an update or a destroy may do to the resource. */
  options: ResourceSafetyOptions;
  /** Set for resources the program reads rather than creates (StackReference, `.get`). */
  read?: true;
  /**
   * The URNs its `aliases` option names (tools/plan/aliases.ts): where `pulumi up` finds its state if it was
   * registered under another name, type or parent before. Absent when it has none.
   */
  aliases?: string[];
}

/**
 * The options of a registration that matter for safety, as the engine receives them. `dependsOn` is the
 * explicit `dependsOn` (dependencies that no input implies); a component's children inherit `protect`
 * and `retainOnDelete` from it, so the values recorded here are the ones the engine acts on.
 */
export interface ResourceSafetyOptions {
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  dependsOn: string[];
}

export interface PlanResult {
  project: string;
  stack: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  warnings: string[];
  /**
   * By URN, which resources each input depends on (`{ bucket: [<bucket's URN>] }`), as the engine hands them to
   * a policy pack; not written to plan.json.
   */
  propertyDependencies?: Record<string, Record<string, string[]>>;
}

/** Outputs of a referenced stack as a StackReference sees them. */
export interface ReferencedStack {
  outputs: Record<string, unknown>;
  secretOutputNames: string[];
}

export function isSecret(value: unknown): value is SecretValue {
  return (
    value !== null && typeof value === "object" && (value as Record<string, unknown>)[WIRE.signatureKey] === WIRE.secret
  );
}

/** The value with secrets replaced by `"[secret]"`, or revealed. */
export function maskSecrets(value: unknown, reveal = false): unknown {
  if (isSecret(value)) return reveal ? maskSecrets(value.value, true) : "[secret]";
  if (Array.isArray(value)) return value.map((v) => maskSecrets(v, reveal));
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskSecrets(v, reveal)]));
  }
  return value;
}

/** The plain value, secrets revealed: what tests assert on. */
export function plain<T = unknown>(value: unknown): T {
  return maskSecrets(value, true) as T;
}

function containsSecret(value: unknown): boolean {
  if (isSecret(value)) return true;
  if (Array.isArray(value)) return value.some(containsSecret);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsSecret);
  return false;
}

/** The outputs of a planned stack as another stack's StackReference would see them. */
export function asReferencedStack(result: PlanResult): ReferencedStack {
  return {
    outputs: plain<Record<string, unknown>>(result.outputs),
    secretOutputNames: Object.entries(result.outputs)
      .filter(([, v]) => containsSecret(v))
      .map(([k]) => k),
  };
}

// Finding things in a result (for tests and the plan writer)

export function resourcesOfType(result: PlanResult, type: string): PlannedResource[] {
  return result.resources.filter((r) => r.type === type);
}

/** The one resource of `type` whose logical name is `name` (or ends with it); throws if not exactly one. */
export function findResource(result: PlanResult, type: string, name: string): PlannedResource {
  const matches = resourcesOfType(result, type).filter((r) => r.name === name);
  if (matches.length !== 1) {
    const names =
      resourcesOfType(result, type)
        .map((r) => r.name)
        .join(", ") || "none";
    throw new Error(`expected one ${type} named ${name}, found ${matches.length} (have: ${names})`);
  }
  return matches[0];
}

/** Inputs of a resource with secrets revealed. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- planned inputs are untyped JSON
export function inputsOf<T = Record<string, any>>(resource: PlannedResource): T {
  return plain<T>(resource.inputs);
}
