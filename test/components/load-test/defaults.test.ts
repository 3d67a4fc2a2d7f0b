/**
 * The load test's sizes and its duration: the duration is what `lk perf load-test --duration` takes and what the
 * config holds below the testers' node expiry, so both read it with this one parser.
 */
import {
  LOAD_TEST_NODE_EXPIRY_HOURS,
  loadTestDurationInSeconds,
  loadTestPoolCpu,
} from "../../../components/load-test/defaults";

describe("loadTestDurationInSeconds", () => {
  it("reads one whole number and a unit of seconds, minutes or hours", () => {
    expect(loadTestDurationInSeconds("90s")).toBe(90);
    expect(loadTestDurationInSeconds("10m")).toBe(600);
    expect(loadTestDurationInSeconds("23h")).toBe(82_800);
    expect(loadTestDurationInSeconds(`${LOAD_TEST_NODE_EXPIRY_HOURS}h`)).toBe(86_400);
  });

  it("refuses anything else: no unit, two units, a fraction, spaces, another unit", () => {
    for (const text of ["90", "1h30m", "1.5h", " 90s", "90s ", "2d", "", "m"])
      expect(loadTestDurationInSeconds(text)).toBeUndefined();
  });
});

describe("loadTestPoolCpu", () => {
  it("holds every tester at once with a quarter more and 16 vCPUs for whole nodes", () => {
    expect(loadTestPoolCpu(10, 2)).toBe(Math.ceil(10 * 2 * 1.25) + 16);
    expect(loadTestPoolCpu(1, 2)).toBe(19); // 2.5 rounded up, plus 16
    expect(loadTestPoolCpu(0, 2)).toBe(16);
  });
});
