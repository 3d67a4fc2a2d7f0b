import { posix } from "path";
import { parse } from "yaml";
import {
  LIVEKIT_CONFIG_PATH,
  LIVEKIT_DEFAULT_ROOM,
  LIVEKIT_KEY_FILE_PATH,
  LIVEKIT_MOUNTS,
  LIVEKIT_NODE_IP_ENV,
  LIVEKIT_REDIS_PASSWORD_ENV,
  LIVEKIT_TURN_SECRET_PATH,
  LIVEKIT_WEBHOOK_API_KEY_ENV,
  LiveKitServerConfigInput,
  renderLiveKitServerConfig,
} from "../../../components/livekit/server-config";
import { LEAF, MAP, UNLISTED, Schema, PROTOCOL_REDIS, unknownKeys, isMap } from "../../support/config-keys";
import { isSecretDataKey } from "../../support/kubernetes-names";

// ---------------------------------------------------------------------------------------------
// The keys livekit-server v1.13.5 knows (versions.images.livekitServer). It decodes config.yaml with
// yaml.v3 KnownFields(true), so any other key stops the server at startup. Read from the source at tag
// v1.13.5 of livekit/livekit and the dependency versions its go.mod pins.
// ---------------------------------------------------------------------------------------------

const RTC: Schema = {
  // mediatransportutil pkg/rtcconfig/config.go `RTCConfig`, inlined (read at master 77f742a, 2026-04-29; go.mod
  // pins the later a3417d38cda0, which adds keys such as advertise_internal_ip that are deliberately not listed)
  udp_port: LEAF,
  tcp_port: LEAF,
  port_range_start: LEAF,
  port_range_end: LEAF,
  use_stun_port_as_ice: LEAF,
  node_ip: LEAF,
  stun_servers: LEAF,
  use_external_ip: LEAF,
  use_ice_lite: LEAF,
  interfaces: { includes: LEAF, excludes: LEAF }, // `InterfacesConfig`
  ips: { includes: LEAF, excludes: LEAF }, // `IPsConfig`
  enable_loopback_candidate: LEAF,
  use_mdns: LEAF,
  external_ip_only: LEAF,
  batch_io: { batch_size: LEAF, max_flush_interval: LEAF }, // `BatchIOConfig`
  sctp_min_cwnd: LEAF,
  sctp_fast_rtx_wnd: LEAF,
  sctp_cwnd_ca_step: LEAF,
  force_tcp: LEAF,
  // livekit pkg/config/config.go `RTCConfig`
  // livekit pkg/config/config.go `TURNServer`
  turn_servers: [
    {
      host: LEAF,
      port: LEAF,
      protocol: LEAF,
      username: LEAF,
      credential: LEAF,
      secret: LEAF,
      secret_file: LEAF,
      ttl: LEAF,
    },
  ],
  strict_acks: LEAF,
  packet_buffer_size: LEAF, // both deprecated
  packet_buffer_size_video: LEAF,
  packet_buffer_size_audio: LEAF,
  pli_throttle: UNLISTED,
  congestion_control: UNLISTED,
  allow_tcp_fallback: LEAF,
  tcp_fallback_rtt_threshold: LEAF,
  allow_udp_unstable_fallback: LEAF,
  reconnect_on_publication_error: LEAF,
  reconnect_on_subscription_error: LEAF,
  reconnect_on_data_channel_error: LEAF,
  data_channel_max_buffered_amount: LEAF, // deprecated
  datachannel_slow_threshold: LEAF,
  datachannel_lossy_target_latency: LEAF,
  datachannel_data_track_target_latency: LEAF,
  forward_stats: { summary_interval: LEAF, report_interval: LEAF, report_window: LEAF }, // `ForwardStatsConfig`
  enable_rtp_stream_restart_detection: LEAF,
};

// livekit pkg/config/config.go `RoomConfig`
const ROOM: Schema = {
  auto_create: LEAF,
  enabled_codecs: [{ mime: LEAF, fmtp_line: LEAF }], // `CodecSpec`
  max_participants: LEAF,
  empty_timeout: LEAF,
  departure_timeout: LEAF,
  enable_remote_unmute: LEAF,
  playout_delay: { enabled: LEAF, min: LEAF, max: LEAF }, // `PlayoutDelayConfig`
  sync_streams: LEAF,
  create_room_timeout: LEAF,
  create_room_attempts: LEAF,
  update_batch_target_size: LEAF,
  max_metadata_size: LEAF,
  max_room_name_length: LEAF,
  max_participant_identity_length: LEAF, // deprecated, moved to limit
  room_configurations: MAP,
};

