import { failureReason, planInChildProcess } from "../../../tools/plan/runner";
import { projectRoot } from "../../support/plan";

describe("a plan in a child process", () => {
  it("is stopped at its time limit, and says so", async () => {
    const run = await planInChildProcess(projectRoot, "mumbai", ["--emit-json"], { timeoutMs: 50 });
    expect(run).toMatchObject({ code: 1, timedOutAfterMs: 50, signal: "SIGKILL", result: undefined });
    expect(failureReason(run)).toBe("timed out after 0.05 s");
  });
});
