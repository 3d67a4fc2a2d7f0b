/**
 * Skipping a test visibly. A skipped test's title carries its reason as `[skipped: <reason>]`, which the
 * summary at the end of `npm test` (test/support/skip-reporter.js) collects into one line.
 *
 * Tests that need a real server or tool (turnserver, promtool) skip only outside CI, with a warning; with
 * `CI` set they run, and a missing tool fails them.
 */

/** Whether this run is CI, where a missing test dependency is a failure, not a skip. */
export const IN_CI = Boolean(process.env.CI);

/** `title [skipped: reason]`: how a skipped test names its reason for the summary. */
export function skippedTitle(title: string, reason: string): string {
  return `${title} [skipped: ${reason}]`;
}

type Body = () => void;
type TestBody = jest.ProvidesCallback;

export interface Conditional {
  describe: (title: string, body: Body) => void;
  it: (title: string, body: TestBody, timeout?: number) => void;
  /** True when the tests run. */
  runs: boolean;
}

/** `describe`/`it` that run when `runs`, and are skipped with `reason` in their titles otherwise. */
export function runIf(runs: boolean, reason: string): Conditional {
  return {
    runs,
    describe: (title, body) => (runs ? describe(title, body) : describe.skip(skippedTitle(title, reason), body)),
    it: (title, body, timeout) =>
      runs ? it(title, body, timeout) : it.skip(skippedTitle(title, reason), body, timeout),
  };
}

/**
 * For tests that need `tool`: they run when it is `available` or when CI is set (a missing tool then fails
 * them); otherwise they are skipped with `reason`, and one warning line says so.
 */
export function requiresTool(testFile: string, tool: string, available: boolean, reason: string): Conditional {
  const runs = available || IN_CI;
  if (!runs) console.warn(`${testFile}: SKIPPED (outside CI): ${tool}: ${reason}`);
  return runIf(runs, `${tool}: ${reason}`);
}
