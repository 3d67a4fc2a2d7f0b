/**
 * The order test files start in. Jest's own sequencer runs the files that took longest last time first, so the
 * last worker to finish is not left with a long file while the other one idles; but it keeps those times in its
 * cache, and a fresh clone (CI) has none. Then it orders by file size, which starts the short end-to-end files
 * (each several child plans, the slowest of the run) last. So a file without a time from the last run takes its
 * tier's typical one (the median of that tier's files that have one); with no time at all (a fresh clone), the
 * tiers whose files take longest go first (end to end, integration, plan, unit), by size within one. A file that
 * failed last time still goes first.
 */
"use strict";
const Sequencer = require("@jest/test-sequencer").default;

/** Tiers by the time their files take, slowest first (the displayNames of jest.config.js). */
const SLOWEST_FIRST = ["e2e", "integration", "plan", "unit"];

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};

/**
 * `files` in the order to start them. Each: `{ tier, duration (ms, or null when not known), size (bytes), failed }`.
 */
function startOrder(files) {
  const rank = (file) => {
    const index = SLOWEST_FIRST.indexOf(file.tier);
    return index === -1 ? SLOWEST_FIRST.length : index;
  };
  const failedFirst = (a, b) => Number(b.failed) - Number(a.failed);
  const known = files.filter((file) => file.duration != null);
  if (known.length === 0) return [...files].sort((a, b) => failedFirst(a, b) || rank(a) - rank(b) || b.size - a.size);
  // A tier without times: the longest time known if it is slower than every tier with times (a first end-to-end
  // file when only unit files ran), else the median of every time known.
  const allTimes = known.map((file) => file.duration);
  const slowestTimedRank = Math.min(...known.map(rank));
  const untimedTier = (tier) => (rank({ tier }) < slowestTimedRank ? Math.max(...allTimes) : median(allTimes));
  const typical = new Map();
  for (const tier of new Set(files.map((file) => file.tier))) {
    const times = known.filter((file) => file.tier === tier).map((file) => file.duration);
    typical.set(tier, times.length > 0 ? median(times) : untimedTier(tier));
  }
  const duration = (file) => file.duration ?? typical.get(file.tier);
  return [...files].sort(
    (a, b) => failedFirst(a, b) || duration(b) - duration(a) || rank(a) - rank(b) || b.size - a.size,
  );
}

class SlowTiersFirst extends Sequencer {
  sort(tests) {
    // Jest's order; it also reads each file's time from the last run into `duration`.
    const sorted = super.sort(tests);
    if (sorted.every((test) => test.duration != null)) return sorted;
    const files = sorted.map((test) => ({
      test,
      tier: test.context.config.displayName?.name,
      duration: test.duration ?? null,
      size: test.context.hasteFS.getSize(test.path) ?? 0,
      failed: this.hasFailed(test),
    }));
    return startOrder(files).map((file) => file.test);
  }
}

module.exports = SlowTiersFirst;
module.exports.startOrder = startOrder;
