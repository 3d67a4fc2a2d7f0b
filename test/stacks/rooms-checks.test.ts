/**
 * Global rooms mode across the region stack files (stacks/rooms-checks.ts): one mode and one hub everywhere,
 * a hub that is a region stack, no overlapping VPC ranges; and the region list LiveKit gets.
 */
import { InputError } from "../../lib/errors";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import {
  checkRooms,
  cidrsOverlap,
  globalRoomsSummary,
  liveKitRegions,
  RoomsStackFile,
} from "../../stacks/rooms-checks";
import { stackConfig } from "../support/stack-config";
import { SERVICE_KEYS } from "../support/rooms";

const APPLICATION_KEYS = { signing: "APPexamplekey0001", keys: { APPexamplekey0001: "a".repeat(48) } };

function region(
  stack: string,
  awsRegion: string,
  cidr: string,
  rooms: unknown,
  overrides: Record<string, unknown> = {},
): RoomsStackFile {
  const raw = stackConfig("mumbai", {
    "aws:region": awsRegion,
    "aws:defaultTags": { tags: { project: "livekit-platform", stack } },
    "livekit-platform:regionLabel": stack,
    "livekit-platform:network": { cidr },
    "livekit-platform:applicationKeys": APPLICATION_KEYS,
    ...(rooms === undefined ? {} : { "livekit-platform:rooms": rooms }),
    ...((rooms as { mode?: string } | undefined)?.mode === "global"
      ? { "livekit-platform:serviceKeys": SERVICE_KEYS }
      : {}),
    ...overrides,
  });
  return { file: `Pulumi.${stack}.yaml`, settings: parseStackConfig(raw, stack) as RegionSettings };
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
    expect(region("mumbai", "ap-south-1", "10.20.0.0/16", undefined).settings.rooms).toEqual({ mode: "regional" });
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
      "livekit-platform:serviceKeys": SERVICE_KEYS,
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

describe("livekit-platform:serviceKeys", () => {
  const withKeys = (serviceKeys: unknown, rooms: unknown = hub) =>
    region("mumbai", "ap-south-1", "10.20.0.0/16", rooms, { "livekit-platform:serviceKeys": serviceKeys });

  it("is required in global rooms mode, and optional (generated per region) in regional mode", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:rooms": hub,
      "livekit-platform:applicationKeys": APPLICATION_KEYS,
    });
    expect(errorOf(() => parseStackConfig(raw, "mumbai"))).toBe(
      "livekit-platform:serviceKeys: is required with rooms.mode global (egress's and the load tests' key pairs, the same in every region file): livekit-server signs participants' refreshed tokens with any key of its key file, and a participant can reconnect through any region, got nothing",
    );
    expect(mumbai(regional).settings.serviceKeys).toBeUndefined();
    expect(withKeys(SERVICE_KEYS, regional).settings.serviceKeys).toEqual(SERVICE_KEYS);
  });

  it("takes ids with the consumer's prefix and secrets of 32 characters or more, never showing a secret", () => {
    expect(errorOf(() => withKeys({ ...SERVICE_KEYS, egress: { ...SERVICE_KEYS.egress, id: "APPxyz123" } }))).toBe(
      'livekit-platform:serviceKeys.egress.id: must be EGRESS and 3-58 letters and digits, got "APPxyz123"',
    );
    const short = { ...SERVICE_KEYS, loadTest: { ...SERVICE_KEYS.loadTest, secret: "tooshort" } };
    expect(errorOf(() => withKeys(short))).toBe(
      'livekit-platform:serviceKeys.loadTest.secret: must be a secret of at least 32 characters without blanks (set it with --secret), got "[secret of 8 characters]"',
    );
    expect(errorOf(() => withKeys({ egress: SERVICE_KEYS.egress }))).toBe(
      "livekit-platform:serviceKeys.loadTest: is required, got nothing",
    );
  });

  it("refuses a service key that reuses an application key id", () => {
    const app = { signing: "EGRESSshared01", keys: { EGRESSshared01: "a".repeat(48) } };
    const keys = { ...SERVICE_KEYS, egress: { ...SERVICE_KEYS.egress, id: "EGRESSshared01" } };
    expect(
      errorOf(() =>
        region("mumbai", "ap-south-1", "10.20.0.0/16", hub, {
          "livekit-platform:applicationKeys": app,
          "livekit-platform:serviceKeys": keys,
        }),
      ),
    ).toBe(
      'livekit-platform:serviceKeys.egress.id: is also an application key id; every consumer needs a key of its own, got "EGRESSshared01"',
    );
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

  it("refuses, in global mode, a region file that names other keys than the first: any of them signs refreshed tokens", () => {
    const otherEgress = { ...SERVICE_KEYS, egress: { ...SERVICE_KEYS.egress, id: "EGRESSotherkey02" } };
    expect(
      errorOf(() =>
        checkRooms([
          mumbai(),
          region("singapore", "ap-southeast-1", "10.30.0.0/16", hub, { "livekit-platform:serviceKeys": otherEgress }),
        ]),
      ),
    ).toBe(
      'Pulumi.singapore.yaml livekit-platform:serviceKeys.egress.id: must name the same keys as Pulumi.mumbai.yaml (EGRESSexamplekey1) in global rooms mode: livekit-server refreshes participants\' tokens with any key of its key file, and a participant reconnects through any region, got "EGRESSotherkey02"',
    );
    const rotating = {
      signing: "APPexamplekey0001",
      keys: { APPexamplekey0001: "a".repeat(48), APPnewkey000002: "n".repeat(48) },
    };
    expect(
      errorOf(() =>
        checkRooms([
          mumbai(),
          region("singapore", "ap-southeast-1", "10.30.0.0/16", hub, { "livekit-platform:applicationKeys": rotating }),
        ]),
      ),
    ).toBe(
      'Pulumi.singapore.yaml livekit-platform:applicationKeys.keys: must name the same keys as Pulumi.mumbai.yaml (APPexamplekey0001) in global rooms mode: livekit-server refreshes participants\' tokens with any key of its key file, and a participant reconnects through any region, got "APPexamplekey0001, APPnewkey000002"',
    );
    // Regional regions generate their own: nothing to agree on.
    expect(() => checkRooms([mumbai(regional), singapore(regional)])).not.toThrow();
  });

  it("has nothing to check without region files, and names the first file's regional mode", () => {
    expect(() => checkRooms([])).not.toThrow();
    expect(errorOf(() => checkRooms([mumbai(regional), singapore()]))).toBe(
      'Pulumi.singapore.yaml livekit-platform:rooms.mode: must be the same in every region file: Pulumi.mumbai.yaml is regional, got "global"',
    );
  });

  it("takes the same application keys listed in another order", () => {
    const twoKeys = (first: string, second: string) => ({
      "livekit-platform:applicationKeys": {
        signing: "APPexamplekey0001",
        keys: { [first]: "a".repeat(48), [second]: "n".repeat(48) },
      },
    });
    expect(() =>
      checkRooms([
        region("mumbai", "ap-south-1", "10.20.0.0/16", hub, twoKeys("APPexamplekey0001", "APPnewkey000002")),
        region("singapore", "ap-southeast-1", "10.30.0.0/16", hub, twoKeys("APPnewkey000002", "APPexamplekey0001")),
      ]),
    ).not.toThrow();
  });

  it("sums up global mode for the global stack's plan: the hub, each member's added round trip, where recordings go", () => {
    expect(globalRoomsSummary([mumbai(), singapore(), tokyo()])).toEqual({
      mode: "global",
      hub: "mumbai",
      hubAwsRegion: "ap-south-1",
      // The fibre floor of the great-circle distance to the hub and back, to a tenth of a millisecond.
      members: [
        { stack: "singapore", awsRegion: "ap-southeast-1", addedRoundTripFloorMs: 38.2 },
        { stack: "tokyo", awsRegion: "ap-northeast-1", addedRoundTripFloorMs: 65.8 },
      ],
      recordings: { region: "mumbai", awsRegion: "ap-south-1" },
    });
    expect(globalRoomsSummary([mumbai(regional), singapore(regional)])).toBeUndefined();
    expect(globalRoomsSummary([])).toBeUndefined();
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
    ["0.0.0.0/0", "10.20.0.0/16", true],
  ])("%s and %s: %s", (a, b, expected) => {
    expect(cidrsOverlap(a, b)).toBe(expected);
    expect(cidrsOverlap(b, a)).toBe(expected);
  });

  it("names the block that is no IPv4 CIDR, either one", () => {
    expect(() => cidrsOverlap("10.20.0.0/33", "10.30.0.0/16")).toThrow("not an IPv4 CIDR block: 10.20.0.0/33");
    expect(() => cidrsOverlap("10.20.0.0/16", "fd00::/8")).toThrow("not an IPv4 CIDR block: fd00::/8");
  });
});
