/**
 * The example token service (examples/token-service): tokens the SDK's own verifier accepts, rooms pinned to
 * one region, and a pinned room moved only when its region has been down for a sustained time and confirms
 * the room gone.
 */
import { TokenVerifier } from "livekit-server-sdk";
import { HttpRegionHealth, RegionHealth, RegionStatus } from "../../../examples/token-service/health";
import { InMemoryPinStore } from "../../../examples/token-service/pins";
import { Platform } from "../../../examples/token-service/platform-settings";
import { LiveKitRoomDirectory, RoomDirectory, RoomLookup } from "../../../examples/token-service/room-directory";
import { NoRegionAvailable, TokenService } from "../../../examples/token-service/token-service";
import { FakeRegion } from "./fake-region";

const platform: Platform = {
  regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
  apiKey: "APPexamplekey0001",
  apiSecret: "application-secret-0123456789abcdef0123456789",
};

/** Regions up unless set otherwise. */
class FakeHealth implements RegionHealth {
  readonly statuses = new Map<string, RegionStatus>();
  async status(region: string) {
    return this.statuses.get(region) ?? "up";
  }
}

/** What each region answers to ListRooms: room name -> SID, or "unknown" for the whole region. */
class FakeDirectory implements RoomDirectory {
  readonly rooms = new Map<string, Map<string, string>>();
  readonly unknown = new Set<string>();
  asked = 0;
  async lookup(region: string, room: string): Promise<RoomLookup> {
    this.asked += 1;
    if (this.unknown.has(region)) return "unknown";
    const sid = this.rooms.get(region)?.get(room);
    return sid === undefined ? "absent" : { sid };
  }
  has(region: string, room: string, sid: string) {
    if (!this.rooms.has(region)) this.rooms.set(region, new Map());
    this.rooms.get(region)!.set(room, sid);
  }
}

/** Everything jest's fake timers replace but Date. */
const NOT_THE_CLOCK: FakeableAPI[] = [
  "hrtime",
  "nextTick",
  "performance",
  "queueMicrotask",
  "requestAnimationFrame",
  "cancelAnimationFrame",
  "requestIdleCallback",
  "cancelIdleCallback",
  "setImmediate",
  "clearImmediate",
  "setInterval",
  "clearInterval",
  "setTimeout",
  "clearTimeout",
];

function service(options: { defaultRegion?: string; ttlSeconds?: number } = {}) {
  const health = new FakeHealth();
  const rooms = new FakeDirectory();
  const pins = new InMemoryPinStore();
  const log: string[] = [];
  return {
    health,
    rooms,
    pins,
    log,
    tokens: new TokenService({
      platform,
      pins,
      health,
      rooms,
      now: () => 1_700_000_000_000,
      log: (line) => log.push(line),
      ...options,
    }),
  };
}

