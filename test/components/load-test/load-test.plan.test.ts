import { LoadTest, LoadTestArgs } from "../../../components/load-test";
import { loadTestJobSpec } from "../../../components/load-test/pod";
import { loadTestNodePoolSpec } from "../../../components/load-test/node-pool";
import { PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import {
  K8S_TYPES,
  kubernetesObjectProblems,
  LOAD_TEST_SETTINGS,
  mediaPlane,
  NAMESPACE,
  object,
} from "../../support/media-plane";
import { runComponents } from "../../support/plan";

type Settings = Omit<LoadTestArgs, "namespace" | "apiKey" | "publicNodes">;
const settings: Settings = LOAD_TEST_SETTINGS;
const NODE_POOL = "kubernetes:karpenter.sh/v1:NodePool";

/** The credentials and a LoadTest reading them, as the region stack wires them; the pods are pod.test.ts's. */
function buildLoadTest(overrides: Partial<Settings> = {}): void {
  const { provider, credentials, livekit } = mediaPlane();
  new LoadTest(
    "mumbai-load-test",
    {
      namespace: NAMESPACE,
      apiKey: credentials.loadTestKey,
      publicNodes: { nodeClassName: "public" },
      ...settings,
      ...overrides,
    },
    { providers: [provider], dependsOn: [livekit] },
  );
}

const plan = (overrides: Partial<Settings> = {}) => runComponents(() => buildLoadTest(overrides));

const jobOf = (result: PlanResult) => object(result, K8S_TYPES.job, "livekit-load-test");

describe("LoadTest", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan();
  });

  it("sends only objects the Kubernetes API accepts, with no misspelt field", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
  });

  it("runs the Job and the NodePool its builders make", () => {
    const job = jobOf(result);
    const apiKey = {
      id: { secretName: "livekit-load-test-key", key: "load-test-api-key" },
      secret: { secretName: "livekit-load-test-key", key: "load-test-api-secret" },
    };
    expect(job.spec).toEqual(loadTestJobSpec({ ...settings, apiKey }, job.metadata.labels));
    expect(object(result, NODE_POOL, "load-test").spec).toEqual(
      loadTestNodePoolSpec({ rooms: 4, cpusPerTester: 4, nodeClassName: "public" }),
    );
  });

  it("is created suspended, so `pulumi up` neither starts it nor waits for it", () => {
    const job = jobOf(result);
    expect(job.spec.suspend).toBe(true);
    expect(job.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect(job.metadata.namespace).toBe(NAMESPACE);
  });

  it("reads the load tests' own API key pair from the credentials' Secret, never from its arguments", () => {
    const { env } = jobOf(result).spec.template.spec.containers[0];
    const keys = object(result, K8S_TYPES.secret, "livekit-load-test-key");
    expect(env).toContainEqual({
      name: "LIVEKIT_API_KEY",
      valueFrom: { secretKeyRef: { name: keys.metadata.name, key: "load-test-api-key" } },
    });
    expect(env).toContainEqual({
      name: "LIVEKIT_API_SECRET",
      valueFrom: { secretKeyRef: { name: keys.metadata.name, key: "load-test-api-secret" } },
    });
    expect(JSON.stringify(jobOf(result))).not.toContain(keys.stringData["load-test-api-secret"]);
    // The pair is the load tests' alone: its id names it, and it is neither the application's nor egress's.
    expect(keys.stringData["load-test-api-key"]).toMatch(/^LOADTEST[A-Za-z0-9]{12}$/);
  });

  it("refuses a duration lk cannot parse and a room with no publisher, before it registers anything", async () => {
    const construction = async (overrides: Partial<Settings>) => {
      let error: unknown;
      const planned = await runComponents(() => {
        try {
          buildLoadTest(overrides);
        } catch (e) {
          error = e;
        }
      });
      return { error: String(error), nodePools: resourcesOfType(planned, NODE_POOL).length };
    };
    expect(await construction({ duration: "10 minutes" })).toEqual({
      error: 'InputError: load test duration: must be a time such as "10m" or "1h", got "10 minutes"',
      nodePools: 0,
    });
    const noPublisher = await construction({ videoPublishersPerRoom: 0 });
    expect(noPublisher.error).toMatch(
      /^InputError: load test videoPublishersPerRoom: must leave a room at least one video or audio publisher, got 0$/,
    );
    expect(noPublisher.nodePools).toBe(0);
    expect(resourcesOfType(result, K8S_TYPES.job)).toHaveLength(1);
  });
});
