/**
 * End to end: `npm run plan` on every stack file shipped in the repo, checked against the output
 * contract other tools read (docs/plan-contract.md).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { readRegionOutputs } from "../../../stacks/region-outputs";
import { listStackNames, stackFilePath } from "../../../stacks/stack-files";
import { planCommandLoading, planLoading, projectRoot } from "../../support/plan";
import { SHARED_RUN_HOOK_TIMEOUT_MS, sharedPlanRun, SharedPlanRun } from "../../support/shared-plan-runs";

const stacks = listStackNames(projectRoot);
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-plan-"));
const runs = new Map<string, Promise<SharedPlanRun>>();
/** Each stack planned once (the run other test files share); one that reads others (global) after them, from the cache. */
const run = (stack: string): Promise<SharedPlanRun> => {
  if (!runs.has(stack)) {
    const readsOthers = stackYaml(stack)["livekit-platform:role"] === "global";
    const before = readsOthers ? Promise.all(stacks.filter((s) => s !== stack).map(run)) : Promise.resolve();
    runs.set(
      stack,
      before.then(() => sharedPlanRun(stack)),
    );
  }
  return runs.get(stack)!;
};
const stackYaml = (stack: string) =>
  parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config as Record<string, unknown>;
/** Where a stack's run wrote (once `run(stack)` has finished). */
const written = async (stack: string) => (await run(stack)).out;
const readPlan = async (stack: string) =>
  JSON.parse(fs.readFileSync(path.join(await written(stack), "plan.json"), "utf8"));