describe("token service tokens", () => {
  it("mints a token the SDK's verifier accepts: room join grant for that room, the identity, a short expiry", async () => {
    const { tokens } = service({ ttlSeconds: 300 });
    const before = Math.floor(Date.now() / 1000);
    const { token, url, region } = await tokens.join({ room: "standup", identity: "alice", name: "Alice" });
    expect({ url, region }).toEqual({ url: "wss://mumbai.livekit.example.com", region: "mumbai" });
    const claims = await new TokenVerifier(platform.apiKey, platform.apiSecret).verify(token);
    expect(claims.iss).toBe(platform.apiKey);
    expect(claims.sub).toBe("alice");
    expect(claims.name).toBe("Alice");
    expect(claims.video).toEqual({
      roomJoin: true,
      room: "standup",
      canPublish: true,
      canPublishData: true,
      canSubscribe: true,
    });
    // The SDK reads the clock for exp, then again for nbf: a second may tick between the two.
    expect(claims.exp! - claims.nbf!).toBeGreaterThanOrEqual(299);
    expect(claims.exp! - claims.nbf!).toBeLessThanOrEqual(300);
    expect(claims.exp!).toBeGreaterThanOrEqual(before + 300);
    expect(claims.exp!).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 300);
  });

  it("mints tokens that expire: the verifier rejects one past its lifetime", async () => {
    const { tokens } = service({ ttlSeconds: 1 });
    const { token } = await tokens.join({ room: "standup", identity: "alice" });
    // 2.1 s later, on a clock moved forward rather than waited for: only Date is faked, timers stay real.
    jest.useFakeTimers({ now: Date.now() + 2_100, doNotFake: NOT_THE_CLOCK });
    try {
      // No clock tolerance (the SDK allows 10 s by default, as LiveKit does).
      await expect(new TokenVerifier(platform.apiKey, platform.apiSecret).verify(token, 0)).rejects.toThrow(/exp/);
    } finally {
      jest.useRealTimers();
    }
  });

  it("mints subscribe-only tokens for viewers", async () => {
    const { tokens } = service();
    const { token } = await tokens.join({ room: "town-hall", identity: "viewer-7", canPublish: false });
    const claims = await new TokenVerifier(platform.apiKey, platform.apiSecret).verify(token);
    expect(claims.video).toMatchObject({
      room: "town-hall",
      canPublish: false,
      canPublishData: false,
      canSubscribe: true,
    });
  });

  it("signs with the application key only: another key's verifier rejects the token", async () => {
    const { tokens } = service();
    const { token } = await tokens.join({ room: "standup", identity: "alice" });
    await expect(new TokenVerifier("EGRESSabc", platform.apiSecret).verify(token)).rejects.toThrow();
    await expect(new TokenVerifier(platform.apiKey, "x".repeat(48)).verify(token)).rejects.toThrow();
  });

  it("refuses room names and identities LiveKit would not take", async () => {
    const { tokens } = service();
    await expect(tokens.join({ room: "", identity: "alice" })).rejects.toThrow("room:");
    await expect(tokens.join({ room: "a room", identity: "alice" })).rejects.toThrow("room:");
    await expect(tokens.join({ room: "standup", identity: "x".repeat(200) })).rejects.toThrow("identity:");
  });
});

