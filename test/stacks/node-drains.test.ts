/**
 * How long Karpenter's SFU and egress NodePools let a node drain: never shorter than the grace period of a pod
 * that runs there, or Karpenter would force the node off (its terminationGracePeriod) while a pod still ends
 * its rooms or recordings.
 */
import { COTURN_TERMINATION_GRACE_SECONDS } from "../../components/coturn/pod";
import { egressTerminationGraceSeconds } from "../../components/egress/scaling";
import { LIVEKIT_TERMINATION_GRACE_SECONDS } from "../../components/livekit/pod";
import type { RegionSettings } from "../../stacks/config";
import { NODE_DRAIN_SECONDS, nodePoolDrains } from "../../stacks/node-drains";

const settings = (maxRecordingHours: number) => ({ egress: { maxRecordingHours } }) as unknown as RegionSettings;

describe("node drains", () => {
  it("let an SFU node drain as long as the longest pod there, LiveKit's or Coturn's, and no longer", () => {
    expect(NODE_DRAIN_SECONDS).toBeGreaterThanOrEqual(LIVEKIT_TERMINATION_GRACE_SECONDS);
    expect(NODE_DRAIN_SECONDS).toBeGreaterThanOrEqual(COTURN_TERMINATION_GRACE_SECONDS);
    expect([LIVEKIT_TERMINATION_GRACE_SECONDS, COTURN_TERMINATION_GRACE_SECONDS]).toContain(NODE_DRAIN_SECONDS);
    expect(nodePoolDrains(settings(2)).drainSeconds).toBe(NODE_DRAIN_SECONDS);
  });

  it.each([1, 4, 24])(
    "let an egress node drain as long as its pods' grace for a %i-hour recording, past the recording",
    (hours) => {
      const { egressDrainSeconds } = nodePoolDrains(settings(hours));
      expect(egressDrainSeconds).toBe(egressTerminationGraceSeconds(hours * 3600));
      expect(egressDrainSeconds).toBeGreaterThan(hours * 3600);
    },
  );

  it("grow the egress drain with the recording length", () => {
    expect(nodePoolDrains(settings(3)).egressDrainSeconds - nodePoolDrains(settings(2)).egressDrainSeconds).toBe(3600);
  });
});
