/**
 * A module's mutation score from Stryker's report (the mutation-testing-report-schema JSON it writes as its
 * incremental file), as the row CONTRIBUTING's table records.
 */

/** The part of a Stryker report a score needs: each mutant's status, by file. */
export interface MutationReport {
  files: Record<string, { mutants: { status: string }[] }>;
}

export interface ModuleScore {
  module: string;
  killed: number;
  survived: number;
  noCoverage: number;
  timeout: number;
  /** (killed + timed out) / (killed + timed out + survived + no coverage), in percent; undefined with no mutant. */
  score?: number;
  minutes: number;
}

/**
 * The counts of `module`'s mutants. A timed-out mutant counts as detected (it made a test hang), as Stryker
 * counts it; compile and run-time errors and ignored mutants count neither way.
 */
export function moduleScore(report: MutationReport, module: string, minutes: number): ModuleScore {
  const statuses = (report.files[module]?.mutants ?? []).map((mutant) => mutant.status);
  const count = (status: string) => statuses.filter((s) => s === status).length;
  const [killed, survived, noCoverage, timeout] = ["Killed", "Survived", "NoCoverage", "Timeout"].map(count);
  const valid = killed + survived + noCoverage + timeout;
  return {
    module,
    killed,
    survived,
    noCoverage,
    timeout,
    score: valid === 0 ? undefined : (100 * (killed + timeout)) / valid,
    minutes,
  };
}

export const TABLE_HEADER = [
  "| module | killed | survived | no coverage | timeout | score | minutes |",
  "| --- | --: | --: | --: | --: | --: | --: |",
];

/** One row of CONTRIBUTING's score table. */
export const tableRow = ({ module, killed, survived, noCoverage, timeout, score, minutes }: ModuleScore) =>
  `| \`${module}\` | ${killed} | ${survived} | ${noCoverage} | ${timeout} | ${score === undefined ? "no mutants" : `${score.toFixed(1)}%`} | ${minutes.toFixed(1)} |`;