describe("token service region pinning", () => {
  it("pins a new room to the region the client measured fastest", async () => {
    const { tokens, pins } = service();
    const joined = await tokens.join({ room: "r1", identity: "a", regionHint: "singapore" });
    expect(joined.url).toBe("wss://singapore.livekit.example.com");
    expect(await pins.get("r1")).toEqual({ region: "singapore", pinnedAt: 1_700_000_000_000 });
  });

  it("pins to the default region without a hint, or with a hint that is no region", async () => {
    const { tokens } = service({ defaultRegion: "singapore" });
    expect((await tokens.join({ room: "r1", identity: "a" })).region).toBe("singapore");
    expect((await tokens.join({ room: "r2", identity: "a", regionHint: "frankfurt" })).region).toBe("singapore");
  });

  it("keeps a room's pin when later participants come from elsewhere", async () => {
    const { tokens } = service();
    const first = await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    const later = await tokens.join({ room: "r1", identity: "bob", regionHint: "singapore" });
    expect([first.url, later.url]).toEqual(["wss://mumbai.livekit.example.com", "wss://mumbai.livekit.example.com"]);
  });

  it("agrees on one region when the first participants ask at the same time with different hints", async () => {
    const { tokens } = service();
    const joined = await Promise.all([
      tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" }),
      tokens.join({ room: "r1", identity: "bob", regionHint: "singapore" }),
    ]);
    expect(new Set(joined.map((j) => j.region)).size).toBe(1);
  });

  it("does not pin a new room to a region whose latest probe failed, even if hinted", async () => {
    const { tokens, health } = service();
    health.statuses.set("singapore", "failing");
    expect((await tokens.join({ room: "r1", identity: "a", regionHint: "singapore" })).region).toBe("mumbai");
    health.statuses.set("mumbai", "down");
    health.statuses.set("singapore", "up");
    expect((await tokens.join({ room: "r2", identity: "a" })).region).toBe("singapore");
  });

  it("keeps a room in a region that is failing but not yet down, without asking the region", async () => {
    const { tokens, health, rooms, pins } = service();
    await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    health.statuses.set("mumbai", "failing");
    expect((await tokens.join({ room: "r1", identity: "bob", regionHint: "singapore" })).region).toBe("mumbai");
    expect(rooms.asked).toBe(0);
    expect((await pins.get("r1"))?.region).toBe("mumbai");
  });

  it("keeps a room in a region that is down while the region still has the room", async () => {
    const { tokens, health, rooms } = service();
    await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    rooms.has("mumbai", "r1", "RM_mumbai1");
    health.statuses.set("mumbai", "down");
    expect((await tokens.join({ room: "r1", identity: "bob", regionHint: "singapore" })).region).toBe("mumbai");
    expect(rooms.asked).toBe(1);
  });

  it("keeps a room in a region that is down when the region cannot say whether it has the room", async () => {
    const { tokens, health, rooms } = service();
    await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    health.statuses.set("mumbai", "down");
    rooms.unknown.add("mumbai");
    expect((await tokens.join({ room: "r1", identity: "bob", regionHint: "singapore" })).region).toBe("mumbai");
  });

  it("moves a room whose region is down and has confirmed it gone, and keeps it there once the region is back", async () => {
    const { tokens, health, pins, log } = service();
    await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    health.statuses.set("mumbai", "down");
    const moved = await tokens.join({ room: "r1", identity: "bob", regionHint: "mumbai" });
    expect(moved.url).toBe("wss://singapore.livekit.example.com");
    expect(await pins.get("r1")).toEqual({ region: "singapore", pinnedAt: 1_700_000_000_000 });
    expect(log).toEqual(["room r1 moved from mumbai to singapore: region down and the room gone from it"]);
    health.statuses.set("mumbai", "up");
    // The room now lives in singapore: everyone goes there, even from mumbai.
    expect((await tokens.join({ room: "r1", identity: "carol", regionHint: "mumbai" })).region).toBe("singapore");
  });

  it("moves a room off a region the service no longer serves", async () => {
    const { pins, rooms } = service();
    const tokens = new TokenService({
      platform: { ...platform, regionUrls: { singapore: platform.regionUrls.singapore } },
      pins,
      health: new FakeHealth(),
      rooms,
      log: () => {},
    });
    await pins.pinIfAbsent("r1", { region: "mumbai", pinnedAt: 0, sid: "RM_mumbai1" });
    expect((await tokens.join({ room: "r1", identity: "bob" })).region).toBe("singapore");
    expect(rooms.asked).toBe(0);
  });

  it("answers that no region is available when every region is down", async () => {
    const { tokens, health } = service();
    health.statuses.set("mumbai", "down").set("singapore", "failing");
    await expect(tokens.join({ room: "r1", identity: "a" })).rejects.toBeInstanceOf(NoRegionAvailable);
  });

  it("refuses a default region that is not deployed", () => {
    expect(
      () =>
        new TokenService({
          platform,
          pins: new InMemoryPinStore(),
          health: new FakeHealth(),
          rooms: new FakeDirectory(),
          defaultRegion: "tokyo",
        }),
    ).toThrow("defaultRegion tokyo is not one of the regions (mumbai, singapore)");
  });
});

