/**
 * lib/errors.ts carries Pulumi's RunError mark instead of importing the SDK: this holds the pinned SDK to it,
 * so `pulumi up` keeps printing an InputError as its one line, without a stack trace.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../../lib/errors";

describe("the one error for bad input, under Pulumi", () => {
  it("is a RunError to the SDK, which prints only its message", () => {
    expect(pulumi.RunError.isInstance(new InputError("livekit-platform:domain", "is required", undefined))).toBe(true);
    expect(pulumi.RunError.isInstance(new Error("a bug"))).toBe(false);
  });
});
