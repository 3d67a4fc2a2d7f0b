import * as os from "os";
import pLimit from "p-limit";
import { ChildPlan, childPlanSlots, failureReason, PLAN_CONCURRENCY } from "../../../tools/plan/runner";

const child = (fields: Partial<ChildPlan>): ChildPlan => ({ code: 1, stdout: "", stderr: "", ...fields });

describe("why a referenced stack's plan failed, in one line", () => {
  it("says a child that was stopped timed out, and after how long", () => {
    expect(failureReason(child({ timedOutAfterMs: 120_000, signal: "SIGKILL", stderr: "warning: slow\n" }))).toBe(
      "timed out after 120 s",
    );
  });

  it("passes on the plan command's error line, without its prefix or the stack trace after it", () => {
    const stderr = [
      "error: Error: canada's program is broken",
      "    at Object.<anonymous> (/p/.plan/.build/0123/stacks/region.js:1:70)",
      "    at Module._compile (node:internal/modules/cjs/loader:1554:14)",
      "",
    ].join("\n");
    expect(failureReason(child({ stderr }))).toBe("Error: canada's program is broken");
    expect(
      failureReason(child({ code: 2, stderr: 'error: livekit-platform:domain: must be a DNS name, got "x"\n' })),
    ).toBe('livekit-platform:domain: must be a DNS name, got "x"');
  });

  it("falls back to the last line of stderr, then to how the process ended", () => {
    expect(failureReason(child({ stderr: "FATAL ERROR: Reached heap limit\n\n" }))).toBe(
      "FATAL ERROR: Reached heap limit",
    );
    expect(failureReason(child({ signal: "SIGTERM" }))).toBe("killed by SIGTERM");
    expect(failureReason(child({ code: 3 }))).toBe("exited with code 3 and nothing on stderr");
  });
});

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

describe("p-limit, the queue referenced stacks' plans wait in (as tools/plan/runner.ts relies on it)", () => {
  it("runs at most `limit` tasks at once and starts the next, in order, as each one ends", async () => {
    const limiter = pLimit(2);
    const tasks = [1, 2, 3, 4, 5].map((n) => pending(n));
    const results = tasks.map(({ run }) => limiter(run));
    await tick();
    expect(tasks.map(({ task }) => task.started)).toEqual([true, true, false, false, false]);
    expect({ active: limiter.activeCount, waiting: limiter.pendingCount }).toEqual({ active: 2, waiting: 3 });

    tasks[1].task.finish();
    await tick();
    expect(tasks.map(({ task }) => task.started)).toEqual([true, true, true, false, false]);
    expect({ active: limiter.activeCount, waiting: limiter.pendingCount }).toEqual({ active: 2, waiting: 2 });

    tasks[0].task.finish();
    tasks[2].task.finish();
    await tick();
    expect(tasks.map(({ task }) => task.started)).toEqual([true, true, true, true, true]);
    tasks[3].task.finish();
    tasks[4].task.finish();
    await expect(Promise.all(results)).resolves.toEqual([1, 2, 3, 4, 5]);
    expect({ active: limiter.activeCount, waiting: limiter.pendingCount }).toEqual({ active: 0, waiting: 0 });
  });

  it("never has more than `limit` running, however many are queued", async () => {
    const limiter = pLimit(3);
    let running = 0;
    let most = 0;
    const task = async () => {
      running++;
      most = Math.max(most, running);
      await tick();
      running--;
    };
    await Promise.all(Array.from({ length: 16 }, () => limiter(task)));
    expect(most).toBe(3);
  });

  it("frees the slot of a task that fails, or throws before returning a promise, and passes the error on", async () => {
    const limiter = pLimit(1);
    const failing = pending(0);
    const first = limiter(failing.run);
    const second = limiter(() => {
      throw new Error("no promise");
    });
    const third = limiter(async () => "ran");
    await tick(); // p-limit starts a task a microtask after it is queued
    failing.task.fail(new Error("failed"));
    await expect(first).rejects.toThrow("failed");
    await expect(second).rejects.toThrow("no promise");
    await expect(third).resolves.toBe("ran");
    expect(limiter.activeCount).toBe(0);
  });

  it("needs a limit of at least 1", () => {
    expect(() => pLimit(0)).toThrow("Expected `concurrency` to be a number from 1 and up");
    expect(() => pLimit(1.5)).toThrow(TypeError);
  });

  it("is the runner's queue, with a slot per CPU", async () => {
    const tasks = Array.from({ length: PLAN_CONCURRENCY + 1 }, (_, n) => pending(n));
    const results = tasks.map(({ run }) => childPlanSlots(run));
    await tick();
    expect(PLAN_CONCURRENCY).toBe(Math.max(1, os.availableParallelism()));
    expect({ active: childPlanSlots.activeCount, waiting: childPlanSlots.pendingCount }).toEqual({
      active: PLAN_CONCURRENCY,
      waiting: 1,
    });
    tasks.slice(0, PLAN_CONCURRENCY).forEach(({ task }) => task.finish());
    await tick();
    expect(tasks[PLAN_CONCURRENCY].task.started).toBe(true);
    tasks[PLAN_CONCURRENCY].task.finish();
    await expect(Promise.all(results)).resolves.toEqual(tasks.map((_, n) => n));
  });
});
