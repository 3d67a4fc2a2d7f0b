/**
 * Global rooms mode across the region stack files (docs/rooms-across-regions.md): what no single file can
 * check. Both the global stack (stacks/regions.ts) and every region stack in global mode (stacks/rooms.ts)
 * run it, so `npm run plan` of any of them refuses an inconsistent set with one line (exit 2).
 */
import { partitionOfRegion } from "../lib/aws-partitions";
import { awsRegions, regionRttFloorMs } from "../lib/aws-regions";
import { parseCidr } from "../lib/ip";
import type { LiveKitRegion } from "../components/livekit/server-config";
import { InputError } from "../lib/errors";
import type { RegionSettings } from "./config";
import { PROJECT } from "./config-key";

/** A region stack file as stacks/regions.ts reads it (structurally, to keep this module below it). */
export interface RoomsStackFile {
  file: string;
  settings: RegionSettings;
}

const ROOMS_KEY = `${PROJECT}:rooms`;

/**
 * Every region stack agrees on `rooms` (mode, and hub in global mode); in global mode the hub is a region
 * stack and no two regions' VPC ranges overlap (peered VPCs cannot). Throws an InputError naming the file.
 */
export function checkRooms(regions: readonly RoomsStackFile[]): void {
  if (regions.length === 0) return;
  // The first file by stack name sets the expectation; a file that differs is named.
  const [first, ...rest] = regions;
  const describe = (r: RoomsStackFile) =>
    r.settings.rooms.mode === "global" ? `global with hub ${r.settings.rooms.hub}` : "regional";
  for (const other of rest) {
    const a = first.settings.rooms;
    const b = other.settings.rooms;
    if (a.mode !== b.mode) {
      throw new InputError(
        `${other.file} ${ROOMS_KEY}.mode`,
        `must be the same in every region file: ${first.file} is ${describe(first)}`,
        b.mode,
      );
    }
    if (a.hub !== b.hub) {
      throw new InputError(
        `${other.file} ${ROOMS_KEY}.hub`,
        `names another hub than ${first.file} (${a.hub}); one Redis hub for every region`,
        b.hub,
      );
    }
  }
  const rooms = first.settings.rooms;
  if (rooms.mode !== "global") return;

  const hub = regions.find((r) => r.settings.stackName === rooms.hub);
  if (hub === undefined) {
    throw new InputError(
      `${first.file} ${ROOMS_KEY}.hub`,
      `must be the stack name of a region stack (${regions.map((r) => r.settings.stackName).join(", ")})`,
      rooms.hub,
    );
  }

  // Every member's VPC is peered with the hub's, and a peering connects two VPCs of one partition (an account, and
  // its VPCs, belong to one partition).
  const hubPartition = partitionOfRegion(hub.settings.awsRegion);
  const apart = regions.find((r) => partitionOfRegion(r.settings.awsRegion) !== hubPartition);
  if (apart !== undefined) {
    throw new InputError(
      `${apart.file} aws:region`,
      `is in the ${partitionOfRegion(apart.settings.awsRegion)} partition, the hub ${hub.file} in ${hubPartition}: global rooms mode peers every member's VPC with the hub's, and VPC peering stays inside one partition`,
      apart.settings.awsRegion,
    );
  }

  // livekit-server signs participants' refreshed tokens with any key of its key file, and in global mode they
  // reconnect through any region: every region file names the same keys (the ids; the secrets are `secure:`
  // values the files cannot compare, which each member checks against the hub's at `pulumi up`).
  const keyIdsOf = (r: RoomsStackFile) => ({
    applicationKeys: Object.keys(r.settings.applicationKeys.keys).sort().join(", "),
    "serviceKeys.egress.id": r.settings.serviceKeys?.egress.id,
    "serviceKeys.loadTest.id": r.settings.serviceKeys?.loadTest.id,
  });
  const expected = keyIdsOf(first);
  for (const other of rest) {
    const ids = keyIdsOf(other);
    for (const setting of Object.keys(expected) as (keyof typeof expected)[]) {
      if (ids[setting] !== expected[setting]) {
        throw new InputError(
          `${other.file} ${PROJECT}:${setting === "applicationKeys" ? "applicationKeys.keys" : setting}`,
          `must name the same keys as ${first.file} (${expected[setting]}) in global rooms mode: livekit-server ` +
            "refreshes participants' tokens with any key of its key file, and a participant reconnects through any region",
          ids[setting],
        );
      }
    }
  }

  // Peered VPCs must not overlap; and every member is peered with the hub, so keep every pair apart.
  for (let i = 0; i < regions.length; i++) {
    for (let j = 0; j < i; j++) {
      const a = regions[j];
      const b = regions[i];
      if (cidrsOverlap(a.settings.network.cidr, b.settings.network.cidr)) {
        throw new InputError(
          `${b.file} ${PROJECT}:network.cidr`,
          `overlaps ${a.file}'s ${a.settings.network.cidr}; in global rooms mode the regions' VPCs are peered and need distinct ranges`,
          b.settings.network.cidr,
        );
      }
    }
  }
}

/** Whether two IPv4 CIDR blocks share an address. */
export function cidrsOverlap(a: string, b: string): boolean {
  const x = parseCidr(a);
  const y = parseCidr(b);
  if (x === undefined || y === undefined) throw new Error(`not an IPv4 CIDR block: ${x === undefined ? a : b}`);
  const prefix = Math.min(x.prefix, y.prefix);
  const mask = prefix === 0 ? 0 : (~0 << (32 - prefix)) >>> 0;
  return (x.base & mask) >>> 0 === (y.base & mask) >>> 0;
}

/**
 * LiveKit's region list in global mode: every region stack's label and its AWS region's coordinates, by stack
 * name, so it is the same in every region's config.
 */
export function liveKitRegions(regions: readonly RoomsStackFile[]): LiveKitRegion[] {
  return regions.map(({ settings }) => {
    const facts = awsRegions[settings.awsRegion];
    return { name: settings.regionLabel, lat: facts.latitude, lon: facts.longitude };
  });
}

/**
 * What the global stack's plan says about global rooms mode (undefined in regional mode): the hub, each member
 * with the least round trip its joins and relayed messages add (the fibre floor, lib/aws-regions.ts), and where
 * recordings are made and stored (only the hub runs Egress).
 */
export function globalRoomsSummary(regions: readonly RoomsStackFile[]) {
  const hubStack = regions[0]?.settings.rooms.mode === "global" ? regions[0].settings.rooms.hub : undefined;
  const hub = regions.find((r) => r.settings.stackName === hubStack);
  if (hub === undefined) return undefined;
  return {
    mode: "global" as const,
    hub: hub.settings.stackName,
    hubAwsRegion: hub.settings.awsRegion,
    members: regions
      .filter((r) => r !== hub)
      .map(({ settings }) => ({
        stack: settings.stackName,
        awsRegion: settings.awsRegion,
        addedRoundTripFloorMs: Math.round(regionRttFloorMs(settings.awsRegion, hub.settings.awsRegion) * 10) / 10,
      })),
    recordings: { region: hub.settings.stackName, awsRegion: hub.settings.awsRegion },
  };
}
