/**
 * Every place this project reaches past @pulumi/pulumi's public API, in one module, each read from the SDK's
 * sources (sdk/nodejs of pulumi/pulumi) at the version below. docs/ARCHITECTURE.md, "SDK internals we depend on",
 * says what each one is for and how to check it again; test/lib/pulumi-sdk-internals.test.ts fails while the
 * installed SDK is another version.
 *
 * Plain JavaScript, because tools/run.js and jest.config.js read it before anything is compiled (through
 * lib/deferred-modules.js, which defers what DEFERRED_SDK_MODULES and DEFERRED_NAMESPACE_PACKAGES name). It loads
 * nothing of the SDK until one of its functions is called, so lib/errors.ts takes the RunError mark from it and
 * stays pure.
 */
"use strict";

/** The @pulumi/pulumi every entry below was read from (tag v3.248.0 of pulumi/pulumi). */
const SDK_VERSION_READ = "3.248.0";

/**
 * RunError's mark: `RunError.isInstance` (errors.ts:41) checks for this property (errors.ts:34), and `pulumi up`
 * prints an error that has it as its message alone, without a stack trace.
 */
const RUN_ERROR_MARK = "__pulumiRunError";

/**
 * How values travel between the SDK and its monitor (runtime/rpc.ts:333-373): an object whose `signatureKey` is
 * `secret` is a secret (its value in `value`), one whose key is `resourceReference` is a resource (its `urn`), and
 * the string `unknown` is a value not known yet.
 */
const WIRE = Object.freeze({
  signatureKey: "4dabf18193072939515e22adb298388d",
  secret: "1b47061264138c4ac30d75fd1eb44270",
  resourceReference: "5cf8f73096256a8f31e491e813e4eb8e",
  unknown: "04da6b54-80e4-46f7-96ec-b56ff0331ba9",
});

/**
 * The keys of `config` that Pulumi holds as secret (`secure:` values), through the SDK's internal
 * `isConfigSecret` (runtime/config.ts:74, re-exported by runtime/index.ts:25). Without it, no key is known to be
 * secret.
 */
function configSecretKeys(config) {
  const { isConfigSecret } = require("@pulumi/pulumi").runtime;
  return typeof isConfigSecret === "function" ? Object.keys(config).filter((key) => isConfigSecret(key)) : [];
}

/**
 * Whether the program runs under Pulumi's mocks (`pulumi.runtime.setMocks`, as the offline plan and the tests
 * run it) rather than under a Pulumi engine: `setMocks` makes a `MockMonitor` (runtime/mocks.ts, a class
 * runtime/index.ts does not re-export) the program's monitor (`setMockOptions`, runtime/settings.ts), which
 * `getMonitor` (runtime/settings.ts) returns. Checks that call AWS outside the Pulumi providers skip there.
 */
function runsUnderMocks() {
  const { getMonitor } = require("@pulumi/pulumi").runtime;
  const { MockMonitor } = require("@pulumi/pulumi/runtime/mocks");
  return getMonitor() instanceof MockMonitor;
}

/** An alias as a registration carries it: a spec (name, type, parent) or a whole URN. */
function aliasOf(alias) {
  const spec = alias.getSpec();
  if (spec === undefined) return { urn: alias.getUrn() };
  return { name: spec.getName(), type: spec.getType(), parentUrn: spec.getParenturn(), noParent: spec.getNoparent() };
}

/**
 * Calls `listener` with every resource the program registers or reads, and with every call registering a
 * resource's outputs, as the SDK sends them to the mock monitor. Pulumi's mocks hand `newResource` inputs with
 * secrets unwrapped and without dependencies; the monitor's requests still have both. Wraps three methods of
 * `MockMonitor.prototype` (runtime/mocks.ts:166, 191, 221) and reads the requests with their protobuf getters
 * (proto/pulumi/resource.proto) and the URN the monitor gives (`newUrn`, runtime/mocks.ts:128). Each call adds a
 * listener (the plan engine's, and the tests' that read aliases).
 */
