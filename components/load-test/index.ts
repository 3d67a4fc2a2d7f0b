import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import type { LoadTestKey } from "../credentials";
import { dependenciesOf } from "../shared/dependencies";
import { workloadLabels } from "../shared/annotations";
import { secretKeyName } from "../shared/pods";
import { LOAD_TEST_NODE_POOL, loadTestNodePoolSpec } from "./node-pool";
import { LOAD_TEST_JOB_NAME, loadTestJobSpec, LoadTestPodInput } from "./pod";

export { LOAD_TEST_NODE_POOL } from "./node-pool";
export { LOAD_TEST_JOB_NAME } from "./pod";

export interface LoadTestArgs extends Omit<LoadTestPodInput, "url" | "apiKey"> {
  /** The load test's own namespace, where its key pair's Secret is. */
  namespace: pulumi.Input<string>;
  /** The region's public signalling URL, `wss://<region>.<domain>`: the test goes through the ALB like users do. */
  url: pulumi.Input<string>;
  /** The load tests' own key pair (`Credentials.loadTestKey`), read from its Secret. */
  apiKey: LoadTestKey;
  /** Karpenter's EC2NodeClass for public subnets (nodes with public IPs). */
  publicNodes: { nodeClassName: string };
}

/**
 * A load test the operator starts by hand: an Indexed Job of `lk perf load-test` pods (./pod.ts) on public nodes
 * of their own (./node-pool.ts), created suspended, so `pulumi up` never starts it. Start it with
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
    const { labels } = workloadLabels(LOAD_TEST_JOB_NAME);
    // Built first: it checks the numbers before anything is registered.
    const jobSpec = loadTestJobSpec(
      { ...args, apiKey: { id: secretKeyName(args.apiKey.id), secret: secretKeyName(args.apiKey.secret) } },
      labels,
    );

    new k8s.apiextensions.CustomResource(
      `${name}-nodes`,
      {
        apiVersion: "karpenter.sh/v1",
        kind: "NodePool",
        metadata: { name: LOAD_TEST_NODE_POOL, labels },
        spec: loadTestNodePoolSpec({
          rooms: args.rooms,
          cpusPerTester: args.resources.cpus,
          nodeClassName: args.publicNodes.nodeClassName,
        }),
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
        spec: jobSpec,
      },
      { parent: this },
    );

    this.jobName = job.metadata.name;
    this.registerOutputs({ jobName: this.jobName });
  }
}
