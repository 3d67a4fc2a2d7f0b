/**
 * The capacity model: the Redis (ElastiCache, Valkey) that livekit-server and egress share, sized from what
 * livekit-server v1.13.5 does to it per participant, per room and per node, and the smallest node type that
 * carries that at a stated utilisation. Pure.
 *
 * What livekit-server sends through Redis (livekit v1.13.5 unless named otherwise):
 * - **Signalling relay.** With Redis configured every message bus is psrpc's Redis bus (pkg/service/wire.go
 *   getMessageBus), and a participant's signalling always goes through it, even when the WebSocket and the room
 *   are on the same node (pkg/routing/localrouter.go StartParticipantSignalWithNodeID -> pkg/routing/signal.go
 *   StartParticipantSignal -> RelaySignal). Every relayed message is one PUBLISH, and its receiver answers with
 *   an ack, a second PUBLISH (psrpc v0.7.2 internal/stream/stream.go HandleStream/Ack). The client's pings
 *   (every 5 s, pkg/rtc/participant.go PingIntervalSeconds) are answered locally and relayed all the same
 *   (pkg/service/rtcservice.go: the ping case falls through to RequestSink.WriteMessage).
 * - **Node stats.** Each node publishes a keepalive and re-registers itself (HSET nodes) every
 *   `node_stats.stats_update_interval`, 2 s by default (pkg/routing/redisrouter.go statsWorker,
 *   keepaliveWorker; pkg/config/config.go DefaultNodeStatsConfig).
 * - **Joins and leaves.** Placing a participant reads room_node_map and the room's node twice
 *   (pkg/service/roomallocator.go SelectRoomNode, pkg/routing/redisrouter.go StartParticipantSignal), a new room
 *   reads every node (HVALS nodes) and writes room_node_map; the room's node locks, loads, stores and unlocks
 *   the room (roomallocator.go CreateRoom, pkg/service/redisstore.go), subscribes the participant's topic and
 *   stores the participant and the room (pkg/service/roommanager.go StartSession); a leave deletes the
 *   participant and stores the room again.
 *
 * The engine's command rate is what binds: Valkey runs commands on one thread, and on types without TLS
 * offloading that thread also encrypts (AWS, "Supported node types": Enhanced I/O and TLS offloading columns).
 */
import { InputError } from "../errors";

/** Messages relayed per participant per second, both directions: the 0.2/s of pings plus speaker, quality and
 * participant updates. An assumption until measured: the LiveKit node's `livekit_node_messages` counters give
 * the real rate (the Redis runbook section says how to compare). */
export const REDIS_SIGNAL_MESSAGES_PER_PARTICIPANT = 0.5;
/** PUBLISHes per relayed message: the message and its ack (psrpc streams ack every message). */
export const REDIS_PUBLISHES_PER_MESSAGE = 2;
/** Bytes Redis writes to the subscriber per relayed message and ack: a signal message of a few hundred
 * bytes in psrpc's envelope, the ack, and RESP's pub/sub framing with the channel name (assumption). */
export const REDIS_BYTES_OUT_PER_MESSAGE = 700;
/** Node stats: one keepalive PUBLISH and one HSET nodes per interval. */
export const REDIS_NODE_STATS_INTERVAL_SECONDS = 2;
export const REDIS_COMMANDS_PER_NODE_STATS = 2;
/** A node's registration (the livekit.Node protobuf with its stats), bytes: what HVALS nodes returns per node. */
export const REDIS_NODE_RECORD_BYTES = 600;
/** Commands of one participant's join and leave (placement, room lock/load/store/unlock, topic, participant
 * and room records, the stream's open and close). */
export const REDIS_COMMANDS_PER_SESSION = 24;
/** The fastest join wave the model covers: every participant of the peak joining within this many seconds
 * (meetings that start on the hour). */
export const REDIS_JOIN_WAVE_SECONDS = 300;
/** Memory per participant and per room (their protobuf records and hash overhead), bytes, and per
 * connection (client buffers). */
export const REDIS_BYTES_PER_PARTICIPANT = 2048;
export const REDIS_BYTES_PER_ROOM = 1024;
/** Connections each livekit-server or egress process may hold: go-redis's default pool of 10 per GOMAXPROCS
 * (8 on the SFU and egress nodes' pods here) plus its pub/sub connection (go-redis v9 options.go PoolSize). */
export const REDIS_CONNECTIONS_PER_PROCESS = 10 * 8 + 1;
/** The share of a node's engine throughput, network baseline and memory the model plans to use at peak: the
 * rest is for a failover's catch-up, reconnect storms after one, and the model's own error. */
export const REDIS_TARGET_UTILISATION = 0.6;

export interface CacheNodeType {
  vcpu: number;
  memoryGiB: number;
  /** Baseline network bandwidth, Gbps: above it the node spends network I/O credits, then is shaped. */
  baselineGbps: number;
  /** Enhanced I/O with TLS offloading: connections and TLS on other threads than the engine's. */
  tlsOffload: boolean;
  /**
   * Commands per second the engine thread carries at 100% EngineCPUUtilization with this project's mix (TLS,
   * PUBLISH to one subscriber, small hashes). An assumption, not a vendor figure: 50,000 with TLS on the engine
   * thread; where I/O and TLS run on other threads, twice that, scaled with the I/O threads up to 400,000
   * (below AWS's "over 1 million requests per second per node" for r7g.4xlarge with ElastiCache 7.1, which
   * counts pipelined GET/SET without pub/sub).
   */
  engineCommandsPerSecond: number;
}

