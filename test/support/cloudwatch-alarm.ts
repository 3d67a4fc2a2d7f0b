/**
 * What CloudWatch does with an alarm (Amazon CloudWatch API Reference, PutMetricAlarm, and "Using Amazon CloudWatch
 * alarms"): each period's datapoints are reduced by the statistic and compared with the threshold by the operator;
 * the alarm fires when `datapointsToAlarm` (default `evaluationPeriods`) of the last `evaluationPeriods` periods
 * breach. A period without datapoints counts by `TreatMissingData` ("Configuring how CloudWatch alarms treat missing
 * data"): `breaching` and `notBreaching` as said; `ignore` and `missing` neither breach nor clear, and when every
 * period is missing `ignore` keeps the state and `missing` goes to INSUFFICIENT_DATA. PutMetricAlarm refuses any
 * other statistic, operator or missing-data word, a period that is not 10, 30 or a multiple of 60 seconds, and M
 * above N.
 *
 * Simplified: the evaluation range is the last N periods. CloudWatch retrieves a few more when some are missing, and
 * with N datapoints among them it evaluates those and ignores the missing-data setting; so where periods are missing
 * this gives the earliest a `breaching` alarm fires (a real one may take a period or two longer), and a window of
 * `missing` periods with no good datapoint keeps the state.
 */
export interface AlarmSpec {
  statistic: string;
  period: number;
  evaluationPeriods: number;
  datapointsToAlarm?: number;
  threshold: number;
  comparisonOperator: string;
  treatMissingData: string;
}

const STATISTICS: Record<string, (samples: number[]) => number> = {
  Average: (s) => s.reduce((a, b) => a + b, 0) / s.length,
  Maximum: (s) => Math.max(...s),
  Minimum: (s) => Math.min(...s),
  Sum: (s) => s.reduce((a, b) => a + b, 0),
};
const OPERATORS: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanThreshold: (v, t) => v > t,
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};
const TREAT_MISSING_DATA = ["breaching", "notBreaching", "ignore", "missing"];
const validPeriod = (p: number) => p === 10 || p === 30 || (p > 0 && p % 60 === 0);

export type AlarmStateValue = "OK" | "ALARM" | "INSUFFICIENT_DATA";

/** The alarm's state after these periods (each a list of samples; empty: no datapoints), from `previous`. */
export function alarmState(spec: AlarmSpec, periods: number[][], previous: AlarmStateValue = "OK"): AlarmStateValue {
  const reduce = STATISTICS[spec.statistic];
  const breaches = OPERATORS[spec.comparisonOperator];
  const toAlarm = spec.datapointsToAlarm ?? spec.evaluationPeriods;
  if (
    !reduce ||
    !breaches ||
    !TREAT_MISSING_DATA.includes(spec.treatMissingData) ||
    !validPeriod(spec.period) ||
    spec.evaluationPeriods < 1 ||
    toAlarm < 1 ||
    toAlarm > spec.evaluationPeriods
  )
    throw new Error("PutMetricAlarm refuses this alarm");
  const window = periods.slice(-spec.evaluationPeriods).map((samples) => {
    if (samples.length > 0) return breaches(reduce(samples), spec.threshold);
    if (spec.treatMissingData === "breaching") return true;
    return spec.treatMissingData === "notBreaching" ? false : undefined;
  });
  if (window.every((b) => b === undefined)) return spec.treatMissingData === "missing" ? "INSUFFICIENT_DATA" : previous;
  if (window.filter((b) => b === true).length >= toAlarm) return "ALARM";
  return window.some((b) => b === false) ? "OK" : previous;
}
