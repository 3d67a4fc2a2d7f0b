/**
 * lib/deferred-modules.js under jest, with the installed packages: jest resolves each deferred file to its stand-in,
 * however it is asked for, and each stand-in answers as the module it stands in for. (What a plan loads:
 * test/tools/run.e2e.test.ts and test/tools/commands/plan.e2e.test.ts.)
 */
import { spawnSync } from "child_process";
import * as path from "path";
import * as pulumi from "@pulumi/pulumi";
import { DEFERRED_NAMESPACE_PACKAGES } from "../../lib/pulumi-sdk-internals";

const projectRoot = path.join(__dirname, "..", "..");
const standIns = path.join(projectRoot, "test", "support", "deferred-modules");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- by name, as the program and the SDK resolve them
const load = (request: string) => require(request);

/** What plain Node, without any deferral, lists as a module's exports. */
const exportsInNode = (request: string): string[] =>
  JSON.parse(
    spawnSync(
      process.execPath,
      ["-e", `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(request)}))))`],
      {
        cwd: projectRoot,
        encoding: "utf8",
      },
    ).stdout,
  ).sort();

describe("jest's resolver", () => {
  it("answers a deferred file with its stand-in however it is asked for, and other files as Node does", () => {
    expect(require.resolve("@grpc/grpc-js")).toBe(path.join(standIns, "grpc.js"));
    expect(require.resolve("@grpc/grpc-js/build/src/index.js")).toBe(path.join(standIns, "grpc.js"));
    expect(require.resolve("@pulumi/aws")).toBe(path.join(standIns, "pulumi-aws.js"));
    expect(require.resolve("@pulumi/aws/ec2")).toBe(
      path.join(projectRoot, "node_modules", "@pulumi", "aws", "ec2", "index.js"),
    );
  });
});

describe("a provider package with its namespaces deferred", () => {
  it.each(DEFERRED_NAMESPACE_PACKAGES)("%s exports every name its own index does, each the package's own", (pkg) => {
    const deferred = load(pkg);
    expect(Object.keys(deferred).sort()).toEqual(exportsInNode(pkg));
    const [namespace, member] = pkg === "@pulumi/aws" ? ["ec2", "Vpc"] : ["apps", "v1"];
    expect(deferred[namespace][member]).toBe(load(`${pkg}/${namespace}`)[member]);
    expect(typeof deferred.Provider).toBe("function");
  });

  it("points an error's stack at the index's own file and line", () => {
    // The index's provider package constructor (`constructProvider`) throws for a bad resource type.
    const aws = load("@pulumi/aws");
    expect(aws.ec2).toBeDefined(); // runs the index, which registers the package
    const frames: string[] = [];
    try {
      (pulumi.runtime as any).getResourcePackage("aws", "").constructProvider("x", "aws:bad:Type", "urn");
    } catch (error) {
      frames.push(...String((error as Error).stack).split("\n"));
    }
    // (jest maps it through the index's source map, to the TypeScript it was generated from)
    expect(frames[1]).toMatch(
      /at Object\.constructProvider \(.*\/node_modules\/@pulumi\/(aws\/)?index\.(js|ts):\d+:\d+\)$/,
    );
  });
});

describe("jest's stand-ins for the modules deferred", () => {
  // One export each of the real module. (The TypeScript compiler and Arborist take seconds to load; they resolve and
  // load as these do.)
  it.each([
    ["@grpc/grpc-js", "credentials"],
    ["@opentelemetry/api", "trace"],
    ["@pulumi/pulumi/proto/engine_grpc_pb", "EngineClient"],
    ["@pulumi/pulumi/proto/resource_grpc_pb", "ResourceMonitorClient"],
    ["@pulumi/pulumi/proto/callback_grpc_pb", "CallbacksClient"],
    ["@pulumi/pulumi/proto/provider_grpc_pb", "ResourceProviderService"],
    ["@pulumi/pulumi/automation", "LocalWorkspace"],
  ])("%s answers %s from the real module", (request, name) => {
    expect(path.dirname(require.resolve(request))).toBe(standIns);
    expect(load(request)[name]).toBeTruthy();
  });

  it("hand the SDK a working gRPC client and Automation API when a program does use them", () => {
    expect(typeof load("@grpc/grpc-js").credentials.createInsecure).toBe("function");
    expect(typeof pulumi.automation.LocalWorkspace.create).toBe("function");
  });
});

describe("zod with its locales deferred", () => {
  it("still explains a refused value in English, and has every locale when one is asked for", () => {
    expect(
      path.dirname(require.resolve(path.join(projectRoot, "node_modules", "zod", "v4", "locales", "index.cjs"))),
    ).toBe(standIns);
    const { z } = load("zod");
    const refused = z.number().int().positive().safeParse(-1);
    expect(refused.error.issues[0].message).toBe("Too small: expected number to be >0");
    expect(typeof z.locales.de).toBe("function");
  });
});
