/**
 * A region stack's settings: every section of its stack file (one module each, beside this one), and the rules
 * between settings of different sections, checked once every section is valid on its own. The first problem
 * found is the one reported (stacks/config/parse.ts), so the rules run in a fixed order.
 */
import { z } from "zod";
import type { AwsAccess } from "../../../lib/aws-access";
import { partitionGaps, partitionOfRegion } from "../../../lib/aws-partitions";
import { availabilityZoneIds, eksUnsupportedZoneIds, eksZoneIds } from "../../../lib/aws-regions";
import { regionHostnames } from "../../region-outputs";
import { SFU_EPHEMERAL_PORTS } from "../../../components/cluster/node-user-data";
import { COTURN_LISTENING_PORT, COTURN_METRICS_PORT } from "../../../components/coturn/turnserver-conf";
import { LIVEKIT_HTTP_PORT, LIVEKIT_METRICS_PORT } from "../../../components/livekit/server-config";
import { addRuleIssues, awsRegion, cloudflareAccountGiven, RuleIssue, zoneIdOfItsProvider } from "../fields";
import { auditLogs } from "./audit-logs";
import { capacity, cost, preflight } from "./capacity";
import { cluster, karpenter, kubernetesMinorProblem } from "./cluster";
import { applicationKeys, serviceKeys } from "./credentials";
import { dns, domain, regionLabel } from "./dns";
import { chaos, loadTest } from "./drills";
import { egress } from "./egress";
import { images } from "./images";
import { livekit, MEDIA_PORTS_DEFAULT, rtc, turn } from "./media";
import { alerting, monitoring } from "./monitoring";
import { network } from "./network";
import { redis } from "./redis";
import { rooms } from "./rooms";

/** The sections in the order of the configuration reference (docs/config.md) and of the checks. */
const regionFields = z.strictObject({
  role: z
    .literal("region")
    .describe("The stack's role; the global stack routes to every stack file whose role is region."),
  awsRegion: awsRegion.describe("AWS region of this region stack; one region stack per AWS region."),
  domain,
  regionLabel,
  network,
  cluster,
  capacity,
  cost,
  protect: z
    .preprocess((v) => (v === "true" ? true : v === "false" ? false : v), z.boolean({ error: "must be true or false" }))
    .default(true)
    .describe(
      "`protect` (and EKS deletion protection) on the cluster, the Redis replication group, the recordings and audit-log buckets, and deletion protection on the load balancers: `pulumi destroy` and replacements stop at them. Set false (and `pulumi up`) before a teardown.",
    ),
  karpenter,
  images,
  redis,
  rtc,
  turn,
  livekit,
  egress,
  auditLogs,
  monitoring,
  alerting,
  preflight,
  chaos,
  loadTest,
  dns,
  rooms,
  applicationKeys,
  serviceKeys,
});

type RegionFields = z.output<typeof regionFields>;

// ---------------------------------------------------------------------------------------------
// Rules between sections
// ---------------------------------------------------------------------------------------------

/**
 * The subnets go one per zone into the zones the region has: asking for more would fail inside the network
 * component (getAvailabilityZones) after resources are registered.
 */
function availabilityZonesInRegion(cfg: RegionFields): RuleIssue | undefined {
  const zones = eksZoneIds(cfg.awsRegion);
  if (zones === undefined || cfg.network.availabilityZones <= zones.length) return undefined;
  const unsupported = eksUnsupportedZoneIds[cfg.awsRegion] ?? [];
  const all = availabilityZoneIds[cfg.awsRegion] ?? [];
  return {
    path: ["network", "availabilityZones"],
    problem: unsupported.some((zone) => all.includes(zone))
      ? `must be at most the ${zones.length} availability zones of ${cfg.awsRegion} EKS supports (${zones.join(", ")}; not ${unsupported.join(", ")})`
      : `must be at most the ${zones.length} availability zones ${cfg.awsRegion} has (${zones.join(", ")})`,
    value: cfg.network.availabilityZones,
  };
}

/** An access entry names a role of the cluster's own partition: another partition's ARN cannot be one there. */
function adminRolesInPartition(cfg: RegionFields): RuleIssue | undefined {
  const partition = partitionOfRegion(cfg.awsRegion);
  const index = cfg.cluster.adminRoleArns.findIndex((arn) => arn.split(":")[1] !== partition);
  if (index < 0) return undefined;
  return {
    path: ["cluster", "adminRoleArns", index],
    problem: `must be a role of the ${partition} partition, where ${cfg.awsRegion} is (arn:${partition}:iam::<account>:role/<name>)`,
    value: cfg.cluster.adminRoleArns[index],
  };
}

