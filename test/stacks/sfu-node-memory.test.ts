/**
 * An SFU node holds a LiveKit pod and a Coturn pod beside the DaemonSets. kube-scheduler places a pod only on a
 * node whose allocatable memory, less what the pods there request, covers its request (NodeResourcesFit), so a
 * region stack refuses an SFU type too small for both rather than plan pods that stay Pending.
 */
import { COTURN_RESOURCES } from "../../components/coturn/defaults";
import { coturnPodMemoryRequestMiB, coturnPodSpec } from "../../components/coturn/pod";
import { LIVEKIT_MEMORY } from "../../components/livekit/defaults";
import { liveKitPodMemoryRequestMiB, liveKitPodSpec } from "../../components/livekit/pod";
import { InputError } from "../../lib/errors";
import { INSTANCE_TYPES, NODE_DAEMONSET_MEMORY_MIB } from "../../lib/instance-types";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { main as capacityCommand } from "../../tools/commands/capacity";
import { plain } from "../support/builders";
import { APPLICATION_KEY, REDIS_SECRET, serverSettings } from "../support/media-settings";
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
const SERVER = {
  cpuRequestMillis: 6500,
  memoryRequestMiB: LIVEKIT_MEMORY.requestMiB,
  memoryLimitMiB: LIVEKIT_MEMORY.limitMiB,
};
const requested =
  NODE_DAEMONSET_MEMORY_MIB + liveKitPodMemoryRequestMiB(SERVER) + coturnPodMemoryRequestMiB(COTURN_RESOURCES);

const mebibytes = (quantity: string) => {
  const m = /^(\d+)(Mi|Gi)$/.exec(quantity);
  if (!m) throw new Error(`a memory quantity in Mi or Gi, got ${quantity}`);
  return Number(m[1]) * (m[2] === "Gi" ? 1024 : 1);
};
/**
 * The memory the scheduler counts for a pod: its containers' requests together, or an init container's if larger
 * (kubernetes v1.35 staging/src/k8s.io/component-helpers/resource/helpers.go, PodRequests; no sidecar init
 * containers here, no pod overhead).
 */
function podMemoryRequestMiB(spec: {
  containers: Array<{ resources?: { requests?: { memory?: string } } }>;
  initContainers?: Array<{ resources?: { requests?: { memory?: string } } }>;
}): number {
  const request = (c: { resources?: { requests?: { memory?: string } } }) =>
    c.resources?.requests?.memory === undefined ? 0 : mebibytes(c.resources.requests.memory);
  const app = spec.containers.reduce((sum, c) => sum + request(c), 0);
  return Math.max(app, ...(spec.initContainers ?? []).map(request));
}
const x86 = Object.entries(INSTANCE_TYPES).filter(([, t]) => t.arch === "amd64");

describe("what an SFU node must hold", () => {
  it("is what the pods as built request, by the scheduler's rule", () => {
    const livekit = plain(
      liveKitPodSpec({
        server: serverSettings,
        resources: SERVER,
        configMapName: "livekit-config",
        serviceAccountName: "livekit-server",
        redisPassword: { secretName: REDIS_SECRET.name, key: REDIS_SECRET.key },
        keyFile: { secretName: "livekit-api-keys", key: "keys.yaml" },
        turnSecret: { secretName: "livekit-turn-secret", generation: "1" },
        signingKeyId: APPLICATION_KEY.id,
        checksums: { config: "c".repeat(64), keys: "k".repeat(64) },
      }),
    );
    const coturn = plain(
      coturnPodSpec({
        resources: COTURN_RESOURCES,
        configMapName: "coturn-config",
        configChecksum: "c".repeat(64),
        turnSecret: { secretName: "livekit-turn-secret", key: "static-auth-secret", generations: ["1"] },
      }),
    );
    expect(podMemoryRequestMiB(livekit as never)).toBe(liveKitPodMemoryRequestMiB(SERVER));
    expect(podMemoryRequestMiB(coturn as never)).toBe(coturnPodMemoryRequestMiB(COTURN_RESOURCES));
  });
});

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
