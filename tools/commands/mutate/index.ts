/**
 * Mutation testing, module by module: `npm run mutate -- [--changed] [--base <ref>] [--list] [--force] [<module>...]`.
 *
 *   npm run mutate                      every module Stryker mutates (stryker.config.json), one at a time
 *   npm run mutate -- lib/ip.ts         the modules named
 *   npm run mutate -- --changed         the modules a change touches: the files the work tree changed since it
 *                                       left `main` (or --base <ref>; git diff --merge-base), untracked ones
 *                                       included, and the modules whose own tests are among them
 *   npm run mutate -- --list            the modules and their tests (targets.ts), without running anything
 *   npm run mutate -- --force ...       every mutant again: Stryker reuses a static mutant's survival even when
 *                                       tests were added, since it knows no test that covers it
 *
 * Each module runs in its own Stryker process against its own unit tests only (targets.ts; jest.mutate.config.js
 * reads them from MUTATE_TESTS), in incremental mode with one file per module under reports/mutation/incremental/:
 * a second run retests only the mutants whose code or tests changed. The process runs at the lowest CPU priority.
 * At the end it prints a row per module for CONTRIBUTING's score table (score.ts). A module without a unit test
 * of its own is listed, not run. `npx stryker run` still runs everything against every unit test at once.
 *
 * Exit codes: 0 done; 1 a Stryker run failed; 2 bad input (one `error: ...` line).
 */
import { execFileSync, spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseArgs } from "node:util";
import { findProjectRoot } from "../../../stacks/stack-files";
import { MutationReport, ModuleScore, moduleScore, TABLE_HEADER, tableRow } from "./score";
import { mirroredTest, MutationTarget, mutatedBy, mutationTargets, touchedModules } from "./targets";

export const EXIT_OK = 0;
export const EXIT_RUN_FAILED = 1;
export const EXIT_BAD_INPUT = 2;

const INCREMENTAL_DIR = path.join("reports", "mutation", "incremental");

class MutateInputError extends Error {}

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

interface Request {
  modules: string[];
  changed: boolean;
  base: string;
  list: boolean;
  force: boolean;
}

export function parseRequest(argv: string[]): Request {
  try {
    const { values, positionals } = parseArgs({
      args: argv,
      options: {
        changed: { type: "boolean" },
        base: { type: "string" },
        list: { type: "boolean" },
        force: { type: "boolean" },
      },
      allowPositionals: true,
    });
    if (values.changed && positionals.length > 0) throw new MutateInputError("--changed takes no module names");
    if (values.base !== undefined && !values.changed) throw new MutateInputError("--base goes with --changed");
    return {
      modules: positionals,
      changed: values.changed ?? false,
      base: values.base ?? "main",
      list: values.list ?? false,
      force: values.force ?? false,
    };
  } catch (e) {
    if (e instanceof MutateInputError) throw e;
    throw new MutateInputError((e as Error).message.split("\n")[0]);
  }
}

const git = (root: string, args: string[]) =>
  execFileSync("git", args, { cwd: root, encoding: "utf8" }).split("\n").filter(Boolean);

/** The project's files: tracked, and untracked but not ignored. */
const projectFiles = (root: string) => git(root, ["ls-files", "--cached", "--others", "--exclude-standard"]);

/** The modules a request names, in the order Stryker's globs list them. */
export function selectModules(
  request: Request,
  modules: string[],
  files: ReadonlySet<string>,
  changed: () => string[],
) {
  if (request.changed) return touchedModules(changed(), modules, files);
  if (request.modules.length === 0) return modules;
  for (const module of request.modules)
    if (!modules.includes(module))
      throw new MutateInputError(`module: not one Stryker mutates (stryker.config.json "mutate"), got ${module}`);
  return modules.filter((module) => request.modules.includes(module));
}

/** One Stryker run over `target`; its score, or undefined when Stryker failed. */
function runStryker(root: string, { module, tests }: MutationTarget, force: boolean): ModuleScore | undefined {
  const incrementalFile = path.join(INCREMENTAL_DIR, `${module}.json`);
  const started = Date.now();
  const run = spawnSync(
    process.execPath,
    [
      path.join(
        path.dirname(require.resolve("@stryker-mutator/core/package.json", { paths: [root] })),
        "bin",
        "stryker.js",
      ),
      "run",
      "--mutate",
      module,
      "--incremental",
      "--incrementalFile",
      incrementalFile,
      ...(force ? ["--force"] : []),
    ],
    { cwd: root, stdio: "inherit", env: { ...process.env, MUTATE_TESTS: tests.join(",") } },
  );
  if (run.status !== 0) return undefined;
  const report = JSON.parse(fs.readFileSync(path.join(root, incrementalFile), "utf8")) as MutationReport;
  return moduleScore(report, module, (Date.now() - started) / 60000);
}

export function main(argv: string[], out: Output = console, root = findProjectRoot(__dirname)): number {
  let targets: MutationTarget[];
  let force = false;
  try {
    const request = parseRequest(argv);
    force = request.force;
    const files = projectFiles(root);
    const fileSet = new Set(files);
    const config = JSON.parse(fs.readFileSync(path.join(root, "stryker.config.json"), "utf8")) as { mutate: string[] };
    const modules = files.filter(mutatedBy(config.mutate)).sort();
    const changed = () => [
      ...git(root, ["diff", "--name-only", "--merge-base", request.base]),
      ...git(root, ["ls-files", "--others", "--exclude-standard"]),
    ];
    targets = mutationTargets(selectModules(request, modules, fileSet, changed), fileSet);
    if (request.list) {
      for (const { module, tests } of targets) out.log(`${module}: ${tests.join(" ") || "(no unit test of its own)"}`);
      return EXIT_OK;
    }
  } catch (e) {
    if (!(e instanceof MutateInputError)) throw e;
    out.error(`error: ${e.message}`);
    return EXIT_BAD_INPUT;
  }
  os.setPriority(19);
  const scores: ModuleScore[] = [];
  const unscored: string[] = [];
  let failed = false;
  for (const target of targets) {
    if (target.tests.length === 0) {
      unscored.push(`${target.module}: not scored, no unit test of its own (${mirroredTest(target.module)})`);
      continue;
    }
    out.log(`\n== ${target.module} against ${target.tests.join(", ")}`);
    const score = runStryker(root, target, force);
    if (score === undefined) {
      failed = true;
      unscored.push(`${target.module}: the Stryker run failed (above)`);
    } else scores.push(score);
  }
  if (scores.length > 0) for (const line of [...TABLE_HEADER, ...scores.map(tableRow)]) out.log(line);
  for (const line of unscored) out.log(line);
  return failed ? EXIT_RUN_FAILED : EXIT_OK;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
