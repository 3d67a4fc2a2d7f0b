import { parse } from "yaml";
import {
  checkMaxRecordingSeconds,
  EGRESS_CONFIG_FILE_ENV,
  EGRESS_CONFIG_MOUNT,
  EGRESS_CONFIG_PATH,
  EgressConfigInput,
  goDuration,
  renderEgressConfig,
} from "../../../components/egress/config";
import { LEAF, MAP, UNLISTED, Schema, PROTOCOL_REDIS, unknownKeys } from "../../support/config-keys";

// ---------------------------------------------------------------------------------------------
// The keys egress v1.14.1 reads (versions.images.livekitEgress). Egress decodes its config with a plain
// yaml.Unmarshal, so any other key is silently ignored: this list is the only thing that catches a typo.
// Read from the source at tag v1.14.1 of livekit/egress and the dependency versions its go.mod pins.
// ---------------------------------------------------------------------------------------------

// livekit/storage config.go `S3Config` and `ProxyConfig` (read at main 078f23c, 2025-11-20; egress's go.mod
// pins the later 1297cb15775f, which is not in the mirror read; every key rendered here predates both)
const S3: Schema = {
  access_key: LEAF,
  secret: LEAF,
  session_token: LEAF,
  assume_role_arn: LEAF,
  assume_role_external_id: LEAF,
  region: LEAF,
  endpoint: LEAF,
  bucket: LEAF,
  force_path_style: LEAF,
  proxy_config: { url: LEAF, username: LEAF, password: LEAF },
  max_retries: LEAF,
  max_retry_delay: LEAF,
  min_retry_delay: LEAF,
  metadata: MAP,
  tagging: LEAF,
  content_disposition: LEAF,
};

// egress pkg/config/storage.go `StorageConfig` (used for both storage and backup)
const STORAGE: Schema = {
  prefix: LEAF,
  generate_presigned_url: LEAF,
  s3: S3,
  azure: UNLISTED,
  gcp: UNLISTED,
  alioss: UNLISTED,
};

// egress pkg/config/service.go `CPUCostConfig`
const CPU_COST: Schema = {
  max_cpu_utilization: LEAF,
  max_memory: LEAF,
  memory_cost: LEAF,
  room_composite_cpu_cost: LEAF,
  audio_room_composite_cpu_cost: LEAF,
  sdk_audio_room_composite_cpu_cost: LEAF,
  sdk_audio_room_composite_memory_cost: LEAF,
  web_cpu_cost: LEAF,
  audio_web_cpu_cost: LEAF,
  participant_cpu_cost: LEAF,
  track_composite_cpu_cost: LEAF,
  track_cpu_cost: LEAF,
  max_pulse_clients: LEAF,
  memory_source: LEAF,
  memory_kill_grace_sec: LEAF,
  cpu_kill_grace_sec: LEAF,
};

// egress pkg/config/service.go `ServiceConfig` with pkg/config/base.go `BaseConfig` inlined
const EGRESS_KEYS: Schema = {
  // BaseConfig
  redis: PROTOCOL_REDIS,
  api_key: LEAF,
  api_secret: LEAF,
  ws_url: LEAF,
  // protocol logger/config.go `Config` (no pion_level here, unlike livekit-server)
  logging: {
    json: LEAF,
    level: LEAF,
    sample: LEAF,
    component_levels: MAP,
    sample_initial: LEAF,
    sample_interval: LEAF,
    item_sample_seconds: LEAF,
    item_sample_initial: LEAF,
    item_sample_interval: LEAF,
  },
  template_base: LEAF,
  cluster_id: LEAF,
  enable_chrome_sandbox: LEAF,
  max_upload_queue: LEAF,
  disallow_local_storage: LEAF,
  io_create_timeout: LEAF,
  io_update_timeout: LEAF,
  io_selection_timeout: LEAF,
  io_workers: LEAF,
  // base.go `SessionLimits`
  session_limits: {
    file_output_max_duration: LEAF,
    file_output_max_size: LEAF,
    stream_output_max_duration: LEAF,
    segment_output_max_duration: LEAF,
    image_output_max_duration: LEAF,
  },
  storage: STORAGE,
  backup: STORAGE,
  s3_assume_role_key: LEAF,
  s3_assume_role_secret: LEAF,
  s3_assume_role_arn: LEAF,
  s3_assume_role_external_id: LEAF,
  insecure: LEAF,
  debug: UNLISTED,
  chrome_flags: MAP,
  latency: UNLISTED,
  latency_overrides: UNLISTED,
  enable_one_shot_sender_report_sync: LEAF,
  enable_sync_engine: LEAF,
  audio_tempo_controller: { enabled: LEAF, adjustment_rate: LEAF }, // base.go `AudioTempoController`
  test_overrides: UNLISTED,
  // ServiceConfig
  health_port: LEAF,
  template_port: LEAF,
  prometheus_port: LEAF,
  debug_handler_port: LEAF,
  pulse_sink_reap_grace_sec: LEAF,
  cpu_cost: CPU_COST,
};