/**
 * The node types the stacks choose from, smallest first: memory-optimised r7g, the family the stacks have
 * always used, which ElastiCache offers in every region here. vCPU and memory from the EC2 r7g instances
 * behind them; baseline bandwidth, Enhanced I/O and TLS offloading from AWS ElastiCache "Supported node types"
 * (docs.aws.amazon.com/AmazonElastiCache/latest/dg/CacheNodes.SupportedTypes.html, read 2026-12-01).
 */
export const CACHE_NODE_TYPES: Readonly<Record<string, CacheNodeType>> = {
  "cache.r7g.large": {
    vcpu: 2,
    memoryGiB: 13.07,
    baselineGbps: 0.937,
    tlsOffload: false,
    engineCommandsPerSecond: 50_000,
  },
  "cache.r7g.xlarge": {
    vcpu: 4,
    memoryGiB: 26.32,
    baselineGbps: 1.876,
    tlsOffload: true,
    engineCommandsPerSecond: 100_000,
  },
  "cache.r7g.2xlarge": {
    vcpu: 8,
    memoryGiB: 52.82,
    baselineGbps: 3.75,
    tlsOffload: true,
    engineCommandsPerSecond: 200_000,
  },
  "cache.r7g.4xlarge": {
    vcpu: 16,
    memoryGiB: 105.81,
    baselineGbps: 7.5,
    tlsOffload: true,
    engineCommandsPerSecond: 400_000,
  },
  "cache.r7g.8xlarge": {
    vcpu: 32,
    memoryGiB: 209.55,
    baselineGbps: 15,
    tlsOffload: true,
    engineCommandsPerSecond: 400_000,
  },
};

/** What one region puts on the Redis it uses. */
export interface RedisDemand {
  participants: number;
  rooms: number;
  /** SFU nodes at their ceiling, and egress pods at theirs: each registers or connects. */
  sfuNodes: number;
  egressPods: number;
}

export interface RedisLoad {
  commandsPerSecond: number;
  bytesOutPerSecond: number;
  memoryBytes: number;
  connections: number;
  /** What each term contributes to the command rate, for the plan's summary. */
  byCause: { signalling: number; nodeStats: number; joins: number };
}

/** The load of one or more regions (a hub carries its members' too) on one Redis primary. */
export function redisLoad(
  demands: readonly RedisDemand[],
  messagesPerParticipant = REDIS_SIGNAL_MESSAGES_PER_PARTICIPANT,
): RedisLoad {
  const sum = (f: (d: RedisDemand) => number) => demands.reduce((s, d) => s + f(d), 0);
  const participants = sum((d) => d.participants);
  const rooms = sum((d) => d.rooms);
  const nodes = sum((d) => d.sfuNodes);
  const signalling = participants * messagesPerParticipant * REDIS_PUBLISHES_PER_MESSAGE;
  const nodeStats = (nodes * REDIS_COMMANDS_PER_NODE_STATS) / REDIS_NODE_STATS_INTERVAL_SECONDS;
  const joinRate = participants / REDIS_JOIN_WAVE_SECONDS;
  const roomRate = rooms / REDIS_JOIN_WAVE_SECONDS;
  const joins = joinRate * REDIS_COMMANDS_PER_SESSION;
  const bytesOut =
    participants * messagesPerParticipant * REDIS_BYTES_OUT_PER_MESSAGE +
    // Every new room reads every node's record (HVALS nodes), every node included, in every region.
    roomRate * nodes * REDIS_NODE_RECORD_BYTES;
  return {
    commandsPerSecond: signalling + nodeStats + joins,
    bytesOutPerSecond: bytesOut,
    memoryBytes: participants * REDIS_BYTES_PER_PARTICIPANT + rooms * REDIS_BYTES_PER_ROOM,
    connections: sum((d) => (d.sfuNodes + d.egressPods) * REDIS_CONNECTIONS_PER_PROCESS),
    byCause: { signalling, nodeStats, joins },
  };
}

export interface RedisSizing {
  nodeType: string;
  load: RedisLoad;
  /** The chosen type's share used at peak, per resource. */
  utilisation: { engine: number; network: number; memory: number };
  /** The resource that chose the type. */
  binding: "engine" | "network" | "memory";
}

const GIB = 1024 ** 3;

/** Each resource's share of a node type at a load. */
export function redisUtilisation(type: CacheNodeType, load: RedisLoad) {
  return {
    engine: load.commandsPerSecond / type.engineCommandsPerSecond,
    network: (load.bytesOutPerSecond * 8) / (type.baselineGbps * 1e9),
    memory: load.memoryBytes / (type.memoryGiB * GIB),
  };
}

/**
 * The smallest node type whose engine, baseline network and memory each stay at or below `utilisation` under
 * the load; an InputError (key `redis.nodeType`) when even the largest does not: the load needs a cluster-mode
 * layout this program does not build.
 */
export function sizeRedis(load: RedisLoad, utilisation = REDIS_TARGET_UTILISATION): RedisSizing {
  const entries = Object.entries(CACHE_NODE_TYPES);
  for (const [nodeType, type] of entries) {
    const used = redisUtilisation(type, load);
    if (Math.max(used.engine, used.network, used.memory) <= utilisation) {
      const binding =
        used.engine >= used.network && used.engine >= used.memory
          ? "engine"
          : used.network >= used.memory
            ? "network"
            : "memory";
      return { nodeType, load, utilisation: used, binding };
    }
  }
  const [largest] = entries[entries.length - 1];
  throw new InputError(
    "redis.nodeType",
    `no node type carries ${Math.round(load.commandsPerSecond)} commands/s at ${utilisation * 100}% (the largest, ${largest}, is planned for ${CACHE_NODE_TYPES[largest].engineCommandsPerSecond}): split the regions into smaller hubs or run them regional`,
    largest,
  );
}
