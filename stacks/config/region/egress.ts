/** `livekit-platform:egress`: recording to S3. */
import { z } from "zod";
import { costFields, DEFAULT_PLATFORM } from "../../../lib/capacity";
import { wholeNumber } from "../../../lib/schema";

export const egress = z
  .strictObject({
    recordingRetentionDays: costFields.recordingRetentionDays
      .default(DEFAULT_PLATFORM.recordingRetentionDays)
      .describe("Days S3 keeps a recording."),
    maxRecordingHours: wholeNumber(1, 24, "a number of hours from 1 to 24")
      .default(6)
      .describe(
        "Longest recording, hours: egress ends any recording (file, stream, segments) at this length, and drained egress pods and nodes wait this long plus the upload before they go.",
      ),
    drainFormerNamespace: z
      .boolean()
      .default(true)
      .describe(
        "Keep, in the media plane's namespace (livekit), the service account, Pod Identity association and NetworkPolicy that recorders started there before they moved to livekit-egress need to finish and upload. Set false once the move is over: `kubectl -n livekit get deploy livekit-egress` answers NotFound and `kubectl -n livekit get pods -l app.kubernetes.io/name=livekit-egress` lists none; never in the same `pulumi up` as the upgrade that moves them. While a recorder there still runs, false cuts its S3 credentials and its network (docs/recording.md).",
      ),
  })
  .prefault({})
  .describe("LiveKit Egress (recording to S3).");
