/**
 * What Karpenter does to the media plane's nodes, day 2: each shipped region stack's rendered NodePools,
 * PodDisruptionBudgets and pod specs run through Karpenter v1.14.1's disruption rules
 * (test/support/karpenter-disruption.ts, each rule with its upstream file and line). For expiry, drift,
 * consolidation and spot interruption, no more SFU (or egress) pods are disrupted at once than the pool's
 * budget allows, and no pod's node goes before the pod's own grace period (its drain) has run out.
 */
import { DRIFT_STALLED_AFTER } from "../../components/monitoring/alert-rules";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { DOC_TABLES } from "../../tools/commands/docs-tables";
import { SizedRegion, sizedRegion } from "../../stacks/sizing";
import { listStackNames, readStackFile, stackFilePath } from "../../stacks/stack-files";
import { inputsOf, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { modelFor } from "../support/capacity";
import {
  allowedDisruptions,
  budgetBound,
  goDurationSeconds,
  interruptionAction,
  NODE_LAUNCH_SECONDS,
  PodModel,
  PoolModel,
  poolModel,
  Scenario,
  simulate,
} from "../support/karpenter-disruption";
import { nodePoolsAwaitedBy, projectRoot, shippedStackPlan, stackConfig } from "../support/plan";

const regionStacks = listStackNames(projectRoot).filter(
  (s) => readStackFile(stackFilePath(projectRoot, s), s).config["livekit-platform:role"] === "region",
);

const HOUR = 3600;
const DAY = 24 * HOUR;
const objects = (plan: PlanResult, type: string): any[] => resourcesOfType(plan, type).map((r) => inputsOf(r));
const named = (plan: PlanResult, type: string, name: string) => {
  const found = objects(plan, type).filter((o) => o.metadata.name === name);
  expect({ type, name, count: found.length }).toEqual({ type, name, count: 1 });
  return found[0];
};
const selects = (selector: Record<string, string>, labels: Record<string, string>) =>
  Object.entries(selector).every(([k, v]) => labels[k] === v);

/** The pods of a workload as the model reads them: grace, do-not-disrupt, and the PDB that selects them. */
function podModel(plan: PlanResult, workload: any, daemonSet: boolean): PodModel {
  const template = workload.spec.template;
  const pdbs = objects(plan, "kubernetes:policy/v1:PodDisruptionBudget").filter(
    (pdb) =>
      pdb.metadata.namespace === workload.metadata.namespace &&
      selects(pdb.spec.selector.matchLabels, template.metadata.labels),
  );
  expect(pdbs.length).toBeLessThanOrEqual(1);
  const pdb = pdbs[0]?.spec;
  if (pdb && pdb.maxUnavailable === undefined) throw new Error("the model reads maxUnavailable PDBs only");
  return {
    workload: workload.metadata.name,
    terminationGracePeriodSeconds: template.spec.terminationGracePeriodSeconds ?? 30,
    doNotDisrupt: template.metadata.annotations?.["karpenter.sh/do-not-disrupt"] === "true",
    daemonSet,
    ...(pdb ? { pdbMaxUnavailable: pdb.maxUnavailable } : {}),
  };
}

/** Does the pod template land on nodes of this NodePool (its nodeSelector picks the pool's labels)? */
const landsOn = (workload: any, nodePool: any) =>
  workload.spec.template.spec.nodeSelector !== undefined &&
  selects(workload.spec.template.spec.nodeSelector, nodePool.spec.template.metadata.labels);

/** Required anti-affinity on the host name against its own labels: one pod of the workload per node. */
const onePerNode = (workload: any) =>
  (workload.spec.template.spec.affinity?.podAntiAffinity?.requiredDuringSchedulingIgnoredDuringExecution ?? []).some(
    (term: any) =>
      term.topologyKey === "kubernetes.io/hostname" &&
      selects(term.labelSelector.matchLabels, workload.spec.template.metadata.labels),
  );

interface Subject {
  pool: PoolModel;
  podsPerNode: PodModel[];
  /** The workload's floor and ceiling, in nodes. */
  nodes: { floor: number; ceiling: number };
}

/** The sfu and egress pools with the pods each node of theirs runs, read from the plan. */
function subjects(plan: PlanResult, stack: string): Record<"sfu" | "egress", Subject> {
  const deployments = objects(plan, "kubernetes:apps/v1:Deployment");
  const daemonSets = objects(plan, "kubernetes:apps/v1:DaemonSet");
  const read = (poolName: string, perNode: (workload: any) => number) => {
    const nodePool = named(plan, "kubernetes:karpenter.sh/v1:NodePool", poolName);
    const pods: PodModel[] = [];
    for (const d of deployments.filter((w) => landsOn(w, nodePool)))
      for (let i = 0; i < perNode(d); i++) pods.push(podModel(plan, d, false));
    for (const d of daemonSets.filter((w) => landsOn(w, nodePool))) pods.push(podModel(plan, d, true));
    return { pool: poolModel(poolName, nodePool.spec), podsPerNode: pods };
  };
  const livekit = named(plan, "kubernetes:apps/v1:Deployment", "livekit-server");
  const hpa = named(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler", "livekit-server");
  expect(onePerNode(livekit)).toBe(true);
  const sfu = read("sfu", (w) => (w.metadata.name === "livekit-server" ? 1 : 0));
  const egressPerNode = modelFor(stack).egress.podsPerNode;
  const egress = read("egress", (w) => (w.metadata.name === "livekit-egress" ? egressPerNode : 0));
  const scaled = named(plan, "kubernetes:keda.sh/v1alpha1:ScaledObject", "livekit-egress");
  return {
    sfu: { ...sfu, nodes: { floor: hpa.spec.minReplicas, ceiling: hpa.spec.maxReplicas } },
    egress: {
      ...egress,
      nodes: {
        floor: Math.ceil(scaled.spec.minReplicaCount / egressPerNode),
        ceiling: Math.ceil(scaled.spec.maxReplicaCount / egressPerNode),
      },
    },
  };
}

const SCENARIOS: { name: string; scenario: Scenario; horizon: number }[] = [
  // Two expiry periods of the old default (720h): nodes launched together never expire together.
  { name: "expiry", scenario: { kind: "expiry" }, horizon: 61 * DAY },
  // An AMI alias or Kubernetes version bump marks every node drifted at once.
  { name: "drift", scenario: { kind: "drift", at: HOUR }, horizon: 40 * DAY },
  // The workload scaled in on half of the nodes.
  { name: "consolidation", scenario: { kind: "emptiness", at: HOUR, emptyShare: 0.5 }, horizon: 2 * DAY },
  // A spot interruption warning for every spot node of the pool.
  { name: "spot interruption", scenario: { kind: "spotInterruption", at: HOUR }, horizon: 2 * DAY },
];

describe.each(regionStacks)("region stack %s: Karpenter's disruption of the media plane's nodes", (stack) => {
  let plan: PlanResult;
  let cfg: SizedRegion;
  let pools: Record<"sfu" | "egress", Subject>;
  beforeAll(async () => {
    plan = await shippedStackPlan(stack);
    cfg = sizedRegion(parseStackConfig(stackConfig(stack), stack) as RegionSettings);
    pools = subjects(plan, stack);
  }, 120_000);

  it("reads the pods each SFU and egress node runs from the rendered workloads", () => {
    expect(pools.sfu.podsPerNode.map((p) => [p.workload, p.daemonSet, p.doNotDisrupt])).toEqual([
      ["livekit-server", false, true],
      ["coturn", true, false],
    ]);
    expect(pools.sfu.podsPerNode[0].pdbMaxUnavailable).toBe(1);
    expect(new Set(pools.egress.podsPerNode.map((p) => p.workload))).toEqual(new Set(["livekit-egress"]));
    expect(pools.sfu.nodes.floor).toBe(cfg.sizing.sfuNodes.min);
  });

  it("runs egress nodes of the model's egress type only, the one its recordings per node and cost assume", () => {
    const egress = named(plan, "kubernetes:karpenter.sh/v1:NodePool", "egress");
    const types = egress.spec.template.spec.requirements.filter(
      (r: any) => r.key === "node.kubernetes.io/instance-type",
    );
    expect(types).toEqual([
      { key: "node.kubernetes.io/instance-type", operator: "In", values: [modelFor(stack).egress.nodeType] },
    ]);
    expect(types[0].values).toEqual([cfg.settings.capacity.egressNodeType]);
  });

  it("gives every pod on SFU and egress nodes its whole grace period before Karpenter may force the node off", () => {
    for (const { pool, podsPerNode } of Object.values(pools)) {
      for (const pod of podsPerNode) {
        expect({ pool: pool.name, pod: pod.workload, fits: pod.terminationGracePeriodSeconds }).toEqual({
          pool: pool.name,
          pod: pod.workload,
          fits: Math.min(pod.terminationGracePeriodSeconds, pool.terminationGracePeriodSeconds ?? 0),
        });
      }
    }
  });

  it("creates LiveKit and Egress only after the NodePools their pods need (not only after Redis)", () => {
    for (const type of ["livekit-platform:livekit:LiveKit", "livekit-platform:egress:Egress"]) {
      expect({ type, waitsFor: nodePoolsAwaitedBy(plan, type) }).toEqual({
        type,
        waitsFor: ["egress", "general", "sfu"],
      });
    }
  });

  it("lets no SFU or egress node expire: expiry is forceful and ignores the budget", () => {
    for (const { pool } of Object.values(pools))
      expect({ pool: pool.name, expires: pool.expireAfterSeconds }).toEqual({
        pool: pool.name,
        expires: undefined,
      });
  });

  it("drains k on-demand SFU nodes at once on an AWS Health scheduled change, past the budget, each pod keeping its grace", () => {
    const { pool, podsPerNode, nodes } = pools.sfu;
    expect(pool.capacityTypes).toEqual(["on-demand"]);
    const bound = budgetBound(pool, nodes.floor, "Drifted");
    const k = bound + 2;
    const change: Scenario = { kind: "interruption", message: "scheduledChange", at: HOUR, nodes: k };
    const report = simulate(pool, podsPerNode, nodes.floor, change, 2 * DAY);
    // The budget does not cover interruptions: all k drain together, more than drift or emptiness would take.
    expect(report.disruptedNodes).toBe(k);
    expect(report.peakDisruptedPods).toBe(k);
    expect(report.overBudget[0]).toEqual({ at: HOUR, disruptedPods: k, allowedPods: bound });
    // Upstream drains (CordonAndDrain): every LiveKit and Coturn pod gets its whole grace before its node goes.
    expect(report.cutShort).toEqual([]);
    expect(report.stuckNodes).toBe(0);
    // A failed status check on the same nodes is forceful: no drain, every pod on them ends within a second.
    const failure = simulate(pool, podsPerNode, nodes.floor, { ...change, message: "instanceStatusFailure" }, 2 * DAY);
    expect(failure.disruptedNodes).toBe(k);
    expect(failure.cutShort.filter((c) => c.workload === "livekit-server")).toHaveLength(k);
    expect(failure.cutShort.every((c) => c.grace === 1 && c.deletedAt === HOUR && c.nodeGoneAt === HOUR)).toBe(true);
  });

  it("replaces drifted general nodes even when a PodDisruptionBudget never lets their pods go", () => {
    const general = poolModel("general", named(plan, "kubernetes:karpenter.sh/v1:NodePool", "general").spec);
    const stuckPod: PodModel = {
      workload: "overflow",
      terminationGracePeriodSeconds: 30,
      doNotDisrupt: false,
      daemonSet: false,
      pdbMaxUnavailable: 0,
    };
    const report = simulate(general, [stuckPod], 4, { kind: "drift", at: HOUR }, 2 * DAY);
    expect(report.originalNodesGoneAt).toBeDefined();
    expect(report.stuckNodes).toBe(0);
    // Each node is forced off at the pool's grace, one drift wave at a time.
    expect(report.originalNodesGoneAt! - HOUR).toBeLessThanOrEqual(
      4 * (general.terminationGracePeriodSeconds! + 2 * NODE_LAUNCH_SECONDS),
    );
  });

  it("runs drift as the docs' table says (npm run docs:tables -- drift-waves): nodes a wave, waves and a wave's length", () => {
    const rows = DOC_TABLES["drift-waves"]
      .render(["--stacks", stack])
      .filter((line) => line.startsWith(`| ${stack} `))
      .map((line) =>
        line
          .split("|")
          .slice(1, -1)
          .map((cell) => cell.trim()),
      );
    expect(rows).toHaveLength(4);
    for (const [, poolAt, nodesText, atOnceText, wavesText, waveText] of rows) {
      const [, poolName, size] = /^(sfu|egress) \((floor|ceiling)\)$/.exec(poolAt)!;
      const { pool, podsPerNode, nodes } = pools[poolName as "sfu" | "egress"];
      const n = nodes[size as "floor" | "ceiling"];
      const bound = budgetBound(pool, n, "Drifted");
      const waves = Math.ceil(n / bound);
      const [h, m] = [/(\d+) h/.exec(waveText), /(\d+) min/.exec(waveText)].map((x) => Number(x?.[1] ?? 0));
      expect({ poolAt, row: [nodesText, atOnceText, wavesText], wave: h * HOUR + m * 60 }).toEqual({
        poolAt,
        row: [String(n), String(bound), String(waves)],
        wave: pool.terminationGracePeriodSeconds,
      });
      // Every pod using its whole grace, the model's drift takes the waves of the table, plus launches.
      const report = simulate(pool, podsPerNode, n, { kind: "drift", at: HOUR }, 40 * DAY);
      const took = report.originalNodesGoneAt! - HOUR;
      expect(took).toBeGreaterThan((waves - 1) * pool.terminationGracePeriodSeconds!);
      expect(took).toBeLessThanOrEqual(waves * (pool.terminationGracePeriodSeconds! + NODE_LAUNCH_SECONDS + 600));
    }
  });

  describe.each(["sfu", "egress"] as const)("%s pool", (poolName) => {
    describe.each(SCENARIOS)("$name", ({ scenario, horizon }) => {
      it.each(["floor", "ceiling"] as const)(
        "disrupts no more pods at once than the budget allows and cuts none short, at the workload's %s",
        (size) => {
          const { pool, podsPerNode, nodes } = pools[poolName];
          const report = simulate(pool, podsPerNode, nodes[size], scenario, horizon);
          expect(report.overBudget.slice(0, 1)).toEqual([]);
          expect(report.cutShort.slice(0, 1)).toEqual([]);
          expect(report.stuckNodes).toBe(0);
          if (scenario.kind === "drift") {
            // Drift replaces every node, one budget at a time: nodes age only as long as the AMI alias.
            expect(report.originalNodesGoneAt).toBeDefined();
            const perWave = allowedDisruptions(pool, nodes[size], "Drifted");
            const wave = pool.terminationGracePeriodSeconds! + NODE_LAUNCH_SECONDS + 600;
            expect(report.originalNodesGoneAt! - scenario.at).toBeLessThanOrEqual(
              Math.ceil(nodes[size] / perWave) * wave,
            );
            // A whole pool turns over before KarpenterDriftStalled would call its drift stalled.
            expect(report.originalNodesGoneAt! - scenario.at).toBeLessThan(goDurationSeconds(DRIFT_STALLED_AFTER));
          } else {
            // Expiry never comes, consolidation takes only empty nodes, and the pools are on demand.
            expect(report.peakDisruptedPods).toBe(0);
          }
        },
      );
    });
  });
});

describe("the disruption model", () => {
  const pool = (spec: Record<string, unknown> = {}): PoolModel =>
    poolModel("sfu", {
      template: {
        spec: {
          requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }],
          terminationGracePeriod: "5h15m",
          ...spec,
        },
      },
      disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m", budgets: [{ nodes: "10%" }] },
    });
  const sfuPods: PodModel[] = [
    {
      workload: "livekit-server",
      terminationGracePeriodSeconds: 5 * HOUR,
      doNotDisrupt: true,
      daemonSet: false,
      pdbMaxUnavailable: 1,
    },
    { workload: "coturn", terminationGracePeriodSeconds: HOUR, doNotDisrupt: false, daemonSet: true },
  ];

  it("rounds a percentage budget up, as Karpenter's own example does (19 nodes at 20%: 4)", () => {
    const p = { ...pool(), budgets: [{ nodes: "20%", reasons: ["Empty", "Drifted"] }, { nodes: "5" }] };
    expect(allowedDisruptions(p, 19, "Drifted")).toBe(4);
    expect(allowedDisruptions(p, 30, "Drifted")).toBe(5);
    expect(allowedDisruptions(p, 19, "Underutilized")).toBe(5);
    expect(pool({ expireAfter: undefined }).expireAfterSeconds).toBe(720 * HOUR);
    // Replacements count in the pool: with 3 of 20 nodes disrupted it counts 23, and 10% of 23 rounds up to 3.
    expect(budgetBound(pool(), 20, "Drifted")).toBe(3);
    expect(budgetBound(pool(), 98, "Drifted")).toBe(11);
  });

  it("expires every node launched together at once with expireAfter 720h, past the budget", () => {
    const report = simulate(pool({ expireAfter: "720h" }), sfuPods, 20, { kind: "expiry" }, 31 * DAY);
    expect(report.peakDisruptedPods).toBe(20);
    expect(report.peakAt).toBe(720 * HOUR);
    expect(report.overBudget[0]).toEqual({ at: 720 * HOUR, disruptedPods: 20, allowedPods: 3 });
  });

  it("cuts LiveKit's drain short when the node's grace is shorter than the pod's", () => {
    const report = simulate(pool({ terminationGracePeriod: "1h" }), sfuPods, 10, { kind: "drift", at: HOUR }, 5 * DAY);
    expect(report.cutShort[0]).toMatchObject({ workload: "livekit-server", grace: HOUR });
  });

  it("never replaces a drifted node whose do-not-disrupt pod stays, without a terminationGracePeriod", () => {
    const report = simulate(
      pool({ terminationGracePeriod: undefined }),
      sfuPods,
      10,
      { kind: "drift", at: HOUR },
      5 * DAY,
    );
    expect(report.disruptedNodes).toBe(0);
    expect(report.originalNodesGoneAt).toBeUndefined();
  });

  it("acts on every interruption message as Karpenter does: only a failed status check skips the drain", () => {
    expect(
      (
        [
          "spotInterruption",
          "scheduledChange",
          "instanceStopped",
          "instanceTerminated",
          "instanceStatusFailure",
        ] as const
      ).map((m) => [m, interruptionAction(m)]),
    ).toEqual([
      ["spotInterruption", "CordonAndDrain"],
      ["scheduledChange", "CordonAndDrain"],
      ["instanceStopped", "CordonAndDrain"],
      ["instanceTerminated", "CordonAndDrain"],
      ["instanceStatusFailure", "ForcefulTermination"],
    ]);
    // A spot warning reaches no on-demand node; a scheduled change or a stop does.
    const at = (message: "spotInterruption" | "instanceStopped") =>
      simulate(pool(), sfuPods, 10, { kind: "interruption", message, at: HOUR, nodes: 4 }, DAY).disruptedNodes;
    expect(at("spotInterruption")).toBe(0);
    expect(at("instanceStopped")).toBe(4);
  });

  it("drains every spot node of a pool that allows spot at once on an interruption warning", () => {
    const spot = {
      ...pool(),
      capacityTypes: ["spot", "on-demand"],
    };
    const report = simulate(spot, sfuPods, 10, { kind: "spotInterruption", at: HOUR }, DAY);
    expect(report.peakDisruptedPods).toBe(10);
  });
});
