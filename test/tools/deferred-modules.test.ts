/**
 * tools/deferred-modules.js: what @pulumi/pulumi loads only to serialize closures waits until something uses it.
 */
import { lazyExports } from "../../tools/deferred-modules";

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
