/**
 * The managed services' prices and meters against hand computations: the pinned file's provenance, Agora's
 * resolution classes at their bounds, and what the same calls cost on each service, in each service's unit.
 */
import {
  AGORA_MAX_PIXELS,
  agoraVideoType,
  BYTES_PER_DECIMAL_GB,
  estimateCost,
  kindUsage,
  layerPixels,
  managedCosts,
  type ManagedPrices,
  managedPricesSchema,
  PINNED_MANAGED_PRICES,
  priceFigures,
  receivedPixels,
} from "../../../lib/capacity";
import { MANAGED_SERVICES } from "../../../lib/capacity/managed";
import { ROOM_KINDS } from "../../../lib/capacity/room-mix";
import { InputError, keyPath, parseInput } from "../../../lib/errors";
import { defaultRegionPlan } from "../../support/capacity";

const parse = (value: unknown) =>
  parseInput(managedPricesSchema, value, { keyOf: (path) => keyPath(path, "managed prices") });
const entry = (name: string) => ({ ...ROOM_KINDS[name], share: 1 });

describe("the pinned managed services' prices", () => {
  it("parse with their schema, every figure with a source URL, the date it was read and a basis for each estimate", () => {
    expect(() => parse(PINNED_MANAGED_PRICES)).not.toThrow();
    const figures = priceFigures(PINNED_MANAGED_PRICES);
    expect(figures).toHaveLength(10);
    for (const [path, f] of figures) {
      expect([path, /^https:\/\/\S+$/.test(f.source as string)]).toEqual([path, true]);
      expect([path, f.read]).toEqual([path, "2026-12-07"]);
      if (f.estimate) expect([path, (f.basis as string).length > 40]).toEqual([path, true]);
    }
    // Confirmed from the services' own pages: Agora's and Cloudflare's; LiveKit Cloud's and Chime's are estimates.
    const estimates = figures.filter(([, f]) => f.estimate === true).map(([path]) => path);
    expect(estimates).toEqual([
      "prices.livekitCloud.perConnectionMinute",
      "prices.livekitCloud.perDownstreamGB",
      "prices.chimeSdk.perAttendeeMinute",
    ]);
  });

  /** The pinned file with one value replaced (or removed, for undefined) at a path. */
  const changed = (path: string[], value: unknown) => {
    const copy = JSON.parse(JSON.stringify(PINNED_MANAGED_PRICES));
    const parent = path.slice(0, -1).reduce((o, k) => o[k], copy);
    if (value === undefined) delete parent[path[path.length - 1]];
    else parent[path[path.length - 1]] = value;
    return copy;
  };

  it.each([
    [
      "a figure without a source",
      changed(["agora", "per1000Minutes", "audio", "source"], undefined),
      /^managed prices\.agora\.per1000Minutes\.audio\.source: every price needs its source/,
    ],
    [
      "an unknown field",
      changed(["livekitCloud", "perMinute"], { usd: 0.0004, source: "s", read: "2026-12-07" }),
      /^managed prices\.livekitCloud\.perMinute: unknown field \(expected name, perConnectionMinute, perDownstreamGB\)/,
    ],
    [
      "a service left out",
      changed(["chimeSdk"], undefined),
      /^managed prices\.chimeSdk: must be an object of prices, got nothing$/,
    ],
  ])("refuses %s in one line", (_what, broken, line) => {
    expect(() => parse(broken)).toThrow(InputError);
    expect(() => parse(broken)).toThrow(line);
  });

  it.each([
    [["livekitCloud", "name"], "", 'livekitCloud.name: must be the service\'s name, got ""'],
    [["agora", "name"], 5, "agora.name: must be the service's name, got 5"],
    [["description"], 5, "description: must be a string, got 5"],
    [["currency"], 5, "currency: must be a currency such as USD, got 5"],
    [
      ["chimeSdk", "maxAttendeesPerSession"],
      2.5,
      "chimeSdk.maxAttendeesPerSession: must be a positive integer, got 2.5",
    ],
    [["chimeSdk", "maxAttendeesPerSession"], 0, "chimeSdk.maxAttendeesPerSession: must be a positive integer, got 0"],
    [["livekitCloud"], "x", 'livekitCloud: must be an object of prices, got "x"'],
    [["agora"], "x", 'agora: must be an object of prices, got "x"'],
    [["agora", "per1000Minutes"], "x", 'agora.per1000Minutes: must be an object of prices, got "x"'],
    [["cloudflareRealtimeKit"], "x", 'cloudflareRealtimeKit: must be an object of prices, got "x"'],
  ])("refuses %j set to %j with its own line", (path, value, line) => {
    expect(() => parse(changed(path, value))).toThrow(`managed prices.${line}`);
  });

  it("refuses a file that is no object of prices", () => {
    expect(() => parse("x")).toThrow("must be an object of the managed services' prices");
  });

  it("name every service the file prices, in the order the bill lists them", () => {
    const services = Object.keys(PINNED_MANAGED_PRICES).filter((k) => k !== "description" && k !== "currency");
    expect([...MANAGED_SERVICES].sort()).toEqual(services.sort());
    const plan = defaultRegionPlan({});
    expect(managedCosts(plan, 100).map((m) => m.service)).toEqual([...MANAGED_SERVICES]);
  });
});