/** What the region's partition does not offer (or is not verified to): refused before anything is created. */
function offeredInPartition(cfg: RegionFields): RuleIssue | undefined {
  const gap = partitionGaps[partitionOfRegion(cfg.awsRegion)].find((g) => g.asked(cfg));
  if (gap === undefined) return undefined;
  return { path: gap.path, problem: gap.problem, value: gap.shown(cfg) };
}

/** Monitoring volumes are zonal: every zone needs a system node. */
function systemNodesInEveryZone(cfg: RegionFields): RuleIssue | undefined {
  if (cfg.cluster.systemNodes.min >= cfg.network.availabilityZones) return undefined;
  return {
    path: ["cluster", "systemNodes", "min"],
    problem: `must be at least network.availabilityZones (${cfg.network.availabilityZones}): monitoring volumes are zonal, every zone needs a system node`,
    value: cfg.cluster.systemNodes.min,
  };
}

/** Optional in the schema only so that a missing key is worded here, with the command that makes one. */
function applicationKeysGiven(cfg: RegionFields): RuleIssue | undefined {
  if (cfg.applicationKeys !== undefined) return undefined;
  return {
    path: ["applicationKeys"],
    problem:
      "is required (the application's API key, the same in every region): run `npm run keys -- new` and the `pulumi config set` lines it prints",
    value: undefined,
  };
}

/** A range of ports, first and last included. */
interface Ports {
  start: number;
  end: number;
}
const holds = (range: Ports, port: number) => range.start <= port && port <= range.end;
const overlap = (a: Ports, b: Ports) => a.start <= b.end && b.start <= a.end;
/** What the lines say of the nodes' ephemeral ports, which no media port may be among. */
const EPHEMERAL_PORTS_TEXT = `the nodes' ephemeral ports ${SFU_EPHEMERAL_PORTS.start}-${SFU_EPHEMERAL_PORTS.end}, which outgoing connections of the same host network take`;

/** Coturn and LiveKit bind the same host network. */
function relayPortsApartFromRtc(cfg: RegionFields): RuleIssue | undefined {
  const sfu = cfg.rtc.udpPortRange;
  const relay = cfg.turn.relayPortRange;
  if (!overlap(relay, sfu)) return undefined;
  return {
    path: ["turn", "relayPortRange"],
    problem: `overlaps rtc.udpPortRange ${sfu.start}-${sfu.end}; Coturn and LiveKit share the node's host network`,
    value: relay,
  };
}

const inDns = (issue: RuleIssue | undefined): RuleIssue | undefined =>
  issue && { ...issue, path: ["dns", ...issue.path] };

/**
 * livekit-server signs participants' refreshed tokens with any key of its key file, and in global rooms mode a
 * participant can reconnect through any region, which must then hold the same keys.
 */
function serviceKeysForGlobalRooms(cfg: RegionFields): RuleIssue | undefined {
  if (cfg.rooms.mode !== "global" || cfg.serviceKeys !== undefined) return undefined;
  return {
    path: ["serviceKeys"],
    problem:
      "is required with rooms.mode global (egress's and the load tests' key pairs, the same in every region file): livekit-server signs participants' refreshed tokens with any key of its key file, and a participant can reconnect through any region",
    value: undefined,
  };
}

function serviceKeysOwnIds(cfg: RegionFields): RuleIssue | undefined {
  const serviceKeyIds = cfg.serviceKeys ? [cfg.serviceKeys.egress.id, cfg.serviceKeys.loadTest.id] : [];
  const reused = serviceKeyIds.find(
    (id) => cfg.applicationKeys !== undefined && Object.hasOwn(cfg.applicationKeys.keys, id),
  );
  if (reused === undefined) return undefined;
  return {
    path: ["serviceKeys", reused === serviceKeyIds[0] ? "egress" : "loadTest", "id"],
    problem: "is also an application key id; every consumer needs a key of its own",
    value: reused,
  };
}

