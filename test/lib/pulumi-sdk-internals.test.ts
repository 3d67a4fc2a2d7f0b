/**
 * lib/pulumi-sdk-internals.js: every place the project reaches past @pulumi/pulumi's public API, read from one
 * version of the SDK. Whether each still works is held where it is used (test/tools/plan/engine.plan.test.ts,
 * test/lib/errors.plan.test.ts, test/lib/pulumi-sdk-internals.plan.test.ts, test/tools/run.e2e.test.ts); this
 * file stops an SDK upgrade until someone has read them again.
 */
import * as fs from "fs";
import * as path from "path";
import * as internals from "../../lib/pulumi-sdk-internals";
import {
  DEFERRED_NAMESPACE_PACKAGES,
  DEFERRED_SDK_MODULES,
  deferredNamespacesStandIn,
  lazyExports,
  SDK_VERSION_READ,
} from "../../lib/pulumi-sdk-internals";

const projectRoot = path.join(__dirname, "..", "..");
const SECTION = "SDK internals we depend on";

describe("the SDK internals the project depends on", () => {
  it("were read from the installed @pulumi/pulumi", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed SDK's version, by path
    const installed: string = require("@pulumi/pulumi/package.json").version;
    if (installed !== SDK_VERSION_READ) {
      throw new Error(
        `@pulumi/pulumi is ${installed}, but lib/pulumi-sdk-internals.js was read from ${SDK_VERSION_READ}: check ` +
          `each entry of docs/ARCHITECTURE.md, "SDK internals we depend on", against ${installed}'s sources, then set SDK_VERSION_READ`,
      );
    }
  });

  it(`are each named in docs/ARCHITECTURE.md, "SDK internals we depend on"`, () => {
    const architecture = fs.readFileSync(path.join(projectRoot, "docs", "ARCHITECTURE.md"), "utf8");
    const section = architecture.split(/^## /m).find((s) => s.startsWith(`${SECTION}\n`));
    expect(section).toBeDefined();
    // (`default` is the transform's CommonJS interop, not an export)
    const exported = Object.keys(internals).filter((name) => name !== "default");
    const unnamed = exported.filter((name) => !section!.includes(`\`${name}\``));
    expect(unnamed).toEqual([]);
  });

  it("have a jest stand-in for every module the SDK loads and this program never uses, and every provider deferred", () => {
    const standIns = fs.readdirSync(path.join(projectRoot, "test", "support", "deferred-modules")).sort();
    expect(standIns).toEqual(
      [...DEFERRED_SDK_MODULES.map((m) => m.name), ...DEFERRED_NAMESPACE_PACKAGES.map(deferredNamespacesStandIn)]
        .map((name) => `${name}.js`)
        .sort(),
    );
  });
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
