/**
 * An SFU node holds a LiveKit pod and a Coturn pod beside the DaemonSets. kube-scheduler places a pod only on a
 * node whose allocatable memory, less what the pods there request, covers its request (NodeResourcesFit), so a
 * region stack refuses an SFU type too small for both rather than plan pods that stay Pending.
 */
import { COTURN_RESOURCES } from "../../components/coturn/defaults";
import { LIVEKIT_MEMORY } from "../../components/livekit/defaults";
import { InputError } from "../../lib/errors";
import { INSTANCE_TYPES, NODE_DAEMONSET_MEMORY_MIB } from "../../lib/instance-types";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { main as capacityCommand } from "../../tools/commands/capacity";
import { stackConfig, stackYaml } from "../support/stack-config";

const cluster = stackYaml("mumbai")["livekit-platform:cluster"];
const sized = (instanceType: string) =>
  sizedRegion(
    parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:cluster": { ...cluster, sfuNodes: { ...cluster.sfuNodes, instanceType } },
      }),
      "mumbai",
    ) as RegionSettings,
  );
const SFU_TYPE_KEY = "livekit-platform:cluster.sfuNodes.instanceType";
/** The setting sizing refuses for an SFU node type, if any. */
function refusedSetting(type: string): string | undefined {
  try {
    sized(type);
    return undefined;
  } catch (error) {
    if (error instanceof InputError) return error.key;
    throw error;
  }
}
const requested = NODE_DAEMONSET_MEMORY_MIB + LIVEKIT_MEMORY.requestMiB + COTURN_RESOURCES.memoryRequestMiB;
const x86 = Object.entries(INSTANCE_TYPES).filter(([, t]) => t.arch === "amd64");

describe("an SFU node type", () => {
  it.each(x86.filter(([, t]) => t.allocatableMemoryMiB >= requested).map(([name]) => [name]))(
    "%s holds the DaemonSets, LiveKit and Coturn",
    (type) => {
      // Other settings may still refuse a type (8xlarge nodes outgrow the shipped relay port range); this one not.
      expect(refusedSetting(type)).not.toBe(SFU_TYPE_KEY);
    },
  );

  it.each(x86.filter(([, t]) => t.allocatableMemoryMiB < requested).map(([name]) => [name]))(
    "%s is refused with one line: the SFU pods would never be scheduled",
    (type) => {
      expect(() => sized(type)).toThrow(
        new RegExp(`^livekit-platform:cluster\\.sfuNodes\\.instanceType: leaves \\d+ MiB .* got "${type}"$`),
      );
    },
  );

  it("of 8 GiB is among the refused, and every 16 GiB one is held", () => {
    const refused = x86.filter(([, t]) => t.allocatableMemoryMiB < requested).map(([, t]) => t.memoryMiB);
    expect(refused.length).toBeGreaterThan(0);
    expect(Math.max(...refused)).toBeLessThan(16 * 1024);
  });
});

describe("npm run capacity", () => {
  const notes = (node: string) => {
    const log: string[] = [];
    expect(
      capacityCommand(["--participants", "1000", "--node", node], { log: (l) => log.push(l), error: () => {} }),
    ).toBe(0);
    return log
      .join("\n")
      .split("\n")
      .filter((l) => l.startsWith(`note: ${node} `));
  };

  it("sizes a type the region stack refuses, and says so", () => {
    expect(notes("c6i.xlarge")).toEqual([
      expect.stringMatching(/SFU pods would never be scheduled.*a region stack refuses it/),
    ]);
  });

  it("says nothing of the kind for a type that holds the pods", () => {
    expect(notes("c6i.2xlarge")).toEqual([]);
  });
});
