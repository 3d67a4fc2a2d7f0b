/**
 * The order test files start in. Jest's own sequencer runs the files that took longest last time first, so the
 * last worker to finish is not left with a long file while the other one idles; but it keeps those times in its
 * cache, and a fresh clone (CI) has none. Then it orders by file size, which starts the short end-to-end files
 * (each several child plans, the slowest of the run) last. Without a time for every file, this orders by tier
 * instead, the tiers whose files take longest first (end to end, integration, plan, unit), by size within one;
 * a file that failed last time still goes first.
 */
"use strict";
const Sequencer = require("@jest/test-sequencer").default;

/** Tiers by the time their files take, slowest first (the displayNames of jest.config.js). */
const SLOWEST_FIRST = ["e2e", "integration", "plan", "unit"];

class SlowTiersFirst extends Sequencer {
  sort(tests) {
    // Jest's order; it also reads each file's time from the last run into `duration`.
    const sorted = super.sort(tests);
    if (sorted.every((test) => test.duration != null)) return sorted;
    const rank = (test) => {
      const index = SLOWEST_FIRST.indexOf(test.context.config.displayName?.name);
      return index === -1 ? SLOWEST_FIRST.length : index;
    };
    const size = (test) => test.context.hasteFS.getSize(test.path) ?? 0;
    const failed = (test) => (this.hasFailed(test) ? 0 : 1);
    return sorted.sort((a, b) => failed(a) - failed(b) || rank(a) - rank(b) || size(b) - size(a));
  }
}

module.exports = SlowTiersFirst;
