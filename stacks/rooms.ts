/**
 * Global rooms mode in a region stack (docs/rooms-across-regions.md): the hub shares its Redis,
 * a member reaches it over VPC peering and creates none of its own.
 *
 * stacks/region.ts calls `globalRooms` first and, in global mode, asks the Network for standalone routes,
 * exports `hubOutputs` from the hub, and takes a member's Redis from `memberRedis` instead of creating one.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { layoutSubnets } from "../components/network/subnets";
import type { LiveKitRegion } from "../components/livekit/server-config";
import { RedisHubNetwork, RedisHubPeering } from "../components/redis-hub-peering";
import { REDIS_PASSWORD_KEY } from "../components/redis";
import { InputError } from "../lib/errors";
import type { RegionSettings } from "./config";
import { regionSizing, RegionSizing } from "./sizing";
import type { RedisDemand } from "../lib/capacity/redis";
import { regionRttFloorMs } from "../lib/aws-regions";
import { PROJECT } from "./config-key";
import { discoverRegionStacks } from "./regions";
import { checkRooms, liveKitRegions } from "./rooms-checks";
import { API_KEY_FINGERPRINTS_OUTPUT, checkApiKeysAgree } from "./region-outputs";
import { apiKeyFingerprints } from "../components/credentials/api-keys";

/** The hub's outputs a member reads (besides the AUTH token, a secret output of its own). */
export const REDIS_HUB_OUTPUT = "redisHub";
export const REDIS_HUB_AUTH_TOKEN_OUTPUT = "redisHubAuthToken";

export interface RedisHubOutputs extends RedisHubNetwork {
  address: string;
  port: number;
}

/** A region of global rooms mode, as the plan shows it. */
export interface RoomsRegion {
  stack: string;
  awsRegion: string;
  /** What it puts on the hub's Redis (stacks/sizing.ts). */
  demand: RedisDemand;
  /** Its egress autoscaler and Karpenter limit: the hub's recorders take its recordings. */
  egress: { autoscaling: RegionSizing["egressAutoscaling"]; cpuLimit: number };
}

/** What a region stack in global mode is. */
export interface GlobalRooms {
  hub: string;
  /** The hub's stack file, as errors name it. */
  hubFile: string;
  /** The hub's AWS region. */
  hubAwsRegion: string;
  /** This stack is the hub. */
  isHub: boolean;
  /** LiveKit's region list, the same in every region. */
  regions: LiveKitRegion[];
  /** Every region but the hub, by stack name. */
  members: RoomsRegion[];
}

/** Undefined in regional mode; in global mode, checks every region file against the others (one line, exit 2). */
export function globalRooms(cfg: RegionSettings, projectRoot: string): GlobalRooms | undefined {
  if (cfg.rooms.mode !== "global") return undefined;
  const files = discoverRegionStacks(projectRoot);
  if (!files.some((f) => f.settings.stackName === cfg.stackName)) {
    throw new InputError(
      `${PROJECT}:rooms.mode`,
      `global needs this stack's own file Pulumi.${cfg.stackName}.yaml among the project's region files`,
      cfg.rooms.mode,
    );
  }
  checkRooms(files);
  const hub = cfg.rooms.hub!; // required with mode global (config schema)
  const hubStackFile = files.find((f) => f.settings.stackName === hub)!; // a region stack (checkRooms)
  const members = files
    .filter((f) => f.settings.stackName !== hub)
    .map(({ settings, sizing }) => ({
      stack: settings.stackName,
      awsRegion: settings.awsRegion,
      demand: sizing.redis.demand,
      egress: { autoscaling: sizing.egressAutoscaling, cpuLimit: sizing.karpenterCpuLimits.egress },
    }));
  return {
    hub,
    hubFile: hubStackFile.file,
    hubAwsRegion: hubStackFile.settings.awsRegion,
    isHub: hub === cfg.stackName,
    regions: liveKitRegions(files),
    members,
  };
}

/**
 * The hub's sizes: its Redis carries every member's signalling, node stats and joins, and its recorders every
 * member's recordings (members run no Egress: a room's recording is made in the hub's region and stored in
 * its bucket), so its egress autoscaler and Karpenter limit add the members' (each sized by its own file).
 */
