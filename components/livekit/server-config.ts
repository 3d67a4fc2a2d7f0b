/**
 * livekit-server's config.yaml, rendered from typed settings.
 *
 * livekit-server parses its config strictly (unknown keys stop it at startup), so every key here exists in
 * the pinned release's config structs (see versions.images.livekitServer; the allowed-key lists in
 * test/components/livekit/server-config.test.ts name the struct each key comes from). Only deprecated-free keys are used:
 * `prometheus.port` rather than `prometheus_port`, `logging.level` rather than `log_level`, `redis.tls`
 * rather than `redis.use_tls`.
 *
 * No secret is ever written into this file, so it can live in a ConfigMap:
 * - API keys: `key_file` points at a file mounted from a Secret (livekit-server refuses a key file that
 *   "others" can read, so mount it with mode 0440 and the server's fsGroup).
 * - Coturn's shared secret: each `rtc.turn_servers` entry has `secret_file`, a file mounted from a Secret
 *   (same permission rule); livekit-server mints short-lived TURN credentials from it.
 * - Redis AUTH token: livekit-server reads it from the environment variable LIVEKIT_REDIS_PASSWORD_ENV.
 */
import { toYaml } from "../shared/yaml";
import { TURN_TLS_PORT, TURN_UDP_PORT } from "../shared/turn";
import { invariant } from "../shared/invariant";

export { TURN_TLS_PORT, TURN_UDP_PORT };

/** HTTP/WebSocket signalling port (`port`); the ALB forwards 443 to it and probes `GET /` on it. */
export const LIVEKIT_HTTP_PORT = 7880;
/** Prometheus metrics port (`prometheus.port`); open on the node's host network, scrape it from the VPC only. */
export const LIVEKIT_METRICS_PORT = 6789;

/**
 * Environment variable livekit-server reads the Redis password from (its `--redis-password` flag,
 * cmd/server/main.go). Set it from the Redis AUTH token Secret with `valueFrom.secretKeyRef`.
 */
export const LIVEKIT_REDIS_PASSWORD_ENV = "REDIS_PASSWORD";

/**
 * Environment variable naming the API key LiveKit signs webhooks with (`webhook.api_key`, through the same
 * generated `LIVEKIT_<PATH>` env flags, pkg/config/config.go GenerateCLIFlags at v1.13.5). It is a key id,
 * not a secret, but ConfigMaps carry nothing named like a credential (the policy pack's rule), so it is
 * set on the container rather than rendered into config.yaml. Set it whenever `webhook` is.
 */
export const LIVEKIT_WEBHOOK_API_KEY_ENV = "LIVEKIT_WEBHOOK_API_KEY";

/**
 * Where the Deployment mounts things, and the file names (ConfigMap/Secret data keys) inside each mount.
 * Each is its own directory because each comes from its own volume.
 */
export const LIVEKIT_MOUNTS = {
  /** ConfigMap holding this renderer's output; start the server with `--config <dir>/<file>`. */
  config: { dir: "/etc/livekit/config", file: "config.yaml" },
  /** Secret holding the API keys file (`<key>: <secret>` lines, components/credentials/api-keys.ts); defaultMode 0440. */
  keys: { dir: "/etc/livekit/keys", file: "keys.yaml" },
  /** Secret holding Coturn's shared secret (the same value as Coturn's static-auth-secret); defaultMode 0440. */
  turnSecret: { dir: "/etc/livekit/turn", file: "secret" },
} as const;

/** Full path of the rendered config inside the pod. */
export const LIVEKIT_CONFIG_PATH = `${LIVEKIT_MOUNTS.config.dir}/${LIVEKIT_MOUNTS.config.file}`;
/** Full path of the API keys file inside the pod (rendered as `key_file`). */
export const LIVEKIT_KEY_FILE_PATH = `${LIVEKIT_MOUNTS.keys.dir}/${LIVEKIT_MOUNTS.keys.file}`;
/** Full path of Coturn's shared secret inside the pod (rendered as `rtc.turn_servers[].secret_file`). */
export const LIVEKIT_TURN_SECRET_PATH = `${LIVEKIT_MOUNTS.turnSecret.dir}/${LIVEKIT_MOUNTS.turnSecret.file}`;