/** Peering routes go into the region's own route tables, which only a VPC this stack creates has. */
function globalRoomsOwnVpc(cfg: RegionFields): RuleIssue | undefined {
  if (cfg.rooms.mode !== "global" || cfg.network.existingVpc === undefined) return undefined;
  return {
    path: ["rooms", "mode"],
    problem:
      "global needs a VPC this stack creates (network.existingVpc is set): its route tables get the peering routes",
    value: cfg.rooms.mode,
  };
}

/** Longest first name (Common Name) of an ACM certificate. */
const ACM_FIRST_NAME_MAX = 64;

/**
 * ACM writes a certificate's first name into its Common Name: at most 64 characters (RFC 5280's ub-common-name;
 * ACM RequestCertificate, DomainName). The longer of the region's two first names is TURN's.
 */
function turnCertificateNameFits(cfg: RegionFields): RuleIssue | undefined {
  const turnName = regionHostnames(cfg.regionLabel, cfg.domain).turn;
  if (turnName.length <= ACM_FIRST_NAME_MAX) return undefined;
  return {
    path: ["domain"],
    problem: `makes the TURN certificate's name ${turnName} ${turnName.length} characters, over the ${ACM_FIRST_NAME_MAX} ACM allows (shorten domain or regionLabel)`,
    value: cfg.domain,
  };
}

/** Ports LiveKit and Coturn bind on the SFU nodes' host network besides the configurable ranges. */
const FIXED_HOST_PORTS: [number, string][] = [
  [LIVEKIT_HTTP_PORT, "LiveKit's signalling port"],
  [LIVEKIT_METRICS_PORT, "LiveKit's metrics port"],
  [COTURN_LISTENING_PORT, "Coturn's listening port"],
  [COTURN_METRICS_PORT, "Coturn's metrics port"],
];

/** The ICE/TCP port is opened to the internet: never on a port the host network already uses. */
function tcpPortFree(cfg: RegionFields): RuleIssue | undefined {
  const tcp = cfg.rtc.tcpPort;
  const clash = FIXED_HOST_PORTS.find(([p]) => p === tcp);
  if (clash) {
    return {
      path: ["rtc", "tcpPort"],
      problem: `is ${clash[1]} ${clash[0]} on the same host network (and would be opened to the internet)`,
      value: tcp,
    };
  }
  // LiveKit binds it once, at start; an outgoing connection holding it then makes that start fail.
  if (holds(SFU_EPHEMERAL_PORTS, tcp)) {
    return {
      path: ["rtc", "tcpPort"],
      problem: `is among ${EPHEMERAL_PORTS_TEXT}, so LiveKit could fail to bind it: use a port outside them (the default is ${MEDIA_PORTS_DEFAULT.rtcTcp})`,
      value: tcp,
    };
  }
  return undefined;
}

/**
 * The media ranges stay clear of the host network's fixed ports, and of the nodes' ephemeral range: an outgoing
 * connection or a DNS lookup of any host-network process would otherwise hold a port LiveKit or Coturn binds.
 */
function portRangesFree(cfg: RegionFields): RuleIssue | undefined {
  for (const [field, range, byDefault] of [
    [["rtc", "udpPortRange"], cfg.rtc.udpPortRange, MEDIA_PORTS_DEFAULT.rtcUdp],
    [["turn", "relayPortRange"], cfg.turn.relayPortRange, MEDIA_PORTS_DEFAULT.turnRelay],
  ] as const) {
    const covered = FIXED_HOST_PORTS.find(([p]) => holds(range, p));
    if (covered) {
      return { path: [...field], problem: `covers ${covered[1]} ${covered[0]} on the same host network`, value: range };
    }
    if (overlap(range, SFU_EPHEMERAL_PORTS)) {
      return {
        path: [...field],
        problem: `overlaps ${EPHEMERAL_PORTS_TEXT}: move it outside them (the default is ${byDefault.start}-${byDefault.end})`,
        value: range,
      };
    }
  }
  return undefined;
}

/** Each allocation takes one relay port. */
function turnQuotaWithinRelayPorts(cfg: RegionFields): RuleIssue | undefined {
  const relay = cfg.turn.relayPortRange;
  const relayPorts = relay.end - relay.start + 1;
  if (cfg.turn.totalQuota === undefined || cfg.turn.totalQuota <= relayPorts) return undefined;
  return {
    path: ["turn", "totalQuota"],
    problem: `exceeds the ${relayPorts} relay ports of turn.relayPortRange ${relay.start}-${relay.end} (each allocation takes one)`,
    value: cfg.turn.totalQuota,
  };
}

