/** `livekit-platform:egress`: recording to S3. */
import { z } from "zod";
import { costFields } from "../../../lib/capacity";
import { wholeNumber } from "../../../lib/schema";

export const egress = z
  .strictObject({
    recordingRetentionDays: costFields.recordingRetentionDays.default(30).describe("Days S3 keeps a recording."),
    maxRecordingHours: wholeNumber(1, 24, "a number of hours from 1 to 24")
      .default(6)
      .describe(
        "Longest recording, hours: egress ends any recording (file, stream, segments) at this length, and drained egress pods and nodes wait this long plus the upload before they go.",
      ),
  })
  .prefault({})
  .describe("LiveKit Egress (recording to S3).");
