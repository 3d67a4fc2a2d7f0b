/** Resources of one load-test pod (`lk perf load-test` simulates many participants per pod). */
export const LOAD_TEST_RESOURCES = { cpus: 2, memoryGiB: 2 } as const;

/**
 * vCPU limit of the testers' NodePool: room for every tester at once, on whole nodes (Karpenter may pick nodes a
 * little larger than needed).
 */
export function loadTestPoolCpu(rooms: number, cpusPerTester: number): number {
  return Math.ceil(rooms * cpusPerTester * 1.25) + 16;
}

/**
 * The testers' nodes expire after this many hours, so a forgotten pool empties itself. Karpenter v1's expiry is
 * forceful (it ignores disruption budgets; website/content/en/docs/concepts/disruption.md at v1.14.1), so a test
 * must end well before it: the config refuses a longer duration.
 */
export const LOAD_TEST_NODE_EXPIRY_HOURS = 24;

/** Seconds of a load test's duration, one whole number and a unit ("90s", "10m", "2h"); undefined for anything else. */
export function loadTestDurationInSeconds(duration: string): number | undefined {
  const match = /^(\d+)(s|m|h)$/.exec(duration);
  return match ? Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"] : undefined;
}
