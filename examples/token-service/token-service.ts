/**
 * A region-aware LiveKit token service: docs/region-pinning.md made real, as an example to adapt.
 *
 * Rooms never span regions (each region has its own Redis), so every participant of a room must be sent
 * to the same region. The first participant pins the room: to the region its client measured fastest
 * (the hint), else to the default region. Everyone after that gets the pinned region, whatever they hint.
 *
 * A pinned room moves only when its region has been down for a sustained time (health.ts) AND the region
 * answers that it no longer has the room (room-directory.ts). Moving a room that still runs would split the
 * meeting: later joiners would start an empty copy elsewhere while the others carry on. A region that cannot
 * tell keeps its rooms; an operator who gives a region up takes it out of the service's regions.
 */
import { AccessToken } from "livekit-server-sdk";
import { RegionHealth } from "./health";
import { Platform } from "./platform-settings";
import { Pin, PinStore } from "./pins";
import { RoomDirectory } from "./room-directory";

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
  /** Asks a region whether it still has a room (LiveKit's ListRooms). */
  rooms: RoomDirectory;
  /** Where rooms go without a usable hint. Default: the first region by label. */
  defaultRegion?: string;
  /**
   * Token lifetime in seconds: the time to join. LiveKit refreshes a connected participant's token itself, with
   * any key of its region's key file; once that key is retired, the client's reconnect gets 401 and it comes
   * back here for a new token (docs/credentials.md, "When a key is retired").
   */
  ttlSeconds?: number;
  now?: () => number;
  log?: (line: string) => void;
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

  /**
   * LiveKit's `room_started`: the pin learns the SID of the room in its region. The region is asked which SID
   * it has, because the event may come from another copy (a participant with an old URL re-creating the room
   * in the region it left); if the region cannot say, a pin without a SID takes the event's.
   */
  async roomStarted(room: string, sid: string): Promise<void> {
    const pin = await this.options.pins.get(room);
    if (pin === undefined || pin.sid === sid) return;
    const found = await this.options.rooms.lookup(pin.region, room);
    const belongs = found === "unknown" ? pin.sid === undefined : found !== "absent" && found.sid === sid;
    if (belongs) await this.options.pins.replace(room, pin, { ...pin, sid });
    else this.log(`room_started ${room} ${sid}: not the room pinned to ${pin.region}, pin kept as it is`);
  }

  /** LiveKit's `room_finished`: forgets the pin if it belongs to that room (same SID), so the name pins afresh. */
  async roomFinished(room: string, sid: string): Promise<void> {
    await this.options.pins.deleteIfSid(room, sid);
  }

  private async regionFor(room: string, hint: string | undefined): Promise<string> {
    const { pins } = this.options;
    const pinned = await pins.get(room);
    const whyMove = pinned && (await this.whyMove(room, pinned));
    if (pinned && whyMove === undefined) return pinned.region;

    // New room, or its old region has given it up: choose, then store atomically. Another replica may have
    // chosen first: then its choice holds.
    const next: Pin = { region: await this.choose(hint), pinnedAt: (this.options.now ?? Date.now)() };
    const held = (pinned && (await pins.replace(room, pinned, next))) ?? (await pins.pinIfAbsent(room, next));
    if (pinned && held.region !== pinned.region)
      this.log(`room ${room} moved from ${pinned.region} to ${held.region}: ${whyMove}`);
    return held.region;
  }

  /**
   * Why a pinned room may move, or undefined to keep it where it is: anything short of "region down, and the
   * room confirmed gone from it" keeps it.
   */
  private async whyMove(room: string, pin: Pin): Promise<string | undefined> {
    if (!this.regions.includes(pin.region)) return "region no longer served";
    if ((await this.options.health.status(pin.region)) !== "down") return undefined;
    if ((await this.options.rooms.lookup(pin.region, room)) !== "absent") return undefined;
    return "region down and the room gone from it";
  }

  private log(line: string): void {
    (this.options.log ?? ((l: string) => console.log(l)))(line);
  }

  /**
   * For a new room: the hinted region if it is up, else the default if it is up, else the first region that is
   * up. A region whose latest probe failed gets no new rooms: there is no meeting to keep together yet.
   */
  private async choose(hint: string | undefined): Promise<string> {
    const candidates = [hint, this.defaultRegion, ...this.regions].filter(
      (r, i, all): r is string => r !== undefined && this.regions.includes(r) && all.indexOf(r) === i,
    );
    for (const region of candidates) if ((await this.options.health.status(region)) === "up") return region;
    throw new NoRegionAvailable(`no region is up (${this.regions.join(", ")})`);
  }
}
