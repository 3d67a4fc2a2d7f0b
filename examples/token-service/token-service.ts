/**
 * A region-aware LiveKit token service: the README's "Region pinning" made real, as an example to adapt.
 *
 * Rooms never span regions (each region has its own Redis), so every participant of a room must be sent
 * to the same region. The first participant pins the room: to the region its client measured fastest
 * (the hint), else to the default region. Everyone after that gets the pinned region, whatever they hint.
 * If the pinned region is down, the room cannot move with its participants: it is pinned again elsewhere
 * and created afresh there by the next participant to ask.
 */
import { AccessToken } from "livekit-server-sdk";
import { healthUrl, Platform } from "./platform";
import { Pin, PinStore } from "./pins";

/** Whether a region takes new participants. */
export interface RegionHealth {
  isUp(region: string): Promise<boolean>;
}

/**
 * Asks each region's `https://<label>.<domain>/` (LiveKit answers 200 while it is healthy, the same check
 * the global stack's DNS uses) and remembers the answer for `cacheMs`, so joins do not wait on it.
 */
export class HttpRegionHealth implements RegionHealth {
  private readonly cache = new Map<string, { up: boolean; at: number }>();

  constructor(
    private readonly regionUrls: Record<string, string>,
    private readonly options: { timeoutMs?: number; cacheMs?: number; fetch?: typeof fetch; now?: () => number } = {},
  ) {}

  async isUp(region: string): Promise<boolean> {
    const url = this.regionUrls[region];
    if (url === undefined) return false;
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(region);
    if (cached && now - cached.at < (this.options.cacheMs ?? 10_000)) return cached.up;
    let up = false;
    try {
      const response = await (this.options.fetch ?? fetch)(healthUrl(url), {
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 2_000),
      });
      up = response.status === 200;
    } catch {
      up = false;
    }
    this.cache.set(region, { up, at: now });
    return up;
  }
}

export interface JoinRequest {
  room: string;
  identity: string;
  /** Display name. */
  name?: string;
  /** Region label the client measured fastest (it fetches `https://<label>.<domain>/` of each region). */
  regionHint?: string;
  /** Default true; false for a viewer who only subscribes. */
  canPublish?: boolean;
}

export interface JoinResponse {
  /** `wss://<label>.<domain>` of the room's region: never the global name. */
  url: string;
  token: string;
  region: string;
}

export class NoRegionAvailable extends Error {}
export class BadRequest extends Error {}

export interface TokenServiceOptions {
  platform: Platform;
  pins: PinStore;
  health: RegionHealth;
  /** Where rooms go without a usable hint. Default: the first region by label. */
  defaultRegion?: string;
  /**
   * Token lifetime in seconds: the time to join. LiveKit refreshes a connected participant's token itself, with
   * any key of its region's key file; once that key is retired, the client's reconnect gets 401 and it comes
   * back here for a new token (README, "When a key is retired").
   */
  ttlSeconds?: number;
  now?: () => number;
}

/** Room names and identities: what LiveKit accepts, kept short enough to log. */
const NAME = /^[A-Za-z0-9_.:@-]{1,128}$/;

export class TokenService {
  private readonly regions: string[];
  private readonly defaultRegion: string;

  constructor(private readonly options: TokenServiceOptions) {
    this.regions = Object.keys(options.platform.regionUrls).sort();
    this.defaultRegion = options.defaultRegion ?? this.regions[0];
    if (!this.regions.includes(this.defaultRegion)) {
      throw new Error(`defaultRegion ${this.defaultRegion} is not one of the regions (${this.regions.join(", ")})`);
    }
  }

  /** The region labels, for clients that measure latency (GET https://<label>.<domain>/ each). */
  regionUrls(): Record<string, string> {
    return { ...this.options.platform.regionUrls };
  }

  async join(request: JoinRequest): Promise<JoinResponse> {
    if (!NAME.test(request.room)) throw new BadRequest("room: 1-128 letters, digits or _ . : @ -");
    if (!NAME.test(request.identity)) throw new BadRequest("identity: 1-128 letters, digits or _ . : @ -");
    const region = await this.regionFor(request.room, request.regionHint);
    const token = new AccessToken(this.options.platform.apiKey, this.options.platform.apiSecret, {
      identity: request.identity,
      name: request.name,
      ttl: this.options.ttlSeconds ?? 600,
    });
    const canPublish = request.canPublish ?? true;
    token.addGrant({ roomJoin: true, room: request.room, canPublish, canPublishData: canPublish, canSubscribe: true });
    return { url: this.options.platform.regionUrls[region], token: await token.toJwt(), region };
  }

  /** Forgets a finished room (call it from LiveKit's `room_finished` webhook). */
  async roomFinished(room: string): Promise<void> {
    await this.options.pins.delete(room);
  }

  private async regionFor(room: string, hint: string | undefined): Promise<string> {
    const { pins, health } = this.options;
    const pinned = await pins.get(room);
    if (pinned && this.regions.includes(pinned.region) && (await health.isUp(pinned.region))) return pinned.region;

    // New room, or its region is down (or no longer deployed): choose, then store atomically. Another
    // replica may have chosen first: then its choice holds.
    const next: Pin = { region: await this.choose(hint), pinnedAt: (this.options.now ?? Date.now)() };
    const held = pinned ? await pins.replace(room, pinned, next) : await pins.pinIfAbsent(room, next);
    return held.region;
  }

  /** The hinted region if it is up, else the default if it is up, else the first region that is up. */
  private async choose(hint: string | undefined): Promise<string> {
    const candidates = [hint, this.defaultRegion, ...this.regions].filter(
      (r, i, all): r is string => r !== undefined && this.regions.includes(r) && all.indexOf(r) === i,
    );
    for (const region of candidates) if (await this.options.health.isUp(region)) return region;
    throw new NoRegionAvailable(`no region is up (${this.regions.join(", ")})`);
  }
}
