/**
 * Chaos drills (components/chaos/index.ts): FIS templates that terminate SFU/TURN nodes and delete LiveKit pods,
 * each stopped by the signalling failure alarm, run by a role that can only touch the SFU nodes.
 */
import * as k8s from "@pulumi/kubernetes";
import { Chaos, ChaosArgs, checkChaosArgs, FIS_KUBERNETES_USER, FIS_SERVICE_ACCOUNT } from "../../../components/chaos";
import { drillTemplates } from "../../../components/chaos/templates";
import { policies } from "../../../policy/policies";
import { findResource, inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { MOCK_ACCOUNT_ID } from "../../../tools/plan/mock-cloud";
import { CHAOS_ARGS, DRILL_SETTINGS } from "../../support/chaos";
import { runComponents, runStack, shippedStackPlan } from "../../support/plan";
import { mandatory, resourcesOfPlan, violations } from "../../support/policy";

const baseArgs = CHAOS_ARGS;

const plan = (overrides: Partial<ChaosArgs> = {}) =>
  runComponents(() => {
    const provider = new k8s.Provider("region-cluster", { kubeconfig: "{}" });
    new Chaos("mumbai-chaos", { ...baseArgs, ...overrides }, { providers: [provider] });
  });

const template = (result: PlanResult, id: string) =>
  inputsOf(findResource(result, "aws:fis/experimentTemplate:ExperimentTemplate", `mumbai-chaos-${id}`));
const one = (result: PlanResult, type: string): PlannedResource => {
  const found = resourcesOfType(result, type);
  expect(found).toHaveLength(1);
  return found[0];
};

describe("Chaos", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan();
  });

  it("creates the three drills, each stopped by the signalling failure alarm", () => {
    const alarm = inputsOf(one(result, "aws:cloudwatch/metricAlarm:MetricAlarm"));
    expect(alarm.name ?? "").toBe(""); // auto-named; FIS refers to its ARN
    for (const id of ["sfu-nodes", "turn-nodes", "livekit-pods"]) {
      const t = template(result, id);
      expect(t.stopConditions).toEqual([
        {
          source: "aws:cloudwatch:alarm",
          value: expect.stringMatching(/^arn:aws:cloudwatch:ap-south-1:\d+:alarm:mumbai-chaos-signalling-failures-/),
        },
      ]);
      expect(t.roleArn).toMatch(/:role\/mumbai-chaos-fis-/);
      expect(t.logConfiguration).toBeUndefined();
    }
  });

  it("aims the drills at the Args' cluster, SFU pool, namespace and pods, each with its share", () => {
    // What each drill does: templates.test.ts. Here, that the component fills the drills from its Args.
    const drills = drillTemplates(DRILL_SETTINGS);
    for (const [id, drill] of Object.entries(drills)) {
      const t = template(result, id);
      expect({ description: t.description, targets: t.targets, actions: t.actions }).toEqual({
        description: drill.description,
        targets: drill.spec.targets,
        actions: drill.spec.actions,
      });
      expect(t.experimentOptions).toEqual(drill.spec.experimentOptions);
    }
  });

  it("stops on failed signalling requests of the region's own ALB", () => {
    // The alarm's rule: stop-alarm.test.ts. Here, that it watches the ALB the hostname names, at the default share.
    const alarm = inputsOf(one(result, "aws:cloudwatch/metricAlarm:MetricAlarm"));
    expect(alarm.threshold).toBe(5);
    const albMetrics = alarm.metricQueries.filter((q: any) => q.metric);
    expect(albMetrics).toHaveLength(3);
    for (const q of albMetrics) {
      expect(q.metric.dimensions).toEqual({
        LoadBalancer: expect.stringMatching(/^app\/k8s-livekit-livekits-0123456789\/[0-9a-f]{16}$/),
      });
    }
  });

  it("gives FIS a role it can assume only for this account, allowed to terminate only SFU-tagged instances", () => {
    const role = inputsOf(one(result, "aws:iam/role:Role"));
    const trust = JSON.parse(role.assumeRolePolicy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "fis.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID },
          ArnLike: { "aws:SourceArn": `arn:aws:fis:ap-south-1:${MOCK_ACCOUNT_ID}:experiment/*` },
        },
      },
    ]);
    const policy = JSON.parse(inputsOf(one(result, "aws:iam/rolePolicy:RolePolicy")).policy);
    const terminate = policy.Statement.filter((s: any) => [s.Action].flat().includes("ec2:TerminateInstances"));
    expect(terminate.map((s: any) => s.Condition.StringEquals)).toEqual([
      { "aws:ResourceTag/karpenter.sh/nodepool": "sfu", "aws:ResourceTag/eks:eks-cluster-name": "livekit-mumbai" },
    ]);
    expect(policy.Statement.find((s: any) => s.Action === "eks:DescribeCluster").Resource).toBe(
      `arn:aws:eks:ap-south-1:${MOCK_ACCOUNT_ID}:cluster/livekit-mumbai`,
    );
    // Nothing else may change anything: every other statement only reads.
    const writes = policy.Statement.flatMap((s: any) => [s.Action].flat()).filter(
      (a: string) => !/:(Describe|Get)/.test(a),
    );
    expect(writes).toEqual(["ec2:TerminateInstances"]);
  });

  it("lets FIS into the cluster as one user bound, with its service account, to a namespaced Role", () => {
    const entry = inputsOf(one(result, "aws:eks/accessEntry:AccessEntry"));
    expect(entry).toEqual(
      expect.objectContaining({
        clusterName: "livekit-mumbai",
        type: "STANDARD",
        userName: FIS_KUBERNETES_USER,
        principalArn: expect.stringMatching(/:role\//),
      }),
    );
    expect(entry.kubernetesGroups).toBeUndefined(); // no group: RBAC below is all it gets
    const sa = inputsOf(one(result, "kubernetes:core/v1:ServiceAccount"));
    expect(sa.metadata).toEqual(expect.objectContaining({ name: FIS_SERVICE_ACCOUNT, namespace: "livekit" }));
    const role = inputsOf(one(result, "kubernetes:rbac.authorization.k8s.io/v1:Role"));
    expect(role.metadata.namespace).toBe("livekit");
    expect(role.rules).toEqual(
      expect.arrayContaining([
        { apiGroups: [""], resources: ["pods"], verbs: ["create", "list", "get", "delete", "deletecollection"] },
        { apiGroups: [""], resources: ["pods/ephemeralcontainers"], verbs: ["update"] },
      ]),
    );
    const binding = inputsOf(one(result, "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding"));
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: FIS_SERVICE_ACCOUNT, namespace: "livekit" },
      { kind: "User", name: FIS_KUBERNETES_USER, apiGroup: "rbac.authorization.k8s.io" },
    ]);
    expect(binding.roleRef).toEqual({ kind: "Role", name: role.metadata.name, apiGroup: "rbac.authorization.k8s.io" });
    expect(resourcesOfType(result, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding")).toEqual([]);
  });

  it("waits for the RBAC and the access entry before the pod drill exists", () => {
    const pods = findResource(result, "aws:fis/experimentTemplate:ExperimentTemplate", "mumbai-chaos-livekit-pods");
    for (const type of [
      "aws:eks/accessEntry:AccessEntry",
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "kubernetes:core/v1:ServiceAccount",
    ]) {
      expect(pods.dependencies).toContain(one(result, type).urn);
    }
  });

  it("passes the policy pack", async () => {
    expect(await violations(mandatory(policies), resourcesOfPlan(result))).toEqual([]);
  });
});