describe("Agora's usage types", () => {
  it.each([
    [0, "audio"],
    [AGORA_MAX_PIXELS.hd, "hd"],
    [AGORA_MAX_PIXELS.hd + 1, "fullHd"],
    [AGORA_MAX_PIXELS.fullHd, "fullHd"],
    [AGORA_MAX_PIXELS.fullHd + 1, "twoK"],
    [AGORA_MAX_PIXELS.twoK, "twoK"],
    [AGORA_MAX_PIXELS.twoK + 1, "twoKPlus"],
  ])("%i pixels received is %s", (pixels, type) => {
    expect(agoraVideoType(pixels)).toBe(type);
  });

  it("takes a layer's resolution from its place in the simulcast ladder under a 720p top layer", () => {
    const ladder = { videoLayersKbps: [160, 450, 1700] };
    expect([1700, 450, 160, 1000, 5000].map((kbps) => layerPixels(ladder, kbps))).toEqual([
      1280 * 720,
      640 * 360,
      320 * 180,
      1280 * 720, // between layers: the one at or above
      1280 * 720,
    ]);
    expect(layerPixels({ videoLayersKbps: [500, 1500] }, 500)).toBe(640 * 360);
    // The ladder in any order is the same ladder.
    const shuffled = { videoLayersKbps: [1700, 160, 450] };
    expect([1700, 450, 160, 1000].map((kbps) => layerPixels(shuffled, kbps))).toEqual([
      1280 * 720,
      640 * 360,
      320 * 180,
      1280 * 720,
    ]);
  });

  it("classes the room kinds' receivers as Agora bills them (by what they receive, not what they publish)", () => {
    // A meeting tile grid: 5 x 360p = 1,152,000 px, Full HD.
    expect(agoraVideoType(receivedPixels(entry("video-meeting"), 5))).toBe("fullHd");
    // All-hands: 720p + 8 x 180p = 1,382,400 px, Full HD.
    expect(receivedPixels(entry("large-meeting"), 10)).toBe(921_600 + 8 * 57_600);
    // A livestream viewer gets one 720p video, HD; the host receives no video, audio.
    expect(agoraVideoType(receivedPixels(entry("livestream"), 1))).toBe("hd");
    expect(agoraVideoType(receivedPixels(entry("livestream"), 0))).toBe("audio");
    // A webinar attendee: 720p + 360p, Full HD; a presenter sees the other at 720p, HD.
    expect(agoraVideoType(receivedPixels(entry("webinar"), 2))).toBe("fullHd");
    expect(agoraVideoType(receivedPixels(entry("webinar"), 1))).toBe("hd");
    expect(receivedPixels(entry("voice-call"), 1)).toBe(0);
  });
});

