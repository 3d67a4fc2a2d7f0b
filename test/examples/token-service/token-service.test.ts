/**
 * The example token service (examples/token-service): tokens the SDK's own verifier accepts, and rooms
 * pinned to one region.
 */
import { TokenVerifier } from "livekit-server-sdk";
import { InMemoryPinStore } from "../../../examples/token-service/pins";
import { Platform } from "../../../examples/token-service/platform";
import {
  HttpRegionHealth,
  NoRegionAvailable,
  RegionHealth,
  TokenService,
} from "../../../examples/token-service/token-service";

const platform: Platform = {
  regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
  apiKey: "APPexamplekey0001",
  apiSecret: "application-secret-0123456789abcdef0123456789",
};

/** Regions up unless marked down. */
class FakeHealth implements RegionHealth {
  down = new Set<string>();
  async isUp(region: string) {
    return !this.down.has(region);
  }
}

function service(options: { defaultRegion?: string; ttlSeconds?: number } = {}) {
  const health = new FakeHealth();
  const pins = new InMemoryPinStore();
  return {
    health,
    pins,
    tokens: new TokenService({ platform, pins, health, now: () => 1_700_000_000_000, ...options }),
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
    expect(claims.exp! - claims.nbf!).toBe(300);
    expect(claims.exp!).toBeGreaterThanOrEqual(before + 300);
    expect(claims.exp!).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 300);
  });

  it("mints tokens that expire: the verifier rejects one past its lifetime", async () => {
    const { tokens } = service({ ttlSeconds: 1 });
    const { token } = await tokens.join({ room: "standup", identity: "alice" });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    // No clock tolerance (the SDK allows 10 s by default, as LiveKit does).
    await expect(new TokenVerifier(platform.apiKey, platform.apiSecret).verify(token, 0)).rejects.toThrow(/exp/);
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

  it("does not pin a new room to a region that is down, even if hinted", async () => {
    const { tokens, health } = service();
    health.down.add("singapore");
    expect((await tokens.join({ room: "r1", identity: "a", regionHint: "singapore" })).region).toBe("mumbai");
    health.down.add("mumbai");
    health.down.delete("singapore");
    expect((await tokens.join({ room: "r2", identity: "a" })).region).toBe("singapore");
  });

  it("moves a room whose region went down to one that is up, and keeps it there once the region is back", async () => {
    const { tokens, health, pins } = service();
    await tokens.join({ room: "r1", identity: "alice", regionHint: "mumbai" });
    health.down.add("mumbai");
    const moved = await tokens.join({ room: "r1", identity: "bob", regionHint: "mumbai" });
    expect(moved.url).toBe("wss://singapore.livekit.example.com");
    expect((await pins.get("r1"))?.region).toBe("singapore");
    health.down.delete("mumbai");
    // The room now lives in singapore: everyone goes there, even from mumbai.
    expect((await tokens.join({ room: "r1", identity: "carol", regionHint: "mumbai" })).region).toBe("singapore");
  });

  it("answers that no region is available when every region is down", async () => {
    const { tokens, health } = service();
    health.down.add("mumbai").add("singapore");
    await expect(tokens.join({ room: "r1", identity: "a" })).rejects.toBeInstanceOf(NoRegionAvailable);
  });

  it("forgets a finished room, so its next participant pins it afresh", async () => {
    const { tokens } = service();
    await tokens.join({ room: "r1", identity: "a", regionHint: "mumbai" });
    await tokens.roomFinished("r1");
    expect((await tokens.join({ room: "r1", identity: "b", regionHint: "singapore" })).region).toBe("singapore");
  });

  it("refuses a default region that is not deployed", () => {
    expect(
      () =>
        new TokenService({ platform, pins: new InMemoryPinStore(), health: new FakeHealth(), defaultRegion: "tokyo" }),
    ).toThrow("defaultRegion tokyo is not one of the regions (mumbai, singapore)");
  });
});

describe("HttpRegionHealth", () => {
  it("asks https://<label>.<domain>/ for a 200, within a timeout, and remembers the answer for a while", async () => {
    const asked: string[] = [];
    let now = 0;
    let status = 200;
    const health = new HttpRegionHealth(platform.regionUrls, {
      cacheMs: 10_000,
      now: () => now,
      fetch: (async (url: string) => {
        asked.push(url);
        return { status } as Response;
      }) as unknown as typeof fetch,
    });
    expect(await health.isUp("mumbai")).toBe(true);
    status = 503;
    expect(await health.isUp("mumbai")).toBe(true); // cached
    now = 10_000;
    expect(await health.isUp("mumbai")).toBe(false);
    expect(asked).toEqual(["https://mumbai.livekit.example.com/", "https://mumbai.livekit.example.com/"]);
    expect(await health.isUp("tokyo")).toBe(false);
  });

  it("counts a region that does not answer as down", async () => {
    const health = new HttpRegionHealth(platform.regionUrls, {
      fetch: (async () => {
        throw new Error("ECONNREFUSED");
      }) as unknown as typeof fetch,
    });
    expect(await health.isUp("singapore")).toBe(false);
  });
});
