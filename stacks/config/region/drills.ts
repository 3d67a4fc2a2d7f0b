/** `livekit-platform:chaos` and `loadTest`: the FIS drills and the suspended load test, both off until run. */
import { z } from "zod";
import { LOAD_TEST_NODE_EXPIRY_HOURS, loadTestDurationInSeconds } from "../../../components/load-test/defaults";
import { keptDays, wholeNumber } from "../../../lib/schema";

/** The longest load test: an hour short of the testers' node expiry, which ends a test however far it is. */
const LONGEST_LOAD_TEST_SECONDS = (LOAD_TEST_NODE_EXPIRY_HOURS - 1) * 3600;

export const chaos = z
  .strictObject({
    enabled: z.boolean({ error: "must be true or false" }).default(false).describe("Create the drills."),
    sfuNodeTerminationPercent: wholeNumber(1, 100, "a percentage from 1 to 100")
      .default(33)
      .describe("Share of SFU nodes the SFU drill terminates."),
    turnNodeTerminationPercent: wholeNumber(1, 100, "a percentage from 1 to 100")
      .default(33)
      .describe("Share of the nodes running Coturn the TURN drill terminates."),
    livekitPodDeletePercent: wholeNumber(1, 100, "a percentage from 1 to 100")
      .default(33)
      .describe("Share of LiveKit pods the pod drill deletes."),
    logRetentionDays: keptDays.optional().meta({
      description: "Keep experiment logs in CloudWatch Logs for this many days.",
      defaultText: "no experiment logs",
    }),
  })
  .prefault({})
  .describe("AWS FIS chaos drills (see docs/chaos.md); off unless enabled.");

export const loadTest = z
  .strictObject({
    rooms: wholeNumber(1, 1000, "an integer from 1 to 1000").default(10).describe("Rooms, one tester pod each."),
    videoPublishersPerRoom: wholeNumber(0, 100, "an integer from 0 to 100")
      .default(2)
      .describe("Simulated video publishers per room."),
    subscribersPerRoom: wholeNumber(0, 10_000, "an integer from 0 to 10000")
      .default(18)
      .describe("Simulated subscribers per room."),
    duration: z
      .string()
      .regex(/^\d+[smh]$/, { error: 'must be a duration such as "10m"' })
      .refine((text) => (loadTestDurationInSeconds(text) ?? 0) <= LONGEST_LOAD_TEST_SECONDS, {
        error: `must be at most ${LOAD_TEST_NODE_EXPIRY_HOURS - 1}h: the testers' nodes expire after ${LOAD_TEST_NODE_EXPIRY_HOURS} h, test or not`,
      })
      .default("10m")
      .describe(
        `How long the test runs, at most ${LOAD_TEST_NODE_EXPIRY_HOURS - 1}h (the testers' nodes expire after ${LOAD_TEST_NODE_EXPIRY_HOURS} h).`,
      ),
  })
  .prefault({})
  .describe("The suspended `lk perf load-test` Job (see docs/load-testing.md).");
