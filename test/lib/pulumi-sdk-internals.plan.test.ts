/**
 * lib/pulumi-sdk-internals.js against the installed SDK: the internals that no other test reaches directly.
 * (The mock monitor, promise traces and waitForRPCs are held by test/tools/plan/engine.plan.test.ts; the
 * deferred modules by test/tools/run.e2e.test.ts, which also holds when the plan command loads a provider's
 * namespaces.)
 */
import * as pulumi from "@pulumi/pulumi";
import {
  configSecretKeys,
  DEFERRED_NAMESPACE_PACKAGES,
  DEFERRED_SDK_MODULES,
  deferredExports,
  RUN_ERROR_MARK,
} from "../../lib/pulumi-sdk-internals";

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

describe("a provider package with its namespaces deferred (jest's stand-in, and the plan command's)", () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- by name, as the program and jest resolve it
  const load = (request: string) => require(request);

  it.each(DEFERRED_NAMESPACE_PACKAGES)("%s exports every name its own index does, each the package's own", (pkg) => {
    const deferred = load(pkg);
    const real = load(`${pkg}/index.js`);
    expect(deferred).not.toBe(real);
    expect(Object.keys(deferred).sort()).toEqual(Object.keys(real).sort());
    const [namespace, member] = pkg === "@pulumi/aws" ? ["ec2", "Vpc"] : ["core", "v1"];
    expect(deferred[namespace][member]).toBe(real[namespace][member]);
    expect(deferred.Provider).toBe(real.Provider);
  });
});

describe("jest's stand-ins for the SDK modules it defers", () => {
  // Each loads the real module, found by Node's resolution: jest's would find the stand-in itself, and reading it
  // would recurse until the stack ran out. (The TypeScript compiler and Arborist take seconds to load; the
  // resolution they go through is the same.)
  const cheap = DEFERRED_SDK_MODULES.map((m) => m.name).filter(
    (name) => !["typescript-shim", "arborist"].includes(name),
  );

  it.each(cheap)("%s answers from the real module", (name) => {
    expect(Reflect.ownKeys(deferredExports(name)).length).toBeGreaterThan(0);
  });

  it("hand the SDK a working gRPC client and Automation API when a program does use them", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- by name, as the SDK requests them
    expect(typeof require("@grpc/grpc-js").credentials.createInsecure).toBe("function");
    expect(typeof pulumi.automation.LocalWorkspace.create).toBe("function");
  });
});
