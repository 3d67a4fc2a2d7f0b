/**
 * Global rooms mode across the region stack files (stacks/rooms-checks.ts): one mode and one hub everywhere,
 * a hub that is a region stack, no overlapping VPC ranges; and the region list LiveKit gets.
 */
import { InputError } from "../../lib/errors";
import { parseStackConfig, RegionStackConfig } from "../../stacks/config";
import { checkRooms, cidrsOverlap, liveKitRegions, RoomsStackFile } from "../../stacks/rooms-checks";
import { stackConfig } from "../support/plan";

const APPLICATION_KEYS = { signing: "APPexamplekey0001", keys: { APPexamplekey0001: "a".repeat(48) } };

function region(stack: string, awsRegion: string, cidr: string, rooms: unknown): RoomsStackFile {
  const raw = stackConfig("mumbai", {
    "aws:region": awsRegion,
    "aws:defaultTags": { tags: { project: "livekit-platform", stack } },
    "livekit-platform:regionLabel": stack,
    "livekit-platform:network": { cidr },
    "livekit-platform:applicationKeys": APPLICATION_KEYS,
    ...(rooms === undefined ? {} : { "livekit-platform:rooms": rooms }),
  });
  return { file: `Pulumi.${stack}.yaml`, config: parseStackConfig(raw, stack) as RegionStackConfig };
}

const hub = { mode: "global", hub: "mumbai" };
const regional = { mode: "regional" };
const mumbai = (rooms: unknown = hub) => region("mumbai", "ap-south-1", "10.20.0.0/16", rooms);
const singapore = (rooms: unknown = hub, cidr = "10.30.0.0/16") => region("singapore", "ap-southeast-1", cidr, rooms);
const tokyo = (rooms: unknown = hub, cidr = "10.40.0.0/16") => region("tokyo", "ap-northeast-1", cidr, rooms);

function errorOf(fn: () => void): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  throw new Error("expected an InputError");
}

describe("livekit-platform:rooms", () => {
  it("defaults to regional, and needs a hub in global mode only", () => {
    expect(region("mumbai", "ap-south-1", "10.20.0.0/16", undefined).config.rooms).toEqual({ mode: "regional" });
    expect(errorOf(() => mumbai({ mode: "global" }))).toBe(
      "livekit-platform:rooms.hub: is required with mode global (the stack name of the region whose Redis every region shares), got nothing",
    );
    expect(errorOf(() => mumbai({ mode: "regional", hub: "mumbai" }))).toBe(
      'livekit-platform:rooms.hub: is only read with mode global (set mode: global, or remove hub), got "mumbai"',
    );
    expect(errorOf(() => mumbai({ mode: "everywhere" }))).toBe(
      'livekit-platform:rooms.mode: must be "regional" or "global", got "everywhere"',
    );
  });

  it("refuses global mode on an existing VPC (its route tables are not this stack's)", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:rooms": hub,
      "livekit-platform:applicationKeys": APPLICATION_KEYS,
      "livekit-platform:network": {
        existingVpc: {
          vpcId: "vpc-0abc12345def67890",
          publicSubnetIds: ["subnet-0abc1234", "subnet-0abc1235"],
          privateSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"],
        },
      },
    });
    expect(errorOf(() => parseStackConfig(raw, "mumbai"))).toMatch(/^livekit-platform:rooms\.mode: global needs a VPC/);
  });
});

describe("checkRooms", () => {
  it("accepts regional regions with overlapping ranges (they are never peered) and a consistent global set", () => {
    expect(() => checkRooms([mumbai(regional), singapore(regional, "10.20.0.0/16")])).not.toThrow();
    expect(() => checkRooms([mumbai(), singapore(), tokyo()])).not.toThrow();
  });

  it("refuses regions that disagree on the mode, naming the file that differs", () => {
    expect(errorOf(() => checkRooms([mumbai(), singapore({ mode: "regional" })]))).toBe(
      'Pulumi.singapore.yaml livekit-platform:rooms.mode: must be the same in every region file: Pulumi.mumbai.yaml is global with hub mumbai, got "regional"',
    );
  });

  it("refuses two hubs", () => {
    expect(errorOf(() => checkRooms([mumbai(), singapore({ mode: "global", hub: "singapore" })]))).toBe(
      'Pulumi.singapore.yaml livekit-platform:rooms.hub: names another hub than Pulumi.mumbai.yaml (mumbai); one Redis hub for every region, got "singapore"',
    );
  });

  it("refuses a hub that is not a region stack", () => {
    const rooms = { mode: "global", hub: "global" };
    expect(errorOf(() => checkRooms([mumbai(rooms), singapore(rooms)]))).toBe(
      'Pulumi.mumbai.yaml livekit-platform:rooms.hub: must be the stack name of a region stack (mumbai, singapore), got "global"',
    );
  });

  it("refuses overlapping VPC ranges between member regions in global mode", () => {
    expect(errorOf(() => checkRooms([mumbai(), singapore(), tokyo(hub, "10.30.128.0/17")]))).toBe(
      "Pulumi.tokyo.yaml livekit-platform:network.cidr: overlaps Pulumi.singapore.yaml's 10.30.0.0/16; in global rooms mode the regions' VPCs are peered and need distinct ranges, got \"10.30.128.0/17\"",
    );
  });

  it("gives LiveKit every region's label and its AWS region's coordinates, in file order", () => {
    expect(liveKitRegions([mumbai(), singapore()])).toEqual([
      { name: "mumbai", lat: 19.08, lon: 72.88 },
      { name: "singapore", lat: 1.35, lon: 103.82 },
    ]);
  });
});

describe("cidrsOverlap", () => {
  it.each([
    ["10.20.0.0/16", "10.30.0.0/16", false],
    ["10.20.0.0/16", "10.20.128.0/17", true],
    ["10.0.0.0/8", "10.255.0.0/16", true],
    ["10.20.0.0/20", "10.20.16.0/20", false],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(cidrsOverlap(a, b)).toBe(expected);
    expect(cidrsOverlap(b, a)).toBe(expected);
  });
});