function listenToMockMonitor(listener) {
  const monitor = require("@pulumi/pulumi/runtime/mocks").MockMonitor.prototype;
  const { registerResource, readResource, registerResourceOutputs } = monitor;
  monitor.registerResource = function (req, callback) {
    const propertyDependencies = {};
    req.getPropertydependenciesMap().forEach((deps, key) => (propertyDependencies[key] = deps.getUrnsList()));
    const inputDependencies = new Set(Object.values(propertyDependencies).flat());
    listener.registered({
      urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      custom: req.getCustom(),
      parent: req.getParent() || null,
      provider: req.getProvider() || null,
      inputs: req.getObject()?.toJavaScript() ?? {},
      dependencies: req.getDependenciesList(),
      inputDependencies,
      propertyDependencies,
      protect: req.getProtect() === true,
      retainOnDelete: req.getRetainondelete() === true,
      deleteBeforeReplace: req.getDeletebeforereplace() === true,
      ignoreChanges: req.getIgnorechangesList(),
      aliases: req.getAliasesList().map(aliasOf),
    });
    return registerResource.call(this, req, callback);
  };
  monitor.readResource = function (req, callback) {
    listener.read({
      urn: this.newUrn(req.getParent(), req.getType(), req.getName()),
      type: req.getType(),
      name: req.getName(),
      parent: req.getParent() || null,
      provider: req.getProvider() || null,
      inputs: req.getProperties()?.toJavaScript() ?? {},
      dependencies: req.getDependenciesList?.() ?? [],
    });
    return readResource.call(this, req, callback);
  };
  monitor.registerResourceOutputs = function (req, callback) {
    listener.outputsRegistered(req.getUrn(), req.getOutputs()?.toJavaScript() ?? {});
    return registerResourceOutputs.call(this, req, callback);
  };
}

/**
 * The SDK wraps each of its promises (several per resource) in `debuggablePromise` (runtime/debuggable.ts:79),
 * which formats a stack trace for it, kept only to print when PULUMI_DEBUG_PROMISE_LEAKS is set (`debugPromiseLeaks`,
 * runtime/debuggable.ts:23): about a fifth of a plan's CPU time. From this call on it captures none unless that
 * variable asks for them; its leak detection is unchanged.
 */
