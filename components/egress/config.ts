/**
 * LiveKit Egress's config YAML, rendered from typed settings.
 *
 * Egress parses its config leniently: an unknown or misplaced key is silently ignored (the classic case is
 * a top-level `s3:` block, which egress ignores and then records to the pod's disk). So every key here
 * exists in the pinned release's structs (see versions.images.livekitEgress; test/components/egress/config.test.ts
 * lists the allowed keys with the struct each comes from).
 *
 * The output holds the Redis password (egress has no other way to take it: the Redis block has no environment
 * variable), so the caller must store the whole result in a Kubernetes Secret, mount it at EGRESS_CONFIG_PATH and
 * point EGRESS_CONFIG_FILE_ENV at it. Inputs are plain strings: the caller resolves its Pulumi secrets, calls
 * this inside `apply`, and wraps the result with `pulumi.secret`. The API key pair is not in it: egress starts from
 * LIVEKIT_API_KEY and LIVEKIT_API_SECRET and lets the file override them (pkg/config/service.go NewServiceConfig
 * at v1.14.1), so the pods read the pair from the Secret the credentials keep in their namespace
 * (EGRESS_API_KEY_ENV), and its handlers get it with the config egress hands them (pkg/server/server_rpc.go).
 *
 * No webhook here: egress v1.14.1 has no webhook setting (pkg/config/base.go `BaseConfig` has none). It
 * reports each job to livekit-server, which sends `egress_started`/`egress_ended` (with the recording's
 * results) through LiveKit's own `webhook` (components/livekit/server-config.ts).
 */
import { invariant } from "../shared/invariant";
import { toYaml } from "../shared/yaml";

/** Environment variable egress reads its config file path from (cmd/server/main.go `--config`). */
export const EGRESS_CONFIG_FILE_ENV = "EGRESS_CONFIG_FILE";

/** Where the Deployment mounts the config Secret, and its data key (file name) inside the mount. */
export const EGRESS_CONFIG_MOUNT = { dir: "/etc/egress", file: "config.yaml" } as const;

/** Full path of the config inside the pod: the value of EGRESS_CONFIG_FILE_ENV. */
export const EGRESS_CONFIG_PATH = `${EGRESS_CONFIG_MOUNT.dir}/${EGRESS_CONFIG_MOUNT.file}`;

/** Environment variables egress reads its API key pair from when the config file names none (see above). */
export const EGRESS_API_KEY_ENV = { id: "LIVEKIT_API_KEY", secret: "LIVEKIT_API_SECRET" } as const;

/** Health endpoint (`health_port`): `GET /` answers 200 with a JSON status; use it for probes. */
export const EGRESS_HEALTH_PORT = 8080;
/** Prometheus metrics (`prometheus_port`), including livekit_egress_available for autoscaling. */
export const EGRESS_METRICS_PORT = 9090;

/** Log levels egress's logger accepts. */
export type EgressLogLevel = "debug" | "info" | "warn" | "error";

/** Everything that varies in egress's config. Secret values arrive as plain strings (see the file comment). */
export interface EgressConfigInput {
  /** LiveKit signalling URL egress joins rooms through (`ws_url`), e.g. "wss://mumbai.example.com". */
  wsUrl: string;
  /** The same ElastiCache as livekit-server (jobs reach egress over it). TLS is always on. */
  redis: {
    /** Primary endpoint hostname. */
    host: string;
    /** Primary endpoint port, usually 6379. */
    port: number;
    /** Redis AUTH token (`redis.password`). */
    password: string;
  };
  /** Recording bucket (`storage.s3`). No access keys: uploads use the pod's IAM role (EKS Pod Identity). */
  s3: {
    /** Bucket name. */
    bucket: string;
    /** Bucket's AWS region, e.g. "ap-south-1"; set so egress needn't ask S3 for the bucket location. */
    region: string;
  };
  /** Egress logging (`logging.level`, `logging.json`). */
  logging: { level: EgressLogLevel; json: boolean };
  /** Job admission per pod (`cpu_cost`). Omitted fields keep egress's code defaults. */
  admission?: {
    /**
     * Share of the pod's CPUs egress fills before refusing new jobs, in (0, 1] (`cpu_cost.max_cpu_utilization`;
     * default 0.8). Egress counts CPUs from the cgroup quota, so the pod needs a CPU limit for this to mean
     * "of this pod" rather than "of the node".
     */
    maxCpuUtilization?: number;
    /**
     * Pod memory in GiB (`cpu_cost.max_memory`, read as units of 2^30 bytes). Egress refuses new jobs once
     * usage plus 1 GiB of headroom reaches it, measured on the pod's cgroup (`memory_source: cgroup`, what the
     * OOM killer sees). Set it to the pod's memory limit.
     */
    maxMemoryGiB?: number;
    /**
     * CPU cost of a room composite and of a web egress (`cpu_cost.room_composite_cpu_cost`, `web_cpu_cost`;
     * default 4). Set to the pod's CPUs x max_cpu_utilization, only an idle pod admits one.
     */
    compositeCpuCost?: number;
  };
  /**
   * Longest recording, in seconds: egress stops every file, stream, segment and image output after this
   * (`session_limits.*_max_duration`, pkg/config/base.go SessionLimits at v1.14.1; pkg/pipeline/controller.go
   * startSessionLimitTimer ends the egress with EGRESS_LIMIT_REACHED and uploads what it has). A pod's
   * termination grace period must exceed it, or a drained pod is killed mid-recording.
   */
  maxRecordingSeconds: number;
}

