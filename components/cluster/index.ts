import * as aws from "@pulumi/aws";
import * as eks from "@pulumi/eks";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { eksTaintEffect, nodeRoles } from "../shared/node-roles";
import { createNodeRole } from "../shared/node-role";
import { sfuBootScript, SHELL_SCRIPT_PART } from "./node-user-data";

/** Control-plane logs sent to CloudWatch: every type EKS offers, for audits and debugging. */
export const CONTROL_PLANE_LOG_TYPES = ["api", "audit", "authenticator", "controllerManager", "scheduler"];

export interface NodeGroupSize {
  instanceType: string;
  /** Nodes kept running; nothing scales the group itself (Karpenter adds nodes beside it). */
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
  /** Internet-facing load balancers and the SFU nodes (subnets must map public IPs on launch). */
  publicSubnetIds: pulumi.Input<string[]>;
  /** System nodes and the control plane's network interfaces. */
  privateSubnetIds: pulumi.Input<string[]>;
  /** CIDRs allowed to reach the public Kubernetes API endpoint; nodes use the private endpoint. */
  publicAccessCidrs: string[];
  /** Cluster add-ons, Karpenter, controllers, monitoring. Private subnets. */
  systemNodes: NodeGroupSize;
  /** LiveKit SFU and Coturn, one SFU pod per node, on the host network. Public subnets, on-demand. */
  sfuNodes: NodeGroupSize;
  /** Ports opened to the internet on the nodes' security group. */
  webRtcPorts: WebRtcPorts;
  /** eks-pod-identity-agent add-on version for `kubernetesVersion`. */
  podIdentityAgentVersion: string;
}

/**
 * The region's EKS cluster: API authentication, pinned version on standard support, control-plane logs,
 * OIDC and the Pod Identity agent; a `system` node group in private subnets and an `sfu` node group in
 * public subnets with raised UDP buffers; the WebRTC and TURN ports open to the internet; and the one
 * Kubernetes provider every Kubernetes resource of the region uses.
 */
export class Cluster extends pulumi.ComponentResource {
  readonly clusterName: pulumi.Output<string>;
  readonly endpoint: pulumi.Output<string>;
  /** Use it for every Kubernetes resource (Helm releases included), never the default provider. */
  readonly provider: k8s.Provider;
  /**
   * The EKS-created security group. EKS puts it on managed node group nodes (pulumi-eks's launch template
   * names no security groups), and Karpenter's node classes select it too: the nodes' only group.
   */
  readonly clusterSecurityGroupId: pulumi.Output<string>;
  readonly oidcProviderArn: pulumi.Output<string>;
  /** Issuer host and path, without `https://`. */
  readonly oidcIssuer: pulumi.Output<string>;
  /** Role of the managed node groups' nodes. */
  readonly nodeRole: aws.iam.Role;
  /** Pods get IAM roles through it (Pod Identity); controllers that need AWS wait for it. */
  readonly podIdentityAgent: aws.eks.Addon;
  /** Where cluster controllers run; Helm releases wait for it, or their pods stay Pending past Helm's timeout. */
  readonly systemNodeGroup: eks.ManagedNodeGroup;
  /** Name of the SFU managed node group (as EKS named it). */
  readonly sfuNodeGroupName: pulumi.Output<string>;

  constructor(name: string, args: ClusterArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:cluster:Cluster", name, {}, opts);

    const cluster = new eks.Cluster(
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
        publicSubnetIds: args.publicSubnetIds,
        privateSubnetIds: args.privateSubnetIds,
        endpointPrivateAccess: true,
        endpointPublicAccess: true,
        publicAccessCidrs: args.publicAccessCidrs,
      },
      { parent: this },
    );

    this.clusterName = cluster.eksCluster.name;
    this.endpoint = cluster.eksCluster.endpoint;
    this.clusterSecurityGroupId = cluster.eksCluster.vpcConfig.clusterSecurityGroupId;
    this.oidcProviderArn = cluster.oidcProviderArn;
    this.oidcIssuer = cluster.oidcIssuer;

    this.podIdentityAgent = new aws.eks.Addon(
      `${name}-pod-identity-agent`,
      {
        clusterName: this.clusterName,
        addonName: "eks-pod-identity-agent",
        addonVersion: args.podIdentityAgentVersion,
        resolveConflictsOnCreate: "OVERWRITE",
        resolveConflictsOnUpdate: "OVERWRITE",
      },
      { parent: this },
    );

    const nodes = createNodeRole(`${name}-nodes`, this);
    this.nodeRole = nodes.role;
    const common = {
      cluster,
      nodeRole: nodes.role,
      capacityType: "ON_DEMAND",
      operatingSystem: eks.OperatingSystem.AL2023,
      // httpTokens required; pulumi-eks sets the hop limit to 2.
      enableIMDSv2: true,
    };

    const system = nodeRoles.system;
    this.systemNodeGroup = new eks.ManagedNodeGroup(
      `${name}-system`,
      {
        ...common,
        instanceTypes: [args.systemNodes.instanceType],
        scalingConfig: {
          minSize: args.systemNodes.min,
          desiredSize: args.systemNodes.min,
          maxSize: args.systemNodes.max,
        },
        subnetIds: args.privateSubnetIds,
        labels: system.labels,
      },
      { parent: this, dependsOn: nodes.attachments },
    );

    const sfu = nodeRoles.sfu;
    const sfuNodeGroup = new eks.ManagedNodeGroup(
      `${name}-sfu`,
      {
        ...common,
        instanceTypes: [args.sfuNodes.instanceType],
        scalingConfig: { minSize: args.sfuNodes.min, desiredSize: args.sfuNodes.min, maxSize: args.sfuNodes.max },
        // Public subnets map a public IP on launch: WebRTC clients reach the node directly.
        subnetIds: args.publicSubnetIds,
        labels: sfu.labels,
        taints: sfu.taints.map((t) => ({ key: t.key, value: t.value, effect: eksTaintEffect(t.effect) })),
        // pulumi-eks wraps this with its own NodeConfig in the MIME user data of the node group's launch template.
        nodeadmExtraOptions: [{ contentType: SHELL_SCRIPT_PART, content: sfuBootScript() }],
      },
      { parent: this, dependsOn: nodes.attachments },
    );

    // EKS tags the group's instances with it (eks:nodegroup-name): chaos drills select SFU nodes by it.
    this.sfuNodeGroupName = sfuNodeGroup.nodeGroup.nodeGroupName;
    this.openWebRtcPorts(name, args.webRtcPorts);

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

  /**
   * Opens to the internet exactly what WebRTC needs, on the group the nodes really carry. System and
   * private-subnet nodes carry it too, but have no public address, so only SFU/TURN nodes are reachable.
   */
  private openWebRtcPorts(name: string, ports: WebRtcPorts) {
    const open = (rule: string, ipProtocol: "udp" | "tcp", fromPort: number, toPort: number, description: string) =>
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-${rule}`,
        {
          securityGroupId: this.clusterSecurityGroupId,
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
  }
}
