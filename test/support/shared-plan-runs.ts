/**
 * `npm run plan -- --stack <stack> --out <dir>` of a shipped stack, run once per test run and shared by the test
 * files that only read what it printed and wrote (the plan command's own checks, the diff's base, the report in a
 * browser): the first file to ask runs it, in whichever jest worker; the others wait for its result. Runs live in
 * the test run's folder (test/support/global-setup.js), keyed by the program's fingerprint and the stack file, and
 * go with it. Never write into a shared run's folder: plan into a folder of your own for that.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { createHash } from "crypto";
import { stackFilePath } from "../../stacks/stack-files";
import { programFingerprint } from "../../tools/plan/cache";
import { ChildPlan, PLAN_TIMEOUT_MS } from "../../tools/plan/runner";
import { planCommand, projectRoot } from "./plan";

/** A finished shared run: what the command printed and its exit code, and the folder it wrote. */
export type SharedPlanRun = Pick<ChildPlan, "code" | "stdout" | "stderr"> & { out: string };

/** Set by global-setup.js for the whole run; a file run without it (not through jest's config) shares in-process. */
const runDir = process.env.LK_TEST_RUN_DIR ?? fs.mkdtempSync(path.join(os.tmpdir(), "lk-shared-runs-"));
const POLL_MS = 100;
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
    run = runOrAwait(path.join(runDir, `${stack}-${key}`));
    inProcess.set(key, run);
  }
  return run.then((r) => ({ ...r }));

  async function runOrAwait(dir: string): Promise<SharedPlanRun> {
    const out = path.join(dir, "out");
    const resultFile = path.join(dir, "result.json");
    try {
      fs.mkdirSync(dir); // atomic: the one process that makes it runs the plan
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      return awaitResult(resultFile, out);
    }
    const { code, stdout, stderr } = await planCommand(stack, "--out", out);
    const temporary = `${resultFile}.${process.pid}.tmp`;
    fs.writeFileSync(temporary, JSON.stringify({ code, stdout, stderr }));
    fs.renameSync(temporary, resultFile);
    return { code, stdout, stderr, out };
  }

  async function awaitResult(resultFile: string, out: string): Promise<SharedPlanRun> {
    const deadline = Date.now() + PLAN_TIMEOUT_MS + 10_000;
    while (!fs.existsSync(resultFile)) {
      if (Date.now() > deadline) throw new Error(`no shared plan of ${stack} at ${resultFile}: its runner stopped`);
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    return { ...JSON.parse(fs.readFileSync(resultFile, "utf8")), out };
  }
}