export function hubSizing(cfg: RegionSettings, rooms: GlobalRooms): RegionSizing {
  const own = regionSizing(cfg, { role: "hub", members: rooms.members.map((m) => m.demand) });
  const all = [
    { autoscaling: own.egressAutoscaling, cpuLimit: own.karpenterCpuLimits.egress },
    ...rooms.members.map((m) => m.egress),
  ];
  const total = (f: (e: RoomsRegion["egress"]) => number) => all.reduce((s, e) => s + f(e), 0);
  return {
    ...own,
    egressAutoscaling: {
      minReplicas: total((e) => e.autoscaling.minReplicas),
      maxReplicas: total((e) => e.autoscaling.maxReplicas),
      idlePods: total((e) => e.autoscaling.idlePods),
    },
    karpenterCpuLimits: { ...own.karpenterCpuLimits, egress: total((e) => e.cpuLimit) },
  };
}

/**
 * What the plan says about global rooms mode in a region stack's `rooms` output: the hub, the members and the
 * least round trip each member's joins and signalling add (lib/aws-regions.ts regionRttFloorMs), and where
 * recordings are made and stored.
 */
export function roomsOutput(cfg: RegionSettings, rooms: GlobalRooms) {
  return {
    mode: "global",
    hub: rooms.hub,
    hubAwsRegion: rooms.hubAwsRegion,
    members: rooms.members.map((m) => ({
      stack: m.stack,
      awsRegion: m.awsRegion,
      // Every join waits for about 8 sequential Redis round trips and every relayed message for one, to the hub.
      addedRoundTripFloorMs: Math.round(regionRttFloorMs(m.awsRegion, rooms.hubAwsRegion) * 10) / 10,
    })),
    recordings: {
      region: rooms.hub,
      awsRegion: rooms.hubAwsRegion,
      why: "members run no Egress: every room's recording is made by the hub's recorders and stored in the hub's bucket",
    },
    thisStack: cfg.stackName === rooms.hub ? "hub" : "member",
  };
}

/** What the hub exports for its members. */
export function hubOutputs(
  cfg: RegionSettings,
  network: { vpcId: pulumi.Output<string>; privateRouteTableIds: pulumi.Output<string>[] },
  redis: {
    address: pulumi.Output<string>;
    port: pulumi.Output<number>;
    securityGroupId: pulumi.Output<string>;
    authToken: pulumi.Output<string>;
  },
) {
  const hub: pulumi.Inputs = {
    awsRegion: cfg.awsRegion,
    vpcId: network.vpcId,
    cidr: cfg.network.cidr,
    privateRouteTableIds: pulumi.all(network.privateRouteTableIds),
    securityGroupId: redis.securityGroupId,
    address: redis.address,
    port: redis.port,
  } satisfies Record<keyof RedisHubOutputs, unknown>;
  return { [REDIS_HUB_OUTPUT]: hub, [REDIS_HUB_AUTH_TOKEN_OUTPUT]: pulumi.secret(redis.authToken) };
}

/** A member's Redis: the hub's, read through a StackReference, reached over the peering made here. */
export interface MemberRedis {
  address: pulumi.Output<string>;
  port: pulumi.Output<number>;
  /** Holds the hub's AUTH token under REDIS_PASSWORD_KEY, like the Redis component's Secret. */
  passwordSecret: k8s.core.v1.Secret;
  authToken: pulumi.Output<string>;
  peering: RedisHubPeering;
}

/** What a member reads from the hub stack. */
export interface HubStack {
  redis: RedisHubOutputs;
  authToken: string;
}

/**
 * Reads the hub's outputs, before the member registers anything else: a hub not deployed yet, or one whose
 * livekit-server accepts other API keys than this region's file gives (a participant reconnecting from one
 * to the other would get 401), stops the member with one line.
 */
