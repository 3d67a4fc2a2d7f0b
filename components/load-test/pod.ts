/**
 * The load test's Job spec, as a pure, typed builder: an Indexed Job of `lk perf load-test` pods, one room each, on
 * the testers' own nodes (./node-pool.ts), created suspended.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { type ContainerImages, SHIPPED_IMAGES } from "../shared/images";
import { invariant } from "../shared/invariant";
import { restrictedSecurityContext } from "../shared/node-address";
import { nonRootPodSecurityContext, type SecretKeyName } from "../shared/pods";
import { NODE_ROLE_LABEL } from "../shared/node-roles";
import { LOAD_TEST_NODE_POOL, LOAD_TEST_TAINT } from "./node-pool";
import { loadTestDurationInSeconds } from "./defaults";

type JobSpec = k8s.types.input.batch.v1.JobSpec;
type PodSpec = k8s.types.input.core.v1.PodSpec;

/**
 * The tester's user: `nonroot` of the image's distroless base (gcr.io/distroless/base-debian12, livekit-cli
 * v2.18.2 Dockerfile), so the pod runs unprivileged whatever the image's default user (root) would be.
 */
export const LOAD_TEST_UID = 65532;

/**
 * The one writable directory, memory-backed: `lk` v2.18.2 writes no file for `perf load-test`; it only reads
 * `$HOME/.livekit/cli-config.yaml` when present (pkg/config/config.go LoadOrCreate, through cmd/lk/main.go's
 * theme lookup) and Go's os.TempDir is /tmp. HOME points here so neither lands on the read-only root.
 */
export const LOAD_TEST_SCRATCH = { volume: "scratch", mountPath: "/tmp" } as const;

/** Name of the Job, for the kubectl commands in its documentation. */
export const LOAD_TEST_JOB_NAME = "livekit-load-test";

/** What the testers are built from. */
export interface LoadTestPodInput {
  /** The region's public signalling URL: the test goes through the ALB like users do. */
  url: Input<string>;
  /**
   * Rooms to load, one tester pod each (a room lives on one SFU node, so this spreads load over nodes).
   * Size the whole test to the target concurrent users × 1.5 (the guide's headroom):
   * rooms × (videoPublishersPerRoom + audioPublishersPerRoom + subscribersPerRoom) ≈ 1.5 × target.
   */
  rooms: number;
  videoPublishersPerRoom: number;
  audioPublishersPerRoom?: number;
  subscribersPerRoom: number;
  /** How long each tester runs, in `lk`'s form: "90s", "10m", "1h". */
  duration: string;
  /** Per tester pod. No CPU limit: a throttled tester reports loss that is its own, not the SFU's. */
  resources: { cpus: number; memoryGiB: number };
  /** The load tests' own key pair, two keys of the API key Secret. */
  apiKey: { id: SecretKeyName; secret: SecretKeyName };
  /** Where the images come from (a digest pin, the registry mirror); the shipped tags when omitted. */
  images?: ContainerImages;
}

/** The Job's spec: suspended, one completion per room, all at once, never retried. */
export function loadTestJobSpec(input: LoadTestPodInput, labels: Record<string, string>): JobSpec {
  return {
    suspend: true,
    completionMode: "Indexed",
    completions: input.rooms,
    parallelism: input.rooms,
    backoffLimit: 0, // a failed load test is a result to read, not something to retry
    // The clock stops while suspended; leave room to ramp up (testers join a few per second) and report.
    activeDeadlineSeconds: loadTestDurationSeconds(input) + 900,
    template: { metadata: { labels }, spec: loadTestPodSpec(input) },
  };
}

/** A tester pod: `lk perf load-test` against one room, on the testers' nodes. */
export function loadTestPodSpec(input: LoadTestPodInput): PodSpec {
  const fromKeySecret = ({ secretName, key }: SecretKeyName) => ({ secretKeyRef: { name: secretName, key } });
  return {
    nodeSelector: { [NODE_ROLE_LABEL]: LOAD_TEST_NODE_POOL },
    tolerations: [{ ...LOAD_TEST_TAINT, operator: "Equal" }],
    restartPolicy: "Never",
    enableServiceLinks: false,
    automountServiceAccountToken: false,
    // The restricted Pod Security Standard, like every other workload off the host network.
    securityContext: nonRootPodSecurityContext(LOAD_TEST_UID),
    volumes: [{ name: LOAD_TEST_SCRATCH.volume, emptyDir: { medium: "Memory", sizeLimit: "64Mi" } }],
    containers: [
      {
        name: "lk",
        image: (input.images ?? SHIPPED_IMAGES).livekitCli, // entrypoint: /lk
        args: loadTestArgs(input),
        env: [
          {
            name: "ROOM_INDEX",
            valueFrom: {
              fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
            },
          },
          // lk reads these when --api-key/--api-secret are not given (cmd/lk/utils.go globalFlags).
          // The load tests' own pair: never the application's or egress's.
          { name: "LIVEKIT_API_KEY", valueFrom: fromKeySecret(input.apiKey.id) },
          { name: "LIVEKIT_API_SECRET", valueFrom: fromKeySecret(input.apiKey.secret) },
          { name: "HOME", value: LOAD_TEST_SCRATCH.mountPath },
        ],
        volumeMounts: [{ name: LOAD_TEST_SCRATCH.volume, mountPath: LOAD_TEST_SCRATCH.mountPath }],
        resources: {
          requests: { cpu: `${input.resources.cpus}`, memory: `${input.resources.memoryGiB}Gi` },
          limits: { memory: `${input.resources.memoryGiB}Gi` },
        },
        securityContext: restrictedSecurityContext(),
      },
    ],
  };
}

/** `lk`'s arguments: the URL, then `perf load-test` for this pod's room. */
function loadTestArgs(input: LoadTestPodInput): Input<string>[] {
  return [
    "--url",
    input.url,
    "perf",
    "load-test",
    // $(ROOM_INDEX) is expanded by the kubelet from the env below: one room per tester pod.
    "--room",
    "load-test-$(ROOM_INDEX)",
    "--video-publishers",
    String(input.videoPublishersPerRoom),
    ...(input.audioPublishersPerRoom ? ["--audio-publishers", String(input.audioPublishersPerRoom)] : []),
    "--subscribers",
    String(input.subscribersPerRoom),
    "--duration",
    input.duration,
  ];
}

/** Checks the numbers and returns the duration in seconds. */
export function loadTestDurationSeconds(input: LoadTestPodInput): number {
  const whole = (what: string, n: number | undefined, min: number) =>
    invariant(
      n === undefined || (Number.isInteger(n) && n >= min),
      `load test ${what}`,
      `must be a whole number of at least ${min}`,
      n,
    );
  whole("rooms", input.rooms, 1);
  whole("videoPublishersPerRoom", input.videoPublishersPerRoom, 0);
  whole("audioPublishersPerRoom", input.audioPublishersPerRoom, 0);
  whole("subscribersPerRoom", input.subscribersPerRoom, 0);
  whole("resources.cpus", input.resources.cpus, 1);
  whole("resources.memoryGiB", input.resources.memoryGiB, 1);
  const publishers = input.videoPublishersPerRoom + (input.audioPublishersPerRoom ?? 0);
  invariant(
    publishers > 0,
    "load test videoPublishersPerRoom",
    "must leave a room at least one video or audio publisher",
    input.videoPublishersPerRoom,
  );
  const seconds = loadTestDurationInSeconds(input.duration);
  invariant(
    seconds !== undefined && seconds > 0,
    "load test duration",
    'must be a time such as "10m" or "1h"',
    input.duration,
  );
  return seconds;
}
