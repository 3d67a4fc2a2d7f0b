/**
 * The chaos drills as data (components/chaos/templates.ts). That the component sends them with its role, stop
 * conditions and logs, for its Args: chaos.plan.test.ts.
 */
import { FIS_SERVICE_ACCOUNT } from "../../../components/chaos/iam";
import { drillTemplates, labelSelector } from "../../../components/chaos/templates";
import { DRILL_SETTINGS } from "../../support/chaos";

const settings = DRILL_SETTINGS;
const drills = drillTemplates(settings);

describe("the chaos drills", () => {
  it("are the SFU node, TURN node and LiveKit pod drills, in that order", () => {
    expect(Object.keys(drills)).toEqual(["sfu-nodes", "turn-nodes", "livekit-pods"]);
  });

  it("terminate a share of the SFU nodes (all in the Karpenter pool), running ones only", () => {
    const { spec } = drills["sfu-nodes"];
    expect(spec.targets).toEqual([
      {
        name: "sfu-node-pool",
        resourceType: "aws:ec2:instance",
        resourceTags: [
          { key: "karpenter.sh/nodepool", value: "sfu" },
          { key: "eks:eks-cluster-name", value: "livekit-mumbai" },
        ],
        filters: [{ path: "State.Name", values: ["running"] }],
        selectionMode: "PERCENT(33)",
      },
    ]);
    expect(spec.actions).toEqual([
      {
        name: "terminate-node-pool-instances",
        actionId: "aws:ec2:terminate-instances",
        target: { key: "Instances", value: "sfu-node-pool" },
      },
    ]);
    // An empty Karpenter pool (no burst right now) must not fail the drill.
    expect(spec.experimentOptions).toEqual({ accountTargeting: "single-account", emptyTargetResolutionMode: "skip" });
  });

  it("have a TURN drill of its own over the same nodes (Coturn runs on the SFU nodes)", () => {
    const turn = drills["turn-nodes"];
    const sfu = drills["sfu-nodes"];
    const withoutShare = (targets: unknown) => (targets as object[]).map((x) => ({ ...x, selectionMode: undefined }));
    expect(withoutShare(turn.spec.targets)).toEqual(withoutShare(sfu.spec.targets));
    expect((turn.spec.targets as { selectionMode: string }[]).map((x) => x.selectionMode)).toEqual(["PERCENT(50)"]);
    expect(turn.spec.actions).toEqual(sfu.spec.actions);
    expect(turn.description).toMatch(/Coturn/);
  });

  it("delete a share of the LiveKit pods, found by cluster, namespace and label selector", () => {
    const { spec } = drills["livekit-pods"];
    expect(spec.targets).toEqual([
      {
        name: "livekit-pods",
        resourceType: "aws:eks:pod",
        selectionMode: "PERCENT(25)",
        parameters: {
          clusterIdentifier: "livekit-mumbai",
          namespace: "livekit",
          selectorType: "labelSelector",
          selectorValue: "app.kubernetes.io/component=sfu,app.kubernetes.io/name=livekit-server",
        },
      },
    ]);
    expect(spec.actions).toEqual([
      {
        name: "delete-livekit-pods",
        actionId: "aws:eks:pod-delete",
        target: { key: "Pods", value: "livekit-pods" },
        parameters: [
          { key: "kubernetesServiceAccount", value: FIS_SERVICE_ACCOUNT },
          { key: "gracePeriodSeconds", value: "0" },
        ],
      },
    ]);
    expect((spec.experimentOptions as { emptyTargetResolutionMode: string }).emptyTargetResolutionMode).toBe("fail");
    expect(drillTemplates({ ...settings, podDeleteGraceSeconds: 120 })["livekit-pods"].spec.actions).toEqual([
      expect.objectContaining({ parameters: expect.arrayContaining([{ key: "gracePeriodSeconds", value: "120" }]) }),
    ]);
  });

  it("act in this account only: no drill names target accounts (FIS multi-account needs their configurations)", () => {
    // FIS API reference, ExperimentTemplateExperimentOptions: multi-account targeting requires a target account
    // configuration per account, which the component creates none of.
    for (const { spec } of Object.values(drills)) {
      expect((spec.experimentOptions as { accountTargeting: string }).accountTargeting).toBe("single-account");
    }
  });

  it("say in their description what they do and at which share, within FIS's 512 characters", () => {
    // The console and `aws fis list-experiment-templates` show only the description: it is how an operator picks
    // a drill. FIS API reference, CreateExperimentTemplate: description, at most 512 characters.
    const shares = { "sfu-nodes": 33, "turn-nodes": 50, "livekit-pods": 25 };
    for (const [id, drill] of Object.entries(drills)) {
      expect(drill.description.length).toBeLessThanOrEqual(512);
      expect(drill.description).toContain(`${shares[id as keyof typeof shares]}%`);
    }
    expect(drills["sfu-nodes"].description).toMatch(/terminate 33% of the SFU nodes/);
    expect(drills["livekit-pods"].description).toMatch(/delete 25% of the LiveKit SFU pods \(grace 0 s\)/);
    const graceful = drillTemplates({ ...settings, podDeleteGraceSeconds: 120 })["livekit-pods"];
    expect(graceful.description).toContain("grace 120 s");
  });

  it("act inside the cluster only in the pod drill, which alone needs FIS's access entry and RBAC", () => {
    expect(Object.entries(drills).map(([id, d]) => [id, d.inCluster])).toEqual([
      ["sfu-nodes", false],
      ["turn-nodes", false],
      ["livekit-pods", true],
    ]);
  });
});

describe("labelSelector", () => {
  it("renders a sorted label selector", () => {
    expect(labelSelector({ b: "2", a: "1" })).toBe("a=1,b=2");
  });

  it("refuses no labels, which would select every pod in the namespace", () => {
    expect(() => labelSelector({})).toThrow(/^chaos livekitPodLabels: must not be empty .*, got \{\}$/);
  });
});
