/**
 * lib/deferred-modules.js: the stand-ins that load a module on first use, and jest's file for each module deferred.
 * What a plan loads is held by test/tools/run.e2e.test.ts and test/tools/commands/plan.e2e.test.ts; that each
 * stand-in answers as its module does, by test/lib/deferred-modules.plan.test.ts.
 */
import * as fs from "fs";
import * as path from "path";
import { DEFERRED_MODULES, deferredNamespacesStandIn, lazyExports } from "../../lib/deferred-modules";
import { DEFERRED_NAMESPACE_PACKAGES } from "../../lib/pulumi-sdk-internals";

const projectRoot = path.join(__dirname, "..", "..");

it("has a jest stand-in for every module deferred and every provider package whose namespaces are", () => {
  const standIns = fs.readdirSync(path.join(projectRoot, "test", "support", "deferred-modules")).sort();
  expect(standIns).toEqual(
    [...DEFERRED_MODULES.map((m) => m.name), ...DEFERRED_NAMESPACE_PACKAGES.map(deferredNamespacesStandIn)]
      .map((name) => `${name}.js`)
      .sort(),
  );
});

describe("lazy exports", () => {
  it("load nothing until read, then answer from the real exports, loading once", () => {
    const load = jest.fn(() => ({ answer: 42, nested: { x: 1 } }));
    const exports = lazyExports(load, false);
    expect(load).not.toHaveBeenCalled();
    expect(exports.answer).toBe(42);
    expect(exports.nested).toEqual({ x: 1 });
    expect("answer" in exports).toBe(true);
    expect(Object.keys(exports)).toEqual(["answer", "nested"]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("answer __esModule without loading when asked to, so __importStar hands the stand-in back", () => {
    const load = jest.fn(() => ({ Arborist: class {} }));
    const exports = lazyExports(load, true);
    expect(exports.__esModule).toBe(true);
    expect(load).not.toHaveBeenCalled();
    expect(typeof exports.Arborist).toBe("function");
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("load at the first read of __esModule when not asked to answer it", () => {
    const load = jest.fn(() => ({ __esModule: false }));
    expect(lazyExports(load, false).__esModule).toBe(false);
    expect(load).toHaveBeenCalledTimes(1);
  });
});
