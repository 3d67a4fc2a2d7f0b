/**
 * The order test files start in. With timings from an earlier run, jest's own: slowest first, so no worker is
 * left with a long file at the end. Without (a fresh clone, CI), jest falls back to file size, which puts a short
 * but slow e2e file (a few child plans) near the end; this starts the tiers that spend longest per file first:
 * e2e, integration, plan, then unit, each by size.
 */
"use strict";
const Sequencer = require("@jest/test-sequencer").default;

const SLOWEST_TIERS_FIRST = [/\.e2e\.test\.ts$/, /\.int\.test\.ts$/, /\.plan\.test\.ts$/];
const tierRank = (test) => {
  const rank = SLOWEST_TIERS_FIRST.findIndex((suffix) => suffix.test(test.path));
  return rank < 0 ? SLOWEST_TIERS_FIRST.length : rank;
};

class SlowestTiersFirst extends Sequencer {
  sort(tests) {
    const sorted = super.sort(tests);
    if (sorted.some((test) => test.duration != null)) return sorted;
    return [...sorted].sort((a, b) => tierRank(a) - tierRank(b)); // stable: by size within a tier
  }
}

module.exports = SlowestTiersFirst;