describe("token service pins keyed by room SID", () => {
  it("records the SID of room_started when the pinned region confirms it", async () => {
    const { tokens, pins, rooms } = service();
    await tokens.join({ room: "r1", identity: "a", regionHint: "mumbai" });
    rooms.has("mumbai", "r1", "RM_mumbai1");
    await tokens.roomStarted("r1", "RM_mumbai1");
    expect((await pins.get("r1"))?.sid).toBe("RM_mumbai1");
  });

  it("forgets a finished room, so its next participant pins it afresh", async () => {
    const { tokens, rooms } = service();
    await tokens.join({ room: "r1", identity: "a", regionHint: "mumbai" });
    rooms.has("mumbai", "r1", "RM_mumbai1");
    await tokens.roomStarted("r1", "RM_mumbai1");
    await tokens.roomFinished("r1", "RM_mumbai1");
    expect((await tokens.join({ room: "r1", identity: "b", regionHint: "singapore" })).region).toBe("singapore");
  });

  it("room_finished of an older copy does not delete the pin of the room that replaced it", async () => {
    const { tokens, pins, rooms, health } = service();
    await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    rooms.has("mumbai", "r1", "RM_mumbai1");
    await tokens.roomStarted("r1", "RM_mumbai1");
    // mumbai goes down and loses the room; the next joiner re-creates it in singapore.
    health.statuses.set("mumbai", "down");
    rooms.rooms.get("mumbai")!.delete("r1");
    expect((await tokens.join({ room: "r1", identity: "bob" })).region).toBe("singapore");
    // The old copy's room_finished, late, before and after the new room's room_started: the pin stays.
    await tokens.roomFinished("r1", "RM_mumbai1");
    rooms.has("singapore", "r1", "RM_singapore2");
    await tokens.roomStarted("r1", "RM_singapore2");
    await tokens.roomFinished("r1", "RM_mumbai1");
    expect(await pins.get("r1")).toMatchObject({ region: "singapore", sid: "RM_singapore2" });
    await tokens.roomFinished("r1", "RM_singapore2");
    expect(await pins.get("r1")).toBeUndefined();
  });

  it("room_started of a stray copy elsewhere does not take the pin", async () => {
    const { tokens, pins, rooms, log } = service();
    await tokens.join({ room: "r1", identity: "a", regionHint: "singapore" });
    rooms.has("singapore", "r1", "RM_singapore2");
    // A participant with an old mumbai URL re-creates the room there: its room_started comes first.
    await tokens.roomStarted("r1", "RM_mumbai3");
    expect((await pins.get("r1"))?.sid).toBeUndefined();
    await tokens.roomStarted("r1", "RM_singapore2");
    await tokens.roomFinished("r1", "RM_mumbai3");
    expect(await pins.get("r1")).toMatchObject({ region: "singapore", sid: "RM_singapore2" });
    expect(log).toEqual(["room_started r1 RM_mumbai3: not the room pinned to singapore, pin kept as it is"]);
  });

  it("when the region cannot say, a pin without a SID takes the event's, and a pin with one keeps it", async () => {
    const { tokens, pins, rooms } = service();
    await tokens.join({ room: "r1", identity: "a", regionHint: "mumbai" });
    rooms.unknown.add("mumbai");
    await tokens.roomStarted("r1", "RM_mumbai1");
    await tokens.roomStarted("r1", "RM_other");
    expect((await pins.get("r1"))?.sid).toBe("RM_mumbai1");
  });

  it("room_finished before any room_started leaves the pin", async () => {
    const { tokens, pins } = service();
    await tokens.join({ room: "r1", identity: "a", regionHint: "mumbai" });
    await tokens.roomFinished("r1", "RM_unknown");
    expect((await pins.get("r1"))?.region).toBe("mumbai");
  });
});

describe("HttpRegionHealth", () => {
  /** A clock and a region whose `/` answers `status` (or throws when it is an Error). */
  function probed(options: { intervalMs?: number; downAfterMs?: number } = {}) {
    const state = { now: 0, status: 200 as number | Error, asked: [] as string[] };
    const health = new HttpRegionHealth(platform.regionUrls, {
      ...options,
      now: () => state.now,
      fetch: (async (url: string, init: RequestInit) => {
        state.asked.push(url);
        expect(init.signal).toBeInstanceOf(AbortSignal);
        if (state.status instanceof Error) throw state.status;
        return { status: state.status } as Response;
      }) as unknown as typeof fetch,
    });
    return { health, state };
  }

  it("asks https://<label>.<domain>/ of every region, with a timeout", async () => {
    const { health, state } = probed();
    expect(await health.status("mumbai")).toBe("failing"); // not probed yet: not known up
    await health.probeAll();
    expect(state.asked.sort()).toEqual([
      "https://mumbai.livekit.example.com/",
      "https://singapore.livekit.example.com/",
    ]);
    expect(await health.status("mumbai")).toBe("up");
  });

  it("counts a region down only after every probe failed for 60 s: 13 probes 5 s apart", async () => {
    const { health, state } = probed();
    expect(health.failuresToDown).toBe(13);
    state.status = 406;
    for (let probe = 1; probe <= 12; probe++) {
      state.now = (probe - 1) * 5_000;
      await health.probeAll();
    }
    expect(state.now).toBe(55_000);
    expect(await health.status("mumbai")).toBe("failing");
    state.now = 60_000;
    await health.probeAll();
    expect(await health.status("mumbai")).toBe("down");
  });

  it("starts counting again after one good answer", async () => {
    const { health, state } = probed();
    state.status = new Error("ECONNREFUSED");
    for (let probe = 0; probe < 12; probe++, state.now += 5_000) await health.probeAll();
    state.status = 200;
    await health.probeAll();
    expect(await health.status("mumbai")).toBe("up");
    state.status = 503;
    state.now += 5_000;
    await health.probeAll();
    expect(await health.status("mumbai")).toBe("failing");
  });

  it("needs both the time and the count: fast retries or a stalled prober do not make a region down", async () => {
    const { health, state } = probed();
    state.status = 406;
    for (let probe = 0; probe < 20; probe++, state.now += 100) await health.probeAll();
    expect(await health.status("mumbai")).toBe("failing"); // 20 failures in 2 s
    const stalled = probed();
    stalled.state.status = 406;
    await stalled.health.probeAll();
    stalled.state.now = 600_000;
    await stalled.health.probeAll();
    expect(await stalled.health.status("mumbai")).toBe("failing"); // 2 failures 10 minutes apart
  });

  it("probes in the background until stopped", async () => {
    const { health, state } = probed({ intervalMs: 20, downAfterMs: 60 });
    await health.start();
    expect(state.asked).toHaveLength(2);
    await new Promise((resolve) => setTimeout(resolve, 150));
    health.stop();
    const count = state.asked.length;
    expect(count).toBeGreaterThanOrEqual(4);
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(state.asked).toHaveLength(count);
  });
});