/**
 * Lifetime of the TURN credentials livekit-server mints for each participant (`rtc.turn_servers[].ttl`,
 * livekit-server v1.13.5 pkg/config/config.go TURNServer.TTL; its default for external TURN is 14,400 s).
 * Ten minutes: coturn checks a credential's expiry only when it derives the key for a new allocation
 * and keeps that key for the allocation's life, so a running call keeps its relay; a reconnecting client
 * gets fresh credentials with its new join response.
 */
export const LIVEKIT_TURN_CREDENTIAL_TTL_SECONDS = 600;

/**
 * Environment variable livekit-server reads `rtc.node_ip` from (its `--node-ip` flag, Sources NODE_IP,
 * cmd/server/main.go at v1.13.5). The Deployment fills it from the node address file.
 */
export const LIVEKIT_NODE_IP_ENV = "NODE_IP";

/**
 * Room placement and node limits, derived from the capacity model for the node type
 * (lib/capacity `sfuServerSettings`). Keys: livekit-server v1.13.5 pkg/config/config.go
 * NodeSelectorConfig and LimitConfig.
 */
export interface LiveKitPlacement {
  /**
   * `node_selector.cpu_load_limit`: nodes whose CPU load (livekit's own cgroup usage over the node's
   * vCPUs, protocol utils/hwstats) is at or above this get no new rooms while any node is below it.
   */
  cpuLoadLimit: number;
  /** `limit.num_tracks`: joins to a room on a node with this many tracks (published + subscribed) get 503. */
  numTracks: number;
  /** `limit.bytes_per_sec`: likewise for the node's media bytes per second (in + out). */
  bytesPerSec: number;
}

/** A region of LiveKit's distributed mode (`node_selector.regions[]`, pkg/config/config.go RegionConfig). */
export interface LiveKitRegion {
  /** The `region` label of that region's nodes. */
  name: string;
  /** Latitude and longitude in degrees: the region-aware selector measures distances between regions with them. */
  lat: number;
  lon: number;
}

/** Log levels livekit-server's logger accepts. */
export type LiveKitLogLevel = "debug" | "info" | "warn" | "error";

/** Room defaults; LiveKit applies them to rooms created without explicit settings. */
export interface LiveKitRoomDefaults {
  /** Create a room when the first participant joins (`room.auto_create`; LiveKit's default: true). */
  autoCreate: boolean;
  /** Seconds an empty room stays open before it is closed (`room.empty_timeout`; LiveKit's default: 300). */
  emptyTimeoutSeconds: number;
  /** Seconds a room stays open after the last participant leaves (`room.departure_timeout`; default: 20). */
  departureTimeoutSeconds: number;
  /** Participant cap per room; 0 means unlimited (`room.max_participants`). */
  maxParticipants: number;
  /**
   * Codec mime types rooms may use, e.g. ["audio/opus", "video/VP8"] (`room.enabled_codecs`).
   * Omit to keep the pinned server's own default list (which grows with new releases).
   */
  enabledCodecs?: readonly string[];
}

/** LiveKit's own room defaults (pkg/config/config.go DefaultConfig): the stack schema's too (`livekit.*TimeoutSeconds`). */
export const LIVEKIT_DEFAULT_ROOM: Readonly<LiveKitRoomDefaults> = {
  autoCreate: true,
  emptyTimeoutSeconds: 300,
  departureTimeoutSeconds: 20,
  maxParticipants: 0,
};

