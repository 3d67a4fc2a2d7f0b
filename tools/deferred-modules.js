/**
 * @pulumi/pulumi loads two large modules as it starts that only its closure serialization uses
 * (`pulumi.runtime.serializeFunction`, which turns a JavaScript function into code for a Lambda or a dynamic
 * provider), and no program or command here serializes a function: the TypeScript compiler (through the SDK's
 * `typescript-shim`) and npm's Arborist (`runtime/closure/codePaths`). Loading them takes about half a second of
 * every plan. `deferClosureSerializationModules()` puts a stand-in for each into Node's module cache that loads the
 * real module the first time anything reads from it, so nothing changes but when they load. The tests do the same
 * through jest.config.js (`moduleNameMapper` to test/support/deferred-modules/).
 *
 * Plain JavaScript, because tools/run.js calls it before anything is compiled.
 */
"use strict";
const Module = require("module");
const path = require("path");

/** The SDK's requests, resolved from where the SDK makes them (@pulumi/pulumi 3.248.0). */
const DEFERRED = [
  // runtime/closure/parseFunction.js: `require("../../typescript-shim")`
  { request: "./typescript-shim", from: "@pulumi/pulumi/package.json", esModule: false },
  // runtime/closure/codePaths.js: `__importStar(require("@npmcli/arborist"))`; answering `__esModule` keeps
  // __importStar from copying (and so loading) the module
  { request: "@npmcli/arborist", from: "@pulumi/pulumi/runtime/closure/codePaths.js", esModule: true },
];

/**
 * Exports that stand in for a module until it is used: the first read (a property, `in`, a key listing) calls
 * `load()` and answers from the real exports from then on. With `esModule`, `__esModule` answers true without
 * loading, so TypeScript's `__importStar` hands back the stand-in instead of copying (and so loading) the module.
 */
function lazyExports(load, esModule) {
  let real;
  const exportsOf = () => (real ??= load());
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" && esModule ? true : exportsOf()[key]),
      has: (_, key) => key in exportsOf(),
      ownKeys: () => Reflect.ownKeys(exportsOf()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(exportsOf(), key);
        return descriptor && { ...descriptor, configurable: true };
      },
    },
  );
}

/** A module object for Node's cache whose exports load `filename` (bypassing the cache) on first use. */
function standIn(filename, esModule) {
  const stand = new Module(filename, module);
  stand.filename = filename;
  stand.loaded = true;
  stand.exports = lazyExports(() => {
    delete require.cache[filename];
    try {
      return require(filename);
    } finally {
      require.cache[filename] = stand;
    }
  }, esModule);
  return stand;
}

/** Defers the closure-serialization modules of the @pulumi/pulumi found from `root`; a missing one is left alone. */
function deferClosureSerializationModules(root) {
  for (const { request, from, esModule } of DEFERRED) {
    let filename;
    try {
      const base = path.dirname(require.resolve(from, { paths: [root] }));
      filename = require.resolve(request, { paths: [base] });
    } catch {
      continue; // another SDK layout: load as the SDK does
    }
    if (!require.cache[filename]) require.cache[filename] = standIn(filename, esModule);
  }
}

module.exports = { deferClosureSerializationModules, lazyExports };
