/**
 * A region stack: everything one AWS region needs to host LiveKit rooms on its own.
 */
import { Network } from "../components/network";
import type { RegionStackConfig } from "./config";

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

  return {
    role: cfg.role,
    awsRegion: cfg.awsRegion,
    regionLabel: cfg.regionLabel,
    signallingHostname: hostnames.signalling,
    turnHostname: hostnames.turn,
    clusterName,
    vpcId: network.vpcId,
    publicSubnetIds: network.publicSubnetIds,
    privateSubnetIds: network.privateSubnetIds,
  };
}