describe("Chaos options", () => {
  it("logs experiments to a log group with retention, and lets FIS deliver logs, when asked", async () => {
    const result = await plan({
      logRetentionDays: 30,
      extraStopAlarmArns: ["arn:aws:cloudwatch:ap-south-1:123456789012:alarm:sfu-p99"],
    });
    const group = inputsOf(one(result, "aws:cloudwatch/logGroup:LogGroup"));
    expect(group.retentionInDays).toBe(30);
    const t = template(result, "sfu-nodes");
    expect(t.logConfiguration).toEqual({
      logSchemaVersion: 2,
      cloudwatchLogsConfiguration: {
        logGroupArn: expect.stringMatching(/:log-group:mumbai-chaos-experiments-[0-9a-f]+:\*$/),
      },
    });
    expect(t.stopConditions.map((c: any) => c.value)).toEqual([
      expect.stringMatching(/:alarm:mumbai-chaos-signalling/),
      "arn:aws:cloudwatch:ap-south-1:123456789012:alarm:sfu-p99",
    ]);
    const policy = JSON.parse(inputsOf(one(result, "aws:iam/rolePolicy:RolePolicy")).policy);
    expect(policy.Statement.map((s: any) => s.Sid)).toContain("ExperimentLogs");
  });

  it("takes the pod grace period and the stop threshold", async () => {
    const result = await plan({ livekitPodDeleteGraceSeconds: 120, stopFailedJoinPercent: 2 });
    expect(template(result, "livekit-pods").actions[0].parameters).toContainEqual({
      key: "gracePeriodSeconds",
      value: "120",
    });
    expect(inputsOf(one(result, "aws:cloudwatch/metricAlarm:MetricAlarm")).threshold).toBe(2);
  });

  it.each([
    [{ sfuNodeTerminationPercent: 0 }, /^chaos sfuNodeTerminationPercent: must be an integer from 1 to 100, got 0$/],
    [{ turnNodeTerminationPercent: 101 }, /turnNodeTerminationPercent/],
    [{ livekitPodDeletePercent: 12.5 }, /livekitPodDeletePercent/],
    [{ livekitPodDeleteGraceSeconds: -1 }, /livekitPodDeleteGraceSeconds/],
    [{ livekitPodLabels: {} }, /^chaos livekitPodLabels: must not be empty .*, got \{\}$/],
    [{ logRetentionDays: 0 }, /logRetentionDays/],
  ] as [Partial<ChaosArgs>, RegExp][])("rejects %j", (overrides, message) => {
    const base = baseArgs;
    expect(() => checkChaosArgs(base)).not.toThrow();
    expect(() => checkChaosArgs({ ...base, ...overrides })).toThrow(message);
  });
});

describe("chaos drills in a region stack", () => {
  const templates = (plan: PlanResult) => resourcesOfType(plan, "aws:fis/experimentTemplate:ExperimentTemplate");

  it("are off by default", async () => {
    expect(templates(await shippedStackPlan("mumbai"))).toEqual([]);
  });

  it("show in the plan when livekit-platform:chaos.enabled is true, aimed at that region's SFU nodes and pods", async () => {
    const plan = await runStack("mumbai", {
      "livekit-platform:chaos": { enabled: true, sfuNodeTerminationPercent: 50 },
    });
    expect(
      templates(plan)
        .map((t) => t.name)
        .sort(),
    ).toEqual(["mumbai-chaos-livekit-pods", "mumbai-chaos-sfu-nodes", "mumbai-chaos-turn-nodes"]);
    const sfu = inputsOf(templates(plan).find((t) => t.name === "mumbai-chaos-sfu-nodes")!);
    expect(JSON.stringify(sfu.targets)).toContain("PERCENT(50)");
  });
});
