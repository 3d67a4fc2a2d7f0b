/** What the plan command and the tests load on first use (lib/deferred-modules.js). */
import type { DeferredSdkModule } from "./pulumi-sdk-internals";

/** Other libraries' modules deferred the same way as the SDK's. */
export const DEFERRED_LIBRARY_MODULES: readonly DeferredSdkModule[];

/** Every module deferred module by module: the SDK's, then the other libraries'. */
export const DEFERRED_MODULES: readonly DeferredSdkModule[];

/** Exports that load the real module through `load()` on first read; `esModule` answers `__esModule` unloaded. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stand-in for any module's exports
export function lazyExports(load: () => object, esModule: boolean): any;

/** Puts lazy stand-ins for DEFERRED_MODULES and the provider packages' indexes into Node's module cache. */
export function deferUnusedModules(root: string): void;

/** The lazy stand-in exports of one of DEFERRED_MODULES (for jest's moduleNameMapper). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stand-in for any module's exports
export function deferredExports(name: string, root?: string): any;

/** `pkg`'s index exports, its namespaces deferred to first use; `load` loads everything else (Node's or jest's require). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a package's exports
export function indexDeferringNamespaces(pkg: string, load: NodeJS.Require): any;

/** The name of a jest stand-in of one of DEFERRED_NAMESPACE_PACKAGES (test/support/deferred-modules/<name>.js). */
export function deferredNamespacesStandIn(pkg: string): string;
