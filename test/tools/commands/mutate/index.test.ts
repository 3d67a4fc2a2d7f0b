/** tools/commands/mutate/index.ts: the request a command line makes, and the modules it selects. */
import { parseRequest, selectModules } from "../../../../tools/commands/mutate";

const mistake = (run: () => unknown) => {
  try {
    run();
  } catch (e) {
    return (e as Error).message;
  }
  return "no mistake";
};

describe("npm run mutate", () => {
  it("reads module names, --changed with an optional --base, --list and --force", () => {
    expect(parseRequest([])).toEqual({ modules: [], changed: false, base: "main", list: false, force: false });
    expect(parseRequest(["lib/ip.ts", "--list"])).toEqual({
      modules: ["lib/ip.ts"],
      changed: false,
      base: "main",
      list: true,
      force: false,
    });
    expect(parseRequest(["--changed", "--base", "HEAD~1"])).toEqual({
      modules: [],
      changed: true,
      base: "HEAD~1",
      list: false,
      force: false,
    });
    expect(parseRequest(["--force", "lib/ip.ts"])).toMatchObject({ modules: ["lib/ip.ts"], force: true });
  });

  it("refuses a mistake in one line", () => {
    expect(mistake(() => parseRequest(["--chnaged"]))).toMatch(/^Unknown option '--chnaged'/);
    expect(mistake(() => parseRequest(["--changed", "lib/ip.ts"]))).toBe("--changed takes no module names");
    expect(mistake(() => parseRequest(["--base", "main"]))).toBe("--base goes with --changed");
  });

  const modules = ["components/coturn/pod.ts", "lib/ip.ts", "lib/schema.ts"];
  const files = new Set([...modules, "test/lib/ip.test.ts"]);
  const select = (argv: string[], changed: string[] = []) =>
    selectModules(parseRequest(argv), modules, files, () => changed);

  it("selects every module, the ones named, or the ones a change touches", () => {
    expect(select([])).toEqual(modules);
    expect(select(["lib/schema.ts", "lib/ip.ts"])).toEqual(["lib/ip.ts", "lib/schema.ts"]);
    expect(select(["--changed"], ["test/lib/ip.test.ts", "README.md"])).toEqual(["lib/ip.ts"]);
    expect(mistake(() => select(["lib/nope.ts"]))).toBe(
      'module: not one Stryker mutates (stryker.config.json "mutate"), got lib/nope.ts',
    );
  });
});