describe("the same calls on each managed service", () => {
  // 100 peak-equivalent hours: 6,000 minutes of every participant the nodes carry.
  const E = 100;

  it("prices 25,000 livestream viewers (84 rooms of 1 host and 300 viewers) by each meter", () => {
    const plan = defaultRegionPlan({ mix: "livestream" });
    const [stream] = plan.kinds;
    expect([stream.loadRooms, stream.roomSize]).toEqual([84, 301]);
    const hosts = 84 * 1 * 6000;
    const viewers = 84 * 300 * 6000;
    // Downstream in decimal GB, as LiveKit Cloud meters it: Mbps x 10^6 / 8 bytes a second, over 10^9.
    const gb = (84 * stream.perRoom.egressMbps * 1e6 * 3600 * E) / 8 / 1e9;
    const byService = Object.fromEntries(managedCosts(plan, E).map((m) => [m.service, m]));
    const cents = (x: number) => Math.round(x * 100) / 100;
    expect(byService.livekitCloud.monthlyUsd).toBe(cents((hosts + viewers) * 0.0005 + gb * 0.12));
    expect(byService.chimeSdk.monthlyUsd).toBe(cents((hosts + viewers) * 0.0017));
    expect(byService.chimeSdk.notes).toEqual([
      expect.stringMatching(/^livestream rooms exceed a session's 250 attendees/),
    ]);
    // Agora: the host receives no video (audio), each viewer one 720p video (HD).
    expect(byService.agora.monthlyUsd).toBe(cents((hosts * 0.99 + viewers * 3.99) / 1000));
    expect(byService.cloudflareRealtimeKit.monthlyUsd).toBe(cents((hosts + viewers) * 0.002));
    expect(byService.agora.usdPerParticipantMinute).toBeCloseTo(
      (hosts * 0.99 + viewers * 3.99) / 1000 / (hosts + viewers),
      15,
    );
    expect([byService.livekitCloud.estimate, byService.agora.estimate]).toEqual([true, false]);
  });

  it("prices 1:1 voice calls at the audio-only rates", () => {
    const plan = defaultRegionPlan({ mix: "voice-calls" });
    const minutes = 12_500 * 2 * 6000;
    const byService = Object.fromEntries(managedCosts(plan, E).map((m) => [m.service, m]));
    expect(byService.agora.monthlyUsd).toBe(Math.round(((minutes * 0.99) / 1000) * 100) / 100);
    expect(byService.cloudflareRealtimeKit.monthlyUsd).toBe(Math.round(minutes * 0.0005 * 100) / 100);
    expect(byService.chimeSdk.notes).toEqual([]);
  });

  it("meters LiveKit Cloud's downstream in decimal GB: 7.4% more of them than the GiB AWS bills", () => {
    const plan = defaultRegionPlan({});
    const usage = kindUsage(plan, E);
    const gb = usage.reduce((s, k) => s + k.downstreamGB, 0);
    const gib = (plan.load.egressMbps * 1e6 * 3600 * E) / 8 / 2 ** 30;
    expect(gb).toBeCloseTo((gib * 2 ** 30) / BYTES_PER_DECIMAL_GB, 6);
    expect(gb / gib).toBeCloseTo(1.0737, 4);
  });

  it("counts the same participant-minutes as the self-hosted estimate it is shown beside", () => {
    const plan = defaultRegionPlan({});
    const c = estimateCost(plan, { awsRegion: "ap-south-1" });
    const minutes = kindUsage(plan, c.peakEquivalentHours).reduce(
      (s, k) => s + k.publisherMinutes + k.subscriberMinutes,
      0,
    );
    expect(minutes).toBeCloseTo(c.participantMinutes, 3);
    expect(c.managed.map((m) => m.service)).toEqual(["livekitCloud", "chimeSdk", "agora", "cloudflareRealtimeKit"]);
  });

  it("bill a meeting's publishers by the video they receive, and a livestream's host, who watches none, as audio", () => {
    const meetings = kindUsage(defaultRegionPlan({ mix: "meetings" }), E);
    expect(meetings.every((k) => k.agora.publisher !== "audio")).toBe(true);
    const [stream] = kindUsage(defaultRegionPlan({ mix: "livestream" }), E);
    expect(stream.agora.publisher).toBe("audio");
  });

  it("have no price per participant-minute without minutes", () => {
    for (const m of managedCosts(defaultRegionPlan({}), 0))
      expect([m.service, m.usdPerParticipantMinute]).toEqual([m.service, null]);
  });

  it("note LiveKit Cloud's downstream, Agora's discounts, and nothing for Cloudflare", () => {
    const plan = defaultRegionPlan({});
    const byService = Object.fromEntries(managedCosts(plan, E).map((m) => [m.service, m]));
    const gb = kindUsage(plan, E).reduce((s, k) => s + k.downstreamGB, 0);
    expect(byService.livekitCloud.notes).toEqual([
      `${Math.round(gb).toLocaleString("en-US")} GB (10^9 bytes) downstream`,
    ]);
    expect(byService.agora.notes).toEqual([expect.stringMatching(/^list prices before Agora's volume discounts/)]);
    expect(byService.cloudflareRealtimeKit.notes).toEqual([]);
  });

  it("mark a service's figure an estimate when any one of its prices is", () => {
    const prices = JSON.parse(JSON.stringify(PINNED_MANAGED_PRICES)) as ManagedPrices;
    prices.livekitCloud.perDownstreamGB.estimate = false;
    prices.agora.per1000Minutes.hd.estimate = true;
    const confirmed = managedCosts(defaultRegionPlan({}), E, prices).find(
      (m) => m.service === "cloudflareRealtimeKit",
    )!;
    expect(confirmed.estimate).toBe(false);
    prices.cloudflareRealtimeKit.perAudioOnlyParticipantMinute.estimate = true;
    const byService = Object.fromEntries(managedCosts(defaultRegionPlan({}), E, prices).map((m) => [m.service, m]));
    expect([
      byService.livekitCloud.estimate,
      byService.agora.estimate,
      byService.cloudflareRealtimeKit.estimate,
    ]).toEqual([true, true, true]);
  });

  it("note Chime's rooms above a session's attendees, not those at it, each kind by name", () => {
    const plan = defaultRegionPlan({ mix: "livestream" });
    const withMax = (max: number) => {
      const prices = JSON.parse(JSON.stringify(PINNED_MANAGED_PRICES)) as ManagedPrices;
      prices.chimeSdk.maxAttendeesPerSession = max;
      return managedCosts(plan, E, prices).find((m) => m.service === "chimeSdk")!.notes;
    };
    expect(withMax(301)).toEqual([]); // 1 host and 300 viewers
    expect(withMax(300)).toEqual([
      "livestream rooms exceed a session's 300 attendees: they need media replication, priced separately and not included",
    ]);
    const mixed = defaultRegionPlan({});
    const prices = JSON.parse(JSON.stringify(PINNED_MANAGED_PRICES)) as ManagedPrices;
    prices.chimeSdk.maxAttendeesPerSession = 1;
    const [note] = managedCosts(mixed, E, prices).find((m) => m.service === "chimeSdk")!.notes;
    expect(note).toBe(
      `${mixed.kinds.map((k) => k.name).join(", ")} rooms exceed a session's 1 attendees: they need media replication, priced separately and not included`,
    );
  });
});
