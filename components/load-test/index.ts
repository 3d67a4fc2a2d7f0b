import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { NODE_ROLE_LABEL } from "../shared/node-roles";
import { versions } from "../../lib/versions";
import { API_KEY_SECRET_KEYS } from "../livekit";
import { workloadLabels } from "../shared/annotations";
import { invariant } from "../shared/invariant";
import { loadTestPoolCpu } from "./defaults";

/** Name of the Job, for the kubectl commands below. */
export const LOAD_TEST_JOB_NAME = "livekit-load-test";

/**
 * Testers run on nodes of their own, in public subnets: simulated participants send and receive media to and
 * from the SFUs' public addresses, which from a private subnet would all pass the NAT gateway (tens of Gbps
 * at a full-size test). A dedicated Karpenter NodePool on the outbound node class (public IPs, no inbound rule), tainted so nothing else
 * lands there; it has nodes only while the Job runs.
 */
export const LOAD_TEST_NODE_POOL = "load-test";
const LOAD_TEST_TAINT = { key: "livekit-platform/load-test", value: "true", effect: "NoSchedule" } as const;

export interface LoadTestArgs {
  /** Namespace of the API key Secret (the media plane's). */
  namespace: pulumi.Input<string>;
  /** The region's public signalling URL, `wss://<region>.<domain>`: the test goes through the ALB like users do. */
  url: pulumi.Input<string>;
  /** `LiveKit.apiKeySecret`: the tester reads the load tests' key pair from it (keys API_KEY_SECRET_KEYS). */
  apiKeySecret: k8s.core.v1.Secret;
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
  /** Karpenter's EC2NodeClass for public subnets (nodes with public IPs). */
  publicNodes: { nodeClassName: pulumi.Input<string> };
}

/**
 * A load test the operator starts by hand: an Indexed Job of `lk perf load-test` pods on public nodes of their own,
 * created suspended, so `pulumi up` never starts it. Start it with
 *
 *     kubectl -n <namespace> patch job livekit-load-test --type=merge -p '{"spec":{"suspend":false}}'
 *
 * and read each room's results with `kubectl -n <namespace> logs -l job-name=livekit-load-test --tail=-1`.
 * A Job runs once: to run it again, `pulumi up --replace <this Job's URN>` re-creates it suspended.
 *
 * Options: the cluster's Kubernetes provider (`providers`); in `dependsOn`, Karpenter (the tester NodePool needs
 * its CRDs).
 */
export class LoadTest extends pulumi.ComponentResource {
  readonly jobName: pulumi.Output<string>;