// livekit pkg/config/config.go `LoggingConfig` = protocol logger/config.go `Config` (inline) + pion_level
const LOGGING: Schema = {
  json: LEAF,
  level: LEAF,
  sample: LEAF,
  component_levels: MAP,
  sample_initial: LEAF,
  sample_interval: LEAF,
  item_sample_seconds: LEAF,
  item_sample_initial: LEAF,
  item_sample_interval: LEAF,
  pion_level: LEAF,
};

// livekit pkg/config/config.go `Config` (top level)
const LIVEKIT_SERVER_KEYS: Schema = {
  port: LEAF,
  bind_addresses: LEAF,
  prometheus_port: LEAF, // deprecated in favour of prometheus.port
  prometheus: { port: LEAF, username: LEAF, password: LEAF }, // `PrometheusConfig`
  debug_handler: { port: LEAF }, // `DebugHandlerConfig`
  rtc: RTC,
  redis: PROTOCOL_REDIS,
  audio: UNLISTED,
  video: UNLISTED,
  room: ROOM,
  // `TURNConfig` (the embedded TURN server, which we leave off in favour of Coturn)
  turn: {
    enabled: LEAF,
    domain: LEAF,
    cert_file: LEAF,
    key_file: LEAF,
    tls_port: LEAF,
    udp_port: LEAF,
    relay_range_start: LEAF,
    relay_range_end: LEAF,
    external_tls: LEAF,
    bind_addresses: LEAF,
    ttl_seconds: LEAF,
    allow_restricted_peer_cidrs: LEAF,
    deny_peer_cidrs: LEAF,
  },
  ingress: { rtmp_base_url: LEAF, whip_base_url: LEAF }, // `IngressConfig`
  sip: {}, // `SIPConfig` is an empty struct
  // protocol webhook/notifier.go `WebHookConfig` at 28e604c046c6 (the commit v1.13.5's go.mod pins)
  webhook: {
    urls: LEAF,
    api_key: LEAF,
    url_notifier: UNLISTED,
    resource_url_notifier: UNLISTED,
    filter_params: UNLISTED,
  },
  // `NodeSelectorConfig`, `RegionConfig`
  node_selector: {
    kind: LEAF,
    sort_by: LEAF,
    algorithm: LEAF,
    cpu_load_limit: LEAF,
    sysload_limit: LEAF,
    regions: [{ name: LEAF, lat: LEAF, lon: LEAF }],
  },
  key_file: LEAF,
  keys: MAP,
  region: LEAF,
  signal_relay: UNLISTED,
  psrpc: UNLISTED,
  log_level: LEAF, // deprecated in favour of logging.level
  logging: LOGGING,
  // `LimitConfig`
  limit: {
    num_tracks: LEAF,
    bytes_per_sec: LEAF,
    subscription_limit_video: LEAF,
    subscription_limit_audio: LEAF,
    max_metadata_size: LEAF,
    max_attributes_size: LEAF,
    max_room_name_length: LEAF,
    max_participant_identity_length: LEAF,
    max_participant_name_length: LEAF,
    max_data_blob_key_length: LEAF,
    max_data_blobs_size: LEAF,
    max_data_track_custom_encoding_length: LEAF,
  },
  agents: UNLISTED,
  development: LEAF,
  metric: UNLISTED,
  trace: { jaeger_url: LEAF }, // `TracingConfig`
  node_stats: UNLISTED,
  enable_data_tracks: LEAF,
  enable_participant_data_blob: LEAF,
  api: UNLISTED,
};

/** Keys the pinned server still reads but marks deprecated; we use their replacements. */
const DEPRECATED = [
  "prometheus_port",
  "log_level",
  "redis.use_tls",
  "rtc.strict_acks",
  "rtc.packet_buffer_size",
  "rtc.data_channel_max_buffered_amount",
  "room.max_metadata_size",
  "room.max_room_name_length",
  "room.max_participant_identity_length",
];

