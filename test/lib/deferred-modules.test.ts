/**
 * lib/deferred-modules.js: the stand-ins that load a module on first read, which files are deferred, and jest's file
 * for each. What a plan loads is held by test/tools/run.e2e.test.ts and test/tools/commands/plan.e2e.test.ts; that
 * each stand-in answers as its module does under jest, by test/lib/deferred-modules.plan.test.ts.
 */
import * as fs from "fs";
import Module from "module";
import * as path from "path";
import { DEFERRED_MODULES, deferredFiles, lazyExports, PACKAGES_READ, standInName } from "../../lib/deferred-modules";
import { DEFERRED_NAMESPACE_PACKAGES } from "../../lib/pulumi-sdk-internals";

const projectRoot = path.join(__dirname, "..", "..");
const standInsDir = path.join(projectRoot, "test", "support", "deferred-modules");

describe("the modules deferred", () => {
  it("were read from the installed packages", () => {
    for (const [pkg, read] of Object.entries(PACKAGES_READ)) {
      const installed = JSON.parse(
        fs.readFileSync(path.join(projectRoot, "node_modules", pkg, "package.json"), "utf8"),
      ).version;
      if (installed !== read) {
        throw new Error(
          `${pkg} is ${installed}, but lib/deferred-modules.js was read from ${read}: check that the files it defers ` +
            `are still loaded at start and never read by a plan (docs/ARCHITECTURE.md, "SDK internals we depend on", upgrading), then set PACKAGES_READ`,
        );
      }
    }
  });

  it("are each a file of the installed package, and each provider package's index", () => {
    const files = deferredFiles(projectRoot);
    expect([...files.keys()].sort()).toEqual(
      [...DEFERRED_MODULES.map((m) => m.name), ...DEFERRED_NAMESPACE_PACKAGES].sort(),
    );
    for (const file of files.values()) expect(fs.existsSync(file)).toBe(true);
    expect(files.get("@pulumi/aws")).toBe(path.join(projectRoot, "node_modules", "@pulumi", "aws", "index.js"));
    expect(files.get("zod-locales")).toBe(path.join(projectRoot, "node_modules", "zod", "v4", "locales", "index.cjs"));
  });

  it.each(DEFERRED_MODULES.filter((m) => m.from.endsWith(".js")))(
    "$name: is what $from requests, as it requests it",
    ({ request, from }) => {
      const source = fs.readFileSync(path.join(projectRoot, "node_modules", from), "utf8");
      expect(source).toContain(`require("${request}")`);
    },
  );

  // The entries found from a package's root, each with the file that makes the request.
  it.each([
    ["typescript-shim", "@pulumi/pulumi/runtime/closure/parseFunction.js", "../../typescript-shim"],
    ["automation", "@pulumi/pulumi/index.js", "./automation"],
    ["zod-locales", "zod/v4/classic/external.cjs", "../locales/index.cjs"],
  ])("%s: is what %s requests, as it requests it", (name, requester, request) => {
    const file = path.join(projectRoot, "node_modules", requester);
    expect(fs.readFileSync(file, "utf8")).toContain(`require("${request}")`);
    // Node's own resolution from the requesting file (jest's `module` keeps it).
    const resolved = (Module as unknown as { _resolveFilename(r: string, m: object): string })._resolveFilename(
      request,
      {
        id: file,
        filename: file,
        paths: [],
      },
    );
    expect(resolved).toBe(deferredFiles(projectRoot).get(name));
  });

  it("are none with LK_DEFER_MODULES=off, so a plan or a test run can rule them out", () => {
    const before = process.env.LK_DEFER_MODULES;
    process.env.LK_DEFER_MODULES = "off";
    try {
      expect(deferredFiles(projectRoot).size).toBe(0);
    } finally {
      if (before === undefined) delete process.env.LK_DEFER_MODULES;
      else process.env.LK_DEFER_MODULES = before;
    }
  });

  it("each have a jest stand-in, which stands in for that one", () => {
    const names = [...DEFERRED_MODULES.map((m) => m.name), ...DEFERRED_NAMESPACE_PACKAGES];
    expect(fs.readdirSync(standInsDir).sort()).toEqual(names.map((name) => `${standInName(name)}.js`).sort());
    for (const name of names) {
      expect(fs.readFileSync(path.join(standInsDir, `${standInName(name)}.js`), "utf8")).toContain(
        `.jestStandInExports("${name}", require)`,
      );
    }
  });
});

describe("lazy exports", () => {
  it("load nothing until read, then answer from the real exports, loading once", () => {
    const load = jest.fn(() => ({ answer: 42, nested: { x: 1 } }));
    const exports = lazyExports(load);
    expect(load).not.toHaveBeenCalled();
    expect(exports.answer).toBe(42);
    expect(exports.nested).toEqual({ x: 1 });
    expect("answer" in exports).toBe(true);
    expect(Object.keys(exports)).toEqual(["answer", "nested"]);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("answer __esModule without loading, so __importStar hands the stand-in back", () => {
    const load = jest.fn(() => ({ Arborist: class {} }));
    const exports = lazyExports(load);
    expect(exports.__esModule).toBe(true);
    expect(load).not.toHaveBeenCalled();
    expect(typeof exports.Arborist).toBe("function");
    expect(load).toHaveBeenCalledTimes(1);
  });

  it("write, define and delete on the real exports, as a patch or a spy does", () => {
    const real: Record<string, unknown> = { f: () => "real", g: 1 };
    const exports = lazyExports(() => real);
    exports.f = () => "patched";
    expect(real.f).toBe(exports.f);
    expect(exports.f()).toBe("patched");
    Object.defineProperty(exports, "h", { value: 2, writable: true, enumerable: true, configurable: true });
    expect(real.h).toBe(2);
    delete exports.g;
    expect("g" in real).toBe(false);
    const spy = jest.spyOn(exports, "f").mockReturnValue("spied");
    expect((real.f as () => string)()).toBe("spied");
    spy.mockRestore();
  });

  it("refuse to be read by the module they stand in for while it loads, instead of loading it twice", () => {
    let exports: Record<string, unknown> = {};
    const load = jest.fn(() => ({ self: exports.anything }));
    exports = lazyExports(load);
    expect(() => exports.self).toThrow("a deferred module read itself while it was loading");
    expect(load).toHaveBeenCalledTimes(1);
  });
});