describe("moving a room, end to end: probes and ListRooms against loopback regions", () => {
  const mumbai = new FakeRegion(platform.apiKey, platform.apiSecret);
  const singapore = new FakeRegion(platform.apiKey, platform.apiSecret);
  let regionUrls: Record<string, string>;
  beforeAll(async () => {
    regionUrls = { mumbai: await mumbai.listen(), singapore: await singapore.listen() };
  });
  afterAll(() => Promise.all([mumbai.close(), singapore.close()]));

  /** A service over the two regions; `failures` probes of mumbai fail, 5 s apart, before the next join. */
  async function afterMumbaiFailed(failures: number) {
    const clock = { now: 0 };
    const local = { ...platform, regionUrls };
    const health = new HttpRegionHealth(regionUrls, { now: () => clock.now });
    const tokens = new TokenService({
      platform: local,
      pins: new InMemoryPinStore(),
      health,
      rooms: new LiveKitRoomDirectory(local),
      log: () => {},
    });
    mumbai.statsFresh = true;
    mumbai.redisUp = true;
    mumbai.rooms = new Map([["standup", "RM_mumbai1"]]);
    await health.probeAll();
    expect((await tokens.join({ room: "standup", identity: "alice", regionHint: "mumbai" })).region).toBe("mumbai");
    mumbai.statsFresh = false;
    for (let probe = 0; probe < failures; probe++) {
      clock.now += 5_000;
      await health.probeAll();
    }
    mumbai.listRoomsAsked.length = 0;
    return tokens;
  }
  const bobJoins = async (tokens: TokenService) =>
    (await tokens.join({ room: "standup", identity: "bob", regionHint: "singapore" })).region;

  it("12 failed probes (55 s): the room stays, even though mumbai no longer has it; mumbai is not asked", async () => {
    const tokens = await afterMumbaiFailed(12);
    mumbai.rooms.clear();
    expect(await bobJoins(tokens)).toBe("mumbai");
    expect(mumbai.listRoomsAsked).toEqual([]);
  });

  it("13 failed probes (60 s) and mumbai's Redis failing over: ListRooms errors, the room stays", async () => {
    const tokens = await afterMumbaiFailed(13);
    mumbai.redisUp = false;
    expect(await bobJoins(tokens)).toBe("mumbai");
    expect(mumbai.listRoomsAsked).toEqual([["standup"]]);
  });

  it("13 failed probes and mumbai still lists the room: it stays", async () => {
    const tokens = await afterMumbaiFailed(13);
    expect(await bobJoins(tokens)).toBe("mumbai");
    expect(mumbai.listRoomsAsked).toEqual([["standup"]]);
  });

  it("13 failed probes and mumbai answers that the room is gone: it moves to singapore", async () => {
    const tokens = await afterMumbaiFailed(13);
    mumbai.rooms.clear();
    expect(await bobJoins(tokens)).toBe("singapore");
  });
});