/** Every key path in a parsed document, e.g. "rtc.turn_servers[0].secret_file". */
function keyPaths(value: unknown, path = ""): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => keyPaths(item, `${path}[${i}]`));
  if (!isMap(value)) return [];
  return Object.entries(value).flatMap(([key, child]) => {
    const childPath = path ? `${path}.${key}` : key;
    return [childPath, ...keyPaths(child, childPath)];
  });
}

// ---------------------------------------------------------------------------------------------

const mumbai: LiveKitServerConfigInput = {
  region: "mumbai",
  rtc: { tcpPort: 7881, portRange: { start: 50000, end: 60000 } },
  turnHost: "turn-mumbai.livekit.example.com",
  redis: { host: "master.lk-mumbai.abc123.aps1.cache.amazonaws.com", port: 6379 },
  room: LIVEKIT_DEFAULT_ROOM,
  logging: { level: "info", json: true },
};

const MUMBAI_YAML = `port: 7880
region: mumbai
key_file: /etc/livekit/keys/keys.yaml
logging:
  level: info
  json: true
rtc:
  tcp_port: 7881
  port_range_start: 50000
  port_range_end: 60000
  use_external_ip: false
  turn_servers:
    - host: turn-mumbai.livekit.example.com
      port: 3478
      protocol: udp
      secret_file: /etc/livekit/turn/secret
      ttl: 600
    - host: turn-mumbai.livekit.example.com
      port: 443
      protocol: tls
      secret_file: /etc/livekit/turn/secret
      ttl: 600
redis:
  address: master.lk-mumbai.abc123.aps1.cache.amazonaws.com:6379
  tls:
    enabled: true
room:
  auto_create: true
  empty_timeout: 300
  departure_timeout: 20
  max_participants: 0
prometheus:
  port: 6789
`;

const singapore: LiveKitServerConfigInput = {
  region: "singapore",
  rtc: { tcpPort: 7801, portRange: { start: 52000, end: 58999 } },
  turnHost: "turn-singapore.rtc.example.org",
  redis: { host: "master.lk-sg.xyz.apse1.cache.amazonaws.com", port: 6380 },
  room: {
    autoCreate: false,
    emptyTimeoutSeconds: 600,
    departureTimeoutSeconds: 30,
    maxParticipants: 200,
    enabledCodecs: ["audio/opus", "audio/red", "video/VP8", "video/H264"],
  },
  logging: { level: "debug", json: false },
  placement: { cpuLoadLimit: 0.8, numTracks: 17000, bytesPerSec: 351562500 },
};

const SINGAPORE_YAML = `port: 7880
region: singapore
key_file: /etc/livekit/keys/keys.yaml
logging:
  level: debug
  json: false
rtc:
  tcp_port: 7801
  port_range_start: 52000
  port_range_end: 58999
  use_external_ip: false
  turn_servers:
    - host: turn-singapore.rtc.example.org
      port: 3478
      protocol: udp
      secret_file: /etc/livekit/turn/secret
      ttl: 600
    - host: turn-singapore.rtc.example.org
      port: 443
      protocol: tls
      secret_file: /etc/livekit/turn/secret
      ttl: 600
redis:
  address: master.lk-sg.xyz.apse1.cache.amazonaws.com:6380
  tls:
    enabled: true
node_selector:
  kind: cpuload
  sort_by: cpuload
  algorithm: twochoice
  cpu_load_limit: 0.8
limit:
  num_tracks: 17000
  bytes_per_sec: 351562500
room:
  auto_create: false
  empty_timeout: 600
  departure_timeout: 30
  max_participants: 200
  enabled_codecs:
    - mime: audio/opus
    - mime: audio/red
    - mime: video/VP8
    - mime: video/H264
prometheus:
  port: 6789
`;

const withWebhook: LiveKitServerConfigInput = {
  ...mumbai,
  webhook: { urls: ["https://app.example.com/livekit/webhook", "https://audit.example.com/lk"] },
};

/** Distributed mode (global rooms mode): the region-aware selector with two regions. */
const distributed: LiveKitServerConfigInput = {
  ...singapore,
  regions: [
    { name: "mumbai", lat: 19.08, lon: 72.88 },
    { name: "singapore", lat: 1.35, lon: 103.82 },
  ],
};

const ALL_INPUTS = { mumbai, singapore, withWebhook, distributed };

