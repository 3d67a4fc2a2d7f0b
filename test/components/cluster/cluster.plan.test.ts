import { Cluster, ClusterArgs } from "../../../components/cluster";
import { sfuBootScript, sfuNodeUserData } from "../../../components/cluster/node-user-data";
import { nodeRoles } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { findResource, inputsOf, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { mockResource } from "../../../tools/plan/mock-cloud";
import { runComponents, runStack, shippedStackPlan } from "../../support/plan";
import { stackYaml } from "../../support/stack-config";

const EKS_CLUSTER = "eks:index:Cluster";
const NODE_GROUP = "eks:index:ManagedNodeGroup";
const INGRESS_RULE = "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule";

const args: ClusterArgs = {
  clusterName: "livekit-test",
  kubernetesVersion: "1.35",
  vpcId: "vpc-0abc12345def67890",
  privateSubnetIds: ["subnet-0prv00001", "subnet-0prv00002"],
  publicAccessCidrs: ["203.0.113.0/24"],
  systemNodes: { instanceType: "m6i.large", min: 3, max: 5 },
  nodeAmiRelease: "v20260714",
  webRtcPorts: {
    rtcUdp: { start: 50000, end: 60000 },
    rtcTcp: 7881,
    turnListening: 3478,
    turnRelayUdp: { start: 40000, end: 49999 },
  },
  // Builds of no real minor: the component passes on what it is given, whatever lib/versions.ts pins.
  addons: {
    vpcCni: "v1.99.1-eksbuild.1",
    kubeProxy: "v1.35.9-eksbuild.9",
    coredns: "v1.13.9-eksbuild.1",
    podIdentityAgent: "v1.3.99-eksbuild.1",
  },
  logRetentionDays: 30,
  protect: true,
  adminRoleArns: ["arn:aws:iam::123456789012:role/platform-admin", "arn:aws:iam::123456789012:role/ci/deployer"],
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
  const eksCluster = () => findResource(plan, EKS_CLUSTER, "test");
  const launchTemplate = () => findResource(plan, "aws:ec2/launchTemplate:LaunchTemplate", "test-system");

  it("creates an EKS cluster with API authentication, the pinned version on standard support, every control-plane log and OIDC", () => {
    expect(inputsOf(eksCluster())).toMatchObject({
      name: "livekit-test",
      version: "1.35",
      authenticationMode: "API",
      upgradePolicy: { supportType: "STANDARD" },
      createOidcProvider: true,
      skipDefaultNodeGroup: true,
    });
    expect(inputsOf(eksCluster()).enabledClusterLogTypes.sort()).toEqual([
      "api",
      "audit",
      "authenticator",
      "controllerManager",
      "scheduler",
    ]);
  });

  it("creates the control-plane log group first, with the configured retention (EKS's own keeps logs forever)", () => {
    const logGroup = findResource(plan, "aws:cloudwatch/logGroup:LogGroup", "test-control-plane");
    expect(inputsOf(logGroup)).toEqual({ name: "/aws/eks/livekit-test/cluster", retentionInDays: 30 });
    expect(eksCluster().options.dependsOn).toContain(logGroup.urn);
  });

  it("protects the cluster from destroy and replacement, and turns on EKS deletion protection", () => {
    expect(eksCluster().options.protect).toBe(true);
    expect(inputsOf(eksCluster()).deletionProtection).toBe(true);
  });

  it("puts the cluster in the network's VPC and limits the public API endpoint to the configured CIDRs", () => {
    expect(inputsOf(eksCluster())).toMatchObject({
      vpcId: args.vpcId,
      endpointPublicAccess: true,
      endpointPrivateAccess: true,
      publicAccessCidrs: ["203.0.113.0/24"],
    });
  });

  it("puts the control plane's network interfaces in the private subnets only", () => {
    // pulumi-eks v4.3.0 cluster/cluster.ts 503-511: `subnetIds` goes to the EKS cluster's vpcConfig as given;
    // public and private subnet ids instead would be joined into one list (public ones first). Both at once it
    // refuses (432-436).
    expect(inputsOf(eksCluster()).subnetIds).toEqual(args.privateSubnetIds);
    expect(inputsOf(eksCluster()).publicSubnetIds).toBeUndefined();
    expect(inputsOf(eksCluster()).privateSubnetIds).toBeUndefined();
  });

  it("pins the vpc-cni and kube-proxy add-ons pulumi-eks creates, which it would otherwise resolve to the newest build on every run", () => {
    // pulumi-eks v4.3.0: addons/cni-addon.ts 273-283 and cluster/cluster.ts 764-777 call getAddonVersion
    // with mostRecent: true when no version is given. Nothing else is set on either (the VPC CNI's settings
    // belong in vpcCniOptions).
    // (resolveConflicts: the SDK's defaults, which are pulumi-eks's own: cni-addon.ts 304-306, cluster/cluster.ts 786-789.)
    const overwrite = { resolveConflictsOnCreate: "OVERWRITE", resolveConflictsOnUpdate: "OVERWRITE" };
    expect(inputsOf(eksCluster()).vpcCniOptions).toEqual({
      addonVersion: args.addons.vpcCni,
      enableNetworkPolicy: true,
      ...overwrite,
    });
    expect(inputsOf(eksCluster()).kubeProxyAddonOptions).toEqual({ version: args.addons.kubeProxy, ...overwrite });
    // The default VPC CNI of EKS stays replaced by the add-on (useDefaultVpcCni: true would drop it).
    expect(inputsOf(eksCluster()).useDefaultVpcCni).toBeUndefined();
  });

  it("turns on the VPC CNI's network policy agent, which enforces the region's NetworkPolicies", () => {
    // pulumi-eks v4.3.0 nodejs/eks/addons/cni-addon.ts mergeConfigurationValues (539-575) writes the boolean into
    // the add-on's configurationValues as the string the add-on's schema takes: aws/amazon-vpc-cni-k8s v1.21.1
    // charts/aws-vpc-cni/values.yaml `enableNetworkPolicy: "false"` (125), read by templates/daemonset.yaml
    // (`--enable-network-policy`, 147) and templates/configmap.yaml (`enable-network-policy-controller`).
    // Off, every NetworkPolicy would be stored and none enforced.
    expect(inputsOf(eksCluster()).vpcCniOptions.enableNetworkPolicy).toBe(true);
    expect(inputsOf(eksCluster()).vpcCniOptions.configurationValues).toBeUndefined();
  });

  it("gives pulumi-eks no input that creates more children than docs/plan-contract.md lists", () => {
    // Each of these keys decides a child of eks:index:Cluster (docs/plan-contract.md, "What the plan cannot
    // see"). A new key must be read against pulumi-eks's cluster/cluster.ts at the pinned tag and listed there.
    expect(Object.keys(inputsOf(eksCluster())).sort()).toEqual([
      "authenticationMode",
      "createOidcProvider",
      "deletionProtection",
      "enabledClusterLogTypes",
      "endpointPrivateAccess",
      "endpointPublicAccess",
      "kubeProxyAddonOptions",
      "name",
      "publicAccessCidrs",
      "skipDefaultNodeGroup",
      "skipDefaultSecurityGroups",
      "subnetIds",
      "upgradePolicy",
      "version",
      "vpcCniOptions",
      "vpcId",
    ]);
    // API authentication: pulumi-eks then sets bootstrapClusterCreatorAdminPermissions: true on the EKS cluster
    // (cluster/cluster.ts 733-740) and creates no aws-auth ConfigMap (1002: supportsConfigMap is false for API).
    expect(inputsOf(eksCluster()).authenticationMode).toBe("API");
  });

  it("has no public API endpoint at all when no CIDR is given, and no protection when turned off", async () => {
    const closed = await runComponents(
      () => new Cluster("test", { ...args, publicAccessCidrs: [], protect: false, adminRoleArns: [] }),
    );
    const cluster = findResource(closed, EKS_CLUSTER, "test");
    expect(inputsOf(cluster)).toMatchObject({ endpointPublicAccess: false, endpointPrivateAccess: true });
    expect(inputsOf(cluster).publicAccessCidrs).toBeUndefined();
    expect(cluster.options.protect).toBe(false);
    expect(inputsOf(cluster).deletionProtection).toBe(false);
    expect(resourcesOfType(closed, "aws:eks/accessEntry:AccessEntry")).toEqual([]);
  });

  it("installs the pinned EKS Pod Identity agent and CoreDNS add-ons, CoreDNS on system nodes once they exist", () => {
    expect(inputsOf(findResource(plan, "aws:eks/addon:Addon", "test-pod-identity-agent"))).toMatchObject({
      clusterName: "livekit-test",
      addonName: "eks-pod-identity-agent",
      addonVersion: args.addons.podIdentityAgent,
    });
    const coredns = findResource(plan, "aws:eks/addon:Addon", "test-coredns");
    expect(inputsOf(coredns)).toMatchObject({
      clusterName: "livekit-test",
      addonName: "coredns",
      addonVersion: args.addons.coredns,
      resolveConflictsOnCreate: "OVERWRITE",
    });
    expect(JSON.parse(inputsOf(coredns).configurationValues).nodeSelector).toEqual(nodeRoles.system.labels);
    expect(coredns.options.dependsOn).toContain(nodeGroup(plan, "system").urn);
  });

  it("gives the team's admin and CI roles cluster-admin access entries", () => {
    const entries = resourcesOfType(plan, "aws:eks/accessEntry:AccessEntry").map((e) => inputsOf(e));
    expect(entries.map((e) => e.principalArn)).toEqual(args.adminRoleArns);
    for (const e of entries) expect(e).toMatchObject({ clusterName: "livekit-test", type: "STANDARD" });
    const grants = resourcesOfType(plan, "aws:eks/accessPolicyAssociation:AccessPolicyAssociation").map((a) =>
      inputsOf(a),
    );
    expect(grants.map((g) => g.principalArn)).toEqual(args.adminRoleArns);
    for (const g of grants) {
      expect(g).toMatchObject({
        policyArn: "arn:aws:eks::aws:cluster-access-policy/AmazonEKSClusterAdminPolicy",
        accessScope: { type: "cluster" },
      });
    }
  });

  it("keeps system nodes in private subnets, one per zone at least, labelled for system workloads and untainted", () => {
    const system = inputsOf(nodeGroup(plan, "system"));
    expect(system).toMatchObject({
      subnetIds: args.privateSubnetIds,
      instanceTypes: ["m6i.large"],
      capacityType: "ON_DEMAND",
      labels: { "livekit-platform/node-role": "system" },
      scalingConfig: { minSize: 3, desiredSize: 3, maxSize: 5 },
    });
    expect(system.taints ?? []).toEqual([]);
  });

  it("gives the system node group the cluster's Kubernetes minor, which pulumi-eks leaves unset with a launch template", () => {
    // pulumi-eks v4.3.0 nodes/nodegroup.ts 1886-1891: the cluster's version is the default only without a
    // launch template. Without it, a minor upgrade sends the new minor's releaseVersion to a group that
    // stays at the old minor (UpdateNodegroupVersion takes version and releaseVersion together).
    const system = inputsOf(nodeGroup(plan, "system"));
    expect(system.version).toBe(args.kubernetesVersion);
    expect(system.releaseVersion.split(".").slice(0, 2).join(".")).toBe(system.version);
    // EKS's update config (one node at a time: pulumi-eks v4.3.0 exposes no updateConfig), and an update that
    // stops at a PodDisruptionBudget rather than evicting through it.
    expect(system.updateConfig).toBeUndefined();
    expect(system.forceUpdateVersion).toBe(false);
  });

  it("has no managed SFU node group: Karpenter launches every SFU node", () => {
    expect(resourcesOfType(plan, NODE_GROUP).map((g) => g.name)).toEqual(["test-system"]);
  });

  it("pins the system nodes' AMI to the release in lib/versions.ts, never SSM's moving 'recommended' AMI", () => {
    // Which parameter names the release: test/components/cluster/node-ami.test.ts.
    const system = inputsOf(nodeGroup(plan, "system"));
    // The release version read from that parameter (the pretend cloud answers <k8s>.0-<date>).
    expect(system).toMatchObject({ amiType: "AL2023_x86_64_STANDARD", releaseVersion: "1.35.0-20260714" });
    // Anything that makes pulumi-eks build its own launch template brings back the "recommended" AMI lookup.
    for (const key of ["amiId", "enableIMDSv2", "userData", "nodeadmExtraOptions", "kubeletExtraArgs"]) {
      expect(system[key]).toBeUndefined();
    }
    expect(system.launchTemplate).toEqual({ id: expect.stringMatching(/^lt-/), version: "1" });
  });

  it("boots system nodes from a launch template with IMDSv2, hop limit 1 and an encrypted root volume, and no image of its own", () => {
    const template = inputsOf(launchTemplate());
    expect(template.metadataOptions).toEqual({
      httpEndpoint: "enabled",
      httpTokens: "required",
      httpPutResponseHopLimit: 1,
    });
    expect(template.blockDeviceMappings).toEqual([
      {
        deviceName: "/dev/xvda",
        ebs: { volumeSize: 40, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
      },
    ]);
    // No image and no user data: EKS bootstraps the nodes from the node group's pinned release.
    expect(template.imageId).toBeUndefined();
    expect(template.userData).toBeUndefined();
  });

  it("offers the SFU boot script (UDP buffers of at least 16 MiB) as MIME multipart user data for Karpenter's SFU nodes", () => {
    const userData = sfuNodeUserData();
    const boundary = /^MIME-Version: 1\.0\nContent-Type: multipart\/mixed; boundary="([^"]+)"\n/.exec(userData)?.[1];
    expect(boundary).toBeDefined();
    const parts = userData.split(`--${boundary}`).slice(1, -1);
    expect(parts).toHaveLength(1);
    expect(userData.trimEnd().endsWith(`--${boundary}--`)).toBe(true);
    const [, headers, body] = /^\n(Content-Type: [^\n]+)\n\n([\s\S]*)\n$/.exec(parts[0]) ?? [];
    expect(headers).toBe('Content-Type: text/x-shellscript; charset="us-ascii"');
    expect(body).toBe(sfuBootScript());
    expect(body.startsWith("#!/bin/bash\n")).toBe(true);
    const sysctls = sysctlsIn(body);
    for (const key of ["net.core.rmem_max", "net.core.wmem_max"])
      expect(sysctls[key]).toBeGreaterThanOrEqual(16 * 1024 * 1024);
    expect(sysctls["net.core.rmem_default"]).toBeLessThanOrEqual(sysctls["net.core.rmem_max"]);
  });

  it("gives the node group a role with the worker, registry and SSM policies, attached before nodes boot", () => {
    const role = findResource(plan, "aws:iam/role:Role", "test-nodes");
    expect(JSON.parse(inputsOf(role).assumeRolePolicy).Statement).toEqual([
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ]);
    const attachments = resourcesOfType(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment").filter((a) =>
      a.dependencies.includes(role.urn),
    );
    expect(attachments.map((a) => inputsOf(a).policyArn).sort()).toEqual([
      "arn:aws:iam::aws:policy/AmazonEC2ContainerRegistryPullOnly",
      "arn:aws:iam::aws:policy/AmazonEKSWorkerNodePolicy",
      "arn:aws:iam::aws:policy/AmazonSSMManagedInstanceCore",
    ]);
    const group = nodeGroup(plan, "system");
    expect(inputsOf(group).nodeRole).toBe(role.urn);
    expect(group.options.dependsOn).toEqual(expect.arrayContaining(attachments.map((a) => a.urn)));
  });

  it("gives the VPC CNI its permissions through Pod Identity on aws-node, before any node boots, not through the node role", () => {
    const association = findResource(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "test-vpc-cni");
    expect(inputsOf(association)).toMatchObject({
      clusterName: "livekit-test",
      namespace: "kube-system",
      serviceAccount: "aws-node",
    });
    const cni = findResource(plan, "aws:iam/rolePolicyAttachment:RolePolicyAttachment", "test-vpc-cni-cni");
    expect(inputsOf(cni).policyArn).toBe("arn:aws:iam::aws:policy/AmazonEKS_CNI_Policy");
    expect(nodeGroup(plan, "system").options.dependsOn).toEqual(expect.arrayContaining([association.urn, cni.urn]));
  });

  it("opens exactly the WebRTC and TURN ports to the internet, on a security group of the SFU nodes only", () => {
    const eks = mockResource(
      { type: EKS_CLUSTER, name: "test", inputs: inputsOf(eksCluster()) },
      { awsRegion: "ap-south-1" },
    );
    const clusterGroup = (eks.state as { eksCluster: { vpcConfig: { clusterSecurityGroupId: string } } }).eksCluster
      .vpcConfig.clusterSecurityGroupId;
    const sfuGroup = findResource(plan, "aws:ec2/securityGroup:SecurityGroup", "test-sfu");
    expect(inputsOf(sfuGroup)).toMatchObject({ vpcId: args.vpcId });
    expect(inputsOf(sfuGroup).ingress ?? []).toEqual([]);
    const rules = resourcesOfType(plan, INGRESS_RULE);
    for (const rule of rules) {
      expect(inputsOf(rule).securityGroupId).not.toBe(clusterGroup); // every node and the control plane carry it
      expect(rule.dependencies).toContain(sfuGroup.urn);
    }
    expect(
      rules
        .map((r) => inputsOf(r))
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
      { type: EKS_CLUSTER, name: "test", inputs: inputsOf(eksCluster()) },
      { awsRegion: "ap-south-1" },
    );
    expect(inputsOf(providers[0])).toMatchObject({
      kubeconfig: (eks.state as { kubeconfigJson: string }).kubeconfigJson,
      enableServerSideApply: "true",
    });
    expect(providers[0].dependencies).toContain(eksCluster().urn);
  });
});

