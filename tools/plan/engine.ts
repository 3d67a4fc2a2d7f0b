/**
 * The mock engine: runs a Pulumi program in-process under `pulumi.runtime.setMocks` and records
 * everything it registers, as the plan command and the tests both need it.
 *
 * What Pulumi's mocks hand to `newResource` has secrets unwrapped and no dependencies, so the engine
 * also listens one level lower, on the mock monitor's requests, which still carry both, and the resource
 * options that matter for safety (see docs/ARCHITECTURE.md, "The plan engine"). That reaches into SDK
 * internals, which lib/pulumi-sdk-internals.js holds ("SDK internals we depend on").
 */
import * as pulumi from "@pulumi/pulumi";
import {
  listenToMockMonitor,
  MonitorRegistration,
  skipPromiseStackTraces,
  skipResourceStackTraces,
  waitForRPCs,
  WIRE,
} from "../../lib/pulumi-sdk-internals";
import { aliasUrn } from "./aliases";
import { mockCall, mockResource, MockCloudContext, MockIamRole } from "./mock-cloud";
import type { PlannedResource, PlanResult, ReferencedStack, ResourceSafetyOptions } from "./result";

// What a run records, and how to read it: in result.ts, which loads without the SDK.
export * from "./result";

/** The safety options of a registration; `dependsOn` is what no input implies. */
function safetyOptionsOf(registration: MonitorRegistration): ResourceSafetyOptions {
  return {
    protect: registration.protect,
    retainOnDelete: registration.retainOnDelete,
    deleteBeforeReplace: registration.deleteBeforeReplace,
    ignoreChanges: registration.ignoreChanges,
    dependsOn: registration.dependencies.filter((urn) => !registration.inputDependencies.has(urn)),
  };
}

const NO_OPTIONS: ResourceSafetyOptions = {
  protect: false,
  retainOnDelete: false,
  deleteBeforeReplace: false,
  ignoreChanges: [],
  dependsOn: [],
};

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
  account?: { iamRoles?: MockIamRole[]; partition?: MockCloudContext["partition"] };
}

interface Recording {
  project: string;
  stack: string;
  resources: PlannedResource[];
  outputs: Record<string, unknown>;
  warnings: string[];
  propertyDependencies: Record<string, Record<string, string[]>>;
}

let recording: Recording | undefined;

/** Converts the wire form of a value into the plan's form: references become URNs, secrets stay marked. */
function fromWire(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(fromWire);
  if (value === null || typeof value !== "object") return value === WIRE.unknown ? "[unknown]" : value;
  const obj = value as Record<string, unknown>;
  if (obj[WIRE.signatureKey] === WIRE.secret) return { [WIRE.signatureKey]: WIRE.secret, value: fromWire(obj.value) };
  if (obj[WIRE.signatureKey] === WIRE.resourceReference) return obj.urn;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [k, fromWire(v)]));
}

// Capture no stack trace per SDK promise (a fifth of a plan's CPU) nor per resource (which the mock monitor drops),
// and listen on the mock monitor's requests. Installed once per module instance (jest gives every test file its
// own); each run records into `recording`.
skipPromiseStackTraces();
skipResourceStackTraces();
listenToMockMonitor({
  registered: (r) => {
    if (!recording) return;
    const { project, stack } = recording;
    const aliases = [...new Set(r.aliases.map((alias) => aliasUrn(r, alias, stack, project)))];
    recording.propertyDependencies[r.urn] = { ...r.propertyDependencies };
    recording.resources.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: r.custom,
      parent: r.parent,
      provider: r.provider,
      inputs: fromWire(r.inputs) as Record<string, unknown>,
      dependencies: r.dependencies,
      options: safetyOptionsOf(r),
      ...(aliases.length > 0 ? { aliases } : {}),
    });
  },
  read: (r) =>
    recording?.resources.push({
      urn: r.urn,
      type: r.type,
      name: r.name,
      custom: true,
      parent: r.parent,
      provider: r.provider,
      inputs: fromWire(r.inputs) as Record<string, unknown>,
      dependencies: r.dependencies,
      options: NO_OPTIONS,
      read: true,
    }),
  outputsRegistered: (urn, outputs) => {
    if (recording && urn.split("::")[2] === "pulumi:pulumi:Stack") {
      recording.outputs = fromWire(outputs) as Record<string, unknown>;
    }
  },
});

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
  const rec: Recording = {
    project: options.project,
    stack: options.stack,
    resources: [],
    outputs: {},
    warnings: [],
    propertyDependencies: {},
  };
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
    await waitForRPCs();
    if (failure) throw failure.error;
    if (referenceFailure) throw referenceFailure.error;
  } finally {
    recording = undefined;
    console.warn = consoleWarn;
  }
  return {
    project: options.project,
    stack: options.stack,
    resources: rec.resources,
    outputs: rec.outputs,
    warnings: rec.warnings,
    propertyDependencies: rec.propertyDependencies,
  };
}
