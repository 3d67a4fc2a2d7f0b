/** What the plan command and the tests load on first read (lib/deferred-modules.js). */
import type { DeferredModule } from "./pulumi-sdk-internals";

/** Other libraries' modules deferred the same way as the SDK's. */
export const DEFERRED_LIBRARY_MODULES: readonly DeferredModule[];

/** Every module deferred module by module: the SDK's, then the other libraries'. */
export const DEFERRED_MODULES: readonly DeferredModule[];

/** The version of each package whose layout the deferral was read from. */
export const PACKAGES_READ: Readonly<Record<string, string>>;

/** Exports that load the real module through `load()` on first read, write or listing; `__esModule` answers unloaded. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stand-in for any module's exports
export function lazyExports(load: () => object): any;

/** Each deferred module's file (by name) and each provider package's index (by package), as installed from `root`. */
export function deferredFiles(root: string): Map<string, string>;

/** Puts a stand-in for each deferred file into Node's module cache. */
export function deferUnusedModules(root: string): void;

/** The exports of a provider package's index file, its namespaces deferred; `load` loads everything else. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a package's exports
export function indexDeferringNamespaces(index: string, load: NodeJS.Require): any;

/** The name of the jest stand-in file of a deferred module or package (test/support/deferred-modules/<name>.js). */
export function standInName(name: string): string;

/** The exports of jest's stand-in for `name`; `load` is the stand-in file's own require. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stand-in for any module's exports
export function jestStandInExports(name: string, load: NodeJS.Require, root?: string): any;
