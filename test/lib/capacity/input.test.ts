/**
 * The capacity model's inputs as zod schemas (lib/capacity/input.ts): the room mix at its boundaries, the
 * split across regions, and the one line each refusal gives.
 */
import { parseRoomMix, regionSharesSchema, roomMixSchema } from "../../../lib/capacity";
import { boundsFields, CAPACITY_DEFAULTS, capacityFields, costFields } from "../../../lib/capacity/input";
import { PRESET_NAMES, presetMix, ROOM_KINDS } from "../../../lib/capacity/room-mix";
import { InputError, keyPath, parseInput } from "../../../lib/errors";

/** The one line a mix gets, or "ok". */
function lineOf(spec: unknown): string {
  try {
    parseRoomMix(spec);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
}

const voice = { name: "voice", publishers: 2, subscribers: 0, audioKbps: 20 };
const two = (a: number, b: number) => ({
  kinds: [
    { ...voice, name: "a", share: a },
    { ...voice, name: "b", share: b },
  ],
});

describe("the room mix schema", () => {
  it.each(PRESET_NAMES.map((name) => [name]))("returns preset %s as the preset itself, marked as one", (name) => {
    expect(parseRoomMix(name)).toEqual({ ...presetMix(name), preset: name });
  });

  it("lays a kind's fields under the ones given, and names the entry after the kind", () => {
    const mix = parseRoomMix({ kinds: [{ kind: "webinar", share: 1, subscribers: 400 }] });
    expect(mix).toEqual({
      name: "custom",
      kinds: [{ ...ROOM_KINDS.webinar, subscribers: 400, share: 1 }],
    });
    expect(mix.preset).toBeUndefined();
    expect(parseRoomMix({ name: "ours", kinds: [{ kind: "webinar", name: "class", share: 1 }] }).kinds[0].name).toBe(
      "class",
    );
  });

  it("fills a complete kind's lists with [] and keeps the fields it leaves out unset", () => {
    expect(parseRoomMix({ kinds: [{ ...voice, share: 1 }] }).kinds).toEqual([
      { name: "voice", share: 1, publishers: 2, subscribers: 0, audioKbps: 20, videoLayersKbps: [], videoReceive: [] },
    ]);
  });

  it("takes a share of exactly 1, refuses 0 and anything above 1", () => {
    expect(lineOf({ kinds: [{ ...voice, share: 1 }] })).toBe("ok");
    expect(lineOf({ kinds: [{ ...voice, share: 0 }] })).toBe(
      "mix.kinds[0].share: must be a fraction of participants above 0 and at most 1, got 0",
    );
    expect(lineOf({ kinds: [{ ...voice, share: 1.01 }] })).toBe(
      "mix.kinds[0].share: must be a fraction of participants above 0 and at most 1, got 1.01",
    );
  });

  it("takes shares summing to 1 within 0.001, and refuses a sum further off", () => {
    expect(lineOf(two(0.5, 0.5005))).toBe("ok");
    expect(lineOf(two(0.5, 0.4995))).toBe("ok");
    expect(lineOf(two(0.5, 0.502))).toBe("mix.kinds: shares must sum to 1, got 1.002");
    expect(lineOf(two(0.5, 0.498))).toBe("mix.kinds: shares must sum to 1, got 0.998");
  });

  it("names an unknown field by its path and lists the known ones", () => {
    expect(lineOf({ kinds: [{ kind: "webinar", share: 1, viewers: 3 }] })).toBe(
      "mix.kinds[0].viewers: unknown field (expected kind, name, share, publishers, subscribers, publishersSubscribe, audioKbps, videoLayersKbps, videoReceive, dynacast), got 3",
    );
    expect(lineOf({ name: "ours", kinds: [{ kind: "webinar", share: 1 }], tags: [] })).toBe(
      "mix.tags: unknown field (expected name, description, kinds), got []",
    );
    expect(lineOf({ kinds: [{ kind: "webinar", share: 1, videoReceive: [{ tracks: 1, kbps: 1700, fps: 30 }] }] })).toBe(
      "mix.kinds[0].videoReceive[0].fps: unknown field (expected tracks, kbps), got 30",
    );
  });

  it("refuses an unknown room kind, listing the known ones", () => {
    expect(lineOf({ kinds: [{ kind: "party", share: 1 }] })).toBe(
      `mix.kinds[0].kind: unknown room kind (known: ${Object.keys(ROOM_KINDS).join(", ")}), got "party"`,
    );
  });

  it("refuses a room that publishes nothing, and video tiers without video", () => {
    expect(lineOf({ kinds: [{ kind: "voice-call", share: 1, audioKbps: 0 }] })).toBe(
      'mix.kinds[0]: publishes nothing: set audioKbps above 0 or videoLayersKbps, got {"audioKbps":0,"videoLayersKbps":[]}',
    );
    expect(lineOf({ kinds: [{ kind: "voice-call", share: 1, videoReceive: [{ tracks: 1, kbps: 500 }] }] })).toBe(
      'mix.kinds[0].videoReceive: must be empty when the room publishes no video (videoLayersKbps is []), got [{"tracks":1,"kbps":500}]',
    );
    expect(lineOf({ kinds: [{ kind: "livestream", share: 1, audioKbps: 0 }] })).toBe("ok");
  });

  it("refuses two room kinds of one name", () => {
    expect(
      lineOf({
        kinds: [
          { kind: "webinar", share: 0.5 },
          { kind: "webinar", share: 0.5, subscribers: 50 },
        ],
      }),
    ).toBe('mix.kinds: room kind names must be unique, got "webinar"');
  });

  it.each([
    [
      "an unknown preset",
      "conference",
      /^mix: unknown room mix preset \(known: meetings, .*; or a custom mix object\), got "conference"$/,
    ],
    [
      "neither a name nor an object",
      5,
      /^mix: must be a preset name or \{ "name": \.\.\., "kinds": \[ \.\.\. \] \}, got 5$/,
    ],
    ["no kinds", { name: "ours" }, /^mix\.kinds: must be a non-empty list of room kinds, got nothing$/],
    ["an empty list of kinds", { kinds: [] }, /^mix\.kinds: must be a non-empty list of room kinds, got \[\]$/],
    ["a kind that is not an object", { kinds: ["webinar"] }, /^mix\.kinds\[0\]: must be an object, got "webinar"$/],
    [
      "a name that is not a string",
      { name: 7, kinds: [{ kind: "webinar", share: 1 }] },
      /^mix\.name: must be a string, got 7$/,
    ],
    [
      "a kind without a name",
      { kinds: [{ share: 1, publishers: 1, subscribers: 0, audioKbps: 20 }] },
      /^mix\.kinds\[0\]\.name: must be a non-empty string, got nothing$/,
    ],
    [
      "a fractional publisher count",
      { kinds: [{ kind: "webinar", share: 1, publishers: 1.5 }] },
      /^mix\.kinds\[0\]\.publishers: must be an integer of at least 1, got 1\.5$/,
    ],
    [
      "a fractional subscriber count",
      { kinds: [{ kind: "webinar", share: 1, subscribers: 2.5 }] },
      /^mix\.kinds\[0\]\.subscribers: must be an integer of at least 0, got 2\.5$/,
    ],
    [
      "negative subscribers",
      { kinds: [{ kind: "webinar", share: 1, subscribers: -1 }] },
      /^mix\.kinds\[0\]\.subscribers: must be an integer of at least 0, got -1$/,
    ],
    [
      "a layer of 0 kbps",
      { kinds: [{ kind: "webinar", share: 1, videoLayersKbps: [160, 0] }] },
      /^mix\.kinds\[0\]\.videoLayersKbps\[1\]: must be a simulcast layer's kbps, above 0, got 0$/,
    ],
    [
      "a receive tier of 0 kbps",
      { kinds: [{ kind: "webinar", share: 1, videoReceive: [{ tracks: 1, kbps: 0 }] }] },
      /^mix\.kinds\[0\]\.videoReceive\[0\]\.kbps: must be kbps above 0, got 0$/,
    ],
    [
      "dynacast that is not a boolean",
      { kinds: [{ kind: "webinar", share: 1, dynacast: "yes" }] },
      /^mix\.kinds\[0\]\.dynacast: must be true or false, got "yes"$/,
    ],
  ])("refuses %s with one line", (_what, spec, line) => {
    expect(lineOf(spec)).toMatch(line);
  });

  it("names its key as the caller asks", () => {
    expect(() => parseRoomMix({ kinds: [{ kind: "webinar", share: 0.5 }] }, "capacity.mix")).toThrow(
      /^capacity\.mix\.kinds: shares must sum to 1, got 0\.5$/,
    );
  });

  it("is described as a name or an object in the config reference", () => {
    const anyOf = (roomMixSchema.toJSONSchema({ io: "input", unrepresentable: "any" }) as { anyOf: { type: string }[] })
      .anyOf;
    expect(anyOf.map((n) => n.type)).toEqual(["string", "object"]);
  });
});

describe("the split across regions", () => {
  const lineOf = (regions: unknown) => {
    try {
      parseInput(regionSharesSchema, regions, { keyOf: (path) => keyPath(path, "regions") });
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it("takes shares summing to 1, or leaving something for the regions without one", () => {
    expect(
      lineOf([
        { name: "mumbai", share: 0.6 },
        { name: "singapore", share: 0.4 },
      ]),
    ).toBe("ok");
    expect(lineOf([{ name: "mumbai", share: 0.6 }, { name: "singapore" }])).toBe("ok");
    expect(lineOf([{ name: "mumbai" }])).toBe("ok");
  });

  it.each([
    ["no region", [], "regions: must name at least one region, got []"],
    ["a name twice", [{ name: "a" }, { name: "a" }], 'regions: region names must be unique, got "a"'],
    [
      "a name in capitals",
      [{ name: "Mumbai" }],
      'regions[0].name: region names are lowercase letters, digits and hyphens, got "Mumbai"',
    ],
    [
      "a share of 0",
      [{ name: "a", share: 0 }, { name: "b" }],
      "regions[0].share: must be a fraction above 0 and at most 1, got 0",
    ],
    [
      "shares over 1",
      [
        { name: "a", share: 0.7 },
        { name: "b", share: 0.6 },
      ],
      "regions: shares must sum to 1, got 1.3",
    ],
    [
      "shares that leave nothing",
      [{ name: "a", share: 1 }, { name: "b" }],
      "regions: shares leave nothing for the regions without one, got 1",
    ],
  ])("refuses %s", (_what, regions, line) => {
    expect(lineOf(regions)).toBe(line);
  });
});

describe("a custom mix's other fields", () => {
  it("keeps the description it is given", () => {
    expect(parseRoomMix({ name: "ours", description: "our rooms", kinds: [{ kind: "webinar", share: 1 }] })).toEqual({
      name: "ours",
      description: "our rooms",
      kinds: [{ ...ROOM_KINDS.webinar, share: 1 }],
    });
  });

  it.each([
    ["a description that is no string", { description: 1 }, "mix.description: must be a string, got 1"],
    [
      "an empty kind name",
      { kinds: [{ kind: "webinar", name: "", share: 1 }] },
      'mix.kinds[0].name: must be a non-empty string, got ""',
    ],
    [
      "publishersSubscribe that is no boolean",
      { kinds: [{ kind: "webinar", share: 1, publishersSubscribe: 1 }] },
      "mix.kinds[0].publishersSubscribe: must be true or false, got 1",
    ],
    [
      "negative audio",
      { kinds: [{ kind: "webinar", share: 1, audioKbps: -1 }] },
      "mix.kinds[0].audioKbps: must be kbps of at least 0 (0 = no audio), got -1",
    ],
    [
      "layers that are no list",
      { kinds: [{ kind: "webinar", share: 1, videoLayersKbps: 160 }] },
      "mix.kinds[0].videoLayersKbps: must be a list of simulcast layer kbps, each above 0 ([] = no video), got 160",
    ],
    [
      "receive tiers that are no list",
      { kinds: [{ kind: "webinar", share: 1, videoReceive: {} }] },
      'mix.kinds[0].videoReceive: must be a list of { "tracks": integer >= 0, "kbps": number > 0 }, got {}',
    ],
    [
      "a receive tier that is no object",
      { kinds: [{ kind: "webinar", share: 1, videoReceive: [5] }] },
      'mix.kinds[0].videoReceive[0]: must be { "tracks": integer >= 0, "kbps": number > 0 }, got 5',
    ],
    [
      "a fractional track count",
      { kinds: [{ kind: "webinar", share: 1, videoReceive: [{ tracks: 0.5, kbps: 160 }] }] },
      "mix.kinds[0].videoReceive[0].tracks: must be an integer of at least 0 (videos rendered at this tier), got 0.5",
    ],
  ])("refuses %s", (_what, spec, line) => {
    expect(lineOf({ kinds: [{ kind: "webinar", share: 1 }], ...spec })).toBe(line);
  });
});

describe("the model's settings", () => {
  it("default to the shipped region: 25,000 in the mixed preset on c6i.2xlarge, recorders on c6i.4xlarge, 60%, 5% recorded", () => {
    expect(CAPACITY_DEFAULTS).toEqual({
      targetParticipants: 25_000,
      mix: "mixed",
      nodeType: "c6i.2xlarge",
      egressNodeType: "c6i.4xlarge",
      targetUtilisation: 0.6,
      recordingShare: 0.05,
    });
  });

  const fields = { ...capacityFields, ...boundsFields, ...costFields };
  const lineOfField = (key: keyof typeof fields, value: unknown) => {
    try {
      parseInput(fields[key], value, { keyOf: (path) => keyPath(path, key) });
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it.each([
    ["targetParticipants", [1, 1_000_000], [0, 1_000_001, 1.5], "a positive integer (concurrent participants at peak)"],
    ["targetUtilisation", [1, 0.01], [0, 1.01], "a fraction above 0 and at most 1, such as 0.6"],
    ["recordingShare", [0, 1], [-0.01, 1.01], "a fraction from 0 to 1"],
    ["baseShare", [0, 1], [-0.01, 1.01], "a fraction from 0 to 1"],
    ["turnRelayShare", [0, 1], [-0.01, 1.01], "a fraction from 0 to 1"],
    ["peakHeadroom", [1, 10], [0.99, 10.01], "a multiple of peak nodes from 1 to 10"],
    ["cpuEfficiency", [0.1, 10], [0.09, 10.01], "a factor from 0.1 to 10"],
    ["icePorts", [2, 10_001], [1, 2.5], "an integer of at least 2"],
    ["maxSfuNodes", [1, 100_000], [0, 100_001, 1.5], "a positive integer"],
    ["vcpuQuota", [1, 10_000_000], [0, 10_000_001, 1.5], "a positive integer (vCPUs)"],
    ["peakHoursPerDay", [0, 24], [-1, 24.01], "hours from 0 to 24"],
    ["offPeakShare", [0, 1], [1.01], "a fraction from 0 to 1"],
    ["weekendShare", [0, 1], [1.01], "a fraction from 0 to 1"],
    ["daysPerMonth", [28, 31, 30.42], [27.9, 31.1], "the days in a month, from 28 to 31 (weekends are weekendShare)"],
    ["recordingDownloads", [0, 100], [-0.1, 100.1], "the downloads of the average recording, from 0 to 100"],
    ["negotiatedDataTransferOutPerGiB", [0, 0.02], [-0.01], "a price in USD per GiB of at least 0"],
    ["savingsPlanDiscount", [0, 0.9], [-0.1, 0.91], "a fraction from 0 to 0.9"],
    ["egressSpotShare", [0, 1], [1.01], "a fraction from 0 to 1"],
    ["recordingRetentionDays", [1, 3650], [0, 3651, 1.5], "a number of days from 1 to 3650"],
  ] as const)("%s takes %j and refuses %j, saying it must be %s", (key, taken, refused, what) => {
    for (const value of taken) expect([value, lineOfField(key, value)]).toEqual([value, "ok"]);
    for (const value of refused) expect(lineOfField(key, value)).toBe(`${key}: must be ${what}, got ${value}`);
    expect(lineOfField(key, "1")).toBe(`${key}: must be ${what}, got "1"`);
  });
});

describe("the split across regions, its other lines", () => {
  const lineOfRegions = (regions: unknown) => {
    try {
      parseInput(regionSharesSchema, regions, { keyOf: (path) => keyPath(path, "regions") });
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it.each([
    ["no list", { name: "a" }, 'regions: must be a list of regions, got {"name":"a"}'],
    ["an entry that is no object", ["mumbai"], 'regions[0]: must be { name, share? }, got "mumbai"'],
    ["a name that is no string", [{ name: 5 }], "regions[0].name: must be a region name, got 5"],
    [
      "a name with a leading hyphen",
      [{ name: "-a" }],
      'regions[0].name: region names are lowercase letters, digits and hyphens, got "-a"',
    ],
    [
      "a name with more after it",
      [{ name: "a b" }],
      'regions[0].name: region names are lowercase letters, digits and hyphens, got "a b"',
    ],
    [
      "a share above 1",
      [{ name: "a", share: 1.5 }],
      "regions[0].share: must be a fraction above 0 and at most 1, got 1.5",
    ],
    [
      "shares under 1 with every region given one",
      [
        { name: "a", share: 0.5 },
        { name: "b", share: 0.4 },
      ],
      "regions: shares must sum to 1, got 0.9",
    ],
    [
      "shares leaving less than 0.001",
      [{ name: "a", share: 0.9995 }, { name: "b" }],
      "regions: shares leave nothing for the regions without one, got 0.9995",
    ],
  ])("refuses %s", (_what, regions, line) => {
    expect(lineOfRegions(regions)).toBe(line);
  });

  it("takes names of digits and hyphens, shares within 0.001 of 1, and 0.001 or more left for the others", () => {
    expect(lineOfRegions([{ name: "eu-2" }, { name: "9a" }])).toBe("ok");
    expect(
      lineOfRegions([
        { name: "a", share: 0.5 },
        { name: "b", share: 0.5009 },
      ]),
    ).toBe("ok");
    expect(lineOfRegions([{ name: "a", share: 0.998 }, { name: "b" }])).toBe("ok");
    // Exactly 0.001 left is enough.
    expect(lineOfRegions([{ name: "a", share: 0.999 }, { name: "b" }])).toBe("ok");
  });
});
