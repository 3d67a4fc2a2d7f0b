/**
 * Test helpers around the one mock engine (tools/plan/engine.ts) that the plan command uses too. The engine, and the
 * Pulumi SDK with it, is loaded on the first run in this process: a test file that only runs the plan command in
 * child processes does not load it.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import type { RunOptions } from "../../tools/plan/engine";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/result";
import { programFingerprint } from "../../tools/plan/cache";
import { ChildPlan, planInChildProcess } from "../../tools/plan/runner";
import { projectName, projectRoot, stackConfig } from "./stack-config";

export { projectName, projectRoot, stackConfig };

/** Runs a piece of program (components built inside `program`) under the mocks, as a region stack would. */
export async function runComponents(
  program: () => unknown,
  config: Record<string, string> = { "aws:region": "ap-south-1" },
): Promise<PlanResult> {
  const { runProgram } = await import("../../tools/plan/engine");
  return runProgram(
    async () => {
      program();
      return {};
    },
    { project: projectName, stack: "test", config },
  );
}

/**
 * Runs the real program (index.ts) in this process for a shipped stack, optionally with overrides and an account
 * of the pretend cloud other than a new one in the `aws` partition.
 */
export async function runStack(
  stack: string,
  overrides: Record<string, unknown> = {},
  account?: RunOptions["account"],
): Promise<PlanResult> {
  const { runProgram } = await import("../../tools/plan/engine");
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, by path or after mocks are set
  return runProgram(() => require(path.join(projectRoot, "index.ts")), {
    project: projectName,
    stack,
    config: stackConfig(stack, overrides),
    account,
  });
}

/** Per worker process, outside jest's registry (see worker-state.js): the plans of the shipped stacks, as JSON. */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- Node's own loader, so every test file gets the same Map
const workerState = (require("module") as { _load(request: string, parent: unknown, isMain: boolean): unknown })._load(
  path.join(__dirname, "worker-state.js"),
  null,
  false,
) as Map<string, unknown>;

/**
 * A shipped stack's plan as `runStack(stack)` makes it, planned once per worker process and shared by every test
 * file that worker runs (for the sources as they are): each gets its own copy, parsed from JSON (which holds a plan whole), so one file's edits
 * never reach another. Only for tests that read the result: a test that watches the run itself (a mock that must
 * not be called, the aliases registered) runs it with `runStack`.
 */
export async function shippedStackPlan(stack: string): Promise<PlanResult> {
  // The sources' hash too: a worker kept between runs (jest --watch) must not hand out a plan of older code.
  const key = `shipped plan ${programFingerprint(projectRoot)} ${stack} ${JSON.stringify(stackConfig(stack))}`;
  let text = workerState.get(key) as string | undefined;
  if (text === undefined) {
    text = JSON.stringify(await runStack(stack));
    workerState.set(key, text);
  }
  return JSON.parse(text) as PlanResult;
}

/** Writes a stack file with the given `config:` map into a fresh temp dir; returns its path. */
export function writeTempStackFile(stack: string, config: Record<string, unknown>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-stack-"));
  const file = path.join(dir, `Pulumi.${stack}.yaml`);
  fs.writeFileSync(file, stringify({ config }));
  return file;
}

/** Runs `npm run plan`'s script in a child process, exactly as a user would (without npm's banner). */
export function planCommand(stack: string, ...args: string[]) {
  return planInChildProcess(projectRoot, stack, args);
}

/** What a child plan loaded, recorded as it exits (test/support/loaded-modules.js). */
export interface LoadedModules {
  /** The Pulumi SDK's own entry point (a stand-in tools/run.js defers is not the SDK). */
  pulumiSdk: boolean;
  /** The mock engine, tools/plan/engine.ts, which loads the SDK and runs the program. */
  engine: boolean;
  /** The gRPC client and OpenTelemetry's API, which the SDK uses to talk to a real engine only. */
  grpc: boolean;
  openTelemetry: boolean;
  /** zod's locales (other than the English one zod itself imports). */
  zodLocales: boolean;
  /** The @pulumi/aws namespaces (service folders) it loaded, of the 237 its index names; a namespace's stand-in sits
   * in no cache, so a folder's index.js in the cache is the real one. */
  awsNamespaces: string[];
}