/** Everything that varies in livekit-server's config. No secret values: those are files and env vars. */
export interface LiveKitServerConfigInput {
  /** LiveKit region label of every node in this cluster (`region`), e.g. "mumbai". */
  region: string;
  /** WebRTC transport ports, bound on the node's host network. */
  rtc: {
    /** ICE/TCP port (`rtc.tcp_port`), e.g. 7881. */
    tcpPort: number;
    /** ICE/UDP port range (`rtc.port_range_start`/`port_range_end`), e.g. 50000-60000. */
    portRange: { start: number; end: number };
  };
  /** Public hostname of this region's Coturn, `turn-<region>.<domain>`; must match its DNS record and TLS certificate. */
  turnHost: string;
  /** ElastiCache primary endpoint. TLS is always on; the password comes from LIVEKIT_REDIS_PASSWORD_ENV. */
  redis: {
    /** Primary endpoint hostname. */
    host: string;
    /** Primary endpoint port, usually 6379. */
    port: number;
  };
  /** Room defaults; LIVEKIT_DEFAULT_ROOM holds LiveKit's own. */
  room: LiveKitRoomDefaults;
  /**
   * Load-aware placement and node limits. Without it the server keeps its default selector (`any`,
   * `random`: placement ignores load) and no limits.
   */
  placement?: LiveKitPlacement;
  /**
   * Distributed mode (docs/rooms-across-regions.md): every region sharing the Redis, the same list in every
   * region. The selector becomes `regionaware`: a new room goes to the region nearest the node its first
   * participant signals to, among regions with a node under the load limit. Must contain `region`.
   */
  regions?: readonly LiveKitRegion[];
  /** Server logging (`logging.level`, `logging.json`). */
  logging: { level: LiveKitLogLevel; json: boolean };
  /**
   * LiveKit's webhooks (`webhook.urls`; protocol webhook/notifier.go `WebHookConfig` {urls, api_key} at the
   * commit livekit-server v1.13.5 pins): room, participant, track and egress events (`egress_ended` carries a
   * recording's results) are POSTed to every URL, signed with the key named by LIVEKIT_WEBHOOK_API_KEY_ENV,
   * which must be in the key file (the server refuses to start otherwise). Omit to send none.
   */
  webhook?: { urls: readonly string[] };
}

