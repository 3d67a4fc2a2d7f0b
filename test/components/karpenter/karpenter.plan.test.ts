import { MOCK_ACCOUNT_ID } from "../../../tools/plan/mock-cloud";
import { sfuNodeUserData } from "../../../components/cluster/node-user-data";
import { Karpenter, KarpenterArgs } from "../../../components/karpenter";
import { karpenterDuration } from "../../../components/karpenter/node-pools";
import { nodeRoles } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { findResource, inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { clusterDependencies } from "../../support/cluster-fixture";
import { insecureTransportGaps } from "../../support/iam-policy";
import { runComponents } from "../../support/plan";

const RELEASE = "kubernetes:helm.sh/v3:Release";
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";
const NODE_CLASS = "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass";

const settings: KarpenterArgs = {
  clusterName: "livekit-test",
  clusterEndpoint: "https://api.livekit-test.example",
  clusterSecurityGroupId: "sg-0cluster0000000001",
  sfuSecurityGroupId: "sg-0sfu00000000000001",
  sfuInstanceType: "c6i.2xlarge",
  egressInstanceType: "c6i.4xlarge",
  sfuNodeUserData: sfuNodeUserData(),
  drainSeconds: 18000,
  egressDrainSeconds: 6 * 3600 + 900,
  cpuLimits: { sfu: 96, egress: 48, general: 24 },
};

/** Go duration ("5h15m", "90s") in seconds: an independent reading of what Karpenter will parse. */
function seconds(duration: string): number {
  const units: Record<string, number> = { h: 3600, m: 60, s: 1 };
  expect(duration).toMatch(/^([0-9]+(h|m|s))+$/);
  return [...duration.matchAll(/([0-9]+)(h|m|s)/g)].reduce((total, [, n, unit]) => total + Number(n) * units[unit], 0);
}

type Statement = {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, unknown>>;
  Principal?: unknown;
};
const actions = (s: Statement) => [s.Action].flat();

describe("Karpenter", () => {
  let plan: PlanResult;
  const named = (type: string, name: string) => findResource(plan, type, `test-${name}`);
  const nodePool = (name: string) => inputsOf(named(NODE_POOL, name));
  const nodeClass = (name: string) => inputsOf(named(NODE_CLASS, name));
  const controllerStatements = (): Statement[] =>
    resourcesOfType(plan, "aws:iam/policy:Policy").flatMap((p) => JSON.parse(inputsOf(p).policy).Statement);

  beforeAll(async () => {
    plan = await runComponents(() => {
      new Karpenter("test", settings, clusterDependencies().options);
    });
  });

  describe("interruption handling", () => {
    it("routes the five interruption events to the queue, matching the detail-type AWS sends", () => {
      const rules = resourcesOfType(plan, "aws:cloudwatch/eventRule:EventRule");
      const patterns = rules.map((r) => JSON.parse(inputsOf(r).eventPattern));
      for (const pattern of patterns) expect(Object.keys(pattern).sort()).toEqual(["detail-type", "source"]);
      expect(patterns.map((p) => `${p.source.join()} / ${p["detail-type"].join()}`).sort()).toEqual([
        "aws.ec2 / EC2 Capacity Reservation Instance Interruption Warning",
        "aws.ec2 / EC2 Instance Rebalance Recommendation",
        "aws.ec2 / EC2 Instance State-change Notification",
        "aws.ec2 / EC2 Spot Instance Interruption Warning",
        "aws.health / AWS Health Event",
      ]);
    });

    it("targets the interruption queue from every rule", () => {
      const queue = findResource(plan, "aws:sqs/queue:Queue", "test-interruptions");
      const rules = resourcesOfType(plan, "aws:cloudwatch/eventRule:EventRule");
      const targets = resourcesOfType(plan, "aws:cloudwatch/eventTarget:EventTarget");
      expect(targets).toHaveLength(rules.length);
      for (const rule of rules) {
        const target = targets.filter((t) => t.dependencies.includes(rule.urn));
        expect(target).toHaveLength(1);
        expect(target[0].dependencies).toContain(queue.urn);
        expect(inputsOf(target[0]).rule).toBeDefined();
      }
      expect(new Set(targets.map((t) => inputsOf(t).arn)).size).toBe(1);
    });

    it("keeps interruption messages five minutes, encrypted by SQS", () => {
      expect(inputsOf(named("aws:sqs/queue:Queue", "interruptions"))).toMatchObject({
        name: "livekit-test-karpenter",
        messageRetentionSeconds: 300,
        sqsManagedSseEnabled: true,
      });
    });

    it("lets only EventBridge and SQS send to the queue, for this account only, and refuses any access without TLS", () => {
      const policy = JSON.parse(inputsOf(named("aws:sqs/queuePolicy:QueuePolicy", "interruptions")).policy);
      const queueArn = inputsOf(resourcesOfType(plan, "aws:cloudwatch/eventTarget:EventTarget")[0]).arn;
      const [allow, ...rest] = policy.Statement.filter((s: Statement) => s.Effect === "Allow");
      expect(rest).toEqual([]);
      expect(allow).toEqual({
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { StringEquals: { "aws:SourceAccount": MOCK_ACCOUNT_ID } },
      });
      expect(insecureTransportGaps(policy, "sqs", [queueArn])).toEqual([]);
    });
  });

  describe("IAM", () => {
    it("lets Karpenter's nodes join the cluster through an EC2_LINUX access entry for their role", () => {
      const role = named("aws:iam/role:Role", "nodes");
      const entry = named("aws:eks/accessEntry:AccessEntry", "nodes");
      expect(inputsOf(entry)).toMatchObject({ clusterName: "livekit-test", type: "EC2_LINUX" });
      expect(entry.dependencies).toContain(role.urn);
      expect(JSON.parse(inputsOf(role).assumeRolePolicy).Statement[0].Principal).toEqual({
        Service: "ec2.amazonaws.com",
      });
      const attached = resourcesOfType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment")
        .filter((a) => a.dependencies.includes(role.urn))
        .map((a) => inputsOf(a).policyArn.replace(/^.*\//, ""));
      expect(attached.sort()).toEqual([
        "AmazonEC2ContainerRegistryPullOnly",
        "AmazonEKSWorkerNodePolicy",
        "AmazonSSMManagedInstanceCore",
      ]);
    });

    it("gives the controller its role through Pod Identity, for the chart's service account", () => {
      const role = named("aws:iam/role:Role", "controller");
      expect(JSON.parse(inputsOf(role).assumeRolePolicy).Statement).toMatchObject([
        {
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          Action: ["sts:AssumeRole", "sts:TagSession"],
        },
      ]);
      const association = named("aws:eks/podIdentityAssociation:PodIdentityAssociation", "controller");
      expect(association.dependencies).toContain(role.urn);
      const release = inputsOf(findResource(plan, RELEASE, "test"));
      expect(inputsOf(association)).toMatchObject({
        clusterName: "livekit-test",
        namespace: release.namespace,
        serviceAccount: release.values.serviceAccount.name,
      });
    });

    it("lets the controller pass only the node role, and only to EC2", () => {
      const statements = controllerStatements();
      const passRole = statements.filter((s) =>
        actions(s).some((a) => a === "iam:PassRole" || a === "iam:*" || a === "*"),
      );
      expect(passRole).toHaveLength(1);
      const nodeRoleArn = inputsOf(named("aws:eks/accessEntry:AccessEntry", "nodes")).principalArn;
      expect(passRole[0]).toMatchObject({
        Effect: "Allow",
        Resource: nodeRoleArn,
        Condition: { StringEquals: { "iam:PassedToService": "ec2.amazonaws.com" } },
      });
    });

    it("lets the controller launch, tag and terminate only resources tagged for this cluster and a NodePool", () => {
      const statements = controllerStatements();
      for (const action of [
        "ec2:TerminateInstances",
        "ec2:DeleteLaunchTemplate",
        "ec2:CreateLaunchTemplate",
        "ec2:CreateTags",
      ]) {
        const granting = statements.filter((s) => actions(s).includes(action));
        expect(granting.length).toBeGreaterThan(0);
        for (const s of granting) {
          const equals = { ...s.Condition?.StringEquals };
          const owned =
            equals["aws:ResourceTag/kubernetes.io/cluster/livekit-test"] ??
            equals["aws:RequestTag/kubernetes.io/cluster/livekit-test"];
          expect({ action, owned }).toEqual({ action, owned: "owned" });
          expect(Object.keys(s.Condition?.StringLike ?? {}).some((k) => k.endsWith("/karpenter.sh/nodepool"))).toBe(
            true,
          );
        }
      }
      expect(statements.filter((s) => s.Effect !== "Allow")).toEqual([]);
      expect(statements.flatMap(actions).filter((a) => a.endsWith(":*") || a === "*")).toEqual([]);
    });

    it("reads only its interruption queue and describes only its own cluster", () => {
      const statements = controllerStatements();
      const queueArn = inputsOf(resourcesOfType(plan, "aws:cloudwatch/eventTarget:EventTarget")[0]).arn;
      expect(statements.filter((s) => actions(s).some((a) => a.startsWith("sqs:")))).toEqual([
        expect.objectContaining({
          Action: ["sqs:DeleteMessage", "sqs:GetQueueUrl", "sqs:ReceiveMessage"],
          Resource: queueArn,
        }),
      ]);
      const describe = statements.filter((s) => actions(s).includes("eks:DescribeCluster"));
      expect(describe).toEqual([
        expect.objectContaining({
          Resource: expect.stringMatching(/^arn:aws:eks:ap-south-1:\d{12}:cluster\/livekit-test$/),
        }),
      ]);
    });

    it("discovers instance types, prices and AMIs read-only, in its own region", () => {
      const statements = controllerStatements();
      const describes = statements.filter((s) => actions(s).some((a) => a.startsWith("ec2:Describe")));
      expect(describes).toHaveLength(1);
      expect(describes[0].Condition).toEqual({ StringEquals: { "aws:RequestedRegion": "ap-south-1" } });
      expect(statements.find((s) => actions(s).includes("ssm:GetParameter"))?.Resource).toBe(
        "arn:aws:ssm:ap-south-1::parameter/aws/service/*",
      );
      expect(statements.some((s) => actions(s).includes("pricing:GetProducts"))).toBe(true);
    });
  });

  describe("charts", () => {
    it("installs the pinned CRD chart, then the pinned controller chart without its own CRDs", () => {
      const crds = findResource(plan, RELEASE, "test-crd");
      const controller = findResource(plan, RELEASE, "test");
      expect(inputsOf(crds)).toMatchObject({
        chart: "oci://public.ecr.aws/karpenter/karpenter-crd",
        version: versions.charts.karpenterCrd.version,
      });
      expect(inputsOf(controller)).toMatchObject({
        chart: "oci://public.ecr.aws/karpenter/karpenter",
        version: versions.charts.karpenter.version,
        namespace: "kube-system",
        skipCrds: true,
      });
      expect(versions.charts.karpenter.version).toMatch(/^1\.14\.\d+$/);
      expect(controller.dependencies).toContain(crds.urn);
    });

    it("tells the controller its cluster, API endpoint and interruption queue", () => {
      const queue = inputsOf(named("aws:sqs/queue:Queue", "interruptions"));
      expect(inputsOf(findResource(plan, RELEASE, "test")).values.settings).toEqual({
        clusterName: "livekit-test",
        clusterEndpoint: "https://api.livekit-test.example",
        interruptionQueue: queue.name,
      });
      // Hop limit 1 on every node: the controller cannot ask IMDS for its region.
      expect(inputsOf(findResource(plan, RELEASE, "test")).values.controller.env).toEqual([
        { name: "AWS_REGION", value: "ap-south-1" },
      ]);
    });

    it("runs two controllers on system nodes, resolving DNS through the node", () => {
      expect(inputsOf(findResource(plan, RELEASE, "test")).values).toMatchObject({
        nodeSelector: nodeRoles.system.labels,
        replicas: 2,
        dnsPolicy: "Default",
      });
    });

    it("installs the controller once system nodes exist to run it", () => {
      expect(findResource(plan, RELEASE, "test").dependencies).toContain(
        findResource(plan, "aws:eks/nodeGroup:NodeGroup", "system").urn,
      );
    });

    it("starts the controller only once it can get AWS credentials", () => {
      const controller = findResource(plan, RELEASE, "test");
      const role = named("aws:iam/role:Role", "controller");
      const permissions = resourcesOfType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
        a.dependencies.includes(role.urn),
      );
      expect(permissions).toHaveLength(5);
      expect(controller.dependencies).toEqual(
        expect.arrayContaining([
          named("aws:eks/podIdentityAssociation:PodIdentityAssociation", "controller").urn,
          findResource(plan, "aws:eks/addon:Addon", "agent").urn,
          ...permissions.map((a) => a.urn),
        ]),
      );
    });
  });

  describe("node classes", () => {
    it("selects subnets by tier and discovery tag, and the nodes' security groups by id: the SFU group on public nodes only", () => {
      for (const tier of ["public", "private"]) {
        expect(nodeClass(tier).spec).toMatchObject({
          subnetSelectorTerms: [
            { tags: { "karpenter.sh/discovery": "livekit-test", "livekit-platform/subnet-tier": tier } },
          ],
        });
      }
      expect(nodeClass("public").spec.securityGroupSelectorTerms).toEqual([
        { id: "sg-0cluster0000000001" },
        { id: "sg-0sfu00000000000001" },
      ]);
      expect(nodeClass("private").spec.securityGroupSelectorTerms).toEqual([{ id: "sg-0cluster0000000001" }]);
    });

    it("boots a pinned AL2023 release with IMDSv2 required and the node role", () => {
      const role = named("aws:iam/role:Role", "nodes");
      for (const tier of ["public", "private"]) {
        const spec = nodeClass(tier).spec;
        expect(spec.amiSelectorTerms).toEqual([{ alias: versions.karpenterNodeAmiAlias }]);
        expect(spec.amiSelectorTerms[0].alias).toMatch(/^al2023@v\d{8}$/);
        expect(spec.metadataOptions).toMatchObject({ httpTokens: "required", httpEndpoint: "enabled" });
        expect(spec.role).toBeDefined();
        expect(named(NODE_CLASS, tier).dependencies).toContain(role.urn);
      }
    });

    it("gives public nodes public IPs and the SFU's UDP buffers, and private nodes neither", () => {
      expect(nodeClass("public").spec).toMatchObject({ associatePublicIPAddress: true, userData: sfuNodeUserData() });
      expect(nodeClass("public").spec.userData).toContain("net.core.rmem_max = ");
      expect(nodeClass("private").spec.associatePublicIPAddress).toBeUndefined();
      expect(nodeClass("private").spec.userData).toBeUndefined();
    });
  });

  describe("node pools", () => {
    const requirement = (pool: Record<string, any>, key: string) =>
      pool.spec.template.spec.requirements.filter((r: { key: string }) => r.key === key);

    it("keeps SFU nodes on demand, in the public class, on exactly the configured instance type, labelled and tainted for LiveKit", () => {
      const sfu = nodePool("sfu");
      expect(requirement(sfu, "karpenter.sh/capacity-type")).toEqual([
        { key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] },
      ]);
      expect(requirement(sfu, "node.kubernetes.io/instance-type")).toEqual([
        { key: "node.kubernetes.io/instance-type", operator: "In", values: ["c6i.2xlarge"] },
      ]);
      // Nothing else widens the choice (the capacity model sized the region for this one type).
      expect(requirement(sfu, "karpenter.k8s.aws/instance-family")).toEqual([]);
      expect(requirement(sfu, "karpenter.k8s.aws/instance-cpu")).toEqual([]);
      expect(sfu.spec.template.spec.nodeClassRef).toEqual({
        group: "karpenter.k8s.aws",
        kind: "EC2NodeClass",
        name: "public",
      });
      expect(sfu.spec.template.metadata.labels).toEqual({ "livekit-platform/node-role": "sfu" });
      expect(sfu.spec.template.spec.taints).toEqual([
        { key: "livekit-platform/sfu", value: "true", effect: "NoSchedule" },
      ]);
    });

    it("lets an SFU node drain longer than LiveKit's 5 h before it is forced off, and only removes empty ones", () => {
      const sfu = nodePool("sfu");
      expect(seconds(sfu.spec.template.spec.terminationGracePeriod)).toBeGreaterThan(18000);
      expect(sfu.spec.disruption.consolidationPolicy).toBe("WhenEmpty");
      expect(sfu.spec.limits).toEqual({ cpu: "96" });
    });

    it("lets Karpenter disrupt at most 10% of SFU and egress nodes at once, whatever the reason", () => {
      for (const pool of ["sfu", "egress"]) {
        // One budget, no reasons or schedule: it applies to drift and emptiness alike (never to expiry, which
        // ignores budgets: no pool expires, see test/stacks/node-disruption.plan.test.ts).
        expect({ pool, budgets: nodePool(pool).spec.disruption.budgets }).toEqual({
          pool,
          budgets: [{ nodes: "10%" }],
        });
      }
    });

    it("keeps recorders on demand, on the model's egress node type only, with their own label and taint", () => {
      const egress = nodePool("egress");
      expect(requirement(egress, "karpenter.sh/capacity-type")[0].values).toEqual(["on-demand"]);
      expect(requirement(egress, "node.kubernetes.io/instance-type")[0].values).toEqual(["c6i.4xlarge"]);
      expect(egress.spec.template.metadata.labels).toEqual(nodeRoles.egress.labels);
      expect(egress.spec.template.spec.taints).toEqual(nodeRoles.egress.taints);
      // The egress pods' own grace period (6 h recordings + upload) plus the margin, not the SFU's.
      expect(seconds(egress.spec.template.spec.terminationGracePeriod)).toBeGreaterThan(6 * 3600 + 900);
      expect(seconds(nodePool("sfu").spec.template.spec.terminationGracePeriod)).toBeLessThan(6 * 3600);
      expect(egress.spec.disruption.consolidationPolicy).toBe("WhenEmpty");
      expect(egress.spec.limits).toEqual({ cpu: "48" });
    });

    it("puts recorders on public IPs, so SFU media reaches them through the internet gateway, not the NAT gateway", () => {
      const egress = nodePool("egress");
      // Public IPs through the outbound class, which lacks the SFU's internet-facing security group.
      expect(egress.spec.template.spec.nodeClassRef.name).toBe("outbound");
    });

    it("lets general nodes use spot, repacks them, and keeps them private and untainted", () => {
      const general = nodePool("general");
      expect(requirement(general, "karpenter.sh/capacity-type")[0].values.sort()).toEqual(["on-demand", "spot"]);
      expect(general.spec.template.spec.nodeClassRef.name).toBe("private");
      expect(general.spec.template.spec.taints).toEqual([]);
      expect(general.spec.disruption.consolidationPolicy).toBe("WhenEmptyOrUnderutilized");
      expect(general.spec.limits).toEqual({ cpu: "24" });
    });

    it("creates node classes and pools after both charts, through the given provider", () => {
      const charts = resourcesOfType(plan, RELEASE);
      const provider = findResource(plan, "pulumi:providers:kubernetes", "k8s");
      const custom: PlannedResource[] = [...resourcesOfType(plan, NODE_POOL), ...resourcesOfType(plan, NODE_CLASS)];
      expect(custom).toHaveLength(6); // sfu, egress, general pools; public, outbound, private classes
      for (const r of [...custom, ...charts]) expect(r.provider?.startsWith(`${provider.urn}::`)).toBe(true);
      for (const r of custom) expect(r.dependencies).toEqual(expect.arrayContaining(charts.map((c) => c.urn)));
    });
  });

  it("writes drain times as durations Karpenter accepts", () => {
    expect(karpenterDuration(18900)).toBe("5h15m");
    expect(karpenterDuration(3601)).toBe("1h1s");
    expect(seconds(karpenterDuration(20000))).toBe(20000);
  });
});
