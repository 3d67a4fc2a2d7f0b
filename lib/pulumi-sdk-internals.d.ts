/** Types of lib/pulumi-sdk-internals.js (plain JavaScript: tools/run.js and jest.config.js read it uncompiled). */

/** The @pulumi/pulumi version every internal in the module was read from. */
export const SDK_VERSION_READ: string;

/** The property `RunError.isInstance` checks for. */
export const RUN_ERROR_MARK: "__pulumiRunError";

/** The signatures of the SDK's wire form of values. */
export const WIRE: {
  readonly signatureKey: "4dabf18193072939515e22adb298388d";
  readonly secret: "1b47061264138c4ac30d75fd1eb44270";
  readonly resourceReference: "5cf8f73096256a8f31e491e813e4eb8e";
  readonly unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
};

/** The keys of `config` that Pulumi holds as secret. */
export function configSecretKeys(config: Record<string, string>): string[];

/** Whether the program runs under Pulumi's mocks (the offline plan, the tests), not under a Pulumi engine. */
export function runsUnderMocks(): boolean;

/** A resource registration as the SDK sends it to the mock monitor. */
export interface MonitorRegistration {
  urn: string;
  type: string;
  name: string;
  /** false for component resources. */
  custom: boolean;
  parent: string | null;
  /** `<provider urn>::<provider id>` of an explicit provider. */
  provider: string | null;
  /** The inputs in their wire form (see WIRE). */
  inputs: Record<string, unknown>;
  /** Every URN it depends on: through its inputs and through `dependsOn`. */
  dependencies: string[];
  /** The URNs one of its inputs depends on. */
  inputDependencies: ReadonlySet<string>;
  /** By input name, the URNs that input depends on (`{ bucket: [<bucket's URN>] }`). */
  propertyDependencies: Readonly<Record<string, string[]>>;
  protect: boolean;
  retainOnDelete: boolean;
  deleteBeforeReplace: boolean;
  ignoreChanges: string[];
  /** Its `aliases` option: each a spec (an empty field is the resource's own) or a whole URN. */
  aliases: MonitorAlias[];
}

export type MonitorAlias = { urn: string } | { name: string; type: string; parentUrn: string; noParent: boolean };

/** A resource read (a StackReference, a `.get`) as the SDK sends it to the mock monitor. */
export interface MonitorRead {
  urn: string;
  type: string;
  name: string;
  parent: string | null;
  provider: string | null;
  /** The properties it is read with, in their wire form. */
  inputs: Record<string, unknown>;
  dependencies: string[];
}

export interface MonitorListener {
  registered(registration: MonitorRegistration): void;
  read(read: MonitorRead): void;
  /** A resource's outputs, in their wire form. */
  outputsRegistered(urn: string, outputs: Record<string, unknown>): void;
}

/** Calls `listener` with every request the SDK sends to the mock monitor, before the monitor answers it (each call adds one). */
export function listenToMockMonitor(listener: MonitorListener): void;

/** From now on the SDK captures no stack trace per promise, unless PULUMI_DEBUG_PROMISE_LEAKS asks for them. */
export function skipPromiseStackTraces(): void;

/** From now on a resource registers without the stack trace of where the program made it (only under mocks). */
export function skipResourceStackTraces(): void;

/** Resolves once every RPC the program has started has finished. */
export function waitForRPCs(): Promise<void>;

/** A module a package loads as it starts and this program never uses, loaded on first read instead. */
export interface DeferredModule {
  /** Its stand-in for jest: test/support/deferred-modules/<name>.js. */
  name: string;
  /** The request, resolved from the file `from` (the SDK's own file that makes it, or its package.json). */
  request: string;
  from: string;
}

export const DEFERRED_SDK_MODULES: readonly DeferredModule[];

/** Provider packages whose index's namespaces load on first use (in the plan command and in jest). */
export const DEFERRED_NAMESPACE_PACKAGES: readonly string[];
