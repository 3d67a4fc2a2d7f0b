/**
 * The mumbai plan's media plane enforces what the capacity model assumes: the rendered livekit-server
 * config and turnserver.conf carry the model's placement limits, room cap and TURN limits, and the
 * LiveKit pod requests exactly the CPU the model plans with.
 */
import { parse } from "yaml";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/engine";
import { modelFor } from "../support/capacity";
import { runStack } from "../support/plan";

const STACK = "mumbai";

const objects = (plan: PlanResult, type: string) => resourcesOfType(plan, type).map((r) => inputsOf(r));
const configMapData = (plan: PlanResult, prefix: string, key: string): string =>
  objects(plan, "kubernetes:core/v1:ConfigMap").find((c) => String(c.metadata.name).startsWith(prefix))!.data[key];

describe("the mumbai media plane agrees with the capacity model", () => {
  let plan: PlanResult;
  const m = modelFor(STACK);
  beforeAll(async () => {
    plan = await runStack(STACK);
  });

  it("renders the model's load-aware placement, node limits and largest room into livekit-server's config", () => {
    const config = parse(configMapData(plan, "livekit-config-", "config.yaml"));
    expect(config.node_selector).toEqual({
      kind: "cpuload",
      sort_by: "cpuload",
      algorithm: "twochoice",
      cpu_load_limit: m.livekitServer.placement.cpuLoadLimit,
    });
    expect(config.limit).toEqual({
      num_tracks: m.livekitServer.placement.numTracks,
      bytes_per_sec: m.livekitServer.placement.bytesPerSec,
    });
    expect(config.room.max_participants).toBe(Math.max(...m.kinds.map((k) => k.roomSize)));
    expect(config.rtc.use_external_ip).toBe(false);
    for (const server of config.rtc.turn_servers) expect(server.ttl).toBe(600);
  });

  it("renders the model's per-session and per-node TURN bandwidth into turnserver.conf", () => {
    const conf = configMapData(plan, "coturn-config-", "turnserver.conf");
    expect(conf).toContain(`\nmax-bps=${m.turn.maxBytesPerSecond}\n`);
    expect(conf).toContain(`\nbps-capacity=${m.turn.bpsCapacity}\n`);
  });

  it("requests for LiveKit exactly the CPU the model plans with, and aims the HPA at the model's utilisation of it", () => {
    const deployment = objects(plan, "kubernetes:apps/v1:Deployment").find(
      (d) => d.metadata.name === "livekit-server",
    )!;
    // The pod's total request (what the HPA measures against): the server plus the deletion-cost sidecar.
    const podCpu = deployment.spec.template.spec.containers.reduce(
      (sum: number, c: any) => sum + parseInt(c.resources.requests.cpu),
      0,
    );
    expect(podCpu).toBe(m.sfuPod.cpuRequestMillicores);
    const hpa = objects(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").find(
      (h) => h.metadata.name === "livekit-server",
    )!;
    const target = hpa.spec.metrics[0].resource.target.averageUtilization;
    expect((target / 100) * m.sfuPod.cpuRequestMillicores).toBeCloseTo(0.6 * m.node.workloadCpu * 1000, -1);
  });

  it("lets the sfu NodePool hold a rollout at peak: max nodes plus the peak's draining ones", () => {
    const pool = objects(plan, "kubernetes:karpenter.sh/v1:NodePool").find((p) => p.metadata.name === "sfu")!;
    expect(Number(pool.spec.limits.cpu)).toBe((m.sfu.maxNodes + m.sfu.peakNodes) * m.node.vcpu);
  });
});
