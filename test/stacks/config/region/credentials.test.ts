/** The region's credentials as a stack file states them: application keys, and the TURN secret's generations. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("the region's credentials", () => {
  it("reads the application's keys, one or two (a rotation's overlap)", () => {
    const steady = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
    expect(steady.applicationKeys.signing).toBe("APPexamplekey0001");
    expect(Object.keys(steady.applicationKeys.keys)).toEqual(["APPexamplekey0001"]);
    const overlap = parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:applicationKeys": {
          signing: "APPnew",
          keys: { APPold: "o".repeat(48), APPnew: "n".repeat(48) },
        },
      }),
      "mumbai",
    ) as RegionSettings;
    expect(overlap.applicationKeys).toEqual({
      signing: "APPnew",
      keys: { APPold: "o".repeat(48), APPnew: "n".repeat(48) },
    });
  });

  it("reads the TURN secret's generations: the initial one alone by default, a YAML number as its label", () => {
    const turn = (sharedSecret?: unknown) =>
      (
        parseStackConfig(
          stackConfig("mumbai", { "livekit-platform:turn": sharedSecret === undefined ? undefined : { sharedSecret } }),
          "mumbai",
        ) as RegionSettings
      ).turn;
    expect(turn().sharedSecret).toEqual({ current: "1", alsoAccepted: [] });
    expect(turn().relayPortRange).toEqual({ start: 40000, end: 49999 });
    expect(turn({ current: 1, alsoAccepted: [2] }).sharedSecret).toEqual({ current: "1", alsoAccepted: ["2"] });
    expect(turn({ current: "2026-q3", alsoAccepted: ["2"] }).sharedSecret).toEqual({
      current: "2026-q3",
      alsoAccepted: ["2"],
    });
    expect(turn({ current: "a".repeat(16) }).sharedSecret.current).toBe("a".repeat(16));
    for (const bad of ["a".repeat(17), "-2", "2-", "", 1.5, -1, "2 "]) {
      expect(() => turn({ current: bad })).toThrow(
        "livekit-platform:turn.sharedSecret.current: must be a generation label",
      );
    }
    expect(() => turn({ alsoAccepted: "2" })).toThrow(
      'livekit-platform:turn.sharedSecret.alsoAccepted: must be a list of generation labels, got "2"',
    );
  });

  /** The line parsing the mumbai stack with `overrides` gives, or "ok". */
  const lineFor = (overrides: Record<string, unknown>) => {
    try {
      parseStackConfig(stackConfig("mumbai", overrides), "mumbai");
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const SECRET = "s".repeat(32);
  const MUST_BE_SECRET = "must be a secret of at least 32 characters without blanks (set it with --secret)";

  it("refuses application keys that livekit-server would not take, never showing a secret", () => {
    const app = (applicationKeys: unknown) => lineFor({ "livekit-platform:applicationKeys": applicationKeys });
    const key = "livekit-platform:applicationKeys";
    expect(app({ signing: "APPa", keys: {} })).toBe(
      `${key}.keys: must hold one key, or two while rotating (the old and the new), got []`,
    );
    expect(app({ signing: "APPa", keys: { APPa: SECRET, APPb: SECRET, APPc: SECRET } })).toBe(
      `${key}.keys: must hold one key, or two while rotating (the old and the new), got ["APPa","APPb","APPc"]`,
    );
    expect(app({ signing: "APPa", keys: { APPa: SECRET, "A-b": SECRET } })).toBe(
      `${key}.keys: has a key id that is not 3-64 letters and digits, got "A-b"`,
    );
    // A secret LiveKit would warn about: short (31 characters), with a blank, or no string at all.
    expect(app({ signing: "APPa", keys: { APPa: "s".repeat(31) } })).toBe(
      `${key}.keys.APPa: ${MUST_BE_SECRET}, got "[secret of 31 characters]"`,
    );
    expect(app({ signing: "APPa", keys: { APPa: `${"s".repeat(31)} ` } })).toBe(
      `${key}.keys.APPa: ${MUST_BE_SECRET}, got "[secret of 32 characters]"`,
    );
    expect(app({ signing: "APPa", keys: { APPa: 5 } })).toBe(`${key}.keys.APPa: ${MUST_BE_SECRET}, got "number"`);
    expect(app({ signing: "APPa", keys: { APPa: SECRET } })).toBe("ok");
    expect(app({ signing: "APPc", keys: { APPa: SECRET, APPb: SECRET } })).toBe(
      `${key}.signing: must be one of the ids in applicationKeys.keys (APPa, APPb), got "APPc"`,
    );
    expect(app({ signing: 3, keys: { APPa: SECRET } })).toBe(`${key}.signing: must be an API key id, got 3`);
    expect(app({ signing: "A-b", keys: { APPa: SECRET } })).toBe(
      `${key}.signing: must be an API key id (3-64 letters and digits), got "A-b"`,
    );
    expect(app({ signing: "APPa", keys: "x" })).toBe(`${key}.keys: must map each API key id to its secret, got "x"`);
  });

  it("reads egress's and the load tests' key pairs, each id with its consumer's prefix, and refuses a bad one", () => {
    const egress = { id: "EGRESSabc", secret: SECRET };
    const loadTest = { id: `LOADTEST${"a".repeat(56)}`, secret: "t".repeat(40) };
    const parsed = parseStackConfig(
      stackConfig("mumbai", { "livekit-platform:serviceKeys": { egress, loadTest } }),
      "mumbai",
    ) as RegionSettings;
    expect(parsed.serviceKeys).toEqual({ egress, loadTest });

    const pairs = (change: Record<string, unknown>) =>
      lineFor({ "livekit-platform:serviceKeys": { egress, loadTest, ...change } });
    const key = "livekit-platform:serviceKeys";
    expect(pairs({ egress: { ...egress, id: "APPabc" } })).toBe(
      `${key}.egress.id: must be EGRESS and 3-58 letters and digits, got "APPabc"`,
    );
    expect(pairs({ egress: { ...egress, id: 3 } })).toBe(
      `${key}.egress.id: must be an API key id starting with EGRESS, got 3`,
    );
    // A key id is at most 64 characters, the prefix's included.
    expect(pairs({ loadTest: { ...loadTest, id: `LOADTEST${"a".repeat(57)}` } })).toBe(
      `${key}.loadTest.id: must be LOADTEST and 3-56 letters and digits, got "LOADTEST${"a".repeat(57)}"`,
    );
    expect(pairs({ egress: { ...egress, secret: "s".repeat(31) } })).toBe(
      `${key}.egress.secret: ${MUST_BE_SECRET}, got "[secret of 31 characters]"`,
    );
    expect(pairs({ egress: { ...egress, secret: `${SECRET} ` } })).toBe(
      `${key}.egress.secret: ${MUST_BE_SECRET}, got "[secret of 33 characters]"`,
    );
    expect(pairs({ egress: { ...egress, secret: 7 } })).toBe(`${key}.egress.secret: ${MUST_BE_SECRET}, got "number"`);
  });

  it("reads a whole YAML number of 0 or more as a TURN secret generation, and nothing else but a label", () => {
    const generations = (sharedSecret: unknown) => lineFor({ "livekit-platform:turn": { sharedSecret } });
    const key = "livekit-platform:turn.sharedSecret";
    const label = "must be a generation label (1-16 lowercase letters, digits and hyphens, such as 2)";
    expect(
      (
        parseStackConfig(
          stackConfig("mumbai", { "livekit-platform:turn": { sharedSecret: { current: 0 } } }),
          "mumbai",
        ) as RegionSettings
      ).turn.sharedSecret.current,
    ).toBe("0");
    expect(generations({ current: true })).toBe(`${key}.current: ${label}, got true`);
    // Past 2^53 a number is not the integer written (YAML reads it as a float).
    expect(generations({ current: 2 ** 53 })).toBe(`${key}.current: ${label}, got 9007199254740992`);
    expect(generations({ alsoAccepted: [null] })).toBe(`${key}.alsoAccepted[0]: ${label}, got null`);
    expect(generations({ alsoAccepted: ["2", "3"] })).toBe(
      `${key}.alsoAccepted: must name at most one generation besides current (Coturn accepts two secrets at once: the current one and the one coming or going), got ["2","3"]`,
    );
    expect(generations({ current: "2", alsoAccepted: ["2"] })).toBe(
      `${key}.alsoAccepted: must not name current (2) again, got ["2"]`,
    );
  });
});