export async function readHub(cfg: RegionSettings, rooms: GlobalRooms): Promise<HubStack> {
  const ref = new pulumi.StackReference(`${pulumi.getOrganization()}/${pulumi.getProject()}/${rooms.hub}`);
  const hub = (await ref.getOutputDetails(REDIS_HUB_OUTPUT)).value as RedisHubOutputs | undefined;
  const token = await ref.getOutputDetails(REDIS_HUB_AUTH_TOKEN_OUTPUT);
  const authTokenValue = token.secretValue ?? token.value;
  const keys = await ref.getOutputDetails(API_KEY_FINGERPRINTS_OUTPUT);
  const hubFingerprints = (keys.secretValue ?? keys.value) as Record<string, string> | undefined;
  const missing = [
    hub === undefined && REDIS_HUB_OUTPUT,
    typeof authTokenValue !== "string" && REDIS_HUB_AUTH_TOKEN_OUTPUT,
    hubFingerprints === undefined && API_KEY_FINGERPRINTS_OUTPUT,
  ].filter((m): m is string => typeof m === "string");
  if (missing.length > 0) {
    // Ordering, not a typo: one line all the same.
    throw new InputError(
      `${PROJECT}:rooms.hub`,
      `the hub stack ${rooms.hub} exports no ${missing.join(", ")} yet: deploy the hub first (\`pulumi up --stack ${rooms.hub}\`), then this region`,
      rooms.hub,
    );
  }
  const applicationKeyIds = Object.keys(cfg.applicationKeys.keys);
  const serviceKeys = cfg.serviceKeys!; // required with mode global (config schema)
  const ownKeys = {
    ...cfg.applicationKeys.keys,
    [serviceKeys.egress.id]: serviceKeys.egress.secret,
    [serviceKeys.loadTest.id]: serviceKeys.loadTest.secret,
  };
  checkApiKeysAgree(
    [
      { stack: rooms.hub, file: rooms.hubFile, fingerprints: hubFingerprints!, applicationKeyIds },
      {
        stack: cfg.stackName,
        file: `Pulumi.${cfg.stackName}.yaml`,
        fingerprints: apiKeyFingerprints(ownKeys),
        applicationKeyIds,
      },
    ],
    true,
  );
  return { redis: hub!, authToken: authTokenValue as string };
}

export async function memberRedis(
  cfg: RegionSettings,
  rooms: GlobalRooms,
  hubStack: HubStack,
  args: {
    vpcId: pulumi.Output<string>;
    routeTableIds: pulumi.Output<string>[];
    provider: k8s.Provider;
    namespace: pulumi.Input<string>;
    /** The member nodes' security group (the cluster's): it admits ICMP for path MTU discovery. */
    nodeSecurityGroupId: pulumi.Input<string>;
  },
): Promise<MemberRedis> {
  const hub = hubStack.redis;
  const authTokenValue = hubStack.authToken;
  const layout = layoutSubnets(cfg.network.cidr, cfg.network.availabilityZones);
  const peering = new RedisHubPeering(`${cfg.regionLabel}-redis-hub`, {
    member: cfg.regionLabel,
    memberVpcId: args.vpcId,
    memberCidr: cfg.network.cidr,
    memberRouteTableIds: args.routeTableIds,
    memberNodeCidrs: [...layout.public, ...layout.private],
    memberNodeSecurityGroupId: args.nodeSecurityGroupId,
    access: cfg.awsAccess,
    hub,
  });
  // LiveKit's config takes the hub's address only once the link is up (accepted, routed, admitted): without it
  // the member's SFU pods would start, fail to reach Redis and crash-loop until the peering is active.
  const afterLink = <T>(value: T) => pulumi.all(peering.linkResources.map((r) => r.urn)).apply(() => value);
  const authToken = pulumi.secret(authTokenValue);
  const passwordSecret = new k8s.core.v1.Secret(
    `${cfg.regionLabel}-redis-hub-auth`,
    {
      metadata: { name: "redis-auth", namespace: args.namespace },
      type: "Opaque",
      stringData: { [REDIS_PASSWORD_KEY]: authToken },
    },
    { provider: args.provider },
  );
  return {
    address: afterLink(hub.address),
    port: afterLink(hub.port),
    passwordSecret,
    authToken,
    peering,
  };
}
