/**
 * A jest reporter that ends the run with one line: how many tests were skipped and why. A test skipped on
 * purpose names its reason in its title (`[skipped: <reason>]`, test/support/skip.ts); any other skipped
 * test (`it.skip`, or left out by `-t`/`.only`) is counted without one.
 */
const REASON = /\[skipped: ([^\]]+)\]/;

class SkipSummaryReporter {
  constructor(globalConfig) {
    this.filtered = Boolean(globalConfig && globalConfig.testNamePattern);
  }

  onRunComplete(_contexts, results) {
    const reasons = new Map();
    let skipped = 0;
    for (const file of results.testResults) {
      for (const test of file.testResults) {
        if (test.status !== "pending" && test.status !== "skipped" && test.status !== "todo") continue;
        skipped++;
        const match = REASON.exec([...test.ancestorTitles, test.title].join(" "));
        const reason = match
          ? match[1]
          : test.status === "todo"
            ? "todo"
            : this.filtered
              ? "not selected by -t"
              : "skipped with no reason given";
        reasons.set(reason, (reasons.get(reason) || 0) + 1);
      }
    }
    const why = [...reasons]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([reason, count]) => `${count} (${reason})`)
      .join("; ");
    const line = skipped === 0 ? "Skipped: none\n" : `Skipped: ${skipped} test${skipped === 1 ? "" : "s"}: ${why}\n`;
    // Jest prints its own summary after every custom reporter: say this last, as the process ends.
    process.once("exit", () => process.stderr.write(line));
  }
}

module.exports = SkipSummaryReporter;
