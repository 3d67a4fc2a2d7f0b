/** Types of tools/deferred-modules.js (plain JavaScript: tools/run.js calls it before anything is compiled). */

/** Exports that load the real module through `load()` on first read; `esModule` answers `__esModule` unloaded. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a stand-in for any module's exports
export function lazyExports(load: () => object, esModule: boolean): any;
/** Puts lazy stand-ins for the SDK's closure-serialization modules into Node's module cache. */
export function deferClosureSerializationModules(root: string): void;
