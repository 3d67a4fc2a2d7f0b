/**
 * The plan subsystem's face: plan one stack in this process, the way `npm run plan` does (tools/commands/plan.ts).
 *
 * Runs the real program (index.ts) under the mock engine with the stack file's config; a stack it reads
 * through a StackReference is planned in a child process (runner.ts) unless its outputs are cached
 * (cache.ts). Contract of what a plan writes and exits with: docs/plan-contract.md.
 */
import * as fs from "fs";
import * as path from "path";
import { readProjectName, readStackFile, stackFilePath } from "../../stacks/stack-files";
import { asReferencedStack, PlanResult } from "./result";
import { cacheOutputs, readCachedOutputs } from "./cache";
import type { CheckedStack } from "./preflight";
import { failureReason, planInChildProcess } from "./runner";

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_CONFIG = 2;
/** With --diff: the plan differs from the one it is compared with. */
export const EXIT_CHANGED = 3;

/** A failure whose message is already the one line to print; `code` is the exit code. */
export class PlanFailure extends Error {
  constructor(
    message: string,
    readonly code: number,
  ) {
    super(message);
  }
}

/**
 * The program: index.ts when run from the sources (tests), index.js when run from the compiled build
 * (tools/run.js). Loaded only once the mocks are set.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded at run time, after mocks are set
const loadProgram = () => require(path.join(__dirname, "..", "..", "index"));

/**
 * Plans one stack in this process: the plan, and the stack file's checked settings and a region's sizes. Referenced
 * stacks are planned in child processes.
 */
export async function planStack(
  projectRoot: string,
  stack: string,
  stackFile?: string,
): Promise<CheckedStack & { result: PlanResult }> {
  const file = stackFile ? path.resolve(stackFile) : stackFilePath(projectRoot, stack);
  if (!fs.existsSync(file)) {
    throw new PlanFailure(
      `${path.relative(process.cwd(), file) || file}: no such stack file for stack "${stack}"`,
      EXIT_BAD_CONFIG,
    );
  }
  const { config, secretKeys } = readStackFile(file, stack);
  // Loaded as needed: a stack file's mistake is found before the engine and the Pulumi SDK are loaded.
  const checked = (await import("./preflight")).checkStackFile(projectRoot, stack, file, config, secretKeys);
  const { runProgram } = await import("./engine");
  const project = readProjectName(projectRoot);
  const result = await runProgram(loadProgram, {
    project,
    stack,
    config,
    secretKeys,
    resolveStackReference: async (name) => {
      const [, refProject, refStack] = name.split("/");
      const refFile = stackFilePath(projectRoot, refStack);
      if (refProject !== project || !fs.existsSync(refFile)) return undefined;
      const cached = readCachedOutputs(projectRoot, refStack, refFile);
      if (cached) return cached;
      const child = await planInChildProcess(projectRoot, refStack);
      if (child.code !== EXIT_OK) {
        throw new PlanFailure(`stack ${refStack}: ${failureReason(child)}`, child.code);
      }
      return asReferencedStack(child.result!);
    },
  });
  cacheOutputs(projectRoot, stack, file, asReferencedStack(result));
  return { ...checked, result };
}