/** Returns livekit-server's config.yaml. Deterministic: same input, same bytes. */
export function renderLiveKitServerConfig(input: LiveKitServerConfigInput): string {
  const { rtc, room } = input;
  checkPort("rtc.tcpPort", rtc.tcpPort);
  checkPort("rtc.portRange.start", rtc.portRange.start);
  checkPort("rtc.portRange.end", rtc.portRange.end);
  invariant(
    rtc.portRange.start <= rtc.portRange.end,
    "rtc.portRange.start",
    `must not be after end (${rtc.portRange.end})`,
    rtc.portRange.start,
  );
  checkPort("redis.port", input.redis.port);
  checkCount("room.emptyTimeoutSeconds", room.emptyTimeoutSeconds);
  checkCount("room.departureTimeoutSeconds", room.departureTimeoutSeconds);
  checkCount("room.maxParticipants", room.maxParticipants);
  invariant(
    room.enabledCodecs === undefined || room.enabledCodecs.length > 0,
    "room.enabledCodecs",
    "must not be empty (that would disable every codec); omit it to keep the defaults",
    room.enabledCodecs,
  );
  if (input.webhook !== undefined) checkWebhook(input.webhook);

  // One entry per transport Coturn offers; both share the Secret-mounted static-auth-secret.
  const turnServer = (port: number, protocol: "udp" | "tls") => ({
    host: input.turnHost,
    port,
    protocol,
    secret_file: LIVEKIT_TURN_SECRET_PATH,
    ttl: LIVEKIT_TURN_CREDENTIAL_TTL_SECONDS,
  });
  const placement = input.placement;
  if (placement) {
    invariant(
      placement.cpuLoadLimit > 0 && placement.cpuLoadLimit <= 1,
      "placement.cpuLoadLimit",
      "must be a fraction in (0, 1]",
      placement.cpuLoadLimit,
    );
    checkCount("placement.numTracks", placement.numTracks);
    checkCount("placement.bytesPerSec", placement.bytesPerSec);
  }
  if (input.regions !== undefined) checkRegions(input.region, input.regions);

  // Load-aware placement (pkg/routing/selector/cpuload.go): of the nodes below the CPU limit, pick two
  // at random and take the less loaded (two-choice does not pile onto one node while stats are ~2 s stale).
  //
  // Distributed mode (pkg/routing/selector/regionaware.go): the nodes of the region nearest this node's
  // `region` among the regions with a node under the limit, then the same sort and two-choice pick. The
  // region-aware selector filters on `sysload_limit` (load average per vCPU), not `cpu_load_limit`
  // (CreateNodeSelector sets only SysloadLimit for it), so the model's CPU limit goes there.
  const nodeSelector =
    input.regions !== undefined
      ? {
          kind: "regionaware",
          sort_by: "cpuload",
          algorithm: "twochoice",
          ...(placement ? { sysload_limit: placement.cpuLoadLimit } : {}),
          regions: input.regions.map((r) => ({ name: r.name, lat: r.lat, lon: r.lon })),
        }
      : placement
        ? { kind: "cpuload", sort_by: "cpuload", algorithm: "twochoice", cpu_load_limit: placement.cpuLoadLimit }
        : undefined;

  // Key order below is the order in the file.
  const config = {
    port: LIVEKIT_HTTP_PORT,
    region: input.region,
    key_file: LIVEKIT_KEY_FILE_PATH,
    logging: { level: input.logging.level, json: input.logging.json },
    rtc: {
      tcp_port: rtc.tcpPort,
      port_range_start: rtc.portRange.start,
      port_range_end: rtc.portRange.end,
      // Nodes sit in public subnets behind EC2's 1:1 NAT. The public IP comes from instance metadata as
      // rtc.node_ip (env NODE_IP, set by the Deployment), not from public STUN servers at every start.
      use_external_ip: false,
      turn_servers: [turnServer(TURN_UDP_PORT, "udp"), turnServer(TURN_TLS_PORT, "tls")],
    },
    redis: {
      address: `${input.redis.host}:${input.redis.port}`,
      // ElastiCache has in-transit encryption on; its certificate is publicly trusted, so no CA file.
      tls: { enabled: true },
    },
    ...(nodeSelector !== undefined ? { node_selector: nodeSelector } : {}),
    ...(placement
      ? {
          // Checked when a participant joins a room already placed (pkg/routing/selector/utils.go LimitsReached).
          limit: { num_tracks: placement.numTracks, bytes_per_sec: placement.bytesPerSec },
        }
      : {}),
    room: {
      auto_create: room.autoCreate,
      empty_timeout: room.emptyTimeoutSeconds,
      departure_timeout: room.departureTimeoutSeconds,
      max_participants: room.maxParticipants,
      ...(room.enabledCodecs ? { enabled_codecs: room.enabledCodecs.map((mime) => ({ mime })) } : {}),
    },
    prometheus: { port: LIVEKIT_METRICS_PORT },
    // The signing key's id comes from LIVEKIT_WEBHOOK_API_KEY_ENV, its secret from the key file.
    ...(input.webhook ? { webhook: { urls: [...input.webhook.urls] } } : {}),
  };
  return toYaml(config);
}

function checkWebhook(webhook: { urls: readonly string[] }): void {
  invariant(webhook.urls.length > 0, "webhook.urls", "must not be empty; omit webhook to send none", webhook.urls);
  for (const url of webhook.urls) {
    const parsed = URL.canParse(url) ? new URL(url) : undefined;
    invariant(
      parsed?.protocol === "https:" && parsed.username === "" && parsed.password === "",
      "webhook.urls",
      "must be https:// URLs without credentials",
      url,
    );
  }
}

function checkRegions(region: string, regions: readonly LiveKitRegion[]): void {
  const names = regions.map((r) => r.name);
  invariant(names.includes(region), "regions", `must list this node's region ${region}`, names);
  invariant(new Set(names).size === names.length, "regions", "must not list a region twice", names);
  for (const r of regions) {
    invariant(
      Math.abs(r.lat) <= 90 && Math.abs(r.lon) <= 180,
      `regions ${r.name}`,
      "must have valid coordinates (lat, lon)",
      { lat: r.lat, lon: r.lon },
    );
  }
}

function checkPort(name: string, value: number): void {
  invariant(Number.isInteger(value) && value >= 1 && value <= 65535, name, "must be a port number (1-65535)", value);
}

function checkCount(name: string, value: number): void {
  invariant(Number.isInteger(value) && value >= 0, name, "must be a whole number of zero or more", value);
}
