/** The demand a region is sized for: the room mix is read with the capacity model's own schema. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("the region's capacity settings", () => {
  it("reads capacity.mix with the room mix schema, naming a problem by its config key", () => {
    const mix = (value: unknown) => () =>
      parseStackConfig(
        stackConfig("mumbai", { "livekit-platform:capacity": { targetParticipants: 1000, mix: value } }),
        "mumbai",
      ) as RegionSettings;
    expect(mix({ name: "classes", kinds: [{ kind: "webinar", share: 1, subscribers: 30 }] })().capacity.mix).toEqual(
      expect.objectContaining({
        name: "classes",
        kinds: [expect.objectContaining({ name: "webinar", subscribers: 30 })],
      }),
    );
    expect(mix({ kinds: [{ kind: "webinar", share: 0 }] })).toThrow(
      "livekit-platform:capacity.mix.kinds[0].share: must be a fraction of participants above 0 and at most 1, got 0",
    );
    expect(mix({ kinds: [{ kind: "webinar", share: 1, viewers: 3 }] })).toThrow(
      /^livekit-platform:capacity\.mix\.kinds\[0\]\.viewers: unknown field \(expected kind, name, .*\), got 3$/,
    );
    expect(mix({ kinds: [{ kind: "webinar", publishers: 2 }] })).toThrow(
      "livekit-platform:capacity.mix.kinds[0].share: is required, got nothing",
    );
    expect(mix("conference")).toThrow(
      /^livekit-platform:capacity\.mix: unknown room mix preset \(known: .*\), got "conference"$/,
    );
  });

  it("refuses a price file that is no path, and a quota check that is not a boolean, naming the key", () => {
    const parse = (key: string, value: unknown) => () =>
      parseStackConfig(stackConfig("mumbai", { [`livekit-platform:${key}`]: value }), "mumbai");
    expect(parse("cost", { priceFile: 3 })).toThrow(
      "livekit-platform:cost.priceFile: must be a path to a JSON price file, got 3",
    );
    expect(parse("cost", { priceFile: "" })).toThrow(
      'livekit-platform:cost.priceFile: must be a path to a JSON price file, got ""',
    );
    expect(parse("preflight", { vcpuQuota: "yes" })).toThrow(
      'livekit-platform:preflight.vcpuQuota: must be true or false, got "yes"',
    );
  });
});
