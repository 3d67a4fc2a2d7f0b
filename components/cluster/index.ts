import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { EksAddonVersions } from "../../lib/versions";
import { nodeRoles } from "../shared/node-roles";
import { createNodeRole } from "../shared/node-role";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { amiReleaseVersionParameter, SYSTEM_NODE_AMI_TYPE } from "./node-ami";

/** Control-plane logs sent to CloudWatch: every type EKS offers, for audits and debugging. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

/** The VPC CNI enforces NetworkPolicies (its network policy agent). */
export const ENABLE_NETWORK_POLICY = true;

/** EKS access policy of the team's admin and CI roles. */
export const CLUSTER_ADMIN_POLICY = "AmazonEKSClusterAdminPolicy";

export interface NodeGroupSize {
  instanceType: string;
  /** Nodes kept running, at least one per availability zone; nothing scales the group itself. */
  min: number;
  max: number;
}

/** Ports a region's SFU and TURN nodes take from anywhere on the internet. */
export interface WebRtcPorts {
  /** LiveKit ICE/UDP range (rtc.port_range_start/end). */
  rtcUdp: { start: number; end: number };
  /** LiveKit ICE/TCP fallback (rtc.tcp_port). */
  rtcTcp: number;
  /** Coturn's TURN/STUN listener, UDP and TCP (the NLB forwards TURN/TLS on 443 to its TCP side). */
  turnListening: number;
  /** Coturn's UDP relay range. */
  turnRelayUdp: { start: number; end: number };
}

export interface ClusterArgs {
  /** EKS cluster name; subnets are tagged for it (see Network). */
  clusterName: string;
  /** Kubernetes minor version, pinned (an EKS version in standard support). */
  kubernetesVersion: string;
  vpcId: pulumi.Input<string>;
  /** System nodes and the control plane's network interfaces (never the public subnets). */
  privateSubnetIds: pulumi.Input<string[]>;
  /** CIDRs allowed to reach the public Kubernetes API endpoint; empty: no public endpoint at all. */
  publicAccessCidrs: string[];
  /** Cluster add-ons, Karpenter, controllers, monitoring. Private subnets, one node per zone at least. */
  systemNodes: NodeGroupSize;
  /** awslabs/amazon-eks-ami release of the system nodes (e.g. `v20260714`); nodes change only when it does. */
  nodeAmiRelease: string;
  /** Ports opened to the internet on the SFU nodes' own security group. */
  webRtcPorts: WebRtcPorts;
  /** The EKS add-on builds pinned for `kubernetesVersion` (lib/versions.ts eksAddons). */
  addons: EksAddonVersions;
  /** Days CloudWatch keeps the control-plane logs. */
  logRetentionDays: number;
  /** Protect the cluster from `pulumi destroy` and from replacement, and turn on EKS deletion protection. */
  protect: boolean;
  /** IAM roles (the team's admins, CI) given cluster-admin access entries, besides the identity that created it. */
  adminRoleArns: string[];
}

