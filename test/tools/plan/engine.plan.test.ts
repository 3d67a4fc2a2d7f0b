/**
 * The mock engine reads the SDK's raw registration requests (secrets and dependencies are not in what
 * `setMocks` hands to `newResource`). These tests pin that behaviour: an SDK upgrade that changes it
 * fails here first.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { findResource, inputsOf, maskSecrets, PlannedResource, runProgram } from "../../../tools/plan/engine";
import { manifestOf } from "../../../tools/plan/output";

describe("mock engine", () => {
  it("records inputs with secrets marked, explicit and implied dependencies, parents and providers", async () => {
    const result = await runProgram(
      () => {
        const parent = new pulumi.ComponentResource("test:index:Parent", "parent");
        const queue = new aws.sqs.Queue(
          "queue",
          { name: "q", tags: { owner: "team", token: pulumi.secret("nested") } },
          { parent },
        );
        const other = new aws.sqs.Queue("other", {});
        const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
        new k8s.core.v1.Secret(
          "secret",
          {
            metadata: { name: "s", namespace: "ns" },
            stringData: { password: pulumi.secret("hunter2") },
            immutable: queue.url.apply(() => true),
          },
          { provider, dependsOn: [other] },
        );
        return { url: queue.url, token: pulumi.secret("t0ken") };
      },
      { project: "p", stack: "s", config: { "aws:region": "ap-south-1" } },
    );

    const queue = findResource(result, "aws:sqs/queue:Queue", "queue");
    expect(queue.parent).toMatch(/test:index:Parent::parent$/);
    const secret = findResource(result, "kubernetes:core/v1:Secret", "secret");
    // The Kubernetes SDK marks all of stringData secret; a nested secret is masked on its own.
    expect(maskSecrets(secret.inputs)).toMatchObject({ stringData: "[secret]" });
    expect(maskSecrets(queue.inputs)).toMatchObject({ tags: { owner: "team", token: "[secret]" } });
    expect(inputsOf(secret).stringData).toEqual({ password: "hunter2" });
    // The manifest of a masked Secret keeps its keys and masks every value (not "[secret]" spread into characters).
    expect(manifestOf(secret, false).stringData).toEqual({ password: "[secret]" });
    expect(manifestOf(secret, true).stringData).toEqual({ password: "hunter2" });
    const other = findResource(result, "aws:sqs/queue:Queue", "other");
    expect(secret.dependencies.sort()).toEqual([queue.urn, other.urn].sort()); // implied by an input, and explicit
    expect(secret.provider).toMatch(/pulumi:providers:kubernetes::k8s::/);
    expect(maskSecrets(result.outputs)).toEqual({
      url: "https://sqs.ap-south-1.amazonaws.com/123456789012/q",
      token: "[secret]",
    });
  });

  it("records the options that matter for safety: protect, retainOnDelete, deleteBeforeReplace, ignoreChanges, dependsOn", async () => {
    const result = await runProgram(
      () => {
        const first = new aws.sqs.Queue("first", {});
        const guarded = new aws.sqs.Queue(
          "guarded",
          { name: "g", tags: { source: first.name } },
          {
            protect: true,
            retainOnDelete: true,
            deleteBeforeReplace: true,
            ignoreChanges: ["tags"],
            dependsOn: [new aws.sqs.Queue("explicit", {})],
          },
        );
        new aws.sqs.Queue("plain", { name: guarded.name });
        return {};
      },
      { project: "p", stack: "s" },
    );
    const guarded = findResource(result, "aws:sqs/queue:Queue", "guarded");
    const explicit = findResource(result, "aws:sqs/queue:Queue", "explicit");
    const first = findResource(result, "aws:sqs/queue:Queue", "first");
    expect(guarded.options).toEqual({
      protect: true,
      retainOnDelete: true,
      deleteBeforeReplace: true,
      ignoreChanges: ["tags"],
      dependsOn: [explicit.urn],
    });
    expect(guarded.dependencies.sort()).toEqual([first.urn, explicit.urn].sort());
    expect(findResource(result, "aws:sqs/queue:Queue", "plain").options).toEqual({
      protect: false,
      retainOnDelete: false,
      deleteBeforeReplace: false,
      ignoreChanges: [],
      dependsOn: [],
    });
  });

  it("feeds StackReferences from the referenced stack's outputs, keeping secrets secret", async () => {
    let seen = "";
    const result = await runProgram(
      () => {
        const ref = new pulumi.StackReference("organization/p/mumbai");
        return { host: ref.requireOutput("host"), key: ref.getOutput("key"), missing: ref.getOutput("nope") };
      },
      {
        project: "p",
        stack: "global",
        resolveStackReference: async (name) => {
          seen = name;
          return { outputs: { host: "mumbai.example.com", key: "k" }, secretOutputNames: ["key"] };
        },
      },
    );
    expect(seen).toBe("organization/p/mumbai");
    expect(maskSecrets(result.outputs)).toEqual({ host: "mumbai.example.com", key: "[secret]" });
    expect(result.resources.find((r) => r.type === "pulumi:pulumi:StackReference")?.read).toBe(true);
  });

  it("collects warnings the program logs", async () => {
    const result = await runProgram(
      () => {
        pulumi.log.warn("region x is not deployed yet");
        return {};
      },
      { project: "p", stack: "s" },
    );
    expect(result.warnings).toEqual(["region x is not deployed yet"]);
  });

  it("has the SDK capture no stack trace per promise, unless PULUMI_DEBUG_PROMISE_LEAKS asks for them", async () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the SDK module object the engine patches
    const debuggable = require("@pulumi/pulumi/runtime/debuggable");
    const traced = (p: Promise<unknown>) => (p as unknown as { _debugStackTrace: string })._debugStackTrace;
    const limit = Error.stackTraceLimit;
    const quiet = Promise.resolve(1);
    await expect(debuggable.debuggablePromise(quiet, "test")).resolves.toBe(1);
    expect(traced(quiet)).not.toMatch(/\n {4}at /); // "Error", no frames
    expect(Error.stackTraceLimit).toBe(limit);

    debuggable.debugPromiseLeaks = true;
    try {
      const debugged = Promise.resolve(2);
      await expect(debuggable.debuggablePromise(debugged, "test")).resolves.toBe(2);
      expect(traced(debugged)).toMatch(/\n {4}at /);
    } finally {
      debuggable.debugPromiseLeaks = false;
    }
  });

  it("registers resources without formatting the stack of where the program made them", async () => {
    // The Resource constructor asks Resource.stackTrace, which walks Resource.callsites (a formatted Error stack).
    const callsites = jest.spyOn(pulumi.Resource as unknown as { callsites(): unknown[] }, "callsites");
    try {
      const result = await runProgram(
        () => {
          new aws.sqs.Queue("queue", {});
          return {};
        },
        { project: "p", stack: "s" },
      );
      expect(findResource(result, "aws:sqs/queue:Queue", "queue")).toBeDefined();
      expect(callsites).not.toHaveBeenCalled();
    } finally {
      callsites.mockRestore();
    }
  });

  it("masks a Secret's data in its manifest even where the program did not mark it secret", () => {
    const secret: PlannedResource = {
      urn: "urn:pulumi:s::p::kubernetes:core/v1:Secret::plain",
      type: "kubernetes:core/v1:Secret",
      name: "plain",
      custom: true,
      parent: null,
      provider: null,
      inputs: {
        apiVersion: "v1",
        kind: "Secret",
        metadata: { name: "plain", namespace: "ns" },
        data: { token: Buffer.from("t0ken-value").toString("base64") },
        stringData: { user: "admin", password: "hunter2" },
      },
      dependencies: [],
      options: { protect: false, retainOnDelete: false, deleteBeforeReplace: false, ignoreChanges: [], dependsOn: [] },
    };
    expect(manifestOf(secret, false)).toEqual({
      apiVersion: "v1",
      kind: "Secret",
      metadata: { name: "plain", namespace: "ns" },
      data: { token: "[secret]" },
      stringData: { user: "[secret]", password: "[secret]" },
    });
    expect(manifestOf(secret, true)).toEqual(secret.inputs);
    // Other kinds are masked only where the program marked a secret.
    const configMap = {
      ...secret,
      type: "kubernetes:core/v1:ConfigMap",
      inputs: { ...secret.inputs, kind: "ConfigMap" },
    };
    expect(manifestOf(configMap, false).stringData).toEqual({ user: "admin", password: "hunter2" });
  });
});
