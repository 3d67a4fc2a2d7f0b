/**
 * The mock engine: runs a Pulumi program in-process under `pulumi.runtime.setMocks` and records
 * everything it registers, as the plan command and the tests both need it.
 *
 * What Pulumi's mocks hand to `newResource` has secrets unwrapped and no dependencies, so the engine
 * also listens one level lower, on the mock monitor's raw requests, which still carry both, and the
 * resource options that matter for safety (see docs/ARCHITECTURE.md, "The plan engine"). That relies on SDK
 * internals; the SDK version is pinned and test/tools/engine.plan.test.ts fails loudly if an upgrade changes them.
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- the SDK's mock monitor internals are untyped */
import * as pulumi from "@pulumi/pulumi";
import { MockMonitor } from "@pulumi/pulumi/runtime/mocks";
import { mockCall, mockResource, MockCloudContext, MockIamRole } from "./mock-cloud";

/** How a secret travels on the wire between the SDK and the engine. */
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";
const RESOURCE_REF_SIG = "5cf8f73096256a8f31e491e813e4eb8e";
const SIG_KEY = "4dabf18193072939515e22adb298388d";
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

/** A secret value as recorded: tests can see it, writers mask it. */
export interface SecretValue {
  [SIG_KEY]: typeof SECRET_SIG;
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

/** The safety options of a raw RegisterResourceRequest. */
function safetyOptionsOf(req: any): ResourceSafetyOptions {
  const implied = new Set<string>();
  req
    .getPropertydependenciesMap()
    .forEach((deps: { getUrnsList(): string[] }) => deps.getUrnsList().forEach((u) => implied.add(u)));
  return {
    protect: req.getProtect() === true,
    retainOnDelete: req.getRetainondelete() === true,
    deleteBeforeReplace: req.getDeletebeforereplace() === true,
    ignoreChanges: req.getIgnorechangesList(),
    dependsOn: (req.getDependenciesList() as string[]).filter((urn) => !implied.has(urn)),
  };
}

const NO_OPTIONS: ResourceSafetyOptions = {
  protect: false,
  retainOnDelete: false,
  deleteBeforeReplace: false,
  ignoreChanges: [],
  dependsOn: [],
};

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

export interface RunOptions {
  project: string;
  stack: string;
  /** Config as the CLI passes it: `{"aws:region": "ap-south-1", "proj:key": "<json>"}`. */
  config?: Record<string, string>;
  secretKeys?: string[];
  organization?: string;
  /** Answers `new pulumi.StackReference("org/project/stack")`; undefined: that stack has no outputs. */
  resolveStackReference?: (fullyQualifiedName: string) => Promise<ReferencedStack | undefined>;
  /** What the pretend AWS account holds already, and its partition; default: nothing (a new account) in `aws`. */
  account?: { iamRoles?: MockIamRole[]; partition?: string };
}

interface Recording {
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  warnings: string[];
  propertyDependencies: Record<string, Record<string, string[]>>;
}

let recording: Recording | undefined;

/** Converts the wire form of a value into the plan's form: references become URNs, secrets stay marked. */
function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== "object") return value === UNKNOWN ? "[unknown]" : value;
  const obj = value as Record<string, unknown>;
  if (obj[SIG_KEY] === SECRET_SIG) return { [SIG_KEY]: SECRET_SIG, value: fromWire(obj.value) };
  if (obj[SIG_KEY] === RESOURCE_REF_SIG) return obj.urn;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fromWire(v)]));
}

export function isSecret(value: unknown): value is SecretValue {
  return value !== null && typeof value === "object" && (value as Record<string, unknown>)[SIG_KEY] === SECRET_SIG;
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

// The SDK wraps each of its promises (several per resource) in `debuggablePromise`, which formats a stack
// trace for it, kept only to print when PULUMI_DEBUG_PROMISE_LEAKS is set: about a fifth of a plan's CPU
// time (measured on mumbai). Capture none unless that variable asks for them; leak detection is unchanged.
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK module object itself, to patch it
const debuggable = require("@pulumi/pulumi/runtime/debuggable") as {
  debugPromiseLeaks: boolean;
  debuggablePromise: <T>(p: Promise<T>, ctx: unknown) => Promise<T>;
};
const debuggablePromise = debuggable.debuggablePromise;
debuggable.debuggablePromise = function <T>(p: Promise<T>, ctx: unknown): Promise<T> {
  if (debuggable.debugPromiseLeaks) return debuggablePromise(p, ctx);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return debuggablePromise(p, ctx);
  } finally {
    Error.stackTraceLimit = limit;
  }
};

// Listen on the mock monitor's raw requests. Installed once per module instance (jest gives every test
// file its own); each run records into the current `recording`.
const monitor = MockMonitor.prototype as unknown as Record<string, (...args: any[]) => any>;
const originalRegister = monitor.registerResource;
const originalRead = monitor.readResource;
const originalOutputs = monitor.registerResourceOutputs;

