/** Resources of one load-test pod (`lk perf load-test` simulates many participants per pod). */
export const LOAD_TEST_RESOURCES = { cpus: 2, memoryGiB: 2 } as const;

/**
 * vCPU limit of the testers' NodePool: room for every tester at once, on whole nodes (Karpenter may pick nodes a
 * little larger than needed).
 */
export function loadTestPoolCpu(rooms: number, cpusPerTester: number): number {
  return Math.ceil(rooms * cpusPerTester * 1.25) + 16;
}