function skipPromiseStackTraces() {
  const debuggable = require("@pulumi/pulumi/runtime/debuggable");
  const debuggablePromise = debuggable.debuggablePromise;
  debuggable.debuggablePromise = function (p, ctx) {
    if (debuggable.debugPromiseLeaks) return debuggablePromise(p, ctx);
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      return debuggablePromise(p, ctx);
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
}

/**
 * Every resource the SDK registers carries where the program made it: the Resource constructor calls the static
 * `Resource.stackTrace` (resource.ts), which formats the whole call stack (`Error.stackTraceLimit` raised to
 * Infinity), and every frame is marshalled into the request (`marshalStackTrace`, runtime/resource.ts). The
 * Pulumi engine shows it; the mock monitor drops it, and under jest each of those stacks is source-mapped too
 * (a tenth of a plan test's CPU time). From this call on, resources carry none. Only for runs under mocks.
 */
function skipResourceStackTraces() {
  require("@pulumi/pulumi/resource").Resource.stackTrace = () => [];
}

/** Resolves once every RPC the program has started has finished: the SDK's `waitForRPCs` (runtime/settings.ts:658). */
function waitForRPCs() {
  return require("@pulumi/pulumi/runtime/settings").waitForRPCs();
}

/**
 * What the SDK loads as it starts and this program never uses (lib/deferred-modules.js loads them on first read
 * instead). For its closure serialization (`pulumi.runtime.serializeFunction`, which turns a JavaScript function
 * into code for a Lambda or a dynamic provider; nothing here serializes a function): the TypeScript compiler,
 * through the SDK's `typescript-shim`, and npm's Arborist, together about half a second of every plan. The
 * Automation API (`pulumi.automation`, which drives the Pulumi CLI from a program; a program run by the CLI has no
 * use for it), with execa, js-yaml and the rest of its own dependencies, about a tenth of a second more. And the
 * gRPC client and OpenTelemetry API it talks to a real engine with. Each entry: the request as the SDK makes it,
 * resolved from the file `from`. Where the SDK imports one through TypeScript's `__importStar`, the stand-in's
 * `__esModule` keeps it from being copied (and so loaded).
 */
const DEFERRED_SDK_MODULES = [
  // runtime/closure/parseFunction.ts:21, rewriteSuper.ts, utils.ts: require("../../typescript-shim"); tsutils.ts:30
  { name: "typescript-shim", request: "./typescript-shim", from: "@pulumi/pulumi/package.json" },
  // runtime/closure/codePaths.ts:22: `import * as arborist from "@npmcli/arborist"`
  { name: "arborist", request: "@npmcli/arborist", from: "@pulumi/pulumi/runtime/closure/codePaths.js" },
  // index.ts:37: `import * as automation from "./automation"`
  { name: "automation", request: "./automation", from: "@pulumi/pulumi/package.json" },
  // The gRPC client, its service stubs and OpenTelemetry's API (runtime/settings.js:23-34, runtime/callbacks.js:23-28,
  // provider/server.js:23-39, each an __importStar of the request), read only when the SDK talks to an engine (or
  // reports a gRPC error); a plan talks to the mock monitor. A stub builds its client class as it loads, reading
  // the gRPC module, so the stubs wait too.
  ...[
    ["grpc", "@grpc/grpc-js", "runtime/settings.js"],
    ["opentelemetry", "@opentelemetry/api", "runtime/settings.js"],
    ["engine-grpc", "../proto/engine_grpc_pb", "runtime/settings.js"],
    ["resource-grpc", "../proto/resource_grpc_pb", "runtime/settings.js"],
    ["callback-grpc", "../proto/callback_grpc_pb", "runtime/callbacks.js"],
    ["provider-grpc", "../proto/provider_grpc_pb", "provider/server.js"],
  ].map(([name, request, file]) => ({ name, request, from: `@pulumi/pulumi/${file}` })),
];

/**
 * Provider packages whose index loads every namespace as it starts. The generated index (pulumi-language-nodejs)
 * imports each one, `const ec2 = __importStar(require("./ec2"))`: @pulumi/aws 7.48.0 its 237 namespaces
 * (about a tenth of a second of every plan, a third of one in a test file), of which a region uses about twenty;
 * @pulumi/kubernetes 4.34.2 its 29 API groups. A namespace stands in until the program first reads it, then loads
 * as it would have. Loading a namespace registers its resource classes with the SDK
 * (`pulumi.runtime.registerResourceModule`), which the SDK reads only to turn a resource reference it is handed
 * back into an object (deserializeProperty, compiled runtime/rpc.js:685-714; the mock monitor hands back the inputs
 * it was sent, compiled runtime/mocks.js:91-98): a reference to a class whose namespace never loaded would come back
 * as its id. The program reaches every class through its namespace (`aws.ec2.SecurityGroup`), which loads it first;
 * the lint refuses a class imported by its own path (eslint.config.js). `pulumi up` runs the program without any of
 * this.
 */
const DEFERRED_NAMESPACE_PACKAGES = ["@pulumi/aws", "@pulumi/kubernetes"];

module.exports = {
  SDK_VERSION_READ,
  RUN_ERROR_MARK,
  WIRE,
  configSecretKeys,
  runsUnderMocks,
  listenToMockMonitor,
  skipPromiseStackTraces,
  skipResourceStackTraces,
  waitForRPCs,
  DEFERRED_SDK_MODULES,
  DEFERRED_NAMESPACE_PACKAGES,
};
