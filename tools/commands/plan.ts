/**
 * The offline plan: `npm run plan -- --stack <name> [--out <dir>] [--show-secrets] [--stack-file <path>]
 * [--diff <dir or git ref>]` (`--help` prints the flags).
 *
 * Runs the real program (index.ts) under Pulumi's mocks with the stack's config and writes what it
 * would create: no cloud account, no Pulumi CLI, no plugins. Contract: docs/plan-contract.md.
 * Exit codes: 0 planned (with --diff: and nothing changed); 3 with --diff, planned and something changed;
 * 2 invalid stack configuration (one `error:` line on stderr); 1 anything else.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../lib/errors";
import { findProjectRoot } from "../../stacks/stack-files";
import { EXIT_BAD_CONFIG, EXIT_CHANGED, EXIT_FAILED, EXIT_OK, PlanFailure, planStack } from "../plan";
import type { PlanResult } from "../plan/result";
import type { PlanSnapshot } from "../plan/diff";
import { formatPlan, writePlan } from "../plan/output";
import { readFlags, UsageError } from "./flags";

// The config schema and the capacity model are loaded by planStack's checks, the summary and the diff where they
// are first needed, and the engine and the Pulumi SDK by planStack once the stack file has passed its checks:
// --help, a mistyped flag, a --diff that names nothing and a mistake in the stack file answer without loading them
// (the end-to-end test of each checks so, with planCommandLoading of test/support/plan.ts).
const loadDiff = () => import("../plan/diff");

const USAGE =
  "usage: npm run plan -- --stack <name> [--out <dir>] [--show-secrets] [--stack-file <path>] [--diff <dir or git ref>]";

const HELP = `${USAGE}
  --stack <name>        the stack to plan, read from Pulumi.<name>.yaml in the project root (required)
  --stack-file <path>   read the stack's config from this file instead; the stack is still called <name>
  --out <dir>           where to write the plan (default .plan/<name>/); the folder is emptied first
  --show-secrets        write secret values in clear instead of "[secret]" (local debugging only)
  --diff <dir or ref>   also compare with a plan folder or a git ref: print a summary of what changed (sizing,
                        cost, exposure, DNS, replacements) and the changed resources; the whole diff goes to
                        <out>/diff.txt and report.html
  -h, --help            print this and exit
exit codes: 0 planned (with --diff: nothing changed), 3 with --diff: something changed,
            2 invalid stack configuration, 1 anything else (docs/plan-contract.md)`;

const FLAGS = {
  stack: { type: "string" },
  out: { type: "string" },
  "stack-file": { type: "string" },
  "show-secrets": { type: "boolean" },
  diff: { type: "string" },
  /**
   * Internal: print the raw result as JSON on stdout (how a plan feeds another plan's StackReferences), instead of
   * the plan's text; with --out, the plan is written there as well.
   */
  "emit-json": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

interface PlanArgs {
  stack: string;
  out?: string;
  showSecrets: boolean;
  stackFile?: string;
  /** A plan directory or a git ref to compare this plan with (tools/plan/diff.ts). */
  diff?: string;
  emitJson: boolean;
}

/** The plan's arguments, or "help" when asked for the usage. */
function parsePlanArgs(argv: string[]): PlanArgs | "help" {
  const flags = readFlags(argv, FLAGS);
  if (flags.help) return "help";
  if (!flags.stack) throw new UsageError("--stack <name> is required");
  return {
    stack: flags.stack,
    out: flags.out,
    showSecrets: flags["show-secrets"] ?? false,
    stackFile: flags["stack-file"],
    diff: flags.diff,
    emitJson: flags["emit-json"] ?? false,
  };
}

async function maskedSnapshot(result: PlanResult, out: string, revealed: boolean): Promise<PlanSnapshot> {
  const { snapshotOfDir } = await loadDiff();
  if (!revealed) return snapshotOfDir(out);
  const masked = fs.mkdtempSync(path.join(os.tmpdir(), "lk-plan-masked-"));
  try {
    writePlan(result, masked, false);
    return snapshotOfDir(masked);
  } finally {
    fs.rmSync(masked, { recursive: true, force: true });
  }
}