monitor.registerResource = function (this: any, req: any, callback: any) {
  const urn = this.newUrn(req.getParent(), req.getType(), req.getName());
  if (recording) {
    const byInput: Record<string, string[]> = {};
    req
      .getPropertydependenciesMap()
      .forEach((deps: { getUrnsList(): string[] }, key: string) => (byInput[key] = deps.getUrnsList()));
    recording.propertyDependencies[urn] = byInput;
  }
  recording?.resources.push({
    urn,
    type: req.getType(),
    name: req.getName(),
    custom: req.getCustom(),
    parent: req.getParent() || null,
    provider: req.getProvider() || null,
    inputs: fromWire(req.getObject()?.toJavaScript() ?? {}) as Record<string, unknown>,
    dependencies: req.getDependenciesList(),
    options: safetyOptionsOf(req),
  });
  return originalRegister.call(this, req, callback);
};

monitor.readResource = function (this: any, req: any, callback: any) {
  recording?.resources.push({
    urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
    type: req.getType(),
    name: req.getName(),
    custom: true,
    parent: req.getParent() || null,
    provider: req.getProvider() || null,
    inputs: fromWire(req.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
    dependencies: req.getDependenciesList?.() ?? [],
    options: NO_OPTIONS,
    read: true,
  });
  return originalRead.call(this, req, callback);
};

monitor.registerResourceOutputs = function (this: any, req: any, callback: any) {
  if (recording && req.getUrn().split("::")[2] === "pulumi:pulumi:Stack") {
    recording.outputs = fromWire(req.getOutputs()?.toJavaScript() ?? {}) as Record<string, unknown>;
  }
  return originalOutputs.call(this, req, callback);
};

/**
 * Runs `program` (a Pulumi program: a function whose result, awaited, is the stack's outputs) under
 * mocks and returns what it registered. Throws what the program throws.
 */
export async function runProgram(program: () => unknown, options: RunOptions): Promise<PlanResult> {
  const config = options.config ?? {};
  const ctx: MockCloudContext = {
    awsRegion: config["aws:region"] ?? "us-east-1",
    iamRoles: options.account?.iamRoles ?? [],
    partition: options.account?.partition,
  };
  const rec: Recording = { resources: [], outputs: {}, warnings: [], propertyDependencies: {} };
  const referenced = new Map<string, Promise<ReferencedStack | undefined>>();
  // A mock that throws leaves the SDK waiting forever (the process then just ends): keep the error, answer
  // with no outputs, and throw it once the program has finished.
  let referenceFailure: { error: unknown } | undefined;
  const resolveReference = async (name: string): Promise<ReferencedStack | undefined> => {
    try {
      return await options.resolveStackReference?.(name);
    } catch (error) {
      referenceFailure ??= { error };
      return undefined;
    }
  };

  await pulumi.runtime.setMocks(
    {
      newResource: async (args) => {
        if (args.type === "pulumi:pulumi:StackReference") {
          const name = String(args.inputs.name);
          if (!referenced.has(name)) referenced.set(name, resolveReference(name));
          const stack = await referenced.get(name);
          return {
            id: name,
            state: { name, outputs: stack?.outputs ?? {}, secretOutputNames: stack?.secretOutputNames ?? [] },
          };
        }
        return mockResource(args, ctx);
      },
      call: (args) => mockCall(args, ctx),
    },
    options.project,
    options.stack,
    false,
    options.organization ?? "organization",
  );
  pulumi.runtime.setAllConfig(config, options.secretKeys ?? []);

  // Without an engine, pulumi.log.warn writes to console.warn: keep those lines as the plan's warnings.
  const consoleWarn = console.warn;
  console.warn = (...args: unknown[]) => {
    rec.warnings.push(
      args
        .map(String)
        .join(" ")
        .replace(/^warning: (\[runtime\] )?/, ""),
    );
  };
  recording = rec;
  try {
    // A program that throws (a config error, say) is caught inside the stack and rethrown below: left to
    // reject the stack itself, it would also reject promises inside the SDK that nobody awaits.
    let failure: { error: unknown } | undefined;
    await pulumi.runtime.runInPulumiStack(async () => {
      try {
        const exported = await program();
        return await (exported instanceof Function ? exported() : exported);
      } catch (error) {
        failure = { error };
        return {};
      }
    });
    // Wait for every registration still in flight before reading the recording, and before rethrowing a
    // failure too: a component that throws halfway has registered itself already, and its last RPCs (its outputs)
    // must reach this run's mock monitor, not the next run's (the SDK keeps one monitor per process).
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
    await (require("@pulumi/pulumi/runtime/settings") as { waitForRPCs(): Promise<void> }).waitForRPCs();
    if (failure) throw failure.error;
    if (referenceFailure) throw referenceFailure.error;
  } finally {
    recording = undefined;
    console.warn = consoleWarn;
  }
  return { project: options.project, stack: options.stack, ...rec };
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

// ---------------------------------------------------------------------------------------------
// Finding things in a result (for tests and the plan writer)
// ---------------------------------------------------------------------------------------------

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
export function inputsOf<T = Record<string, any>>(resource: PlannedResource): T {
  return plain<T>(resource.inputs);
}
