/**
 * A region's TURN settings from its stack file: one relay share for the nodes' relay traffic and the bill,
 * Coturn's allocation quota from every participant at the node's peak, and the one-line refusals.
 */
import * as ipaddr from "ipaddr.js";
import { DEFAULT_TURN_RELAY_SHARE } from "../../lib/capacity";
import { DENIED_PEER_CIDRS, renderTurnserverConf } from "../../components/coturn/turnserver-conf";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { SizedRegion, sizedRegion } from "../../stacks/sizing";
import { turnserverSettings } from "../../stacks/coturn-settings";
import { stackConfig } from "../support/stack-config";

const region = (overrides: Record<string, unknown> = {}) =>
  sizedRegion(parseStackConfig(stackConfig("mumbai", overrides), "mumbai") as RegionSettings);
/** The stack file's `capacity` with `extra` keys added. */
const capacity = (extra: Record<string, unknown>) => ({
  "livekit-platform:capacity": { ...JSON.parse(stackConfig("mumbai")["livekit-platform:capacity"]), ...extra },
});
/** GB a month the cost estimate bills for TURN's relay hop. */
const relayedGB = (cfg: SizedRegion) => {
  const c = cfg.sizing.cost!;
  if ("unavailable" in c) throw new Error(c.unavailable);
  return c.lines.find((l) => l.item.startsWith("TURN relay hop"))!.quantity;
};

describe("a region's relay share", () => {
  it("is the model's one constant by default, for the plan and the cost estimate alike", () => {
    const cfg = region();
    expect(cfg.sizing.plan.turn.relayShare).toBe(DEFAULT_TURN_RELAY_SHARE);
    expect(cfg.sizing.media.turn.relayShare).toBe(DEFAULT_TURN_RELAY_SHARE);
    // The bill's relayed GB are the plan's relay Mbps over the month's peak-equivalent hours (8 h a day at peak).
    const hours = 8 * 30.42 + 16 * 30.42 * 0.3;
    expect(relayedGB(cfg)).toBeCloseTo((cfg.sizing.plan.load.relayMbps * 1e6 * 3600 * hours) / 8 / 2 ** 30, 3);
  });

  it("is one setting, capacity.turnRelayShare, that moves the nodes' relay traffic and the bill together", () => {
    const shipped = region();
    const doubled = region(capacity({ turnRelayShare: 2 * DEFAULT_TURN_RELAY_SHARE }));
    expect(doubled.sizing.plan.load.relayMbps).toBeCloseTo(2 * shipped.sizing.plan.load.relayMbps, 6);
    expect(relayedGB(doubled)).toBeCloseTo(2 * relayedGB(shipped), 3);
    // The allocations do not move: every participant allocates, relayed or not.
    expect(doubled.sizing.media.turn.totalQuota).toBe(shipped.sizing.media.turn.totalQuota);
  });

  it("is no longer a cost setting: a stack file that still sets one gets a line saying where it went", () => {
    expect(() => region({ "livekit-platform:cost": { turnShare: 0.05 } })).toThrow(
      /^livekit-platform:cost\.turnShare: was removed: .*; set livekit-platform:capacity\.turnRelayShare instead, got /,
    );
  });
});

describe("Coturn's allocation quota", () => {
  it("comes from the model: every participant's allocations at the node's peak, twice over", () => {
    const cfg = region();
    const turn = cfg.sizing.media.turn;
    expect(turn.totalQuota).toBe(2 * 4 * turn.participantsPerNode);
    expect(turnserverSettings(cfg).totalQuota).toBe(turn.totalQuota);
    expect(cfg.sizing.overrides).toEqual([]);
  });

  it("can be set by hand, and the override is reported", () => {
    const cfg = region({ "livekit-platform:turn": { totalQuota: 5000 } });
    expect(turnserverSettings(cfg).totalQuota).toBe(5000);
    expect(cfg.sizing.overrides).toEqual([
      `turn.totalQuota = 5000 (the capacity model says ${region().sizing.media.turn.totalQuota})`,
    ]);
  });

  it("stops a relay port range smaller than the quota the model needs, with one line", () => {
    const relayPortRange = { start: 40000, end: 41999 };
    expect(() => region({ "livekit-platform:turn": { relayPortRange } })).toThrow(
      /^livekit-platform:turn\.relayPortRange: holds 2000 relay ports, fewer than the 3128 allocations the capacity model plans per Coturn node \(391 participants at peak x 4 allocations x 2\): widen it, or set turn\.totalQuota to at most 2000, got \{"start":40000,"end":41999\}$/,
    );
    // A quota set by hand within the range is the operator's call.
    expect(() => region({ "livekit-platform:turn": { relayPortRange, totalQuota: 2000 } })).not.toThrow();
  });
});

describe("what Coturn is told about the region", () => {
  it("relays on the stack file's relay ports, and is told the SFU's so that its file checks they stay apart", () => {
    const cfg = region({
      "livekit-platform:turn": { relayPortRange: { start: 20000, end: 29999 } },
      "livekit-platform:rtc": { udpPortRange: { start: 52000, end: 58999 } },
    });
    const settings = turnserverSettings(cfg);
    // coturn 4.17.0 src/apps/relay/mainrelay.c 1707-1708, 2308-2313: min-port/max-port bound every relay it opens;
    // the nodes' security group opens turn.relayPortRange (stacks/region.ts) and nothing else for relays.
    expect(settings.relayPorts).toEqual({ min: 20000, max: 29999 });
    expect(settings.sfuPorts).toEqual({ min: 52000, max: 58999 });
    expect(renderTurnserverConf(settings)).toContain("\nmin-port=20000\nmax-port=29999\n");
  });

  it("never relays into the region's own VPC, even one outside the private ranges", () => {
    // AWS lets a VPC use a publicly routable range; the fixed list denies only the reserved ones. coturn 4.17.0
    // src/server/ns_turn_server.c 353-364 (good_peer_addr): a peer in a denied-peer-ip range gets no relay, so a
    // TURN client cannot reach Redis or the nodes by their VPC addresses.
    const cfg = region({ "livekit-platform:network": { cidr: "11.20.0.0/16", availabilityZones: 3 } });
    const vpcAddress = ipaddr.parse("11.20.0.10");
    const fixedDenial = DENIED_PEER_CIDRS.filter(({ cidr }) => {
      const range = ipaddr.parseCIDR(cidr);
      return range[0].kind() === vpcAddress.kind() && vpcAddress.match(range);
    });
    expect(fixedDenial).toEqual([]);
    const settings = turnserverSettings(cfg);
    expect(settings.extraDeniedPeerCidrs).toEqual(["11.20.0.0/16"]);
    expect(renderTurnserverConf(settings)).toContain("\ndenied-peer-ip=11.20.0.0-11.20.255.255\n");
  });
});
