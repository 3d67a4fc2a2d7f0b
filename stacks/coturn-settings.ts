/**
 * What a region's turnserver.conf says, from its validated config and sizing: relay and SFU ports, the
 * per-participant and per-node allocation quotas, and the per-session cap. Pure, so the integration test runs
 * the real turnserver on exactly the file a stack ships (test/components/coturn/turnserver.int.test.ts).
 */
import type { TurnserverConfInput } from "../components/coturn/turnserver-conf";
import type { SizedRegion } from "./sizing";

export function turnserverSettings({ settings: cfg, sizing }: SizedRegion): TurnserverConfInput {
  const turn = sizing.media.turn;
  return {
    realm: cfg.domain,
    relayPorts: { min: cfg.turn.relayPortRange.start, max: cfg.turn.relayPortRange.end },
    sfuPorts: { min: cfg.rtc.udpPortRange.start, max: cfg.rtc.udpPortRange.end },
    userQuota: cfg.turn.userQuota,
    // Every participant's allocations at the node's peak, with margin (lib/capacity plan.ts), or the stack's own.
    totalQuota: turn.totalQuota,
    maxBytesPerSecond: turn.maxBytesPerSecond,
    // The VPC's own range, whatever it is, is never a relay target either.
    extraDeniedPeerCidrs: [cfg.network.cidr],
  };
}
