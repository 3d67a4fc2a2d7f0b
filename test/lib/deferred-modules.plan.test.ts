/**
 * lib/deferred-modules.js under jest, with the installed packages: each stand-in answers as the module it stands in
 * for. (When a plan loads them: test/tools/run.e2e.test.ts and test/tools/commands/plan.e2e.test.ts.)
 */
import * as pulumi from "@pulumi/pulumi";
import { DEFERRED_MODULES, deferredExports } from "../../lib/deferred-modules";
import { DEFERRED_NAMESPACE_PACKAGES } from "../../lib/pulumi-sdk-internals";

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

describe("jest's stand-ins for the modules deferred", () => {
  // Each loads the real module, found by Node's resolution: jest's would find the stand-in itself, and reading it
  // would recurse until the stack ran out. (The TypeScript compiler and Arborist take seconds to load; the
  // resolution they go through is the same.)
  const cheap = DEFERRED_MODULES.map((m) => m.name).filter((name) => !["typescript-shim", "arborist"].includes(name));

  it.each(cheap)("%s answers from the real module", (name) => {
    expect(Reflect.ownKeys(deferredExports(name)).length).toBeGreaterThan(0);
  });

  it("hand the SDK a working gRPC client and Automation API when a program does use them", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- by name, as the SDK requests them
    expect(typeof require("@grpc/grpc-js").credentials.createInsecure).toBe("function");
    expect(typeof pulumi.automation.LocalWorkspace.create).toBe("function");
  });
});

describe("zod with its locales deferred", () => {
  it("still explains a refused value in English, and has every locale when one is asked for", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- by name, as the program and jest resolve it
    const { z } = require("zod");
    const refused = z.number().int().positive().safeParse(-1);
    expect(refused.error.issues[0].message).toBe("Too small: expected number to be >0");
    expect(typeof z.locales.de).toBe("function");
  });
});