// ---------------------------------------------------------------------------------------------

const mumbai: EgressConfigInput = {
  wsUrl: "wss://mumbai.livekit.example.com",
  redis: {
    host: "master.lk-mumbai.abc123.aps1.cache.amazonaws.com",
    port: 6379,
    password: "redis-auth-token-0123456789",
  },
  s3: { bucket: "livekit-recordings-mumbai-1a2b3c", region: "ap-south-1" },
  logging: { level: "info", json: true },
  maxRecordingSeconds: 6 * 3600,
};

const MUMBAI_YAML = `ws_url: wss://mumbai.livekit.example.com
redis:
  address: master.lk-mumbai.abc123.aps1.cache.amazonaws.com:6379
  password: redis-auth-token-0123456789
  tls:
    enabled: true
health_port: 8080
prometheus_port: 9090
logging:
  level: info
  json: true
disallow_local_storage: true
storage:
  s3:
    region: ap-south-1
    bucket: livekit-recordings-mumbai-1a2b3c
    max_retries: 5
    max_retry_delay: 5s
session_limits:
  file_output_max_duration: 6h
  stream_output_max_duration: 6h
  segment_output_max_duration: 6h
  image_output_max_duration: 6h
`;

// A secret with characters YAML must quote, and admission tuning.
const singapore: EgressConfigInput = {
  wsUrl: "wss://singapore.rtc.example.org",
  redis: { host: "master.lk-sg.xyz.apse1.cache.amazonaws.com", port: 6380, password: "@at'quote\"double" },
  s3: { bucket: "rec-sg", region: "ap-southeast-1" },
  logging: { level: "warn", json: false },
  admission: { maxCpuUtilization: 0.7, maxMemoryGiB: 8, compositeCpuCost: 4.2 },
  maxRecordingSeconds: 2 * 3600 + 30 * 60,
};

const SINGAPORE_YAML = `ws_url: wss://singapore.rtc.example.org
redis:
  address: master.lk-sg.xyz.apse1.cache.amazonaws.com:6380
  password: "@at'quote\\"double"
  tls:
    enabled: true
health_port: 8080
prometheus_port: 9090
logging:
  level: warn
  json: false
disallow_local_storage: true
storage:
  s3:
    region: ap-southeast-1
    bucket: rec-sg
    max_retries: 5
    max_retry_delay: 5s
cpu_cost:
  max_cpu_utilization: 0.7
  max_memory: 8
  memory_source: cgroup
  room_composite_cpu_cost: 4.2
  web_cpu_cost: 4.2
session_limits:
  file_output_max_duration: 2h30m
  stream_output_max_duration: 2h30m
  segment_output_max_duration: 2h30m
  image_output_max_duration: 2h30m
`;

const ALL_INPUTS = { mumbai, singapore };

