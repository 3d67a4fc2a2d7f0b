/**
 * What the plan command (tools/run.js) and the tests (jest, through test/support/deferring-resolver.js) load on first
 * use instead of as they start: modules the Pulumi SDK loads and a plan never uses (DEFERRED_SDK_MODULES), the
 * namespaces of the provider packages (DEFERRED_NAMESPACE_PACKAGES; both in lib/pulumi-sdk-internals.js, with the
 * SDK's reasons), and the same for other libraries (DEFERRED_LIBRARY_MODULES). Nothing changes but when a module
 * loads; `pulumi up` runs the program without any of this (Pulumi's own Node.js host). Each test file loads the
 * program afresh (jest's registry), so a module deferred here is a module not loaded by most of them.
 *
 * A module is deferred by the file it resolves to, never by how it is asked for, and only where the installed
 * package is laid out as read (PACKAGES_READ): under another layout, or with LK_DEFER_MODULES=off in the
 * environment, everything loads as it would without this module.
 *
 * Plain JavaScript, because tools/run.js and jest's resolver read it before anything is compiled.
 */
"use strict";
const fs = require("fs");
const Module = require("module");
const path = require("path");
const { DEFERRED_NAMESPACE_PACKAGES, DEFERRED_SDK_MODULES, SDK_VERSION_READ } = require("./pulumi-sdk-internals");

/**
 * Other libraries' modules that load as they start and that nothing here uses, in the shape of DEFERRED_SDK_MODULES.
 * zod: `v4/classic/external.cjs:70` (and `v4/core/index.cjs:41`, `v4/mini/external.cjs:65`) imports every locale of
 * its messages, `__importStar(require("../locales/index.cjs"))`, 65 modules and half of zod's load (a twentieth of a
 * second in every test file that reads a stack file); the English messages zod uses it imports itself
 * (`v4/classic/schemas.cjs:134`).
 */
const DEFERRED_LIBRARY_MODULES = [{ name: "zod-locales", request: "./v4/locales/index.cjs", from: "zod/package.json" }];

/** Everything deferred module by module: the SDK's, then the other libraries'. */
const DEFERRED_MODULES = [...DEFERRED_SDK_MODULES, ...DEFERRED_LIBRARY_MODULES];

/** The version of each package whose layout the entries above were read from (the SDK's: SDK_VERSION_READ). */
const PACKAGES_READ = {
  "@pulumi/pulumi": SDK_VERSION_READ,
  "@pulumi/aws": "7.48.0",
  "@pulumi/kubernetes": "4.34.2",
  zod: "4.6.7",
};

/** False when the environment says LK_DEFER_MODULES=off: to rule the deferral out when something looks wrong. */
const deferring = () => process.env.LK_DEFER_MODULES !== "off";

/**
 * Exports that stand in for a module until it is used: the first read, write or listing of its keys loads the real
 * exports (`load()`) and acts on them from then on. `__esModule` answers true without loading, so TypeScript's
 * `__importStar` hands back the stand-in instead of copying (and so loading) the module; where the real module has
 * no `__esModule`, `__importStar` would have added a `default`, which nothing here reads.
 */
function lazyExports(load) {
  let real;
  let loading = false;
  const exportsOf = () => {
    if (real === undefined) {
      // A module that reads its own stand-in while it loads would load twice. (In Node, a module that requires itself
      // by name while it loads gets its partly loaded self, as usual: its stand-in is out of the cache meanwhile.
      // None of the deferred ones does.)
      if (loading) throw new Error("a deferred module read itself while it was loading (lib/deferred-modules.js)");
      loading = true;
      try {
        real = load();
      } finally {
        loading = false;
      }
    }
    return real;
  };
  return new Proxy(
    {},
    {
      get: (_, key) => (key === "__esModule" ? true : exportsOf()[key]),
      has: (_, key) => key in exportsOf(),
      ownKeys: () => Reflect.ownKeys(exportsOf()),
      getOwnPropertyDescriptor: (_, key) => {
        const descriptor = Object.getOwnPropertyDescriptor(exportsOf(), key);
        // The stand-in itself has no properties: the proxy may only report them as configurable.
        return descriptor && { ...descriptor, configurable: true };
      },
      // An assignment lands here too (the stand-in has no property of its own to set).
      defineProperty: (_, key, descriptor) => Reflect.defineProperty(exportsOf(), key, descriptor),
      deleteProperty: (_, key) => Reflect.deleteProperty(exportsOf(), key),
    },
  );
}

/**
 * The file Node loads for `request` made from the file `from`. By Node's own resolution under jest too: jest's
 * `module` keeps Node's static `_resolveFilename`, while its `createRequire` and `require.resolve` go through jest's
 * resolver, which would answer with the stand-in itself.
 */
const nodeResolve = (request, from) =>
  Module._resolveFilename(request, { id: from, filename: from, paths: Module._nodeModulePaths(path.dirname(from)) });

/** Whether `pkg`, found from `root`, is the version PACKAGES_READ names; a package not installed is not. */
function isVersionRead(pkg, root) {
  try {
    return (
      JSON.parse(fs.readFileSync(nodeResolve(`${pkg}/package.json`, path.join(root, "package.json")))).version ===
      PACKAGES_READ[pkg]
    );
  } catch (error) {
    if (error.code === "MODULE_NOT_FOUND") return false;
    throw error;
  }
}