describe("renderLiveKitServerConfig", () => {
  it("renders the mumbai config byte for byte", () => {
    expect(renderLiveKitServerConfig(mumbai)).toBe(MUMBAI_YAML);
  });

  it("renders optional codecs byte for byte", () => {
    expect(renderLiveKitServerConfig(singapore)).toBe(SINGAPORE_YAML);
  });

  it.each(Object.entries(ALL_INPUTS))("uses only keys the pinned server knows (%s)", (_name, input) => {
    expect(unknownKeys(parse(renderLiveKitServerConfig(input)), LIVEKIT_SERVER_KEYS)).toEqual([]);
  });

  it.each(Object.entries(ALL_INPUTS))("uses no deprecated key (%s)", (_name, input) => {
    const paths = keyPaths(parse(renderLiveKitServerConfig(input)));
    expect(paths.filter((p) => DEPRECATED.includes(p))).toEqual([]);
  });

  it("has a key guard that catches typos, misplaced keys and blocks nobody has listed", () => {
    const doc = parse(MUMBAI_YAML);
    doc.rtc.use_external_ips = true; // typo
    doc.tls = { enabled: true }; // belongs under redis
    doc.redis.tls.enable = true; // typo one level deeper
    doc.rtc.turn_servers[1].shared_secret = "x"; // inside a list item
    doc.agents = { target_load: 0.5 }; // real block, keys not listed
    expect(unknownKeys(doc, LIVEKIT_SERVER_KEYS).sort()).toEqual([
      "agents: its keys are not listed in this test; list them from source first",
      "redis.tls.enable",
      "rtc.turn_servers[1].shared_secret",
      "rtc.use_external_ips",
      "tls",
    ]);
  });

  it("keeps every secret out of the file: API keys, Redis password and TURN secret", () => {
    // Secrets smuggled in beside the typed fields must not reach the ConfigMap.
    const leaky = {
      ...mumbai,
      apiSecret: "api-secret-value-0123456789abcdef",
      redis: { ...mumbai.redis, password: "redis-auth-token-value" },
      turnSecret: "coturn-static-auth-secret",
    } as LiveKitServerConfigInput;
    const yaml = renderLiveKitServerConfig(leaky);
    for (const secret of ["api-secret-value-0123456789abcdef", "redis-auth-token-value", "coturn-static-auth-secret"]) {
      expect(yaml).not.toContain(secret);
    }
    const paths = keyPaths(parse(yaml));
    const secretKeys = paths.filter((p) => /(^|\.|\])(keys|password|secret|credential|username)$/.test(p));
    expect(secretKeys).toEqual([]);
  });

  it("sends webhooks to the configured URLs, with the signing key's id left to the environment", () => {
    expect(parse(renderLiveKitServerConfig(mumbai)).webhook).toBeUndefined();
    const yaml = renderLiveKitServerConfig(withWebhook);
    expect(yaml).toBe(
      `${MUMBAI_YAML}webhook:\n  urls:\n    - https://app.example.com/livekit/webhook\n    - https://audit.example.com/lk\n`,
    );
    // api_key comes from LIVEKIT_WEBHOOK_API_KEY (a ConfigMap names no credential-like key).
    expect(parse(yaml).webhook.api_key).toBeUndefined();
  });

  it.each([
    [
      "http://app.example.com/hook",
      'webhook.urls: must be https:// URLs without credentials, got "http://app.example.com/hook"',
    ],
    [
      "https://user:pw@app.example.com/hook",
      'webhook.urls: must be https:// URLs without credentials, got "https://user:pw@app.example.com/hook"',
    ],
    ["not a url", 'webhook.urls: must be https:// URLs without credentials, got "not a url"'],
  ])("refuses the webhook URL %s", (url, message) => {
    expect(() => renderLiveKitServerConfig({ ...mumbai, webhook: { urls: [url] } })).toThrow(message);
  });

  it("refuses an empty webhook URL list", () => {
    expect(() => renderLiveKitServerConfig({ ...mumbai, webhook: { urls: [] } })).toThrow(
      "webhook.urls: must not be empty; omit webhook to send none, got []",
    );
  });

  it("points at the API key file instead of listing keys", () => {
    const doc = parse(renderLiveKitServerConfig(mumbai));
    expect(doc.key_file).toBe(LIVEKIT_KEY_FILE_PATH);
    expect(doc.keys).toBeUndefined();
  });

  it("connects to Redis over TLS", () => {
    const doc = parse(renderLiveKitServerConfig(mumbai));
    expect(doc.redis.tls).toEqual({ enabled: true });
    expect(doc.redis.use_tls).toBeUndefined();
  });

  it("sends clients to our Coturn over UDP 3478 and TLS 443 with secret_file credentials", () => {
    const doc = parse(renderLiveKitServerConfig(mumbai));
    expect(doc.rtc.turn_servers).toEqual([
      {
        host: "turn-mumbai.livekit.example.com",
        port: 3478,
        protocol: "udp",
        secret_file: LIVEKIT_TURN_SECRET_PATH,
        ttl: 600,
      },
      {
        host: "turn-mumbai.livekit.example.com",
        port: 443,
        protocol: "tls",
        secret_file: LIVEKIT_TURN_SECRET_PATH,
        ttl: 600,
      },
    ]);
    expect(doc.turn).toBeUndefined(); // the embedded TURN server stays off
  });

  it("hands out TURN credentials that expire after ten minutes, not LiveKit's 4 h default", () => {
    const doc = parse(renderLiveKitServerConfig(mumbai));
    for (const server of doc.rtc.turn_servers) expect(server.ttl).toBe(600);
  });

  it("places rooms by CPU load with two choices and sets node limits only when given a placement", () => {
    expect(parse(renderLiveKitServerConfig(singapore)).node_selector).toEqual({
      kind: "cpuload",
      sort_by: "cpuload",
      algorithm: "twochoice",
      cpu_load_limit: 0.8,
    });
    const doc = parse(renderLiveKitServerConfig(mumbai));
    expect(doc.node_selector).toBeUndefined();
    expect(doc.limit).toBeUndefined();
    expect(() =>
      renderLiveKitServerConfig({ ...singapore, placement: { ...singapore.placement!, cpuLoadLimit: 1.5 } }),
    ).toThrow("placement.cpuLoadLimit");
  });

  it("places rooms region-aware in distributed mode, with the region list and the load limit as sysload_limit", () => {
    const regions = [
      { name: "mumbai", lat: 19.08, lon: 72.88 },
      { name: "singapore", lat: 1.35, lon: 103.82 },
    ];
    const doc = parse(renderLiveKitServerConfig({ ...singapore, regions }));
    // regionaware filters on sysload_limit only (CreateNodeSelector, v1.13.5); cpu_load_limit would be ignored.
    expect(doc.node_selector).toEqual({
      kind: "regionaware",
      sort_by: "cpuload",
      algorithm: "twochoice",
      sysload_limit: 0.8,
      regions,
    });
    expect(doc.region).toBe("singapore");
    expect(doc.limit).toEqual(parse(renderLiveKitServerConfig(singapore)).limit);
    expect(() => renderLiveKitServerConfig({ ...singapore, regions: [regions[0]] })).toThrow(
      'regions: must list this node\'s region singapore, got ["mumbai"]',
    );
    expect(() => renderLiveKitServerConfig({ ...singapore, regions: [...regions, regions[1]] })).toThrow(
      "regions: must not list a region twice, got",
    );
    expect(() =>
      renderLiveKitServerConfig({ ...singapore, regions: [{ name: "singapore", lat: 91, lon: 0 }] }),
    ).toThrow(/^regions \S+: must have valid coordinates \(lat, lon\), got \{"lat":/);
  });

  it("never asks public STUN servers for the node's address (rtc.node_ip comes from NODE_IP)", () => {
    const doc = parse(renderLiveKitServerConfig(singapore));
    expect(doc.rtc).toMatchObject({
      use_external_ip: false,
      tcp_port: 7801,
      port_range_start: 52000,
      port_range_end: 58999,
    });
    expect(doc.region).toBe("singapore");
  });

  it("rejects a port range that ends before it starts", () => {
    const input = { ...mumbai, rtc: { tcpPort: 7881, portRange: { start: 60000, end: 50000 } } };
    expect(() => renderLiveKitServerConfig(input)).toThrow(
      "rtc.portRange.start: must not be after end (50000), got 60000",
    );
  });

  it("rejects ports outside 1-65535", () => {
    expect(() => renderLiveKitServerConfig({ ...mumbai, rtc: { ...mumbai.rtc, tcpPort: 0 } })).toThrow(
      "rtc.tcpPort: must be a port number (1-65535), got 0",
    );
    expect(() => renderLiveKitServerConfig({ ...mumbai, redis: { ...mumbai.redis, port: 70000 } })).toThrow(
      "redis.port: must be a port number (1-65535), got 70000",
    );
  });

  it("rejects negative room timeouts and an empty codec list", () => {
    const negative = { ...mumbai, room: { ...LIVEKIT_DEFAULT_ROOM, emptyTimeoutSeconds: -1 } };
    expect(() => renderLiveKitServerConfig(negative)).toThrow(
      "room.emptyTimeoutSeconds: must be a whole number of zero or more, got -1",
    );
    const noCodecs = { ...mumbai, room: { ...LIVEKIT_DEFAULT_ROOM, enabledCodecs: [] } };
    expect(() => renderLiveKitServerConfig(noCodecs)).toThrow(/^room\.enabledCodecs: must not be empty .*, got \[\]$/);
  });
});