describe("plan command", () => {
  afterAll(() => fs.rmSync(outDir, { recursive: true, force: true }));

  it("ships the mumbai, singapore and global stacks", () => {
    expect(stacks).toEqual(expect.arrayContaining(["global", "mumbai", "singapore"]));
  });

  it.each(stacks)(
    "plans %s with exit code 0 and nothing on stderr",
    async (stack) => {
      const result = await run(stack);
      expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: "" });
      expect(result.stdout).toContain(`livekit-platform/${stack}:`);
      expect(result.stdout).toContain("Outputs:");
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it.each(stacks)(
    "prints %s's summary after the resource tree and writes report.html beside plan.json",
    async (stack) => {
      const result = await run(stack);
      const summary = result.stdout.indexOf(`Summary (${stack}, `);
      expect(summary).toBeGreaterThan(result.stdout.indexOf("Outputs:"));
      const text = result.stdout.slice(summary);
      expect(text).toContain("Capacity overrides: none");
      if (stackYaml(stack)["livekit-platform:role"] === "region") {
        const sizing = (await readPlan(stack)).outputs.sizing;
        expect(text).toMatch(/Sizing: \d+ participants in \d+ rooms at peak/);
        expect(text).toMatch(new RegExp(`sfu +${sizing.sfuNodes.min} +\\d+ +${sizing.sfuNodes.max} +nodes`));
        expect(text).toMatch(/udp +50000-60000 +0\.0\.0\.0\/0/);
        expect(text).toMatch(/Cost: (not available|USD)/);
      } else {
        expect(text).toContain("Regions routed: mumbai (ap-south-1), singapore (ap-southeast-1)");
        expect(text).toContain("Regions left out: none");
      }
      const report = fs.readFileSync(path.join(await written(stack), "report.html"), "utf8");
      expect(report).toMatch(/^<!doctype html>/);
      // Self-contained: nothing loaded from anywhere.
      expect(report).not.toMatch(/<script|<link|src=|url\(|@import/i);
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it.each(stacks)(
    "writes %s's plan.json in the contract's shape",
    async (stack) => {
      const plan = await readPlan(stack);
      expect(plan.project).toBe("livekit-platform");
      expect(plan.stack).toBe(stack);
      expect(plan.resources.length).toBeGreaterThan(0);
      const urns = new Set<string>(plan.resources.map((r: { urn: string }) => r.urn));
      for (const r of plan.resources) {
        expect(Object.keys(r)).toEqual(
          expect.arrayContaining(["urn", "type", "name", "custom", "parent", "provider", "inputs", "dependencies"]),
        );
        expect(r.urn.startsWith(`urn:pulumi:${stack}::livekit-platform::`)).toBe(true);
        if (r.parent !== null) expect(urns).toContain(r.parent);
        for (const dep of r.dependencies) expect(urns).toContain(dep);
        // The options that decide what an update or a destroy may do to the resource.
        expect(Object.keys(r.options).sort()).toEqual([
          "deleteBeforeReplace",
          "dependsOn",
          "ignoreChanges",
          "protect",
          "retainOnDelete",
        ]);
        for (const dep of r.options.dependsOn) expect(r.dependencies).toContain(dep);
      }
      expect(plan.resources[0].type).toBe("pulumi:pulumi:Stack");
      expect(typeof plan.outputs).toBe("object");
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it.each(stacks)(
    "writes one manifest file per Kubernetes object and one file per Helm release for %s",
    async (stack) => {
      const plan = await readPlan(stack);
      const objects = plan.resources.filter(
        (r: any) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release",
      );
      const releases = plan.resources.filter((r: any) => r.type === "kubernetes:helm.sh/v3:Release");
      const files = (dir: string) =>
        fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(".yaml")) : [];
      const out = await written(stack);
      expect(files(path.join(out, "manifests"))).toHaveLength(objects.length);
      expect(files(path.join(out, "helm"))).toHaveLength(releases.length);
      for (const r of objects) {
        const ns = r.inputs.metadata?.namespace ?? "_cluster";
        const manifest = parse(
          fs.readFileSync(path.join(out, "manifests", ns, `${r.inputs.kind}-${r.inputs.metadata.name}.yaml`), "utf8"),
        );
        expect(manifest.apiVersion).toBe(r.inputs.apiVersion);
      }
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it(
    "feeds the global stack with the outputs of planning each region stack",
    async () => {
      const [global, mumbai] = await Promise.all([readPlan("global"), readPlan("mumbai")]);
      // mumbai's plan exports the region output contract, so the global stack routes to it.
      expect(readRegionOutputs("mumbai", mumbai.outputs).deployed).toBe(true);
      expect(global.outputs.regionUrls.mumbai).toBe(`wss://${mumbai.outputs.signallingHostname}`);
      const record = global.resources.find(
        (r: any) => r.type === "aws:route53/record:Record" && r.inputs.setIdentifier === "mumbai",
      );
      expect(record.inputs.aliases[0].name).toBe(mumbai.outputs.signallingLoadBalancer.dnsName);
      const references = global.resources
        .filter((r: any) => r.type === "pulumi:pulumi:StackReference")
        .map((r: any) => r.name);
      expect(references.sort()).toEqual(
        stacks
          .filter((s) => s !== "global")
          .map((s) => `organization/livekit-platform/${s}`)
          .sort(),
      );
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it(
    "empties the output folder first and fails with exit 1 on an unknown flag, without loading the engine",
    async () => {
      const dir = path.join(outDir, "stale");
      fs.mkdirSync(dir, { recursive: true });
      fs.writeFileSync(path.join(dir, "leftover.txt"), "x");
      await run("global"); // so this plan finds the regions cached
      const planned = await planCommandLoading("global", "--out", dir);
      // A plan loads the engine and the SDK: what the checks of the early answers look for is there to be found. It
      // never loads the SDK's gRPC client (it talks to the mock monitor) nor zod's locales, and of @pulumi/aws's 237
      // namespaces only those the program reads (lib/deferred-modules.js).
      expect({
        code: planned.code,
        engine: planned.engine,
        pulumiSdk: planned.pulumiSdk,
        grpc: planned.grpc,
        openTelemetry: planned.openTelemetry,
        zodLocales: planned.zodLocales,
      }).toEqual({ code: 0, engine: true, pulumiSdk: true, grpc: false, openTelemetry: false, zodLocales: false });
      expect(planned.awsNamespaces).toContain("route53");
      expect(planned.awsNamespaces.length).toBeLessThan(20);
      // The control: with the deferral off, the same plan loads every one of them.
      const eager = await planLoading("global", ["--out", path.join(outDir, "eager")], { LK_DEFER_MODULES: "off" });
      expect({ grpc: eager.grpc, openTelemetry: eager.openTelemetry, zodLocales: eager.zodLocales }).toEqual({
        grpc: true,
        openTelemetry: true,
        zodLocales: true,
      });
      expect(eager.awsNamespaces).toHaveLength(237);
      expect(fs.existsSync(path.join(dir, "leftover.txt"))).toBe(false);
      const bad = await planCommandLoading("mumbai", "--frobnicate");
      expect({ code: bad.code, engine: bad.engine, pulumiSdk: bad.pulumiSdk }).toEqual({
        code: 1,
        engine: false,
        pulumiSdk: false,
      });
      expect(bad.stderr).toMatch(/^error: unknown argument --frobnicate/);
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it("prints its usage with --help and exits 0, planning nothing and loading neither the engine nor the SDK", async () => {
    const help = await planCommandLoading("mumbai", "--help");
    expect({ code: help.code, stderr: help.stderr, engine: help.engine, pulumiSdk: help.pulumiSdk }).toEqual({
      code: 0,
      stderr: "",
      engine: false,
      pulumiSdk: false,
    });
    expect(help.stdout).toMatch(/^usage: npm run plan -- --stack <name> /);
    for (const flag of ["--stack", "--stack-file", "--out", "--show-secrets", "--diff", "--help"])
      expect(help.stdout).toMatch(new RegExp(`^ +(-h, )?${flag} `, "m"));
    expect(help.stdout).not.toContain("livekit-platform/mumbai:");
  }, 120_000);
});