describe("renderEgressConfig", () => {
  it("renders the mumbai config byte for byte", () => {
    expect(renderEgressConfig(mumbai)).toBe(MUMBAI_YAML);
  });

  it("renders admission tuning and awkward secrets byte for byte", () => {
    expect(renderEgressConfig(singapore)).toBe(SINGAPORE_YAML);
  });

  it("keeps awkward secrets intact through YAML quoting", () => {
    const doc = parse(renderEgressConfig(singapore));
    expect(doc.redis.password).toBe(singapore.redis.password);
  });

  it.each(Object.entries(ALL_INPUTS))("uses only keys the pinned egress reads (%s)", (_name, input) => {
    expect(unknownKeys(parse(renderEgressConfig(input)), EGRESS_KEYS)).toEqual([]);
  });

  it("has a key guard that catches the silently ignored mistakes", () => {
    const doc = parse(MUMBAI_YAML);
    doc.s3 = { bucket: "b" }; // top-level s3: ignored since egress v1.9.0, recordings land on the pod's disk
    doc.log_level = "debug"; // removed in favour of logging.level
    doc.logging.pion_level = "error"; // a livekit-server key, not an egress one
    doc.storage.s3.bucket_name = "b"; // typo inside storage.s3
    doc.debug = { enable_profiling: true }; // real block, keys not listed
    expect(unknownKeys(doc, EGRESS_KEYS).sort()).toEqual([
      "debug: its keys are not listed in this test; list them from source first",
      "log_level",
      "logging.pion_level",
      "s3",
      "storage.s3.bucket_name",
    ]);
  });

  it("uploads to S3 under storage.s3 with the pod's IAM role, never with static keys", () => {
    for (const input of Object.values(ALL_INPUTS)) {
      const doc = parse(renderEgressConfig(input));
      expect(doc.s3).toBeUndefined();
      expect(doc.storage.s3).toMatchObject({ bucket: input.s3.bucket, region: input.s3.region });
      for (const key of ["access_key", "secret", "session_token", "assume_role_arn"]) {
        expect(doc.storage.s3).not.toHaveProperty(key);
      }
      expect(doc).not.toHaveProperty("s3_assume_role_key");
      expect(doc).not.toHaveProperty("s3_assume_role_secret");
      expect(doc.disallow_local_storage).toBe(true);
    }
  });

  it("joins the same Redis as livekit-server over TLS, with its password", () => {
    const doc = parse(renderEgressConfig(mumbai));
    expect(doc.redis).toEqual({
      address: "master.lk-mumbai.abc123.aps1.cache.amazonaws.com:6379",
      password: "redis-auth-token-0123456789",
      tls: { enabled: true },
    });
  });

  it("leaves cpu_cost out when nothing is tuned, so egress keeps its code defaults", () => {
    expect(parse(renderEgressConfig(mumbai)).cpu_cost).toBeUndefined();
    const cpuOnly = parse(renderEgressConfig({ ...mumbai, admission: { maxCpuUtilization: 0.9 } }));
    expect(cpuOnly.cpu_cost).toEqual({ max_cpu_utilization: 0.9 });
  });

  it("rejects a CPU utilisation egress would silently replace with 0.8", () => {
    for (const bad of [0, 1.2, -0.5, Number.NaN]) {
      expect(() => renderEgressConfig({ ...mumbai, admission: { maxCpuUtilization: bad } })).toThrow(
        "admission.maxCpuUtilization",
      );
    }
    expect(() => renderEgressConfig({ ...mumbai, admission: { maxCpuUtilization: 1 } })).not.toThrow();
  });

  it("rejects a non-positive memory budget and a bad Redis port", () => {
    expect(() => renderEgressConfig({ ...mumbai, admission: { maxMemoryGiB: 0 } })).toThrow("admission.maxMemoryGiB");
    expect(() => renderEgressConfig({ ...mumbai, redis: { ...mumbai.redis, port: 0 } })).toThrow(
      "redis.port: must be a port number (1-65535), got 0",
    );
  });

  it("limits every output kind to the maximum recording length, as Go durations egress parses", () => {
    const doc = parse(renderEgressConfig({ ...mumbai, maxRecordingSeconds: 4 * 3600 + 90 }));
    expect(doc.session_limits).toEqual({
      file_output_max_duration: "4h1m30s",
      stream_output_max_duration: "4h1m30s",
      segment_output_max_duration: "4h1m30s",
      image_output_max_duration: "4h1m30s",
    });
    for (const bad of [0, 59, 3600.5, Number.NaN]) {
      expect(() => renderEgressConfig({ ...mumbai, maxRecordingSeconds: bad })).toThrow("maxRecordingSeconds");
    }
  });

  it("rejects a non-positive composite cost", () => {
    expect(() => renderEgressConfig({ ...mumbai, admission: { compositeCpuCost: 0 } })).toThrow(
      "admission.compositeCpuCost",
    );
  });
});

