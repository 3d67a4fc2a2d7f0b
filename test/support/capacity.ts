/** The capacity model's answers the tests compare with, computed here from plain inputs. */
import * as fs from "fs";
import { parse } from "yaml";
import { CapacityInput, CapacityPlan, parseRoomMix, planCapacity } from "../../lib/capacity";
import { stackFilePath } from "../../stacks/stack-files";
import { projectRoot } from "./stack-config";

/** The model's plan for a region of the shipped defaults, with `mix` as a person writes it. */
export function defaultRegionPlan({
  mix = "mixed",
  ...overrides
}: Omit<Partial<CapacityInput>, "mix"> & { mix?: unknown } = {}): CapacityPlan {
  return planCapacity({
    targetParticipants: 25_000,
    nodeType: "c6i.2xlarge",
    targetUtilisation: 0.6,
    recordingShare: 0.05,
    ...overrides,
    mix: parseRoomMix(mix),
  });
}

/** What the model answers for a shipped stack file's stated demand, read from the file itself. */
export function modelFor(stack: string): CapacityPlan {
  const config = parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;
  const capacity = config["livekit-platform:capacity"] ?? {};
  return planCapacity({
    targetParticipants: capacity.targetParticipants,
    mix: parseRoomMix(capacity.mix ?? "mixed"),
    nodeType: config["livekit-platform:cluster"]?.sfuNodes?.instanceType ?? "c6i.2xlarge",
    targetUtilisation: capacity.targetUtilisation ?? 0.6,
    recordingShare: capacity.recordingShare ?? 0.05,
    egressNodeType: capacity.egressNodeType ?? "c6i.4xlarge",
  });
}
