import { createLimiter } from "../../../tools/plan/limiter";

/** A task that stays running until `finish` is called; `started` says whether the limiter started it. */
function pending<T>(value: T) {
  let finish!: () => void;
  let fail!: (error: Error) => void;
  const task = { started: false, finish: () => finish(), fail: (error: Error) => fail(error) };
  const run = () => {
    task.started = true;
    return new Promise<T>((resolve, reject) => {
      finish = () => resolve(value);
      fail = reject;
    });
  };
  return { task, run };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

describe("the limiter the plan command runs referenced stacks' plans through", () => {
  it("runs at most `limit` tasks at once and starts the next, in order, as each one ends", async () => {
    const limiter = createLimiter(2);
    const tasks = [1, 2, 3, 4, 5].map((n) => pending(n));
    const results = tasks.map(({ run }) => limiter.run(run));
    await tick();
    expect(tasks.map(({ task }) => task.started)).toEqual([true, true, false, false, false]);
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 2, waiting: 3 });

    tasks[1].task.finish();
    await tick();
    expect(tasks.map(({ task }) => task.started)).toEqual([true, true, true, false, false]);
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 2, waiting: 2 });

    tasks[0].task.finish();
    tasks[2].task.finish();
    await tick();
    expect(tasks.map(({ task }) => task.started)).toEqual([true, true, true, true, true]);
    tasks[3].task.finish();
    tasks[4].task.finish();
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect({ active: limiter.active, waiting: limiter.waiting }).toEqual({ active: 0, waiting: 0 });
  });

  it("never has more than `limit` running, however many are queued", async () => {
    const limiter = createLimiter(3);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    await Promise.all(Array.from({ length: 16 }, () => limiter.run(task)));
    expect(most).toBe(3);
  });

  it("frees the slot of a task that fails, or throws before returning a promise, and passes the error on", async () => {
    const limiter = createLimiter(1);
    const failing = pending(0);
    const first = limiter.run(failing.run);
    const second = limiter.run(() => {
      throw new Error("no promise");
    });
    const third = limiter.run(async () => "ran");
    failing.task.fail(new Error("failed"));
    await expect(first).rejects.toThrow("failed");
    await expect(second).rejects.toThrow("no promise");
    await expect(third).resolves.toBe("ran");
    expect(limiter.active).toBe(0);
  });

  it("needs a limit of at least 1", () => {
    expect(() => createLimiter(0)).toThrow("a limiter needs a limit of at least 1, got 0");
    expect(() => createLimiter(1.5)).toThrow(RangeError);
  });
});
