/**
 * A region stack: everything one AWS region needs to host LiveKit rooms on its own.
 */
import * as k8s from "@pulumi/kubernetes";
import { Cluster, sfuNodeUserData } from "../components/cluster";
import { COTURN_TERMINATION_GRACE_SECONDS } from "../components/coturn";
import { EGRESS_TERMINATION_GRACE_SECONDS } from "../components/egress";
import { Karpenter } from "../components/karpenter";
import { LIVEKIT_TERMINATION_GRACE_SECONDS } from "../components/livekit";
import { LoadBalancerController } from "../components/load-balancer-controller";
import { Network } from "../components/network";
import { Redis } from "../components/redis";
import { versions } from "../lib/versions";
import { COTURN_LISTENING_PORT } from "../lib/turnserver-conf";
import type { RegionStackConfig } from "./config";

/**
 * The longest drain of a pod on SFU or egress nodes (a draining SFU keeps its rooms for up to 5 h after
 * SIGTERM): Karpenter's NodePools wait at least this long before forcing a node off.
 */
const NODE_DRAIN_SECONDS = Math.max(LIVEKIT_TERMINATION_GRACE_SECONDS, COTURN_TERMINATION_GRACE_SECONDS, EGRESS_TERMINATION_GRACE_SECONDS);

/** Redis holds LiveKit's routing state, no user data: a week of daily snapshots is for investigations. */
const REDIS_SNAPSHOT_RETENTION_DAYS = 7;

/** Namespace of the region's LiveKit workloads (SFU, Coturn, Egress) and their secrets. */
export const WORKLOAD_NAMESPACE = "livekit";

/** Hostnames a region answers on; the global stack routes `<domain>` to them. */
export function regionHostnames(cfg: Pick<RegionStackConfig, "regionLabel" | "domain">) {
  return {
    /** LiveKit signalling: wss://<regionLabel>.<domain> */
    signalling: `${cfg.regionLabel}.${cfg.domain}`,
    /** Coturn: DNS-only, never proxied. */
    turn: `turn-${cfg.regionLabel}.${cfg.domain}`,
  };
}

export function regionStack(cfg: RegionStackConfig) {
  const clusterName = `livekit-${cfg.regionLabel}`;
  const hostnames = regionHostnames(cfg);

  const network = new Network(cfg.regionLabel, {
    clusterName,
    cidrBlock: cfg.network.cidr,
    availabilityZoneCount: cfg.network.availabilityZones,
    natGateways: cfg.network.natGateways,
    existingVpc: cfg.network.existingVpc,
  });

  const cluster = new Cluster(cfg.regionLabel, {
    clusterName,
    kubernetesVersion: cfg.cluster.kubernetesVersion,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
    publicAccessCidrs: cfg.cluster.publicAccessCidrs,
    systemNodes: cfg.cluster.systemNodes,
    sfuNodes: cfg.cluster.sfuNodes,
    webRtcPorts: {
      rtcUdp: cfg.rtc.udpPortRange,
      rtcTcp: cfg.rtc.tcpPort,
      turnListening: COTURN_LISTENING_PORT,
      turnRelayUdp: cfg.turn.relayPortRange,
    },
    podIdentityAgentVersion: versions.eksAddons.podIdentityAgent,
  });
  // Every Kubernetes resource below names this provider explicitly.
  const provider = cluster.provider;

  new LoadBalancerController(`${cfg.regionLabel}-lbc`, {
    clusterName: cluster.clusterName,
    vpcId: network.vpcId,
    provider,
    podIdentityAgent: cluster.podIdentityAgent,
    systemNodes: cluster.systemNodeGroup,
  });

  new Karpenter(`${cfg.regionLabel}-karpenter`, {
    clusterName: cluster.clusterName,
    clusterEndpoint: cluster.endpoint,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    provider,
    podIdentityAgent: cluster.podIdentityAgent,
    systemNodes: cluster.systemNodeGroup,
    sfuNodeUserData: sfuNodeUserData(),
    drainSeconds: NODE_DRAIN_SECONDS,
    cpuLimits: { sfu: cfg.karpenter.sfuCpuLimit, egress: cfg.karpenter.egressCpuLimit, general: cfg.karpenter.generalCpuLimit },
  });

  const workloads = new k8s.core.v1.Namespace(`${cfg.regionLabel}-${WORKLOAD_NAMESPACE}`, {
    metadata: { name: WORKLOAD_NAMESPACE },
  }, { provider });

  const redis = new Redis(`${cfg.regionLabel}-redis`, {
    replicationGroupId: clusterName,
    vpcId: network.vpcId,
    subnetIds: network.privateSubnetIds,
    clientSecurityGroupId: cluster.clusterSecurityGroupId,
    nodeType: cfg.redis.nodeType,
    nodeCount: cfg.redis.nodeCount,
    snapshotRetentionDays: REDIS_SNAPSHOT_RETENTION_DAYS,
    provider,
    namespace: workloads.metadata.name,
  });

  return {
    role: cfg.role,
    awsRegion: cfg.awsRegion,
    regionLabel: cfg.regionLabel,
    signallingHostname: hostnames.signalling,
    turnHostname: hostnames.turn,
    clusterName: cluster.clusterName,
    clusterEndpoint: cluster.endpoint,
    clusterSecurityGroupId: cluster.clusterSecurityGroupId,
    oidcProviderArn: cluster.oidcProviderArn,
    redisAddress: redis.address,
    redisPort: redis.port,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
  };
}
