import { Cluster, ClusterArgs } from "../../../components/cluster";
import { sfuNodeUserData } from "../../../components/cluster/node-user-data";
import { nodeRoles } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { findResource, inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../../tools/engine";
import { mockResource } from "../../../tools/mock-cloud";
import { runComponents, runStack } from "../../support/plan";

const EKS_CLUSTER = "eks:index:Cluster";
const NODE_GROUP = "eks:index:ManagedNodeGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const args: ClusterArgs = {
  clusterName: "livekit-test",
  kubernetesVersion: "1.35",
  vpcId: "vpc-0abc12345def67890",
  publicSubnetIds: ["subnet-0pub00001", "subnet-0pub00002"],
  privateSubnetIds: ["subnet-0prv00001", "subnet-0prv00002"],
  publicAccessCidrs: ["203.0.113.0/24"],
  systemNodes: { instanceType: "m6i.large", min: 2, max: 5 },
  sfuNodes: { instanceType: "c6i.2xlarge", min: 3, max: 9 },
  webRtcPorts: {
    rtcUdp: { start: 50000, end: 60000 },
    rtcTcp: 7881,
    turnListening: 3478,
    turnRelayUdp: { start: 40000, end: 49999 },
  },
  podIdentityAgentVersion: "v1.3.10-eksbuild.2",
};

/** `key = value` lines of the sysctl file the boot script writes, as numbers. */
function sysctlsIn(script: string): Record<string, number> {
  const body = /cat > (\/etc\/sysctl\.d\/[\w.-]+\.conf) <<'EOF'\n([\s\S]*?)\nEOF\nsysctl -p \1\n/.exec(script);
  if (!body) throw new Error(`no sysctl.d file written and applied in:\n${script}`);
  return Object.fromEntries(
    body[2]
      .split("\n")
      .map((line) => line.split("=").map((s) => s.trim()))
      .map(([k, v]) => [k, Number(v)]),
  );
}

const nodeGroup = (plan: PlanResult, role: string) => findResource(plan, NODE_GROUP, `test-${role}`);

