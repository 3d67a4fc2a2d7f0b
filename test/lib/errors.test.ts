import { z } from "zod";
import { describeValue, holdsPlaceholder, InputError, keyPath, parseInput, Unshown } from "../../lib/errors";

describe("the one error for bad input", () => {
  it("is one line: key, problem, and the value as JSON", () => {
    const e = new InputError("mix.kinds[0].share", "must be a fraction of participants above 0 and at most 1", 1.5);
    expect(e.message).toBe("mix.kinds[0].share: must be a fraction of participants above 0 and at most 1, got 1.5");
    expect(e.message).not.toContain("\n");
    expect([e.name, e.key, e.problem, e.value]).toEqual([
      "InputError",
      "mix.kinds[0].share",
      "must be a fraction of participants above 0 and at most 1",
      1.5,
    ]);
  });

  it.each([
    ["a missing value", undefined, "nothing"],
    ["a string, quoted", "c5.2xlarge", '"c5.2xlarge"'],
    ["an object", { audioKbps: 0, videoLayersKbps: [] }, '{"audioKbps":0,"videoLayersKbps":[]}'],
    ["null", null, "null"],
    ["a number that is not finite", Number.NaN, "NaN"],
    ["a negative number", -1.5, "-1.5"],
    ["a value described in words", new Unshown("a secure: value (not shown)"), "a secure: value (not shown)"],
    ["a secure value's stand-in", "plan-placeholder-for-livekit-platform-domain", "a secure: value (not shown)"],
    ["a list holding a stand-in", ["a", "plan-placeholder-for-x"], "a secure: value (not shown)"],
  ])("shows %s in its line", (_what, value, shown) => {
    expect(describeValue(value)).toBe(shown);
    expect(new InputError("k", "p", value).message).toBe(`k: p, got ${shown}`);
  });

  it("finds a secure value's stand-in anywhere inside a value", () => {
    expect(holdsPlaceholder({ a: [{ b: "plan-placeholder-for-y" }] })).toBe(true);
    expect(holdsPlaceholder({ a: [{ b: "placeholder" }] })).toBe(false);
    expect(holdsPlaceholder({ region: "ap-south-1", key: "plan-placeholder-for-x" })).toBe(true);
    expect(holdsPlaceholder(["a", "plan-placeholder-for-x", "b"])).toBe(true);
  });

  it("is a RunError to the Pulumi SDK, which then prints its message alone", () => {
    // RunError.isInstance is a true member named __pulumiRunError (@pulumi/pulumi 3.248.0 errors.js 48-50,
    // utils.js 27-29); test/lib/errors.plan.test.ts asks the SDK itself.
    expect((new InputError("k", "p", 1) as unknown as Record<string, unknown>)["__pulumiRunError"]).toBe(true);
  });

  it("keeps problem and value when the key is renamed for its reader", () => {
    const e = new InputError("mix", "is too large", "town-hall").rekey((k) => `livekit-platform:capacity.${k}`);
    expect(e).toBeInstanceOf(InputError);
    expect(e.message).toBe('livekit-platform:capacity.mix: is too large, got "town-hall"');
  });

  it("writes paths as a person does", () => {
    expect(keyPath(["kinds", 0, "videoReceive", 1, "kbps"], "mix")).toBe("mix.kinds[0].videoReceive[1].kbps");
    expect(keyPath(["regions", "ap-south-1", "ec2PerHour", "c6i.2xlarge", "usd"])).toBe(
      "regions.ap-south-1.ec2PerHour.c6i.2xlarge.usd",
    );
    expect(keyPath([0, "name"])).toBe("[0].name");
    expect(keyPath([], "mix")).toBe("mix");
    // Only a whole number is a list index: a key that starts with digits is a name.
    expect(keyPath(["kinds", 10, "share"])).toBe("kinds[10].share");
    expect(keyPath(["ec2PerHour", "2xlarge"])).toBe("ec2PerHour.2xlarge");
  });
});

