/**
 * Runs the plan command in a child process. Each Pulumi program needs a process of its own (the SDK's
 * runtime state is global), so a plan that reads other stacks plans them this way, and so do the tests
 * that exercise the command end to end.
 *
 * Children run the compiled build (tools/run.js), as `npm run plan` does, and at most one per CPU runs at a
 * time: a global stack with many region files queues their plans instead of starting them all at once.
 */
import { spawn } from "child_process";
import * as os from "os";
import * as path from "path";
import pLimit from "p-limit";
import type { PlanResult } from "./result";

export interface ChildPlan {
  code: number;
  stdout: string;
  stderr: string;
  /** With `--emit-json` (the default here), the raw result. */
  result?: PlanResult;
  /** Set when the child was stopped for taking longer than its time limit (in ms). */
  timedOutAfterMs?: number;
  /** The signal that ended the child, if one did. */
  signal?: NodeJS.Signals;
}

export interface ChildPlanOptions {
  /** Stop the child after this long (from when it starts, not from when it was queued). */
  timeoutMs?: number;
  /** Environment variables for the child besides this process's own. */
  env?: NodeJS.ProcessEnv;
}

/** A plan of one stack takes 1-5 s; this is for a child that hangs. */
export const PLAN_TIMEOUT_MS = 120_000;

/** Plan processes of this process running at once: one per CPU. */
export const PLAN_CONCURRENCY = Math.max(1, os.availableParallelism());
/** Where child plans wait for one of the PLAN_CONCURRENCY slots, first come first served. */
export const childPlanSlots = pLimit(PLAN_CONCURRENCY);

/** `npm run plan -- --stack <stack> ...args`; with no extra args, returns the raw result as JSON. */
export function planInChildProcess(
  projectRoot: string,
  stack: string,
  extraArgs: string[] = ["--emit-json"],
  options: ChildPlanOptions = {},
): Promise<ChildPlan> {
  return childPlanSlots(() =>
    runChild(projectRoot, stack, extraArgs, options.timeoutMs ?? PLAN_TIMEOUT_MS, options.env ?? {}),
  );
}

function runChild(
  projectRoot: string,
  stack: string,
  extraArgs: string[],
  timeoutMs: number,
  env: NodeJS.ProcessEnv,
): Promise<ChildPlan> {
  const launcher = path.join(projectRoot, "tools", "run.js");
  const script = path.join(projectRoot, "tools", "commands", "plan.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [launcher, script, "--stack", stack, ...extraArgs], {
      cwd: projectRoot,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    child.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      const emitted = extraArgs.includes("--emit-json") && code === 0;
      resolve({
        code: code ?? 1,
        stdout,
        stderr,
        result: emitted ? (JSON.parse(stdout) as PlanResult) : undefined,
        ...(timedOut ? { timedOutAfterMs: timeoutMs } : {}),
        ...(signal ? { signal } : {}),
      });
    });
  });
}

/**
 * Why a child plan failed, in one line: "timed out after N s", else its last `error:` line (the plan
 * command's one-line report; a crash's stack trace follows that line), else its last line of stderr, else
 * how it ended.
 */
export function failureReason(child: ChildPlan): string {
  if (child.timedOutAfterMs !== undefined) return `timed out after ${child.timedOutAfterMs / 1000} s`;
  const lines = child.stderr
    .split("\n")
    .map((line) => line.trimEnd())
    .filter((line) => line.trim() !== "");
  const errorLine = lines.filter((line) => line.startsWith("error: ")).pop();
  if (errorLine !== undefined) return errorLine.slice("error: ".length);
  if (lines.length > 0) return lines[lines.length - 1].trim();
  return child.signal ? `killed by ${child.signal}` : `exited with code ${child.code} and nothing on stderr`;
}
