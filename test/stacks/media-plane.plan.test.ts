/**
 * The mumbai plan's media plane enforces what the capacity model assumes: the rendered livekit-server
 * config and turnserver.conf carry the model's placement limits, room cap and TURN limits, and the
 * LiveKit pod requests exactly the CPU the model plans with.
 */
import { parse } from "yaml";
import { renderTurnserverConf } from "../../components/coturn/turnserver-conf";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { turnserverSettings } from "../../stacks/coturn-settings";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { modelFor } from "../support/capacity";
import { shippedStackPlan } from "../support/plan";
import { stackConfig } from "../support/stack-config";

const STACK = "mumbai";

const objects = (plan: PlanResult, type: string) => resourcesOfType(plan, type).map((r) => inputsOf(r));
const configMapData = (plan: PlanResult, prefix: string, key: string): string =>
  objects(plan, "kubernetes:core/v1:ConfigMap").find((c) => String(c.metadata.name).startsWith(prefix))!.data[key];

describe("the mumbai media plane agrees with the capacity model", () => {
  let plan: PlanResult;
  const m = modelFor(STACK);
  beforeAll(async () => {
    plan = await shippedStackPlan(STACK);
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

  it("renders the model's allocation quota and per-session cap into turnserver.conf, and no bandwidth reservation", () => {
    const conf = configMapData(plan, "coturn-config-", "turnserver.conf");
    // Every participant's allocations at the node's peak (391 x 2 PeerConnections x 2 TURN servers), twice over.
    expect(conf).toContain(`\ntotal-quota=${m.turn.totalQuota}\n`);
    expect(m.turn.totalQuota).toBe(3128);
    expect(conf).toContain(`\nmax-bps=${m.turn.maxBytesPerSecond}\n`);
    expect(conf).not.toMatch(/^bps-capacity/m);
  });

  it("ships exactly the turnserver.conf the real-turnserver test runs (stacks/coturn-settings.ts)", () => {
    const cfg = sizedRegion(parseStackConfig(stackConfig(STACK), STACK) as RegionSettings);
    expect(configMapData(plan, "coturn-config-", "turnserver.conf")).toBe(
      renderTurnserverConf(turnserverSettings(cfg)),
    );
  });

  it("budgets the alert's relay traffic per node from the model", () => {
    const rules = objects(plan, "kubernetes:monitoring.coreos.com/v1:PrometheusRule").flatMap((r) =>
      r.spec.groups.flatMap((g: { rules: { alert: string; expr: string }[] }) => g.rules),
    );
    const relay = rules.find((r) => r.alert === "TurnRelayTrafficAboveBudget")!;
    expect(relay.expr).toContain(`/ 1e6 / ${Math.round(m.turn.relayMbpsPerNode * 10) / 10} > 1`);
    expect(rules.find((r) => r.alert === "TurnAllocationQuotaNearlyExhausted")!.expr).toContain(
      `/ ${m.turn.totalQuota} >`,
    );
    expect(rules.map((r) => r.alert)).not.toContain("TurnRelayBandwidthNearlyReserved");
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