describe("a failed zod parse as the one error", () => {
  const schema = z.union(
    [
      z.string().refine((size) => ["small", "large"].includes(size), { error: "unknown size (known: small, large)" }),
      z.strictObject(
        { name: z.string({ error: "must be a string" }), parts: z.array(z.number({ error: "must be a number" })) },
        { error: (issue) => (issue.code === "unrecognized_keys" ? "unknown field (expected name, parts)" : undefined) },
      ),
    ],
    { error: "must be a size or { name, parts }" },
  );
  const reading = { keyOf: (path: readonly PropertyKey[]) => keyPath(path, "spec") };
  const errorOf = (input: unknown, missing?: string) => {
    try {
      parseInput(schema, input, { ...reading, missing });
    } catch (e) {
      expect(e).toBeInstanceOf(InputError);
      return (e as Error).message;
    }
    throw new Error("expected an InputError");
  };

  it("names the key by the issue's path, with the schema's message and the value given", () => {
    expect(errorOf({ name: "a", parts: [1, "2"] })).toBe('spec.parts[1]: must be a number, got "2"');
  });

  it("reports a union's branch of the value's own type, else the union's message", () => {
    expect(errorOf("medium")).toBe('spec: unknown size (known: small, large), got "medium"');
    expect(errorOf({ name: 3, parts: [] })).toBe("spec.name: must be a string, got 3");
    expect(errorOf(7)).toBe("spec: must be a size or { name, parts }, got 7");
  });

  it("names an unknown key by its own path, and shows its value", () => {
    expect(errorOf({ name: "a", parts: [], colour: "red" })).toBe(
      'spec.colour: unknown field (expected name, parts), got "red"',
    );
  });

  it("words a missing value as its reader asks, or keeps the schema's message", () => {
    expect(errorOf({ parts: [] })).toBe("spec.name: must be a string, got nothing");
    expect(errorOf({ parts: [] }, "is required")).toBe("spec.name: is required, got nothing");
  });

  it("keeps the schema's message for a value given, whatever its reader says of a missing one", () => {
    expect(errorOf({ name: "a", parts: [1, "2"] }, "is required")).toBe('spec.parts[1]: must be a number, got "2"');
  });

  it("keeps a rule's own message for a value it finds missing", () => {
    const rule = z.object({ a: z.string().optional(), b: z.string().optional() }).superRefine((v, ctx) => {
      if (v.b !== undefined && v.a === undefined) {
        ctx.addIssue({ code: "custom", path: ["a"], input: v.a, message: "must be set when b is" });
      }
    });
    expect(() => parseInput(rule, { b: "x" }, { ...reading, missing: "is required" })).toThrow(
      "spec.a: must be set when b is, got nothing",
    );
  });

  it("shows the value the refusing check was given, after any step that converts it", () => {
    const converted = z.object({ port: z.string().transform(Number).pipe(z.number().max(65535, "must be a port")) });
    expect(() => parseInput(converted, { port: "70000" }, reading)).toThrow("spec.port: must be a port, got 70000");
  });

  it("reports a union of names and objects by the object's issue, or by the union's message", () => {
    const named = z.union(
      [z.enum(["small", "large"]), z.strictObject({ name: z.string({ error: "must be a string" }) })],
      {
        error: "must be small, large or { name }",
      },
    );
    const lineOf = (input: unknown) => {
      try {
        parseInput(named, input, reading);
      } catch (e) {
        return (e as Error).message;
      }
      return "ok";
    };
    expect(lineOf("medium")).toBe('spec: must be small, large or { name }, got "medium"');
    expect(lineOf({ name: 3 })).toBe("spec.name: must be a string, got 3");
    expect(lineOf(7)).toBe("spec: must be small, large or { name }, got 7");
  });

  it("reports a union by its own message when more than one branch took the value and refused it", () => {
    const either = z.union(
      [
        z.object({ a: z.string() }).refine((v) => v.a.length > 1, { error: "a is too short" }),
        z.object({ b: z.string().min(3, { error: "b is too short" }) }),
      ],
      { error: "must be { a } or { b }" },
    );
    expect(() => parseInput(either, { a: "x", b: "y" }, reading)).toThrow(
      'spec: must be { a } or { b }, got {"a":"x","b":"y"}',
    );
  });

  it("returns what the schema makes of a valid value", () => {
    expect(parseInput(schema, "small", reading)).toBe("small");
  });
});