/** A Go duration (time.ParseDuration, which yaml.v3 applies to time.Duration fields), e.g. 21600 -> "6h". */
export function goDuration(seconds: number): string {
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  return `${h ? `${h}h` : ""}${m ? `${m}m` : ""}${s ? `${s}s` : ""}` || "0s";
}

/** Upload retries for the default bucket; matches what egress applies to per-request S3 uploads. */
const S3_MAX_RETRIES = 5;
const S3_MAX_RETRY_DELAY = "5s";

/** Egress's session limit (`session_limits`), checked by the renderer and, before any apply, by the component. */
export function checkMaxRecordingSeconds(limit: number, key = "maxRecordingSeconds"): void {
  invariant(Number.isInteger(limit) && limit >= 60, key, "must be a whole number of seconds, at least 60", limit);
}

/** Returns egress's config YAML. Deterministic: same input, same bytes. Contains secrets. */
export function renderEgressConfig(input: EgressConfigInput): string {
  const { redis, admission } = input;
  invariant(
    Number.isInteger(redis.port) && redis.port >= 1 && redis.port <= 65535,
    "redis.port",
    "must be a port number (1-65535)",
    redis.port,
  );
  // Egress silently replaces an out-of-range utilisation with 0.8, so reject it here instead.
  const cpu = admission?.maxCpuUtilization;
  invariant(
    cpu === undefined || (cpu > 0 && cpu <= 1),
    "admission.maxCpuUtilization",
    "must be a fraction in (0, 1]",
    cpu,
  );
  const mem = admission?.maxMemoryGiB;
  invariant(
    mem === undefined || (Number.isFinite(mem) && mem > 0),
    "admission.maxMemoryGiB",
    "must be a positive number of GiB",
    mem,
  );

  const composite = admission?.compositeCpuCost;
  invariant(
    composite === undefined || (Number.isFinite(composite) && composite > 0),
    "admission.compositeCpuCost",
    "must be a positive number of CPUs",
    composite,
  );
  const limit = input.maxRecordingSeconds;
  checkMaxRecordingSeconds(limit);

  // Keys of CPUCostConfig (pkg/config/service.go at v1.14.1).
  const cpuCost = {
    ...(cpu !== undefined ? { max_cpu_utilization: cpu } : {}),
    ...(mem !== undefined ? { max_memory: mem, memory_source: "cgroup" } : {}),
    ...(composite !== undefined ? { room_composite_cpu_cost: composite, web_cpu_cost: composite } : {}),
  };
  const maxDuration = goDuration(limit);

  // Key order below is the order in the file.
  const config = {
    ws_url: input.wsUrl,
    redis: {
      address: `${redis.host}:${redis.port}`,
      password: redis.password,
      tls: { enabled: true },
    },
    health_port: EGRESS_HEALTH_PORT,
    prometheus_port: EGRESS_METRICS_PORT,
    logging: { level: input.logging.level, json: input.logging.json },
    // A pod's disk is not durable: fail a request that has nowhere to upload rather than record locally.
    disallow_local_storage: true,
    storage: {
      s3: {
        // No access_key/secret: empty keys make egress use the AWS default credential chain (Pod Identity).
        region: input.s3.region,
        bucket: input.s3.bucket,
        max_retries: S3_MAX_RETRIES,
        max_retry_delay: S3_MAX_RETRY_DELAY,
      },
    },
    ...(Object.keys(cpuCost).length > 0 ? { cpu_cost: cpuCost } : {}),
    // No recording outlives the pod's grace period (see maxRecordingSeconds).
    session_limits: {
      file_output_max_duration: maxDuration,
      stream_output_max_duration: maxDuration,
      segment_output_max_duration: maxDuration,
      image_output_max_duration: maxDuration,
    },
  };
  return toYaml(config);
}
