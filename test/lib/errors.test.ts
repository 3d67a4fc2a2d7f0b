import { describeValue, holdsPlaceholder, InputError, keyPath, Unshown } from "../../lib/errors";

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
    ["a value described in words", new Unshown("a secure: value (not shown)"), "a secure: value (not shown)"],
    ["a secure value's stand-in", "plan-placeholder-for-livekit-platform-domain", "a secure: value (not shown)"],
    ["a list holding a stand-in", ["a", "plan-placeholder-for-x"], "a secure: value (not shown)"],
  ])("shows %s as %s", (_what, value, shown) => {
    expect(describeValue(value)).toBe(shown);
    expect(new InputError("k", "p", value).message).toBe(`k: p, got ${shown}`);
  });

  it("finds a secure value's stand-in anywhere inside a value", () => {
    expect(holdsPlaceholder({ a: [{ b: "plan-placeholder-for-y" }] })).toBe(true);
    expect(holdsPlaceholder({ a: [{ b: "placeholder" }] })).toBe(false);
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
  });
});
