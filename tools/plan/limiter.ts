/**
 * Runs at most `limit` tasks at a time; the others wait their turn, first come first served. The plan
 * command runs referenced stacks' plans through one, so a global stack with many regions never starts more
 * plan processes than the machine has CPUs.
 */
export interface Limiter {
  /** Runs `task` once fewer than `limit` tasks are running; settles as the task does. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Tasks running now. */
  readonly active: number;
  /** Tasks waiting for a turn. */
  readonly waiting: number;
}

export function createLimiter(limit: number): Limiter {
  if (!Number.isInteger(limit) || limit < 1)
    throw new RangeError(`a limiter needs a limit of at least 1, got ${limit}`);
  let active = 0;
  const queue: (() => void)[] = [];
  const release = () => {
    active--;
    queue.shift()?.();
  };
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      const start = (): Promise<T> => {
        active++;
        let running: Promise<T>;
        try {
          running = task();
        } catch (error) {
          running = Promise.reject(error);
        }
        return running.finally(release);
      };
      if (active < limit) return start();
      return new Promise<T>((resolve, reject) => queue.push(() => start().then(resolve, reject)));
    },
    get active() {
      return active;
    },
    get waiting() {
      return queue.length;
    },
  };
}
