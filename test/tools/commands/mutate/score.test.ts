/** tools/commands/mutate/score.ts: a module's counts and score from Stryker's report, as a table row. */
import { moduleScore, tableRow } from "../../../../tools/commands/mutate/score";

const mutants = (...statuses: string[]) => statuses.map((status) => ({ status }));

describe("a module's mutation score", () => {
  const report = {
    files: {
      "lib/ip.ts": {
        mutants: mutants("Killed", "Killed", "Killed", "Timeout", "Survived", "NoCoverage", "CompileError", "Ignored"),
      },
      "lib/other.ts": { mutants: mutants("Survived", "Survived") },
    },
  };

  it("counts its own mutants only, a timeout as detected, compile errors and ignored ones neither way", () => {
    expect(moduleScore(report, "lib/ip.ts", 1.25)).toEqual({
      module: "lib/ip.ts",
      killed: 3,
      survived: 1,
      noCoverage: 1,
      timeout: 1,
      score: (100 * 4) / 6,
      minutes: 1.25,
    });
  });

  it("has no score without a mutant", () => {
    expect(moduleScore(report, "lib/none.ts", 0).score).toBeUndefined();
    expect(
      moduleScore({ files: { "lib/x.ts": { mutants: mutants("CompileError") } } }, "lib/x.ts", 0).score,
    ).toBeUndefined();
  });

  it("is one row of CONTRIBUTING's table", () => {
    expect(tableRow(moduleScore(report, "lib/ip.ts", 1.25))).toBe("| `lib/ip.ts` | 3 | 1 | 1 | 1 | 66.7% | 1.3 |");
    expect(tableRow(moduleScore(report, "lib/none.ts", 0.04))).toBe(
      "| `lib/none.ts` | 0 | 0 | 0 | 0 | no mutants | 0.0 |",
    );
  });
});
