/**
 * What the plan command (tools/run.js) and the tests (jest.config.js) load on first use instead of as they start:
 * modules the Pulumi SDK loads and a plan never uses (DEFERRED_SDK_MODULES), the namespaces of the provider packages
 * (DEFERRED_NAMESPACE_PACKAGES; both in lib/pulumi-sdk-internals.js, with the SDK's reasons), and the same for other
 * libraries (DEFERRED_LIBRARY_MODULES). Nothing changes but when a module loads; `pulumi up` runs the program
 * without any of this (Pulumi's own Node.js host). Each test file loads the program afresh (jest's registry), so a
 * module deferred here is a module not loaded by most of them.
 *
 * Plain JavaScript, because tools/run.js and jest.config.js read it before anything is compiled.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { DEFERRED_NAMESPACE_PACKAGES, DEFERRED_SDK_MODULES } = require("./pulumi-sdk-internals");

/**
 * Other libraries' modules that load as they start and that nothing here uses, in the shape of DEFERRED_SDK_MODULES.
 * zod 4.6.7: `v4/classic/external.cjs:70` (and `v4/core/index.cjs:41`, `v4/mini/external.cjs:65`) import every
 * locale of its error messages, `__importStar(require("../locales/index.cjs"))`, 65 modules, half of zod's load
 * (a twentieth of a second in every test file that reads a stack file); the English messages it uses it imports
 * itself (`../locales/en.cjs`).
 */
const DEFERRED_LIBRARY_MODULES = [
  {
    name: "zod-locales",
    request: "./v4/locales/index.cjs",
    from: "zod/package.json",
    requested: "^\\.\\./locales/index\\.cjs$",
    esModule: true,
  },
];

/** Everything deferred module by module: the SDK's, then the other libraries'. */
const DEFERRED_MODULES = [...DEFERRED_SDK_MODULES, ...DEFERRED_LIBRARY_MODULES];

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

/**
 * The file Node loads for `request` made from the file `from`. By Node's own resolution under jest too: jest's
 * `module` keeps Node's static `_resolveFilename`, while its `createRequire` and `require.resolve` apply the
 * moduleNameMapper, which would answer with the stand-in itself.
 */
const nodeResolve = (request, from) =>
  Module._resolveFilename(request, { id: from, filename: from, paths: Module._nodeModulePaths(path.dirname(from)) });

/** The file the package found from `root` loads for `entry`; undefined under another layout of the package. */
function deferredFile(entry, root) {
  try {
    return nodeResolve(entry.request, nodeResolve(entry.from, path.join(root, "package.json")));
  } catch {
    return undefined;
  }
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

/**
 * Puts a stand-in for each module of DEFERRED_MODULES found from `root` into Node's module cache, loading the real
 * one the first time anything reads from it, and one for each index of DEFERRED_NAMESPACE_PACKAGES: nothing changes
 * but when they load. Under another layout of a package its modules are left alone (and load as it does).
 */
function deferUnusedModules(root) {
  for (const entry of DEFERRED_MODULES) {
    const filename = deferredFile(entry, root);
    if (filename !== undefined && !require.cache[filename]) require.cache[filename] = standIn(filename, entry.esModule);
  }
  deferProviderNamespaces(root);
}

/**
 * The exports of `pkg`'s index, run as its own file would be, but with each namespace it imports (a `./name` with
 * an `index.js`) deferred to its first use. `load` is the require that loads everything else: Node's, or jest's.
 */
function indexDeferringNamespaces(pkg, load) {
  const dir = path.dirname(load.resolve(`${pkg}/package.json`));
  const index = path.join(dir, "index.js");
  const requireFromIndex = (request) => {
    const target = load.resolve(request.startsWith(".") ? path.join(dir, request) : request, { paths: [dir] });
    const namespace = /^\.\/[\w-]+$/.test(request) && target === path.join(dir, request, "index.js");
    return namespace ? lazyExports(() => load(target), true) : load(target);
  };
  const module = { exports: {} };
  // The file's own code, with Node's CommonJS wrapper's parameters (Module.wrap).
  const run = new Function("exports", "require", "module", "__filename", "__dirname", fs.readFileSync(index, "utf8"));
  run(module.exports, requireFromIndex, module, index, dir);
  return module.exports;
}

/** The name of the jest stand-in of one of DEFERRED_NAMESPACE_PACKAGES (test/support/deferred-modules/<name>.js). */
const deferredNamespacesStandIn = (pkg) => pkg.replace(/^@/, "").replace("/", "-");

/**
 * Puts a stand-in for the index of each of DEFERRED_NAMESPACE_PACKAGES found from `root` into Node's module cache;
 * the first read runs the index with its namespaces deferred (indexDeferringNamespaces). A package not installed
 * is left alone.
 */
function deferProviderNamespaces(root) {
  const load = Module.createRequire(path.join(root, "package.json"));
  for (const pkg of DEFERRED_NAMESPACE_PACKAGES) {
    let index;
    try {
      index = load.resolve(pkg);
    } catch {
      continue;
    }
    if (require.cache[index]) continue;
    const stand = new Module(index, module);
    stand.filename = index;
    stand.loaded = true;
    stand.exports = lazyExports(() => indexDeferringNamespaces(pkg, load), true);
    require.cache[index] = stand;
  }
}

/** The stand-in exports of one module of DEFERRED_MODULES, for jest, whose registry is not Node's cache. */
function deferredExports(name, root = path.join(__dirname, "..")) {
  const entry = DEFERRED_MODULES.find((m) => m.name === name);
  const filename = entry && deferredFile(entry, root);
  if (filename === undefined) throw new Error(`no deferred module ${name} found from ${root}`);
  return lazyExports(() => require(filename), entry.esModule);
}

module.exports = {
  DEFERRED_LIBRARY_MODULES,
  DEFERRED_MODULES,
  lazyExports,
  deferUnusedModules,
  deferredExports,
  indexDeferringNamespaces,
  deferredNamespacesStandIn,
};