/** Bytes of a Prometheus size (`90GB`: Prometheus' units are powers of 1024) or a Kubernetes `100Gi`. */
function bytesOf(size: string): number | undefined {
  const m = /^(\d+)(GB|TB|Gi|Ti)$/.exec(size);
  if (!m) return undefined;
  return Number(m[1]) * 1024 ** (m[2].startsWith("G") ? 3 : 4);
}

function prometheusRetentionBelowVolume(cfg: RegionFields): RuleIssue | undefined {
  const retention = bytesOf(cfg.monitoring.retentionSize);
  const volume = bytesOf(cfg.monitoring.volumeSize);
  if (retention === undefined || volume === undefined || retention < volume) return undefined;
  return {
    path: ["monitoring", "retentionSize"],
    problem: `must be smaller than monitoring.volumeSize ${cfg.monitoring.volumeSize} (Prometheus needs room for its write-ahead log)`,
    value: cfg.monitoring.retentionSize,
  };
}

/** Public and private subnets hold different nodes. */
function subnetsPublicOrPrivate(cfg: RegionFields): RuleIssue | undefined {
  const vpc = cfg.network.existingVpc;
  const both = vpc?.publicSubnetIds.find((id) => vpc.privateSubnetIds.includes(id));
  if (both === undefined) return undefined;
  return {
    path: ["network", "existingVpc", "privateSubnetIds"],
    problem: "must not repeat a public subnet (public and private subnets hold different nodes)",
    value: both,
  };
}

/** Who read a recording must stay known while the recording exists. */
function auditLogsOutlastRecordings(cfg: RegionFields): RuleIssue | undefined {
  if (cfg.auditLogs.retentionDays >= cfg.egress.recordingRetentionDays) return undefined;
  return {
    path: ["auditLogs", "retentionDays"],
    problem: `must be at least egress.recordingRetentionDays (${cfg.egress.recordingRetentionDays}): who read a recording must stay known while it exists`,
    value: cfg.auditLogs.retentionDays,
  };
}

function kubernetesMinorPinned(cfg: RegionFields): RuleIssue | undefined {
  const problem = kubernetesMinorProblem(cfg.cluster.kubernetesVersion);
  return problem === undefined
    ? undefined
    : { path: ["cluster", "kubernetesVersion"], problem, value: cfg.cluster.kubernetesVersion };
}

/** The rules between a region's sections, in the order their problems are reported. */
const REGION_RULES: ((cfg: RegionFields) => RuleIssue | undefined)[] = [
  offeredInPartition,
  adminRolesInPartition,
  availabilityZonesInRegion,
  systemNodesInEveryZone,
  applicationKeysGiven,
  relayPortsApartFromRtc,
  auditLogsOutlastRecordings,
  (cfg) => inDns(cloudflareAccountGiven(cfg.dns)),
  (cfg) => inDns(zoneIdOfItsProvider(cfg.dns)),
  serviceKeysForGlobalRooms,
  serviceKeysOwnIds,
  globalRoomsOwnVpc,
  turnCertificateNameFits,
  tcpPortFree,
  portRangesFree,
  turnQuotaWithinRelayPorts,
  prometheusRetentionBelowVolume,
  subnetsPublicOrPrivate,
  kubernetesMinorPinned,
];

/** The first rule between sections that a region's settings break, or undefined. */
export function regionRuleIssue(cfg: RegionFields): RuleIssue | undefined {
  return REGION_RULES.map((rule) => rule(cfg)).find((issue) => issue !== undefined);
}

export const regionSchema = regionFields
  .superRefine((cfg, ctx) =>
    addRuleIssues(
      ctx,
      REGION_RULES.map((rule) => rule(cfg)),
    ),
  )
  // Every rule held, applicationKeysGiven among them: the type says so.
  .transform((cfg) => (cfg.applicationKeys === undefined ? z.NEVER : { ...cfg, applicationKeys: cfg.applicationKeys }));

/** A region stack's settings: its file's, its stack's name, and the AWS access its `aws:*` keys give. */
export type RegionSettings = z.output<typeof regionSchema> & {
  stackName: string;
  /** How the stack reaches AWS (`aws:profile`, `aws:assumeRoles`, ...): for providers and SDK clients it makes. */
  awsAccess: AwsAccess;
};
