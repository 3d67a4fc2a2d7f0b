import { LiveKit } from "../../../components/livekit";
import { LoadTest, LoadTestArgs } from "../../../components/load-test";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { PlanResult, resourcesOfType } from "../../../tools/engine";
import {
  K8S_TYPES,
  k8sProvider,
  kubernetesObjectProblems,
  liveKitArgs,
  NAMESPACE,
  object,
} from "../../support/media-plane";
import { runComponents } from "../../support/plan";

type Settings = Omit<LoadTestArgs, "provider" | "namespace" | "apiKeySecret" | "publicNodes">;
const settings: Settings = {
  url: "wss://mumbai.example.com",
  rooms: 4,
  videoPublishersPerRoom: 10,
  subscribersPerRoom: 140,
  duration: "10m",
  resources: { cpus: 4, memoryGiB: 4 },
};

/** LiveKit and a LoadTest against it, as the region stack wires them; call inside runComponents. */
function buildLoadTest(overrides: Partial<Settings> = {}): void {
  const provider = k8sProvider();
  const livekit = new LiveKit("mumbai", liveKitArgs(provider), { providers: [provider] });
  new LoadTest(
    "mumbai",
    {
      namespace: livekit.namespace,
      apiKeySecret: livekit.apiKeySecret,
      publicNodes: { nodeClassName: "public" },
      ...settings,
      ...overrides,
    },
    { providers: [provider], dependsOn: [livekit] },
  );
}

const plan = (overrides: Partial<Settings> = {}) => runComponents(() => buildLoadTest(overrides));

const jobOf = (result: PlanResult) => object(result, K8S_TYPES.job, "livekit-load-test");
const containerOf = (result: PlanResult) => jobOf(result).spec.template.spec.containers[0];

/** The value after `flag` in the container's args. */
const flag = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

describe("LoadTest", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan();
  });

  it("sends only objects the Kubernetes API accepts, with no misspelt field", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
  });

  it("is created suspended, so `pulumi up` neither starts it nor waits for it", () => {
    const job = jobOf(result);
    expect(job.spec.suspend).toBe(true);
    expect(job.metadata.annotations["pulumi.com/skipAwait"]).toBe("true");
    expect(job.metadata.namespace).toBe(NAMESPACE);
  });

  it("runs `lk perf load-test` from the pinned CLI image against the region's public URL", () => {
    const { image, args } = containerOf(result);
    expect(image).toBe(versions.images.livekitCli);
    expect(args.slice(args.indexOf("perf"), args.indexOf("perf") + 2)).toEqual(["perf", "load-test"]);
    expect(flag(args, "--url")).toBe("wss://mumbai.example.com");
    expect(flag(args, "--video-publishers")).toBe("10");
    expect(flag(args, "--subscribers")).toBe("140");
    expect(flag(args, "--duration")).toBe("10m");
    expect(args).not.toContain("--audio-publishers");
  });

  it("reads the load tests' own API key pair from LiveKit's Secret, never from its arguments", () => {
    const { env, args } = containerOf(result);
    const keys = object(result, K8S_TYPES.secret, "livekit-api-keys");
    expect(env).toContainEqual({
      name: "LIVEKIT_API_KEY",
      valueFrom: { secretKeyRef: { name: keys.metadata.name, key: "load-test-api-key" } },
    });
    expect(env).toContainEqual({
      name: "LIVEKIT_API_SECRET",
      valueFrom: { secretKeyRef: { name: keys.metadata.name, key: "load-test-api-secret" } },
    });
    expect(args).not.toContain("--api-key");
    expect(args).not.toContain("--api-secret");
    expect(JSON.stringify(jobOf(result))).not.toContain(keys.stringData["load-test-api-secret"]);
    // The pair is the load tests' alone: its id names it, and it is neither the application's nor egress's.
    expect(keys.stringData["load-test-api-key"]).toMatch(/^LOADTEST[A-Za-z0-9]{12}$/);
  });

  it("loads one room per tester pod, all at once", () => {
    const job = jobOf(result);
    expect(job.spec).toMatchObject({ completionMode: "Indexed", completions: 4, parallelism: 4, backoffLimit: 0 });
    const { args, env } = containerOf(result);
    expect(flag(args, "--room")).toBe("load-test-$(ROOM_INDEX)");
    expect(env).toContainEqual({
      name: "ROOM_INDEX",
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
  });

  it("runs on public nodes of its own, away from the SFUs it measures and off the NAT gateway", () => {
    const spec = jobOf(result).spec.template.spec;
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "load-test" });
    expect(spec.tolerations).toEqual([
      { key: "livekit-platform/load-test", value: "true", effect: "NoSchedule", operator: "Equal" },
    ]);
    const pool = object(result, "kubernetes:karpenter.sh/v1:NodePool", "load-test");
    expect(pool.spec.template.spec.nodeClassRef).toEqual({
      group: "karpenter.k8s.aws",
      kind: "EC2NodeClass",
      name: "public",
    });
    expect(pool.spec.template.metadata.labels).toEqual({ [NODE_ROLE_LABEL]: "load-test" });
    expect(pool.spec.template.spec.taints).toEqual([
      { key: "livekit-platform/load-test", value: "true", effect: "NoSchedule" },
    ]);
    expect(Number(pool.spec.limits.cpu)).toBeGreaterThanOrEqual(4 * 4);
    expect(pool.spec.disruption.consolidationPolicy).toBe("WhenEmpty");
    expect(spec.restartPolicy).toBe("Never");
    expect(containerOf(result).resources).toEqual({ requests: { cpu: "4", memory: "4Gi" }, limits: { memory: "4Gi" } });
  });

  it("gives up after the test's duration plus time to ramp up and report", () => {
    expect(jobOf(result).spec.activeDeadlineSeconds).toBe(600 + 900);
  });

  it("adds audio publishers when asked", async () => {
    const audio = await plan({ audioPublishersPerRoom: 20 });
    expect(flag(containerOf(audio).args, "--audio-publishers")).toBe("20");
  });

  it("refuses a duration lk cannot parse and a room with no publisher", async () => {
    const constructionError = async (overrides: Partial<Settings>) => {
      let error: unknown;
      await runComponents(() => {
        try {
          buildLoadTest(overrides);
        } catch (e) {
          error = e;
        }
      });
      return String(error);
    };
    expect(await constructionError({ duration: "10 minutes" })).toBe(
      'InputError: load test duration: must be a time such as "10m" or "1h", got "10 minutes"',
    );
    expect(await constructionError({ videoPublishersPerRoom: 0 })).toMatch(
      /^InputError: load test videoPublishersPerRoom: must leave a room at least one video or audio publisher, got 0$/,
    );
    expect(resourcesOfType(result, K8S_TYPES.job)).toHaveLength(1);
  });
});