/** deferredFiles' answers, by project root and switch: the packages installed do not change while a process runs. */
const filesFound = new Map();

/**
 * Each deferred module's file (by name), and each provider package's index (by package), as installed from `root`:
 * only those of a package at the version read, and none with LK_DEFER_MODULES=off. Found once per process (under
 * jest, once per test file), each package's version read once.
 */
function deferredFiles(root) {
  const key = `${root}\0${deferring()}`;
  if (!filesFound.has(key)) filesFound.set(key, findDeferredFiles(root));
  return new Map(filesFound.get(key));
}

function findDeferredFiles(root) {
  const files = new Map();
  if (!deferring()) return files;
  const fromRoot = path.join(root, "package.json");
  const versionsRead = new Map();
  const atVersionRead = (pkg) => {
    if (!versionsRead.has(pkg)) versionsRead.set(pkg, isVersionRead(pkg, root));
    return versionsRead.get(pkg);
  };
  for (const entry of DEFERRED_MODULES) {
    const pkg = entry.from.startsWith("@") ? entry.from.split("/").slice(0, 2).join("/") : entry.from.split("/")[0];
    if (atVersionRead(pkg)) files.set(entry.name, nodeResolve(entry.request, nodeResolve(entry.from, fromRoot)));
  }
  for (const pkg of DEFERRED_NAMESPACE_PACKAGES) {
    if (atVersionRead(pkg)) files.set(pkg, nodeResolve(pkg, fromRoot));
  }
  return files;
}

/**
 * The exports of `pkg`'s generated index (`index` is its file), run as Node would run that file, but with each
 * namespace it imports (a `./name` folder with an `index.js`) deferred to its first read. `load` loads everything
 * else (Node's require, or jest's).
 */
function indexDeferringNamespaces(index, load) {
  const dir = path.dirname(index);
  // Resolved as Node resolves them from the index, then loaded by file (under jest, from the stand-in's folder, which
  // jest's resolver leaves alone).
  const resolve = (request) => nodeResolve(request, index);
  const requireFromIndex = (request) => {
    const target = resolve(request);
    const namespace = /^\.\/[\w-]+$/.test(request) && target === path.join(dir, request, "index.js");
    return namespace ? lazyExports(() => load(target)) : load(target);
  };
  requireFromIndex.resolve = resolve;
  const module = { id: index, filename: index, exports: {}, loaded: false };
  // Node's CommonJS wrapper around the file's own code, named after the file so that stack traces point into it.
  const wrapped = (0, eval)(
    `(function (exports, require, module, __filename, __dirname) {${fs.readFileSync(index, "utf8")}\n})\n//# sourceURL=${index}`,
  );
  wrapped.call(module.exports, module.exports, requireFromIndex, module, index, dir);
  module.loaded = true;
  return module.exports;
}

/** A module object for Node's cache under `filename`, whose exports come from `load()` on first use. */
function cachedStandIn(filename, load) {
  const stand = new Module(filename, module);
  stand.filename = filename;
  stand.loaded = true;
  stand.exports = lazyExports(load);
  return stand;
}

/**
 * Puts a stand-in into Node's module cache for each deferred module and each provider package's index found from
 * `root` (deferredFiles): the first read loads the real module, or runs the index with its namespaces deferred.
 */
function deferUnusedModules(root) {
  const load = Module.createRequire(path.join(root, "package.json"));
  for (const [name, filename] of deferredFiles(root)) {
    if (require.cache[filename]) continue;
    require.cache[filename] = DEFERRED_NAMESPACE_PACKAGES.includes(name)
      ? cachedStandIn(filename, () => indexDeferringNamespaces(filename, load))
      : cachedStandIn(filename, () => {
          // The real module under its own name, then the stand-in again for whoever asks next.
          const stand = require.cache[filename];
          delete require.cache[filename];
          try {
            return require(filename);
          } finally {
            require.cache[filename] = stand;
          }
        });
  }
}

/** The name of the jest stand-in file of a deferred module or package (test/support/deferred-modules/<name>.js). */
const standInName = (name) => name.replace(/^@/, "").replace("/", "-");

/**
 * The exports of jest's stand-in for `name` (a deferred module's name, or a provider package): they load the real
 * module, or run the index, on first read. `load` is the stand-in file's own require. Throws when the installed
 * package is not the one read (the resolver then never hands out the stand-in).
 */
function jestStandInExports(name, load, root = path.join(__dirname, "..")) {
  const filename = deferredFiles(root).get(name);
  if (filename === undefined) throw new Error(`${name} is not deferred from ${root} (lib/deferred-modules.js)`);
  return lazyExports(() =>
    DEFERRED_NAMESPACE_PACKAGES.includes(name) ? indexDeferringNamespaces(filename, load) : load(filename),
  );
}

module.exports = {
  DEFERRED_LIBRARY_MODULES,
  DEFERRED_MODULES,
  PACKAGES_READ,
  lazyExports,
  deferredFiles,
  deferUnusedModules,
  indexDeferringNamespaces,
  standInName,
  jestStandInExports,
};