async function readDiffBase(projectRoot: string, stack: string, against: string): Promise<PlanSnapshot> {
  const { baseSnapshot, DiffBaseError } = await loadDiff();
  try {
    return baseSnapshot(projectRoot, stack, against);
  } catch (e) {
    if (e instanceof DiffBaseError) throw new PlanFailure(e.message, EXIT_FAILED);
    throw e;
  }
}

export async function main(argv: string[]): Promise<number> {
  let args: PlanArgs | "help";
  try {
    args = parsePlanArgs(argv);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    process.stderr.write(`error: ${e.message}\n${USAGE}\n`);
    return EXIT_FAILED;
  }
  if (args === "help") {
    process.stdout.write(`${HELP}\n`);
    return EXIT_OK;
  }
  const projectRoot = findProjectRoot(__dirname);
  const started = Date.now();
  // The plan to compare with, first: a --diff that names nothing fails at once, and it is read before this
  // plan is written (it may be the very folder this plan is written to).
  const base =
    args.diff === undefined || args.emitJson ? undefined : await readDiffBase(projectRoot, args.stack, args.diff);
  const { result, settings, sizing } = await planStack(projectRoot, args.stack, args.stackFile);
  if (args.emitJson) {
    // With --out, the plan is written there too: one run gives the raw result and the plan as written.
    if (args.out !== undefined) writePlan(result, path.resolve(args.out), args.showSecrets);
    // Resolve only once the pipe has taken it all: process.exit() would cut a large write short.
    await new Promise<void>((resolve) => process.stdout.write(JSON.stringify(result), () => resolve()));
    return EXIT_OK;
  }
  const out = path.resolve(args.out ?? path.join(projectRoot, ".plan", args.stack));
  writePlan(result, out, args.showSecrets);
  const [{ buildSummary, formatSummary }, { renderReport }] = await Promise.all([
    import("../plan/summary"),
    import("../plan/report"),
  ]);
  const summary = buildSummary(result, settings, sizing);
  fs.writeFileSync(path.join(out, "report.html"), renderReport(result, summary));
  process.stdout.write(`${formatPlan(result, args.showSecrets)}\n${formatSummary(summary)}\n\n`);
  process.stdout.write(
    `Planned in ${((Date.now() - started) / 1000).toFixed(1)} s; written to ${path.relative(process.cwd(), out) || "."}/\n`,
  );
  if (base !== undefined) {
    // This plan as written (masked): the same writer as the other side, so only real changes differ.
    const { diffPlans, formatDiff, hasChanges } = await loadDiff();
    const diff = diffPlans(base, await maskedSnapshot(result, out, args.showSecrets));
    const fullDiff = path.join(out, "diff.txt");
    fs.writeFileSync(fullDiff, `${formatDiff(diff, args.diff!, { full: true })}\n`);
    fs.writeFileSync(path.join(out, "report.html"), renderReport(result, summary, diff));
    const shown = path.relative(process.cwd(), fullDiff) || fullDiff;
    process.stdout.write(`\n${formatDiff(diff, args.diff!, { fullDiffAt: shown })}\n`);
    return hasChanges(diff) ? EXIT_CHANGED : EXIT_OK;
  }
  return EXIT_OK;
}

/** One line for the user: bad input (an InputError) exits 2, everything else 1. */
export function report(error: unknown, writeError: (text: string) => void = (t) => process.stderr.write(t)): number {
  const e = error as Error & { code?: number };
  if (e instanceof PlanFailure) {
    writeError(`error: ${e.message}\n`);
    return e.code;
  }
  if (e instanceof InputError) {
    writeError(`error: ${e.message}\n`);
    return EXIT_BAD_CONFIG;
  }
  writeError(`error: ${e?.stack ?? String(e)}\n`);
  return EXIT_FAILED;
}

if (require.main === module) {
  // A failure inside an Output's apply surfaces as an unhandled rejection, not as main's rejection.
  process.on("unhandledRejection", (e) => process.exit(report(e)));
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e) => process.exit(report(e)),
  );
}