describe("renderLiveKitServerConfig's bounds", () => {
  const withPlacement = (placement: Partial<NonNullable<LiveKitServerConfigInput["placement"]>>) =>
    renderLiveKitServerConfig({ ...singapore, placement: { ...singapore.placement!, ...placement } });

  const PORT = "must be a port number (1-65535)";
  const WHOLE = "must be a whole number of zero or more";
  it.each([
    ["rtc.tcpPort", { ...mumbai, rtc: { ...mumbai.rtc, tcpPort: 0 } }, `${PORT}, got 0`],
    [
      "rtc.portRange.start",
      { ...mumbai, rtc: { ...mumbai.rtc, portRange: { start: 0, end: 60000 } } },
      `${PORT}, got 0`,
    ],
    [
      "rtc.portRange.end",
      { ...mumbai, rtc: { ...mumbai.rtc, portRange: { start: 50000, end: 65536 } } },
      `${PORT}, got 65536`,
    ],
    ["redis.port", { ...mumbai, redis: { ...mumbai.redis, port: 6379.5 } }, `${PORT}, got 6379.5`],
    [
      "room.emptyTimeoutSeconds",
      { ...mumbai, room: { ...LIVEKIT_DEFAULT_ROOM, emptyTimeoutSeconds: 0.5 } },
      `${WHOLE}, got 0.5`,
    ],
    [
      "room.departureTimeoutSeconds",
      { ...mumbai, room: { ...LIVEKIT_DEFAULT_ROOM, departureTimeoutSeconds: -1 } },
      `${WHOLE}, got -1`,
    ],
    ["room.maxParticipants", { ...mumbai, room: { ...LIVEKIT_DEFAULT_ROOM, maxParticipants: -1 } }, `${WHOLE}, got -1`],
    [
      "placement.cpuLoadLimit",
      { ...singapore, placement: { ...singapore.placement!, cpuLoadLimit: 0 } },
      "must be a fraction in (0, 1], got 0",
    ],
    [
      "placement.numTracks",
      { ...singapore, placement: { ...singapore.placement!, numTracks: -1 } },
      `${WHOLE}, got -1`,
    ],
    [
      "placement.bytesPerSec",
      { ...singapore, placement: { ...singapore.placement!, bytesPerSec: 1.5 } },
      `${WHOLE}, got 1.5`,
    ],
  ] as [string, LiveKitServerConfigInput, string][])("refuses %s with one line naming it", (key, input, problem) => {
    expect(() => renderLiveKitServerConfig(input)).toThrow(new Error(`${key}: ${problem}`));
  });

  it("takes every port number, 1 to 65535, as the stack config's port field does", () => {
    const ports = { ...mumbai.rtc, tcpPort: 1, portRange: { start: 2, end: 65535 } };
    expect(parse(renderLiveKitServerConfig({ ...mumbai, rtc: ports })).rtc).toMatchObject({
      tcp_port: 1,
      port_range_start: 2,
      port_range_end: 65535,
    });
  });

  it("takes a range of one port: pion refuses only an end before the start", () => {
    // pion/webrtc v4.2.17 settingengine.go 284-287 SetEphemeralUDPPortRange (livekit's mediatransportutil
    // pkg/rtcconfig/webrtc_config.go 126-128 hands it the range); the stack config's portRange agrees.
    const onePort = { ...mumbai.rtc, portRange: { start: 50000, end: 50000 } };
    expect(parse(renderLiveKitServerConfig({ ...mumbai, rtc: onePort })).rtc).toMatchObject({
      port_range_start: 50000,
      port_range_end: 50000,
    });
  });

  it("refuses a CPU-load limit of 0, which places rooms as if there were none, and takes 1", () => {
    // livekit v1.13.5 pkg/routing/selector/cpuload.go 35-44: the selector keeps the nodes whose load is below the
    // limit, and when none is, every node. No node's load is below 0, so load would stop steering rooms.
    expect(() => withPlacement({ cpuLoadLimit: 0 })).toThrow(
      "placement.cpuLoadLimit: must be a fraction in (0, 1], got 0",
    );
    expect(() => withPlacement({ cpuLoadLimit: -0.5 })).toThrow("placement.cpuLoadLimit: must be a fraction");
    // At 1 only a node at full load is passed over.
    expect(parse(withPlacement({ cpuLoadLimit: 1 })).node_selector.cpu_load_limit).toBe(1);
  });

  it("takes the poles and the antimeridian as region coordinates, and refuses a longitude past them", () => {
    const regions = (lat: number, lon: number) => [
      { name: "singapore", lat: 1.35, lon: 103.82 },
      { name: "mumbai", lat, lon },
    ];
    for (const [lat, lon] of [
      [90, 180],
      [-90, -180],
    ]) {
      expect(
        parse(renderLiveKitServerConfig({ ...singapore, regions: regions(lat, lon) })).node_selector.regions[1],
      ).toEqual({ name: "mumbai", lat, lon });
    }
    // A latitude and longitude given the wrong way round fail here, not as a region on the wrong side of the Earth.
    expect(() => renderLiveKitServerConfig({ ...singapore, regions: regions(72.88, 190) })).toThrow(
      'regions mumbai: must have valid coordinates (lat, lon), got {"lat":72.88,"lon":190}',
    );
  });

  it.each(["https://user@app.example.com/hook", "https://:pw@app.example.com/hook"])(
    "refuses the webhook URL %s: a credential in it would land in the ConfigMap",
    (url) => {
      expect(() => renderLiveKitServerConfig({ ...mumbai, webhook: { urls: [url] } })).toThrow(
        `webhook.urls: must be https:// URLs without credentials, got "${url}"`,
      );
    },
  );
});

