/** The audit trail's settings: how long access logs and the flow log are kept. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("audit logs' settings", () => {
  it("keeps access logs a year and flow logs 90 days unless set, and access logs at least as long as recordings", () => {
    const auditLogs = (settings: Record<string, unknown>, egress?: Record<string, unknown>) =>
      (
        parseStackConfig(
          stackConfig("mumbai", { "livekit-platform:auditLogs": settings, "livekit-platform:egress": egress }),
          "mumbai",
        ) as RegionSettings
      ).auditLogs;
    expect(auditLogs({})).toEqual({ retentionDays: 365, flowLogRetentionDays: 90 });
    expect(auditLogs({ retentionDays: 30, flowLogRetentionDays: 1 })).toEqual({
      retentionDays: 30,
      flowLogRetentionDays: 1,
    });
    expect(auditLogs({ retentionDays: 3650, flowLogRetentionDays: 3653 })).toEqual({
      retentionDays: 3650,
      flowLogRetentionDays: 3653,
    });
    for (const bad of [0, 3651, 1.5, "365"]) {
      expect(() => auditLogs({ retentionDays: bad })).toThrow(
        `livekit-platform:auditLogs.retentionDays: must be a number of days from 1 to 3650, got ${JSON.stringify(bad)}`,
      );
    }
    for (const bad of [0, 31, 366]) {
      expect(() => auditLogs({ flowLogRetentionDays: bad })).toThrow(
        /^livekit-platform:auditLogs\.flowLogRetentionDays: must be one of 1, 3, 5, .*, 3653 \(days CloudWatch accepts\), got \d+$/,
      );
    }
    // Who read a recording must stay known while the recording exists.
    expect(auditLogs({ retentionDays: 90 }, { recordingRetentionDays: 90 }).retentionDays).toBe(90);
    expect(() => auditLogs({ retentionDays: 89 }, { recordingRetentionDays: 90 })).toThrow(
      "livekit-platform:auditLogs.retentionDays: must be at least egress.recordingRetentionDays (90): who read a recording must stay known while it exists, got 89",
    );
    expect(() => auditLogs({ retentionDays: 365, retention: 30 })).toThrow(/^livekit-platform:auditLogs/);
  });
});
