/**
 * Asks a region whether it has a room, before the token service moves the room elsewhere or trusts a
 * webhook's SID.
 *
 * LiveKit's `ListRooms` reads the room from the region's Redis (livekit v1.13.5
 * pkg/service/roomservice.go:110-134, pkg/service/redisstore.go:210-240) and fails when Redis does not answer,
 * so "absent" means the region answered and has no such room; a failover, a partition or a region that does
 * not answer is "unknown", which never moves a room. A room is written there before its `room_started`
 * webhook is sent (pkg/service/roomallocator.go:127, roommanager.go:727), so the region knows the SID that
 * webhook carries.
 */
import { RoomServiceClient } from "livekit-server-sdk";
import { Platform } from "./platform-settings";

export type RoomLookup = { sid: string } | "absent" | "unknown";

export interface RoomDirectory {
  lookup(region: string, room: string): Promise<RoomLookup>;
}

export class LiveKitRoomDirectory implements RoomDirectory {
  private readonly clients = new Map<string, RoomServiceClient>();
  private readonly log: (line: string) => void;

  constructor(platform: Platform, options: { timeoutSeconds?: number; log?: (line: string) => void } = {}) {
    this.log = options.log ?? (() => {});
    for (const [region, url] of Object.entries(platform.regionUrls)) {
      // One attempt, bounded: the SDK retries other regions only on LiveKit Cloud hosts (failover.js), and a
      // join waits for this answer.
      this.clients.set(
        region,
        new RoomServiceClient(url.replace(/^ws/, "http"), platform.apiKey, platform.apiSecret, {
          requestTimeout: options.timeoutSeconds ?? 2,
          failover: false,
        }),
      );
    }
  }

  async lookup(region: string, room: string): Promise<RoomLookup> {
    const client = this.clients.get(region);
    if (client === undefined) return "unknown";
    try {
      const found = (await client.listRooms([room])).find((r) => r.name === room);
      return found ? { sid: found.sid } : "absent";
    } catch (error) {
      this.log(`listRooms ${room} in ${region}: ${(error as Error).message}`);
      return "unknown";
    }
  }
}