/**
 * `planCommand`, with what the child loaded: whether it got as far as the Pulumi SDK and the mock engine. The child
 * is the same command, with one module preloaded (`node --require`) that only writes Node's module cache's paths to
 * a file as the process exits.
 */
export async function planCommandLoading(stack: string, ...args: string[]): Promise<ChildPlan & LoadedModules> {
  return planLoading(stack, args, {});
}

/** `planCommandLoading` with more of the child's environment (`LK_DEFER_MODULES: "off"`, say). */
export async function planLoading(
  stack: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<ChildPlan & LoadedModules> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-loaded-"));
  const file = path.join(dir, "loaded.json");
  try {
    const run = await planInChildProcess(projectRoot, stack, args, {
      env: {
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(path.join(__dirname, "loaded-modules.js"))}`,
        LK_LOADED_MODULES_FILE: file,
        // The modules deferred, unless the caller says otherwise (lib/deferred-modules.js), whatever this run's is.
        LK_DEFER_MODULES: undefined,
        ...env,
      },
    });
    if (!fs.existsSync(file)) throw new Error(`the plan wrote no module list (exit ${run.code}): ${run.stderr}`);
    const loaded = JSON.parse(fs.readFileSync(file, "utf8")) as string[];
    // Node's cache holds real paths.
    const modules = path.join(fs.realpathSync(projectRoot), "node_modules");
    // Files the modules below load as they start: a package that moved them would make every check pass.
    const probe = (...parts: string[]) => {
      const file = path.join(modules, ...parts);
      if (!fs.existsSync(file)) throw new Error(`${file} is gone: planCommandLoading cannot tell whether it loaded`);
      return (f: string) => f === file;
    };
    return {
      ...run,
      pulumiSdk: loaded.some((f) => f.endsWith(path.join("node_modules", "@pulumi", "pulumi", "index.js"))),
      engine: loaded.some((f) => f.endsWith(path.join("tools", "plan", "engine.js"))),
      // Files their entry points load (a stand-in sits in the cache under the entry point's own name).
      grpc: loaded.some(probe("@grpc", "grpc-js", "build", "src", "channel.js")),
      openTelemetry: loaded.some(probe("@opentelemetry", "api", "build", "src", "api", "trace.js")),
      zodLocales: loaded.some(probe("zod", "v4", "locales", "de.cjs")),
      awsNamespaces: loaded
        .map((f) => path.relative(path.join(modules, "@pulumi", "aws"), f).split(path.sep))
        .filter((parts) => parts.length === 2 && parts[0] !== ".." && parts[1] === "index.js")
        .map(([namespace]) => namespace)
        .sort(),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * The Kubernetes resources of a region plan that do not go through the region cluster's Kubernetes provider
 * (the one `pulumi:providers:kubernetes` the Cluster component creates), as "<type> <name> (<provider>)". A
 * resource without an explicit provider gets Pulumi's default one, which deploys to whatever cluster the
 * operator's kubeconfig points at: `provider` is then null in the plan.
 */
export function offClusterProvider(plan: PlanResult): string[] {
  const clusters = plan.resources.filter((r) => r.type === "livekit-platform:cluster:Cluster");
  const providers = plan.resources.filter(
    (r) => r.type === "pulumi:providers:kubernetes" && clusters.some((c) => c.urn === r.parent),
  );
  if (clusters.length !== 1 || providers.length !== 1) {
    return [`expected one Cluster with one Kubernetes provider, found ${clusters.length} and ${providers.length}`];
  }
  const [cluster] = providers;
  return plan.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:"))
    .filter((r) => r.provider?.replace(/::[^:]+$/, "") !== cluster.urn)
    .map((r) => `${r.type} ${r.name} (${r.provider ?? "the default provider"})`);
}

/** The Karpenter NodePools in the `dependsOn` of the one component of `type`, by pool name. */
export function nodePoolsAwaitedBy(plan: PlanResult, type: string): string[] {
  const [component] = resourcesOfType(plan, type);
  const pools = resourcesOfType(plan, "kubernetes:karpenter.sh/v1:NodePool");
  return pools
    .filter((pool) => component.options.dependsOn.includes(pool.urn))
    .map((pool) => inputsOf(pool).metadata.name)
    .sort();
}