  constructor(name: string, args: LoadTestArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:loadtest:LoadTest", name, {}, opts);
    const durationSeconds = checkLoadTestArgs(args);
    const { labels } = workloadLabels(LOAD_TEST_JOB_NAME);
    const fromKeySecret = (key: string) => ({ secretKeyRef: { name: args.apiKeySecret.metadata.name, key } });

    const command = [
      "--url",
      args.url,
      "perf",
      "load-test",
      // $(ROOM_INDEX) is expanded by the kubelet from the env below: one room per tester pod.
      "--room",
      "load-test-$(ROOM_INDEX)",
      "--video-publishers",
      String(args.videoPublishersPerRoom),
      ...(args.audioPublishersPerRoom ? ["--audio-publishers", String(args.audioPublishersPerRoom)] : []),
      "--subscribers",
      String(args.subscribersPerRoom),
      "--duration",
      args.duration,
    ];

    const poolCpu = loadTestPoolCpu(args.rooms, args.resources.cpus);
    new k8s.apiextensions.CustomResource(
      `${name}-nodes`,
      {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: LOAD_TEST_NODE_POOL, labels },
        spec: {
          template: {
            metadata: { labels: { [NODE_ROLE_LABEL]: LOAD_TEST_NODE_POOL } },
            spec: {
              nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: args.publicNodes.nodeClassName },
              taints: [LOAD_TEST_TAINT],
              requirements: [
                // A drill: spot is fine (a reclaimed tester shows as a failed index).
                { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
                { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] },
                { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
                { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
                { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
              ],
              expireAfter: "24h",
            },
          },
          disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "1m" },
          limits: { cpu: String(poolCpu) },
        },
      },
      // Karpenter's CRDs must exist first (the component's dependsOn, named again).
      { parent: this, dependsOn: dependenciesOf(opts) },
    );

    const job = new k8s.batch.v1.Job(
      `${name}-load-test`,
      {
        metadata: {
          name: LOAD_TEST_JOB_NAME,
          namespace: args.namespace,
          labels,
          // A suspended Job never completes: do not let `pulumi up` wait for it.
          annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
          suspend: true,
          completionMode: "Indexed",
          completions: args.rooms,
          parallelism: args.rooms,
          backoffLimit: 0, // a failed load test is a result to read, not something to retry
          // The clock stops while suspended; leave room to ramp up (testers join a few per second) and report.
          activeDeadlineSeconds: durationSeconds + 900,
          template: {
            metadata: { labels },
            spec: {
              nodeSelector: { [NODE_ROLE_LABEL]: LOAD_TEST_NODE_POOL },
              tolerations: [{ ...LOAD_TEST_TAINT, operator: "Equal" }],
              restartPolicy: "Never",
              enableServiceLinks: false,
              automountServiceAccountToken: false,
              containers: [
                {
                  name: "lk",
                  image: versions.images.livekitCli, // entrypoint: /lk
                  args: command,
                  env: [
                    {
                      name: "ROOM_INDEX",
                      valueFrom: {
                        fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" },
                      },
                    },
                    // lk reads these when --api-key/--api-secret are not given (cmd/lk/utils.go globalFlags).
                    // The load tests' own pair: never the application's or egress's.
                    { name: "LIVEKIT_API_KEY", valueFrom: fromKeySecret(API_KEY_SECRET_KEYS.loadTestApiKey) },
                    { name: "LIVEKIT_API_SECRET", valueFrom: fromKeySecret(API_KEY_SECRET_KEYS.loadTestApiSecret) },
                  ],
                  resources: {
                    requests: { cpu: `${args.resources.cpus}`, memory: `${args.resources.memoryGiB}Gi` },
                    limits: { memory: `${args.resources.memoryGiB}Gi` },
                  },
                  securityContext: { allowPrivilegeEscalation: false },
                },
              ],
            },
          },
        },
      },
      { parent: this },
    );

    this.jobName = job.metadata.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}

/** Checks the numbers and returns the duration in seconds. */
function checkLoadTestArgs(args: LoadTestArgs): number {
  const whole = (what: string, n: number | undefined, min: number) =>
    invariant(
      n === undefined || (Number.isInteger(n) && n >= min),
      `load test ${what}`,
      `must be a whole number of at least ${min}`,
      n,
    );
  whole("rooms", args.rooms, 1);
  whole("videoPublishersPerRoom", args.videoPublishersPerRoom, 0);
  whole("audioPublishersPerRoom", args.audioPublishersPerRoom, 0);
  whole("subscribersPerRoom", args.subscribersPerRoom, 0);
  whole("resources.cpus", args.resources.cpus, 1);
  whole("resources.memoryGiB", args.resources.memoryGiB, 1);
  const publishers = args.videoPublishersPerRoom + (args.audioPublishersPerRoom ?? 0);
  invariant(
    publishers > 0,
    "load test videoPublishersPerRoom",
    "must leave a room at least one video or audio publisher",
    args.videoPublishersPerRoom,
  );
  const match = /^(\d+)(s|m|h)$/.exec(args.duration);
  invariant(match && Number(match[1]) > 0, "load test duration", 'must be a time such as "10m" or "1h"', args.duration);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2] as "s" | "m" | "h"];
}
