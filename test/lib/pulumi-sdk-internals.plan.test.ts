/**
 * lib/pulumi-sdk-internals.js against the installed SDK: the internals that no other test reaches directly.
 * (The mock monitor, promise traces and waitForRPCs are held by test/tools/plan/engine.plan.test.ts; the
 * deferred modules by test/lib/deferred-modules.plan.test.ts and test/tools/run.e2e.test.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import { configSecretKeys, RUN_ERROR_MARK } from "../../lib/pulumi-sdk-internals";

describe("the SDK internals, under the installed SDK", () => {
  it("name the config keys Pulumi holds as secret, and only those", () => {
    const config = { "livekit-platform:domain": "example.com", "livekit-platform:applicationKeys": "{}" };
    pulumi.runtime.setAllConfig(config, ["livekit-platform:applicationKeys"]);
    expect(configSecretKeys(config)).toEqual(["livekit-platform:applicationKeys"]);
    pulumi.runtime.setAllConfig(config, []);
    expect(configSecretKeys(config)).toEqual([]);
  });

  it("mark an error as a RunError the way the SDK checks it", () => {
    expect(pulumi.RunError.isInstance({ [RUN_ERROR_MARK]: true })).toBe(true);
    expect(pulumi.RunError.isInstance(new pulumi.RunError("x"))).toBe(true);
    expect(pulumi.RunError.isInstance(new Error("x"))).toBe(false);
  });
});
