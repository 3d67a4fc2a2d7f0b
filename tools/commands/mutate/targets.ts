/**
 * Which modules a mutation run scores, and with which tests: the per-module test map.
 *
 * A module is a file Stryker mutates (the `mutate` globs of stryker.config.json). Its own tests are its mirrored
 * unit test, `test/<same path>.test.ts`, plus the tests GUARDING_TESTS names for it. Scoring a module against its
 * own tests only keeps a run short (Stryker loads just those files for every mutant) and makes the score say
 * what those tests guard, not what some distant test happens to touch.
 */
import * as path from "path";
import { minimatch } from "minimatch";

/**
 * Unit tests that guard modules under another name than the mirrored one, by module or by folder (a key ending
 * in `/` covers every module under it). A test listed here counts as a change to each of those modules. An
 * integration test may be listed when it runs only a local binary in a second or two (promtool evaluating the
 * queries a module writes): the unit tier starts no such binary, but a mutant of a query only that binary kills.
 */
export const GUARDING_TESTS: Record<string, string[]> = {
  // The capacity model is tested as a whole (plan, rules, traffic, bounds, room mix, prices).
  "lib/capacity/": [
    "test/lib/capacity/capacity.test.ts",
    "test/lib/capacity/cost.test.ts",
    "test/lib/capacity/media-limits.test.ts",
  ],
  "lib/capacity/cost.ts": ["test/stacks/cost-config.test.ts"],
  "lib/instance-types.ts": ["test/lib/capacity/capacity.test.ts", "test/lib/capacity/media-limits.test.ts"],
  // Every section's bad inputs go through the parser, as a stack file's would; its descriptions and defaults are
  // what docs/config.md says, which the reference's test compares.
  "stacks/config/": ["test/stacks/config/parse.test.ts", "test/tools/commands/config-reference.test.ts"],
  "stacks/sizing.ts": [
    "test/stacks/cost-config.test.ts",
    "test/stacks/config/region/index.test.ts",
    "test/stacks/coturn-settings.test.ts",
    "test/stacks/sfu-node-memory.test.ts",
  ],
  // What the scheduler counts for the SFU pods as built, which the SFU node type must hold.
  "components/livekit/pod.ts": ["test/stacks/sfu-node-memory.test.ts"],
  "components/coturn/pod.ts": ["test/stacks/sfu-node-memory.test.ts"],
  "components/monitoring/dashboards/": [
    "test/components/monitoring/dashboards.test.ts",
    "test/components/monitoring/dashboards.int.test.ts",
    "test/components/monitoring/upstream-metrics.test.ts",
  ],
  "components/egress/scaling.ts": ["test/components/egress/scaling.int.test.ts"],
  "components/monitoring/alert-rules.ts": ["test/components/monitoring/upstream-metrics.test.ts"],
  "components/coturn/start.ts": ["test/components/coturn/pod.test.ts"],
  "components/load-test/node-pool.ts": ["test/components/load-test/pod.test.ts"],
  // A partition's refusals are read whole, as the config's lines that show them.
  "lib/aws-partitions.ts": ["test/stacks/config/partitions.test.ts"],
  // checkRegionAgainstSiblings and lenient discovery are exercised through the stack-file checks.
  "stacks/regions.ts": ["test/stacks/stack-file-checks.test.ts"],
};

/** What one run scores: a module and the unit tests it is scored against (none: it cannot be scored yet). */
export interface MutationTarget {
  module: string;
  tests: string[];
}

/**
 * Whether Stryker mutates a file, by its `mutate` globs read in order as Stryker reads them: a pattern adds the
 * files it matches, a `!pattern` takes them out again. Paths are relative to the project root, with `/`.
 */
export function mutatedBy(patterns: string[]): (file: string) => boolean {
  return (file) =>
    patterns.reduce(
      (mutated, pattern) =>
        pattern.startsWith("!") ? mutated && !minimatch(file, pattern.slice(1)) : mutated || minimatch(file, pattern),
      false,
    );
}

/** test/<module's path>.test.ts */
export const mirroredTest = (module: string) => path.posix.join("test", module.replace(/\.ts$/, ".test.ts"));

/** The module's own unit tests among `files` (the project's files): the mirrored one first, then GUARDING_TESTS'. */
export function ownTests(module: string, files: ReadonlySet<string>): string[] {
  const guarding = Object.entries(GUARDING_TESTS).flatMap(([key, tests]) =>
    key === module || (key.endsWith("/") && module.startsWith(key)) ? tests : [],
  );
  return [...new Set([mirroredTest(module), ...guarding])].filter((test) => files.has(test));
}

/**
 * The modules a change touches: each changed module, and each module whose own tests include a changed test
 * file. `modules` are every module Stryker mutates, `files` the project's files; the result keeps their order.
 */
export function touchedModules(changed: string[], modules: string[], files: ReadonlySet<string>): string[] {
  const changes = new Set(changed);
  return modules.filter((module) => changes.has(module) || ownTests(module, files).some((test) => changes.has(test)));
}

/** Each module with its own tests. */
export const mutationTargets = (modules: string[], files: ReadonlySet<string>): MutationTarget[] =>
  modules.map((module) => ({ module, tests: ownTests(module, files) }));