describe("the names livekit-server reads", () => {
  // livekit v1.13.5 pkg/config/config.go 769: every config key also has an environment variable, LIVEKIT_ and its
  // path upper-cased with dots as underscores (GenerateCLIFlags, over ToCLIFlagNames' yaml paths, 645-690).
  const generatedEnv = (path: string) => `LIVEKIT_${path.toUpperCase().replace(/\./g, "_")}`;

  it("sets the webhook key id through the variable the server generates for it", () => {
    expect(unknownKeys({ webhook: { api_key: "x" } }, LIVEKIT_SERVER_KEYS)).toEqual([]);
    expect(LIVEKIT_WEBHOOK_API_KEY_ENV).toBe(generatedEnv("webhook.api_key"));
  });

  it("sets the Redis password and the node's address through the server's own flags' variables", () => {
    // livekit v1.13.5 cmd/server/main.go 70-73 (`--node-ip`, NODE_IP) and 85-88 (`--redis-password`, REDIS_PASSWORD).
    expect(LIVEKIT_NODE_IP_ENV).toBe("NODE_IP");
    expect(LIVEKIT_REDIS_PASSWORD_ENV).toBe("REDIS_PASSWORD");
  });

  it("starts the server on the file its ConfigMap mounts, each mount in a directory of its own", () => {
    expect(posix.dirname(LIVEKIT_CONFIG_PATH)).toBe(LIVEKIT_MOUNTS.config.dir);
    expect(posix.basename(LIVEKIT_CONFIG_PATH)).toBe(LIVEKIT_MOUNTS.config.file);
    const mounts = Object.values(LIVEKIT_MOUNTS);
    // Each file name is its ConfigMap's or Secret's data key; the API server refuses two mounts at one path.
    for (const { dir, file } of mounts) {
      expect(posix.isAbsolute(dir)).toBe(true);
      expect(isSecretDataKey(file)).toBe(true);
    }
    expect(new Set(mounts.map(({ dir }) => dir)).size).toBe(mounts.length);
  });
});
