/**
 * The order test files start in (test/support/slow-tiers-first.js): longest first, so no worker is left alone
 * with a long file at the end of the run, even when jest knows the times of only some files.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- jest.config.js loads it as plain JavaScript
const { startOrder } = require("../support/slow-tiers-first");

export {}; // a module, not a script: its names stay its own

interface TestFile {
  name: string;
  tier: string;
  duration: number | null;
  size: number;
  failed: boolean;
}
const file = (name: string, tier: string, duration: number | null, size = 1000, failed = false): TestFile => ({
  name,
  tier,
  duration,
  size,
  failed,
});
const order = (files: TestFile[]) => (startOrder(files) as TestFile[]).map((f) => f.name);

describe("the start order of test files", () => {
  it("on a fresh clone (no times), the slow tiers first, the larger file first within one", () => {
    expect(
      order([
        file("unit-big", "unit", null, 9000),
        file("plan", "plan", null),
        file("e2e-small", "e2e", null, 100),
        file("int", "integration", null),
        file("e2e-big", "e2e", null, 5000),
      ]),
    ).toEqual(["e2e-big", "e2e-small", "int", "plan", "unit-big"]);
  });

  it("gives a file without a time its tier's median, so one new file does not undo the others' times", () => {
    expect(
      order([
        file("unit-new", "unit", null, 2000),
        file("e2e-slow", "e2e", 20_000),
        file("e2e-new", "e2e", null, 500),
        file("e2e-fast", "e2e", 2_000),
        file("e2e-mid", "e2e", 9_000),
        file("plan", "plan", 5_000),
        file("unit", "unit", 300),
      ]),
    ).toEqual(["e2e-slow", "e2e-mid", "e2e-new", "plan", "e2e-fast", "unit-new", "unit"]);
  });

  it("gives a file of a tier with no times, not slower than every timed tier, the median of all", () => {
    expect(
      order([
        file("int-new", "integration", null),
        file("e2e", "e2e", 9_000),
        file("a", "unit", 100),
        file("b", "plan", 3_000),
      ]),
    ).toEqual(["e2e", "int-new", "b", "a"]);
  });

  it("starts a first file of a tier slower than every timed one with the longest time known", () => {
    expect(order([file("unit", "unit", 100), file("plan", "plan", 4_000), file("e2e-new", "e2e", null)])).toEqual([
      "e2e-new",
      "plan",
      "unit",
    ]);
  });

  it("puts a file that failed last time first", () => {
    expect(order([file("slow", "e2e", 9_000), file("failed", "unit", 100, 10, true)])[0]).toBe("failed");
    expect(order([file("e2e", "e2e", null), file("failed", "unit", null, 10, true)])[0]).toBe("failed");
  });
});
