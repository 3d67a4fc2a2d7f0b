/**
 * Runs the plan command in a child process. Each Pulumi program needs a process of its own (the SDK's
 * runtime state is global), so a plan that reads other stacks plans them this way, and so do the tests
 * that exercise the command end to end.
 */
import { spawn } from "child_process";
import * as path from "path";
import type { PlanResult } from "./engine";

export interface ChildPlan {
  code: number;
  stdout: string;
  stderr: string;
  /** With `--emit-json` (the default here), the raw result. */
  result?: PlanResult;
}

const PLAN_TIMEOUT_MS = 120_000;

/** `node tools/plan.ts --stack <stack> ...args`; with no extra args, returns the raw result as JSON. */
export function planInChildProcess(
  projectRoot: string,
  stack: string,
  extraArgs: string[] = ["--emit-json"],
): Promise<ChildPlan> {
  const script = path.join(projectRoot, "tools", "plan.ts");
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ["-r", "ts-node/register/transpile-only", script, "--stack", stack, ...extraArgs],
      {
        cwd: projectRoot,
        env: { ...process.env, TS_NODE_PROJECT: path.join(projectRoot, "tsconfig.json") },
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    const timer = setTimeout(() => child.kill("SIGKILL"), PLAN_TIMEOUT_MS);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      const emitted = extraArgs.includes("--emit-json") && code === 0;
      resolve({ code: code ?? 1, stdout, stderr, result: emitted ? (JSON.parse(stdout) as PlanResult) : undefined });
    });
  });
}
