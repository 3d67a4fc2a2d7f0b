import { ChildPlan, failureReason } from "../../../tools/plan/runner";

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