/**
 * The region's EKS cluster: API authentication, pinned version on standard support, control-plane logs
 * with a retention, every add-on pinned (vpc-cni, kube-proxy, Pod Identity agent, CoreDNS), the control
 * plane's interfaces in the private subnets, access entries for the team; a `system`
 * node group in private subnets on a pinned AMI; the SFU nodes' own security group with the WebRTC and TURN
 * ports open to the internet (Karpenter launches every SFU node); and the one Kubernetes provider every
 * Kubernetes resource of the region uses.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  /** Use it for every Kubernetes resource (Helm releases included), never the default provider. */
  readonly provider: k8s.Provider;
  /**
   * The EKS-created security group. EKS puts it on managed node group nodes (their launch template names no
   * security groups), and Karpenter's node classes select it too: every node carries it.
   */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  /** Carried by SFU nodes only (Karpenter's public node class): the WebRTC and TURN ports, open to the internet. */
  readonly sfuSecurityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** Issuer host and path, without `https://`. */
  readonly oidcIssuer: pulumi.Output<string>;
  /** Role of the managed node groups' nodes. */
  readonly nodeRole: aws.iam.Role;
  /** The VPC CNI's Pod Identity association and policy: nodes (Karpenter's too) must not boot before them. */
  readonly nodeNetworkingReady: pulumi.Resource[];
  /** Pods get IAM roles through it (Pod Identity); controllers that need AWS wait for it. */
  readonly podIdentityAgent: aws.eks.Addon;
  /** Where cluster controllers run; Helm releases wait for it, or their pods stay Pending past Helm's timeout. */
  readonly systemNodeGroup: eks.ManagedNodeGroup;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:cluster:Cluster", name, {}, opts);

    const cluster = this.eksCluster(name, args);
    this.clusterName = cluster.eksCluster.name;
    this.endpoint = cluster.eksCluster.endpoint;
    this.clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcIssuer = cluster.oidcIssuer;

    this.podIdentityAgent = this.addon(
      name,
      "pod-identity-agent",
      "eks-pod-identity-agent",
      args.addons.podIdentityAgent,
    );
    this.grantAdmins(name, args.adminRoleArns);

    const nodes = createNodeRole(`${name}-nodes`, this);
    this.nodeRole = nodes.role;
    this.nodeNetworkingReady = this.vpcCniPermissions(name);
    this.systemNodeGroup = this.systemNodes(name, args, cluster, nodes);

    // Managed CoreDNS (with no default node group pulumi-eks leaves EKS's unmanaged bootstrap copy), on system nodes.
    this.addon(
      name,
      "coredns",
      "coredns",
      args.addons.coredns,
      {
        configurationValues: JSON.stringify({
          replicaCount: 2,
          nodeSelector: nodeRoles.system.labels,
          podDisruptionBudget: { enabled: true, maxUnavailable: 1 },
        }),
      },
      [this.systemNodeGroup],
    );

    this.sfuSecurityGroupId = this.sfuSecurityGroup(name, args);

    this.provider = new k8s.Provider(
      `${name}-k8s`,
      {
        kubeconfig: cluster.kubeconfigJson,
        enableServerSideApply: true,
      },
      { parent: this },
    );

    this.registerOutputs({
      clusterName: this.clusterName,
      endpoint: this.endpoint,
      clusterSecurityGroupId: this.clusterSecurityGroupId,
      oidcProviderArn: this.oidcProviderArn,
      nodeRoleArn: this.nodeRole.arn,
    });
  }

  /** The EKS cluster (pulumi-eks), after its control-plane log group. */
  private eksCluster(name: string, args: ClusterArgs): eks.Cluster {
    // EKS writes to this group; created first with a retention, or EKS creates it keeping logs forever.
    const logGroup = new aws.cloudwatch.LogGroup(
      `${name}-control-plane`,
      { name: `/aws/eks/${args.clusterName}/cluster`, retentionInDays: args.logRetentionDays },
      { parent: this },
    );

    // The VPC CNI add-on pulumi-eks creates (v4.3.0 addons/cni-addon.ts, VpcCniAddon): every setting of
    // aws-node goes here. Without `addonVersion` it takes the newest build on every run.
    const vpcCniOptions: eks.types.input.VpcCniOptionsArgs = {
      addonVersion: args.addons.vpcCni,
      // NetworkPolicy enforcement (components/network-policy). pulumi-eks writes it into the add-on's
      // configurationValues as `enableNetworkPolicy: "true"` (mergeConfigurationValues); the add-on's chart
      // (aws/amazon-vpc-cni-k8s v1.21.1 charts/aws-vpc-cni) turns it into the node agent's
      // `--enable-network-policy` and the `enable-network-policy-controller` key of the amazon-vpc-cni
      // ConfigMap, which starts EKS's policy controller.
      enableNetworkPolicy: ENABLE_NETWORK_POLICY,
    };

    return new eks.Cluster(
      name,
      {
        name: args.clusterName,
        version: args.kubernetesVersion,
        // Access entries, not the aws-auth ConfigMap.
        authenticationMode: eks.AuthenticationMode.Api,
        // EXTENDED is the default and bills extra once the version leaves standard support.
        upgradePolicy: { supportType: "STANDARD" },
        enabledClusterLogTypes: CONTROL_PLANE_LOG_TYPES,
        createOidcProvider: true,
        // Only managed node groups and Karpenter: no self-managed default group, nor its security groups.
        skipDefaultNodeGroup: true,
        skipDefaultSecurityGroups: true,
        vpcId: args.vpcId,
        // The control plane's network interfaces: private subnets only. Given public and private subnet ids
        // instead, pulumi-eks v4.3.0 hands EKS both lists (cluster/cluster.ts 503-511).
        subnetIds: args.privateSubnetIds,
        vpcCniOptions,
        kubeProxyAddonOptions: { version: args.addons.kubeProxy },
        endpointPrivateAccess: true,
        // No CIDR given: private endpoint only (run Pulumi from inside the VPC or through a VPN).
        endpointPublicAccess: args.publicAccessCidrs.length > 0,
        ...(args.publicAccessCidrs.length > 0 ? { publicAccessCidrs: args.publicAccessCidrs } : {}),
        deletionProtection: args.protect,
      },
      { parent: this, dependsOn: [logGroup], protect: args.protect },
    );
  }

  /** An EKS add-on at its pinned build, taking over whatever the cluster had before it. */
  private addon(
    name: string,
    suffix: string,
    addonName: string,
    addonVersion: string,
    settings: Pick<aws.eks.AddonArgs, "configurationValues"> = {},
    dependsOn: pulumi.Resource[] = [],
  ): aws.eks.Addon {
    return new aws.eks.Addon(
      `${name}-${suffix}`,
      {
        clusterName: this.clusterName,
        addonName,
        addonVersion,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
        ...settings,
      },
      { parent: this, ...(dependsOn.length > 0 ? { dependsOn } : {}) },
    );
  }

  /**
   * The VPC CNI's permissions (create, attach, delete network interfaces, assign IPs) go to its own service
   * account, not the node roles; nodes join only once the association exists, so every aws-node pod has them.
   */
  private vpcCniPermissions(name: string): pulumi.Resource[] {
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const cni = new PodIdentityRole(
      `${name}-vpc-cni`,
      {
        clusterName: this.clusterName,
        namespace: "kube-system",
        serviceAccount: "aws-node",
        managedPolicyArns: { cni: pulumi.interpolate`arn:${partition}:iam::aws:policy/AmazonEKS_CNI_Policy` },
        description: "Amazon VPC CNI (aws-node) through EKS Pod Identity",
      },
      { parent: this, dependsOn: [this.podIdentityAgent] },
    );
    return [cni.association, ...cni.attachments];
  }

  /** The `system` managed node group: private subnets, the pinned AMI release, our own launch template. */
  private systemNodes(
    name: string,
    args: ClusterArgs,
    cluster: eks.Cluster,
    nodes: { role: aws.iam.Role; attachments: pulumi.Resource[] },
  ): eks.ManagedNodeGroup {
    // Our own launch template: pulumi-eks's (enableIMDSv2) sets hop limit 2 and no root volume
    // (v4.3.0 nodes/nodegroup.ts, createMNGCustomLaunchTemplate). No image and no user data, so EKS keeps
    // bootstrapping the nodes and the AMI is the node group's pinned releaseVersion.
    const launchTemplate = new aws.ec2.LaunchTemplate(
      `${name}-system`,
      {
        description: `System nodes of ${args.clusterName}: IMDSv2 with hop limit 1, encrypted gp3 root volume`,
        // IMDSv2 only; hop limit 1 keeps pods off the node's credentials (they use Pod Identity).
        metadataOptions: {
          httpEndpoint: "enabled",
          httpTokens: "required",
          httpPutResponseHopLimit: 1,
        },
        blockDeviceMappings: [
          {
            deviceName: "/dev/xvda",
            ebs: { volumeSize: 40, volumeType: "gp3", encrypted: "true", deleteOnTermination: "true" },
          },
        ],
      },
      { parent: this },
    );
    const releaseVersion = aws.ssm.getParameterOutput(
      { name: amiReleaseVersionParameter(args.kubernetesVersion, args.nodeAmiRelease) },
      { parent: this },
    ).value;
    return new eks.ManagedNodeGroup(
      `${name}-system`,
      {
        cluster,
        nodeRole: nodes.role,
        capacityType: "ON_DEMAND",
        amiType: SYSTEM_NODE_AMI_TYPE,
        // With a launch template of ours pulumi-eks leaves the group's Kubernetes version unset
        // (v4.3.0 nodes/nodegroup.ts 1886-1891): without it a minor upgrade asks for the new minor's AMI
        // release on a group still at the old minor.
        version: args.kubernetesVersion,
        releaseVersion,
        // A new AMI or minor replaces the system nodes one at a time (EKS's default update config; pulumi-eks
        // v4.3.0 does not expose updateConfig), and stops rather than evict a pod its PDB protects.
        forceUpdateVersion: false,
        launchTemplate: { id: launchTemplate.id, version: launchTemplate.latestVersion.apply(String) },
        instanceTypes: [args.systemNodes.instanceType],
        scalingConfig: {
          minSize: args.systemNodes.min,
          desiredSize: args.systemNodes.min,
          maxSize: args.systemNodes.max,
        },
        // One subnet per zone: the group balances its nodes across them, so every zonal volume has a node.
        subnetIds: args.privateSubnetIds,
        labels: nodeRoles.system.labels,
      },
      { parent: this, dependsOn: [...nodes.attachments, ...this.nodeNetworkingReady] },
    );
  }

  /** Cluster-admin access entries for the team's roles: no one depends on the identity that ran the first `up`. */
  private grantAdmins(name: string, roleArns: string[]) {
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    for (const principalArn of roleArns) {
      const key = `${name}-admin-${principalArn.split("/").pop()}`;
      const entry = new aws.eks.AccessEntry(
        key,
        { clusterName: this.clusterName, principalArn, type: "STANDARD" },
        { parent: this },
      );
      new aws.eks.AccessPolicyAssociation(
        key,
        {
          clusterName: this.clusterName,
          principalArn: entry.principalArn,
          policyArn: pulumi.interpolate`arn:${partition}:eks::aws:cluster-access-policy/${CLUSTER_ADMIN_POLICY}`,
          accessScope: { type: "cluster" },
        },
        { parent: this },
      );
    }
  }

  /**
   * The SFU nodes' own security group. It opens to the internet exactly what WebRTC needs, on a group only SFU
   * nodes carry (the cluster security group, on every node and the control plane's interfaces, keeps nothing
   * open to the internet).
   */
  private sfuSecurityGroup(name: string, args: ClusterArgs): pulumi.Output<string> {
    const group = new aws.ec2.SecurityGroup(
      `${name}-sfu`,
      {
        vpcId: args.vpcId,
        description: `SFU and TURN nodes of ${args.clusterName}: WebRTC and TURN from the internet`,
        tags: { Name: `${args.clusterName}-sfu` },
      },
      { parent: this },
    );
    const ports = args.webRtcPorts;
    const open = (rule: string, ipProtocol: "udp" | "tcp", fromPort: number, toPort: number, description: string) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule}`,
        {
          securityGroupId: group.id,
          ipProtocol,
          fromPort,
          toPort,
          cidrIpv4: "0.0.0.0/0", // the VPC is IPv4-only
          description,
        },
        { parent: this },
      );
    open("rtc-udp", "udp", ports.rtcUdp.start, ports.rtcUdp.end, "LiveKit ICE/UDP");
    open("rtc-tcp", "tcp", ports.rtcTcp, ports.rtcTcp, "LiveKit ICE/TCP");
    open("turn-udp", "udp", ports.turnListening, ports.turnListening, "Coturn TURN/STUN over UDP");
    open("turn-tcp", "tcp", ports.turnListening, ports.turnListening, "Coturn TURN over TCP");
    open("turn-relay-udp", "udp", ports.turnRelayUdp.start, ports.turnRelayUdp.end, "Coturn UDP relays");
    return group.id;
  }
}