describe("Cluster", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runComponents(() => new Cluster("test", args));
  });

  it("creates an EKS cluster with API authentication, the pinned version on standard support, every control-plane log and OIDC", () => {
    expect(inputsOf(findResource(plan, EKS_CLUSTER, "test"))).toMatchObject({
      name: "livekit-test",
      version: "1.35",
      authenticationMode: "API",
      upgradePolicy: { supportType: "STANDARD" },
      createOidcProvider: true,
      skipDefaultNodeGroup: true,
    });
    expect(inputsOf(findResource(plan, EKS_CLUSTER, "test")).enabledClusterLogTypes.sort()).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
  });

  it("puts the cluster in the network's VPC and limits the public API endpoint to the configured CIDRs", () => {
    expect(inputsOf(findResource(plan, EKS_CLUSTER, "test"))).toMatchObject({
      vpcId: args.vpcId,
      publicSubnetIds: args.publicSubnetIds,
      privateSubnetIds: args.privateSubnetIds,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  it("installs the pinned EKS Pod Identity agent add-on", () => {
    expect(inputsOf(findResource(plan, "aws:eks/addon:Addon", "test-pod-identity-agent"))).toMatchObject({
      clusterName: "livekit-test",
      addonName: "eks-pod-identity-agent",
      addonVersion: "v1.3.10-eksbuild.2",
    });
  });

  it("keeps system nodes in private subnets, labelled for system workloads and untainted", () => {
    const system = inputsOf(nodeGroup(plan, "system"));
    expect(system).toMatchObject({
      subnetIds: args.privateSubnetIds,
      instanceTypes: ["m6i.large"],
      capacityType: "ON_DEMAND",
      labels: { "livekit-platform/node-role": "system" },
      scalingConfig: { minSize: 2, desiredSize: 2, maxSize: 5 },
    });
    expect(system.taints ?? []).toEqual([]);
  });

  it("puts SFU nodes in public subnets, on demand, on the configured type, labelled and tainted for LiveKit", () => {
    expect(inputsOf(nodeGroup(plan, "sfu"))).toMatchObject({
      subnetIds: ["subnet-0pub00001", "subnet-0pub00002"],
      capacityType: "ON_DEMAND",
      instanceTypes: ["c6i.2xlarge"],
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 9 },
      labels: { "livekit-platform/node-role": "sfu" },
      taints: [{ key: "livekit-platform/sfu", value: "true", effect: "NO_SCHEDULE" }],
    });
    // The same label and taint as the workloads' selectors and tolerations use.
    expect(inputsOf(nodeGroup(plan, "sfu")).labels).toEqual(nodeRoles.sfu.labels);
  });

  it("requires IMDSv2 on every managed node on AL2023", () => {
    for (const role of ["system", "sfu"]) {
      expect(inputsOf(nodeGroup(plan, role))).toMatchObject({ enableIMDSv2: true, operatingSystem: "AL2023" });
    }
  });

  it("raises the SFU nodes' UDP buffers to at least 16 MiB at boot, through a nodeadm shell part", () => {
    const [part, ...others] = inputsOf(nodeGroup(plan, "sfu")).nodeadmExtraOptions;
    expect(others).toEqual([]);
    expect(part.contentType).toBe('text/x-shellscript; charset="us-ascii"');
    expect(part.content.startsWith("#!/bin/bash\n")).toBe(true);
    const sysctls = sysctlsIn(part.content);
    for (const key of ["net.core.rmem_max", "net.core.wmem_max"])
      expect(sysctls[key]).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(sysctls["net.core.rmem_default"]).toBeLessThanOrEqual(sysctls["net.core.rmem_max"]);
    expect(inputsOf(nodeGroup(plan, "system")).nodeadmExtraOptions).toBeUndefined();
  });

  it("offers the same boot script as MIME multipart user data for Karpenter's SFU nodes", () => {
    const userData = sfuNodeUserData();
    const boundary = /^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="([^"]+)"\n/.exec(userData)?.[1];
    expect(boundary).toBeDefined();
    const parts = userData.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(1);
    expect(userData.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    const [, headers, body] = /^\n(Content-Type: [^\n]+)\n\n([\s\S]*)\n$/.exec(parts[0]) ?? [];
    expect(headers).toBe('Content-Type: text/x-shellscript; charset="us-ascii"');
    expect(body).toBe(inputsOf(nodeGroup(plan, "sfu")).nodeadmExtraOptions[0].content);
  });

  it("gives the node groups a role with the worker, registry, CNI and SSM policies, attached before nodes boot", () => {
    const role = findResource(plan, "aws:iam/role:Role", "test-nodes");
    expect(JSON.parse(inputsOf(role).assumeRolePolicy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const attachments = resourcesOfType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment");
    expect(attachments.map((a) => inputsOf(a).policyArn).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    for (const a of attachments) expect(a.dependencies).toContain(role.urn);
    for (const group of [nodeGroup(plan, "system"), nodeGroup(plan, "sfu")]) {
      expect(inputsOf(group).nodeRole).toBe(role.urn);
      expect(group.dependencies).toEqual(expect.arrayContaining(attachments.map((a) => a.urn)));
    }
  });

  it("opens exactly the WebRTC and TURN ports to the internet, on the EKS cluster security group the nodes carry", () => {
    const eks = mockResource(
      { type: EKS_CLUSTER, name: "test", inputs: inputsOf(findResource(plan, EKS_CLUSTER, "test")) },
      { awsRegion: "ap-south-1" },
    );
    const state = eks.state as {
      eksCluster: { vpcConfig: { clusterSecurityGroupId: string } };
      nodeSecurityGroupId: string;
    };
    const rules = resourcesOfType(plan, INGRESS_RULE).map((r) => inputsOf(r));
    for (const rule of rules) {
      expect(rule.securityGroupId).toBe(state.eksCluster.vpcConfig.clusterSecurityGroupId);
      expect(rule.securityGroupId).not.toBe(state.nodeSecurityGroupId); // pulumi-eks's own group, unused by managed nodes
    }
    expect(
      rules
        .map(({ ipProtocol, fromPort, toPort, cidrIpv4 }) => `${ipProtocol} ${fromPort}-${toPort} ${cidrIpv4}`)
        .sort(),
    ).toEqual([
      "tcp 3478-3478 0.0.0.0/0",
      "tcp 7881-7881 0.0.0.0/0",
      "udp 3478-3478 0.0.0.0/0",
      "udp 40000-49999 0.0.0.0/0",
      "udp 50000-60000 0.0.0.0/0",
    ]);
  });

  it("creates one Kubernetes provider, from the cluster's kubeconfig, with server-side apply", () => {
    const providers = resourcesOfType(plan, "pulumi:providers:kubernetes");
    expect(providers.map((p) => p.name)).toEqual(["test-k8s"]); // not pulumi-eks's lazily created one as well
    const eks = mockResource(
      { type: EKS_CLUSTER, name: "test", inputs: inputsOf(findResource(plan, EKS_CLUSTER, "test")) },
      { awsRegion: "ap-south-1" },
    );
    expect(inputsOf(providers[0])).toMatchObject({
      kubeconfig: (eks.state as { kubeconfigJson: string }).kubeconfigJson,
      enableServerSideApply: "true",
    });
    expect(providers[0].dependencies).toContain(findResource(plan, EKS_CLUSTER, "test").urn);
  });
});

describe("a region stack's exposure and Kubernetes provider", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runStack("mumbai");
  });
  const internet = (cidr: unknown) => cidr === "0.0.0.0/0" || cidr === "::/0";

  it("opens nothing to the internet but the WebRTC and TURN ports, in any security group or rule", () => {
    const open = resourcesOfType(plan, INGRESS_RULE)
      .map((r) => inputsOf(r))
      .filter((r) => internet(r.cidrIpv4) || internet(r.cidrIpv6))
      .map(({ ipProtocol, fromPort, toPort }) => `${ipProtocol} ${fromPort}-${toPort}`);
    expect(open.sort()).toEqual([
      "tcp 3478-3478",
      "tcp 7881-7881",
      "udp 3478-3478",
      "udp 40000-49999",
      "udp 50000-60000",
    ]);
    const inlineIngress = resourcesOfType(plan, "aws:ec2/securityGroup:SecurityGroup").flatMap(
      (g) => inputsOf(g).ingress ?? [],
    );
    expect(
      inlineIngress.filter((i: any) => [...(i.cidrBlocks ?? []), ...(i.ipv6CidrBlocks ?? [])].some(internet)),
    ).toEqual([]);
    const legacyRules = resourcesOfType(plan, "aws:ec2/securityGroupRule:SecurityGroupRule").map((r) => inputsOf(r));
    expect(
      legacyRules.filter(
        (r) => r.type === "ingress" && [...(r.cidrBlocks ?? []), ...(r.ipv6CidrBlocks ?? [])].some(internet),
      ),
    ).toEqual([]);
  });

  it("keeps the metrics ports (LiveKit, Coturn, Egress, node-exporter) out of reach of the internet", () => {
    const metricsPorts = [6789, 9641, 9090, 9100];
    const open = resourcesOfType(plan, INGRESS_RULE)
      .map((r) => inputsOf(r))
      .filter((r) => internet(r.cidrIpv4) || internet(r.cidrIpv6));
    for (const port of metricsPorts) {
      expect(open.filter((r) => r.ipProtocol === "tcp" && r.fromPort <= port && port <= r.toPort)).toEqual([]);
    }
  });

  it("runs SFU nodes in the network's public subnets and system nodes in its private ones", () => {
    expect(inputsOf(findResource(plan, NODE_GROUP, "mumbai-sfu")).subnetIds).toEqual(plan.outputs.publicSubnetIds);
    expect(inputsOf(findResource(plan, NODE_GROUP, "mumbai-system")).subnetIds).toEqual(plan.outputs.privateSubnetIds);
  });

  it("installs the cluster controllers' charts only once the system node group exists", () => {
    const system = findResource(plan, NODE_GROUP, "mumbai-system");
    for (const name of ["mumbai-karpenter", "mumbai-lbc"]) {
      expect(findResource(plan, "kubernetes:helm.sh/v3:Release", name).dependencies).toContain(system.urn);
    }
  });

  it("pins the cluster to the configured Kubernetes version and the add-on to lib/versions.ts", () => {
    expect(inputsOf(findResource(plan, EKS_CLUSTER, "mumbai")).version).toBe(versions.kubernetes);
    expect(inputsOf(findResource(plan, "aws:eks/addon:Addon", "mumbai-pod-identity-agent")).addonVersion).toBe(
      versions.eksAddons.podIdentityAgent,
    );
  });

  it("sends every Kubernetes resource, Helm releases included, through the cluster's one provider", () => {
    const providers = resourcesOfType(plan, "pulumi:providers:kubernetes");
    expect(providers).toHaveLength(1);
    const kubernetes: PlannedResource[] = plan.resources.filter((r) => r.custom && r.type.startsWith("kubernetes:"));
    expect(kubernetes.length).toBeGreaterThan(0);
    const offProvider = kubernetes
      .filter((r) => r.provider?.replace(/::[^:]+$/, "") !== providers[0].urn)
      .map((r) => `${r.type} ${r.name}`);
    expect(offProvider).toEqual([]);
  });
});
