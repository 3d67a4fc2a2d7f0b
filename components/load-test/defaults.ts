/** Resources of one load-test pod (`lk perf load-test` simulates many participants per pod). */
export const LOAD_TEST_RESOURCES = { cpus: 2, memoryGiB: 2 } as const;
