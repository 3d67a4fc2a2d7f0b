/**
 * tools/run.js: the commands run from a compiled copy of the sources, built once per version of them.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { compiledPath, ensureBuild } from "../../tools/run";
import { projectRoot } from "../support/plan";

describe("the compiled build the commands run from", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "lk-build-"));
    fs.mkdirSync(path.join(root, "lib", "nested"), { recursive: true });
    fs.writeFileSync(
      path.join(root, "index.ts"),
      'import { a } from "./lib/a";\nexport = async () => ({ a, b: (await import("./lib/nested/b")).b, doc: require("./lib/doc.json") });\n',
    );
    fs.writeFileSync(path.join(root, "lib", "a.ts"), "export const a: number = 1;\n");
    fs.writeFileSync(path.join(root, "lib", "nested", "b.ts"), "export const b = `${__dirname.split('/').pop()}`;\n");
    fs.writeFileSync(path.join(root, "lib", "doc.json"), '{ "Version": "2012-10-17" }\n');
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("transpiles every file in place, copies the others, and keeps dynamic imports working", async () => {
    const dir = ensureBuild(root);
    expect(path.dirname(dir)).toBe(path.join(root, ".plan", ".build"));
    expect(fs.readdirSync(path.join(dir, "lib")).sort()).toEqual(["a.js", "a.js.map", "doc.json", "nested"]);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the compiled program, by path
    const program = require(path.join(dir, "index.js")) as () => Promise<unknown>;
    await expect(program()).resolves.toEqual({ a: 1, b: "nested", doc: { Version: "2012-10-17" } });
  });

  it("builds again only when a source changes, and leaves a build in use alone", () => {
    const first = ensureBuild(root);
    fs.writeFileSync(path.join(first, "marker"), "");
    expect(ensureBuild(root)).toBe(first);
    expect(fs.existsSync(path.join(first, "marker"))).toBe(true);

    fs.writeFileSync(path.join(root, "lib", "a.ts"), "export const a: number = 2;\n");
    const second = ensureBuild(root);
    expect(second).not.toBe(first);
    expect(fs.readFileSync(path.join(second, "lib", "a.js"), "utf8")).toContain("a = 2");
    expect(fs.existsSync(first)).toBe(true); // used a moment ago: a command may still be running from it

    // Unused for an hour: the next new build deletes it.
    const anHourAgo = new Date(Date.now() - 3600_000);
    fs.utimesSync(first, anHourAgo, anHourAgo);
    fs.writeFileSync(path.join(root, "lib", "doc.json"), "{}\n");
    const third = ensureBuild(root);
    expect(fs.readdirSync(path.dirname(third)).sort()).toEqual([path.basename(second), path.basename(third)].sort());
  });

  it("refuses a file that is not a TypeScript source of the project", () => {
    expect(() => compiledPath(path.join(os.tmpdir(), "x.ts"), root)).toThrow("is not a TypeScript file of");
    expect(() => compiledPath(path.join(root, "lib", "doc.json"), root)).toThrow("is not a TypeScript file of");
  });

  it("runs a command as `npm run` does: compiled entry as the main module, same arguments and exit code", () => {
    const run = spawnSync(
      process.execPath,
      ["tools/run.js", "tools/commands/capacity/index.ts", "--participants", "1000", "--regions", "mumbai,singapore"],
      { cwd: projectRoot, encoding: "utf8" },
    );
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(run.stdout).toContain("LiveKit capacity for 1,000 concurrent participants");
    const bad = spawnSync(
      process.execPath,
      ["tools/run.js", "tools/commands/capacity/index.ts", "--participants", "-1"],
      {
        cwd: projectRoot,
        encoding: "utf8",
      },
    );
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^error: /);
  });

  it("loads the SDK without TypeScript, Arborist or the Automation API, which it never uses, and loads them when used", () => {
    // What run.js does before the command starts, then what the SDK loads; then a use of the shim.
    const script = `
      require("./lib/deferred-modules").deferUnusedModules(process.cwd());
      require("@pulumi/pulumi");
      // The real modules' own files (a stand-in sits in the cache under the entry file's name, loading nothing).
      const loaded = () => Object.keys(require.cache).filter((f) => f.endsWith("/typescript/lib/typescript.js") || f.includes("/@npmcli/arborist/lib/arborist/") || f.includes("/@pulumi/pulumi/automation/localWorkspace"));
      const before = loaded();
      const ts = require("@pulumi/pulumi/typescript-shim");
      const parsed = ts.createSourceFile("x.ts", "const x = 1;", ts.ScriptTarget.Latest).statements.length;
      const workspace = typeof require("@pulumi/pulumi").automation.LocalWorkspace.create;
      const after = loaded();
      console.log(JSON.stringify({ before, parsed, workspace, typescript: after.some((f) => f.endsWith("/typescript.js")), automation: after.some((f) => f.includes("/automation/localWorkspace")) }));`;
    const run = spawnSync(process.execPath, ["-e", script], { cwd: projectRoot, encoding: "utf8" });
    expect({ status: run.status, stderr: run.stderr }).toEqual({ status: 0, stderr: "" });
    expect(JSON.parse(run.stdout)).toEqual({
      before: [],
      parsed: 1,
      workspace: "function",
      typescript: true,
      automation: true,
    });
  });

  it("loads a provider's namespaces when the program first reads them, each as the package itself would", () => {
    // What run.js does before the command starts; then the index runs (aws.getRegion, k8s.Provider) and nothing of its
    // namespaces loads until a component reads one: aws.ec2.Vpc, k8s.apps.v1.Deployment.
    const script = `
      require("./lib/deferred-modules").deferUnusedModules(process.cwd());
      const namespaces = (pkg) => Object.keys(require.cache).map((f) => f.split("/node_modules/" + pkg + "/")[1]).filter((f) => f && /^[^/]+[/]index[.]js$/.test(f)).map((f) => f.split("/")[0]).sort();
      const aws = require("@pulumi/aws");
      const k8s = require("@pulumi/kubernetes");
      const ran = [typeof aws.getRegion, typeof k8s.Provider];
      const afterIndex = [...namespaces("@pulumi/aws"), ...namespaces("@pulumi/kubernetes")];
      const vpc = typeof aws.ec2.Vpc;
      const deployment = typeof k8s.apps.v1.Deployment;
      console.log(JSON.stringify({ ran, afterIndex, vpc, deployment, aws: namespaces("@pulumi/aws"), k8s: namespaces("@pulumi/kubernetes"), sameVpc: aws.ec2.Vpc === require("@pulumi/aws/ec2").Vpc, awsKeys: Object.keys(aws).sort() }));`;
    // The switch set explicitly either way, whatever this test run's environment says.
    const run = (env: NodeJS.ProcessEnv) => {
      const child = spawnSync(process.execPath, ["-e", script], {
        cwd: projectRoot,
        encoding: "utf8",
        env: { ...process.env, ...env },
      });
      expect({ status: child.status, stderr: child.stderr }).toEqual({ status: 0, stderr: "" });
      return JSON.parse(child.stdout);
    };
    const on = run({ LK_DEFER_MODULES: undefined });
    expect(on).toEqual({
      ran: ["function", "function"],
      afterIndex: [],
      vpc: "function",
      deployment: "function",
      aws: ["ec2"],
      k8s: ["apps"],
      sameVpc: true,
      awsKeys: expect.any(Array),
    });
    // With the deferral off, the index loads every namespace as it runs (@pulumi/aws 7.48.0: 237 folders).
    const off = run({ LK_DEFER_MODULES: "off" });
    expect(off.afterIndex.length).toBeGreaterThan(237);
    expect(off.aws).toHaveLength(237);
    // The index exports the same either way.
    expect(on.awsKeys).toEqual(off.awsKeys);
  });
});