/** Seconds of a Go duration as time.ParseDuration reads the units used here; anything it refuses throws. */
function parseGoDuration(text: string): number {
  // Go's time.ParseDuration: a sequence of decimal numbers, each with a unit; "0" alone, never "".
  if (!/^(\d+(h|m|s))+$/.test(text)) throw new Error(`time: invalid duration "${text}"`);
  return [...text.matchAll(/(\d+)(h|m|s)/g)].reduce(
    (sum, [, n, unit]) => sum + Number(n) * { h: 3600, m: 60, s: 1 }[unit as "h" | "m" | "s"],
    0,
  );
}

describe("goDuration", () => {
  it("writes every whole number of seconds as a duration Go reads back as the same", () => {
    for (const seconds of [0, 1, 59, 60, 90, 3600, 3601, 3660, 21600, 86400 + 61]) {
      expect(parseGoDuration(goDuration(seconds))).toBe(seconds);
    }
    expect([goDuration(0), goDuration(90), goDuration(7200)]).toEqual(["0s", "1m30s", "2h"]);
  });
});

describe("the config's limits, line by line", () => {
  const refused = (change: Partial<EgressConfigInput>) => () => renderEgressConfig({ ...mumbai, ...change });

  it("takes a session limit of a minute, and says what it must be", () => {
    expect(() => checkMaxRecordingSeconds(60)).not.toThrow();
    expect(
      parse(renderEgressConfig({ ...mumbai, maxRecordingSeconds: 60 })).session_limits.file_output_max_duration,
    ).toBe("1m");
    expect(() => checkMaxRecordingSeconds(59, "egress.maxRecordingHours")).toThrow(
      "egress.maxRecordingHours: must be a whole number of seconds, at least 60, got 59",
    );
  });

  it("takes every port number for Redis, and only those", () => {
    for (const port of [1, 65535]) {
      expect(parse(renderEgressConfig({ ...mumbai, redis: { ...mumbai.redis, port } })).redis.address).toMatch(
        new RegExp(`:${port}$`),
      );
    }
    expect(refused({ redis: { ...mumbai.redis, port: 65536 } })).toThrow(
      "redis.port: must be a port number (1-65535), got 65536",
    );
  });

  it("says what each admission setting must be", () => {
    expect(refused({ admission: { maxCpuUtilization: 1.2 } })).toThrow(
      "admission.maxCpuUtilization: must be a fraction in (0, 1], got 1.2",
    );
    expect(refused({ admission: { maxMemoryGiB: -1 } })).toThrow(
      "admission.maxMemoryGiB: must be a positive number of GiB, got -1",
    );
    expect(refused({ admission: { compositeCpuCost: 0 } })).toThrow(
      "admission.compositeCpuCost: must be a positive number of CPUs, got 0",
    );
  });
});

describe("where egress finds its config", () => {
  it("is the file the --config flag's variable names: the config key inside the mounted Secret", () => {
    // egress v1.14.1 cmd/server/main.go: the `config` flag's EnvVars are EGRESS_CONFIG_FILE.
    expect(EGRESS_CONFIG_FILE_ENV).toBe("EGRESS_CONFIG_FILE");
    expect(EGRESS_CONFIG_PATH.startsWith("/")).toBe(true);
    expect(EGRESS_CONFIG_PATH).toBe(`${EGRESS_CONFIG_MOUNT.dir}/${EGRESS_CONFIG_MOUNT.file}`);
  });
});
