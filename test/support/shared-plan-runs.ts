/**
 * `npm run plan -- --stack <stack> --out <dir>` of a shipped stack, run once per test run and shared by the test
 * files that only read what it printed and wrote (the plan command's own checks, the diff's base, the report in a
 * browser): the first file to ask runs it, in whichever jest worker; the others wait for its result. Runs live in
 * the test run's folder (test/support/global-setup.js), keyed by the program's fingerprint and the stack file, and
 * go with it. Never write into a shared run's folder: plan into a folder of your own for that.
 */
import * as fs from "fs";
import * as path from "path";
import { createHash } from "crypto";
import { stackFilePath } from "../../stacks/stack-files";
import { programFingerprint } from "../../tools/plan/cache";
import { ChildPlan } from "../../tools/plan/runner";
import { planCommand, projectRoot } from "./plan";
import { alive, makeRunFolder } from "./run-folder";

/** A finished shared run: the child's exit, output and how it ended, and the folder it wrote. */
export type SharedPlanRun = Omit<ChildPlan, "result"> & { out: string };

/**
 * Hooks that wait for a shared run allow this long: the runner's own child may first queue behind its worker's other
 * plans (tools/plan/runner.ts), then has PLAN_TIMEOUT_MS to finish.
 */
export const SHARED_RUN_HOOK_TIMEOUT_MS = 240_000;
const POLL_MS = 100;

/**
 * Set by global-setup.js for the whole run. Without it (a jest config without that setup), runs are shared within
 * this worker process only, in a folder removed when it exits (or by the next run's setup, if it was killed).
 */
function runFolder(): string {
  if (process.env.LK_TEST_RUN_DIR) return process.env.LK_TEST_RUN_DIR;
  const own = makeRunFolder();
  process.once("exit", () => fs.rmSync(own, { recursive: true, force: true }));
  return (process.env.LK_TEST_RUN_DIR = own);
}

const inProcess = new Map<string, Promise<SharedPlanRun>>();

export function sharedPlanRun(stack: string): Promise<SharedPlanRun> {
  const key = createHash("sha256")
    .update(programFingerprint(projectRoot))
    .update(stack)
    .update("\0")
    .update(fs.readFileSync(stackFilePath(projectRoot, stack)))
    .digest("hex")
    .slice(0, 24);
  let run = inProcess.get(key);
  if (!run) {
    run = runOrAwait(path.join(runFolder(), `${stack}-${key}`));
    inProcess.set(key, run);
  }
  return run.then((r) => ({ ...r }));

  async function runOrAwait(dir: string): Promise<SharedPlanRun> {
    const out = path.join(dir, "out");
    const resultFile = path.join(dir, "result.json");
    const ownerFile = path.join(dir, "owner.json");
    try {
      fs.mkdirSync(dir); // atomic: the one process that makes it runs the plan
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return awaitResult(resultFile, ownerFile, out);
    }
    const testPath = (globalThis as { expect?: { getState(): { testPath?: string } } }).expect?.getState().testPath;
    fs.writeFileSync(ownerFile, JSON.stringify({ pid: process.pid, testPath }));
    let result: Omit<ChildPlan, "result"> | { error: string } = { error: "the runner stopped before its plan ended" };
    try {
      const { result: _, ...child } = await planCommand(stack, "--out", out);
      result = child;
    } catch (error) {
      result = { error: `could not run the plan: ${(error as Error).message}` };
    } finally {
      const temporary = `${resultFile}.${process.pid}.tmp`;
      fs.writeFileSync(temporary, JSON.stringify(result));
      fs.renameSync(temporary, resultFile);
    }
    if ("error" in result) throw new Error(`shared plan of ${stack}: ${result.error}`);
    return { ...result, out };
  }

  /** The runner's result once it is written; fails at once if the runner's process is gone without writing one. */
  async function awaitResult(resultFile: string, ownerFile: string, out: string): Promise<SharedPlanRun> {
    for (;;) {
      if (fs.existsSync(resultFile)) {
        const result = JSON.parse(fs.readFileSync(resultFile, "utf8"));
        if ("error" in result) throw new Error(`shared plan of ${stack}: ${result.error}`);
        return { ...result, out };
      }
      const owner = readOwner(ownerFile);
      if (owner !== undefined && !alive(owner.pid)) {
        throw new Error(
          `shared plan of ${stack}: its runner (pid ${owner.pid}, ${owner.testPath ?? "a test file"}) ended without a result; see that file's failure`,
        );
      }
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
  }
}

function readOwner(file: string): { pid: number; testPath?: string } | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined; // not written yet
  }
}