/** The Kubernetes minor of the cluster and its system nodes, and the build of each add-on, in a region plan. */
function addonVersionsOf(plan: PlanResult) {
  const cluster = inputsOf(findResource(plan, EKS_CLUSTER, `${plan.stack}`));
  const addon = (name: string) => inputsOf(findResource(plan, "aws:eks/addon:Addon", `${plan.stack}-${name}`));
  return {
    cluster: cluster.version,
    systemNodes: inputsOf(findResource(plan, NODE_GROUP, `${plan.stack}-system`)).version,
    vpcCni: cluster.vpcCniOptions.addonVersion,
    kubeProxy: cluster.kubeProxyAddonOptions.version,
    coredns: addon("coredns").addonVersion,
    podIdentityAgent: addon("pod-identity-agent").addonVersion,
  };
}

describe("a region stack's exposure and Kubernetes provider", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await shippedStackPlan("mumbai");
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

  it("runs system nodes in the network's private subnets, and leaves all SFU capacity to Karpenter's sfu pool", () => {
    expect(inputsOf(findResource(plan, NODE_GROUP, "mumbai-system")).subnetIds).toEqual(plan.outputs.privateSubnetIds);
    expect(resourcesOfType(plan, NODE_GROUP).map((g) => g.name)).toEqual(["mumbai-system"]);
    const pool = inputsOf(findResource(plan, "kubernetes:karpenter.sh/v1:NodePool", "mumbai-karpenter-sfu"));
    expect(pool.spec.template.spec.requirements).toContainEqual({
      key: "node.kubernetes.io/instance-type",
      operator: "In",
      values: ["c6i.2xlarge"],
    });
    // The floor of SFU nodes is LiveKit's HPA minimum (one pod per node); the pool's limit covers the maximum.
    const sizing = plan.outputs.sizing as { sfuNodes: { min: number; max: number } };
    const hpa = inputsOf(
      resourcesOfType(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").find(
        (h) => inputsOf(h).spec.scaleTargetRef.name === "livekit-server",
      )!,
    );
    expect(hpa.spec.minReplicas).toBe(sizing.sfuNodes.min);
    expect(Number(pool.spec.limits.cpu)).toBeGreaterThanOrEqual(sizing.sfuNodes.max * 8);
  });

  it("gives the SFU security group to Karpenter's public (SFU) nodes only", () => {
    const sfuGroup = findResource(plan, "aws:ec2/securityGroup:SecurityGroup", "mumbai-sfu");
    const nodeClass = (tier: string) =>
      findResource(plan, "kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", `mumbai-karpenter-${tier}`);
    expect(nodeClass("public").dependencies).toContain(sfuGroup.urn);
    expect(nodeClass("private").dependencies).not.toContain(sfuGroup.urn);
  });

  it("installs the cluster controllers' charts only once the system node group exists", () => {
    const system = findResource(plan, NODE_GROUP, "mumbai-system");
    for (const name of ["mumbai-karpenter", "mumbai-lbc"]) {
      expect(findResource(plan, "kubernetes:helm.sh/v3:Release", name).dependencies).toContain(system.urn);
    }
  });

  it("pins the cluster, its system nodes and every add-on to the Kubernetes minor's entry in lib/versions.ts", () => {
    expect(addonVersionsOf(plan)).toEqual({
      cluster: versions.kubernetes,
      systemNodes: versions.kubernetes,
      ...versions.eksAddons[versions.kubernetes],
    });
  });

  it("takes every add-on from the entry of the minor a stack file sets", async () => {
    const next = await runStack("mumbai", {
      "livekit-platform:cluster": { ...stackYaml("mumbai")["livekit-platform:cluster"], kubernetesVersion: "1.36" },
    });
    expect(addonVersionsOf(next)).toEqual({ cluster: "1.36", systemNodes: "1.36", ...versions.eksAddons["1.36"] });
    expect(inputsOf(findResource(next, NODE_GROUP, "mumbai-system")).releaseVersion).toMatch(/^1\.36\./);
  });

  it("hands EKS the network's private subnets for the control plane, none of the public ones", () => {
    const cluster = inputsOf(findResource(plan, EKS_CLUSTER, "mumbai"));
    expect(cluster.subnetIds).toEqual(plan.outputs.privateSubnetIds);
    const publicSubnets = plan.outputs.publicSubnetIds as string[];
    expect(publicSubnets.length).toBeGreaterThan(0);
    expect(cluster.subnetIds.filter((id: string) => publicSubnets.includes(id))).toEqual([]);
  });

  it("has one Kubernetes provider, the cluster's (test/stacks/kubernetes-provider.plan.test.ts: every Kubernetes resource uses it)", () => {
    const providers = resourcesOfType(plan, "pulumi:providers:kubernetes");
    expect(providers.map((p) => p.parent)).toEqual([
      findResource(plan, "livekit-platform:cluster:Cluster", "mumbai").urn,
    ]);
  });
});
