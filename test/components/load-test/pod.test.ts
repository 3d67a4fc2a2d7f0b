import { LOAD_TEST_NODE_POOL, loadTestNodePoolSpec } from "../../../components/load-test/node-pool";
import {
  LOAD_TEST_JOB_NAME,
  LOAD_TEST_SCRATCH,
  LOAD_TEST_UID,
  loadTestDurationSeconds,
  loadTestJobSpec,
  LoadTestPodInput,
  loadTestPodSpec,
} from "../../../components/load-test/pod";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { podSecurityProblems } from "../../../policy/pod-security";
import type { PodSpec } from "../../../policy/workloads";
import { container, plain, volume } from "../../support/builders";
import { isObjectName } from "../../support/kubernetes-names";
import { LOAD_TEST_SETTINGS } from "../../support/media-settings";

/** What the LoadTest component hands the builder: the test's settings and the credentials' Secret keys. */
const INPUT: LoadTestPodInput = {
  ...LOAD_TEST_SETTINGS,
  apiKey: {
    id: { secretName: "livekit-load-test-key", key: "load-test-api-key" },
    secret: { secretName: "livekit-load-test-key", key: "load-test-api-secret" },
  },
};
const LABELS = { "app.kubernetes.io/name": "livekit-load-test" };

const job = plain(loadTestJobSpec(INPUT, LABELS));
const spec = plain(loadTestPodSpec(INPUT));
const lk = container(spec, "lk");
const pool = plain(loadTestNodePoolSpec({ rooms: 4, cpusPerTester: 4, nodeClassName: "public" }));

/** The value after `flag` in the container's args. */
const flag = (args: string[], name: string) => {
  const i = args.indexOf(name);
  return i < 0 ? undefined : args[i + 1];
};

describe("the load test's testers", () => {
  it("are the pods of the Job, created suspended", () => {
    expect(job.template).toEqual({ metadata: { labels: LABELS }, spec });
    expect(job.suspend).toBe(true);
  });

  it("run `lk perf load-test` from the pinned CLI image against the region's public URL", () => {
    const { image, args } = lk;
    expect(image).toBe(versions.images.livekitCli);
    expect(args.slice(args.indexOf("perf"), args.indexOf("perf") + 2)).toEqual(["perf", "load-test"]);
    expect(flag(args, "--url")).toBe("wss://mumbai.example.com");
    expect(flag(args, "--video-publishers")).toBe("10");
    expect(flag(args, "--subscribers")).toBe("140");
    expect(flag(args, "--duration")).toBe("10m");
    expect(args).not.toContain("--audio-publishers");
  });

  it("read the load tests' own API key pair from its Secret, never from their arguments", () => {
    expect(lk.env).toContainEqual({
      name: "LIVEKIT_API_KEY",
      valueFrom: { secretKeyRef: { name: "livekit-load-test-key", key: "load-test-api-key" } },
    });
    expect(lk.env).toContainEqual({
      name: "LIVEKIT_API_SECRET",
      valueFrom: { secretKeyRef: { name: "livekit-load-test-key", key: "load-test-api-secret" } },
    });
    expect(lk.args).not.toContain("--api-key");
    expect(lk.args).not.toContain("--api-secret");
  });

  it("meet the restricted Pod Security Standard: non-root, RuntimeDefault seccomp, no capabilities, read-only root", () => {
    // policy/pod-security.ts: the admission plugin's rules (kubernetes/pod-security-admission v0.35.2).
    expect(podSecurityProblems(spec as PodSpec, "restricted")).toEqual([]);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: LOAD_TEST_UID });
    expect(LOAD_TEST_UID).not.toBe(0);
    expect(lk.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(lk.securityContext.capabilities.add).toBeUndefined();
  });

  it("write only to a memory-backed /tmp, which is also HOME (lk reads ~/.livekit/cli-config.yaml)", () => {
    expect(lk.volumeMounts).toEqual([{ name: LOAD_TEST_SCRATCH.volume, mountPath: "/tmp" }]);
    expect(volume(spec, LOAD_TEST_SCRATCH.volume).emptyDir).toMatchObject({ medium: "Memory" });
    expect(lk.env).toContainEqual({ name: "HOME", value: "/tmp" });
  });

  it("load one room per tester pod, all at once", () => {
    expect(job).toMatchObject({ completionMode: "Indexed", completions: 4, parallelism: 4, backoffLimit: 0 });
    expect(flag(lk.args, "--room")).toBe("load-test-$(ROOM_INDEX)");
    expect(lk.env).toContainEqual({
      name: "ROOM_INDEX",
      valueFrom: { fieldRef: { fieldPath: "metadata.annotations['batch.kubernetes.io/job-completion-index']" } },
    });
  });

  it("run on public nodes of their own, away from the SFUs they measure and off the NAT gateway", () => {
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "load-test" });
    expect(spec.tolerations).toEqual([
      { key: "livekit-platform/load-test", value: "true", effect: "NoSchedule", operator: "Equal" },
    ]);
    expect(pool.template.spec.nodeClassRef).toEqual({
      group: "karpenter.k8s.aws",
      kind: "EC2NodeClass",
      name: "public",
    });
    expect(pool.template.metadata.labels).toEqual({ [NODE_ROLE_LABEL]: LOAD_TEST_NODE_POOL });
    expect(pool.template.spec.taints).toEqual([
      { key: "livekit-platform/load-test", value: "true", effect: "NoSchedule" },
    ]);
    expect(Number(pool.limits.cpu)).toBeGreaterThanOrEqual(4 * 4);
    expect(pool.disruption.consolidationPolicy).toBe("WhenEmpty");
    expect(spec.restartPolicy).toBe("Never");
    expect(lk.resources).toEqual({ requests: { cpu: "4", memory: "4Gi" }, limits: { memory: "4Gi" } });
  });

  it("give up after the test's duration plus time to ramp up and report", () => {
    expect(job.activeDeadlineSeconds).toBe(600 + 900);
  });

  it("add audio publishers when asked", () => {
    const audio = container(plain(loadTestPodSpec({ ...INPUT, audioPublishersPerRoom: 20 })), "lk");
    expect(flag(audio.args, "--audio-publishers")).toBe("20");
  });

  it("pass lk only flags with their values after `perf load-test`, nothing it would take for another argument", () => {
    // The flags of `lk perf load-test` (livekit-cli v2.18.2) this builder sets, each with a value.
    const flags = ["--room", "--video-publishers", "--audio-publishers", "--subscribers", "--duration"];
    for (const input of [INPUT, { ...INPUT, audioPublishersPerRoom: 20 }]) {
      const args = container(plain(loadTestPodSpec(input)), "lk").args as string[];
      expect(args.slice(0, 4)).toEqual(["--url", "wss://mumbai.example.com", "perf", "load-test"]);
      const rest = args.slice(4);
      expect(rest.length % 2).toBe(0);
      for (let i = 0; i < rest.length; i += 2) {
        expect(flags).toContain(rest[i]);
        expect(rest[i + 1]).not.toMatch(/^-/);
      }
    }
  });

  it("get no Kubernetes API token and no service environment variables: they talk to the public URL only", () => {
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
  });

  it("bound their scratch space, which counts against the tester's memory", () => {
    // A memory-backed emptyDir is charged to the pod's memory (Kubernetes docs, emptyDir: medium Memory).
    const { sizeLimit } = volume(spec, LOAD_TEST_SCRATCH.volume).emptyDir;
    const mebibytes = /^(\d+)Mi$/.exec(sizeLimit)?.[1];
    expect(Number(mebibytes)).toBeGreaterThan(0);
    expect(Number(mebibytes)).toBeLessThan(parseInt(lk.resources.limits.memory, 10) * 1024);
  });

  it("are a Job whose name the API server and its pods' job-name label take", () => {
    // The Job controller labels its pods batch.kubernetes.io/job-name=<name>: a label value, at most 63 characters.
    expect(isObjectName(LOAD_TEST_JOB_NAME)).toBe(true);
    expect(LOAD_TEST_JOB_NAME.length).toBeLessThanOrEqual(63);
  });

  it.each([
    ["rooms", { rooms: 0 }, 1, 0],
    ["rooms", { rooms: 1.5 }, 1, 1.5],
    ["videoPublishersPerRoom", { videoPublishersPerRoom: -1 }, 0, -1],
    ["audioPublishersPerRoom", { audioPublishersPerRoom: 0.5 }, 0, 0.5],
    ["subscribersPerRoom", { subscribersPerRoom: -2 }, 0, -2],
    ["resources.cpus", { resources: { cpus: 0, memoryGiB: 4 } }, 1, 0],
    ["resources.memoryGiB", { resources: { cpus: 4, memoryGiB: 0.5 } }, 1, 0.5],
  ])("refuse %s that is no whole number of at least its least", (key, change, least, value) => {
    expect(() => loadTestDurationSeconds({ ...INPUT, ...change })).toThrow(
      `load test ${key}: must be a whole number of at least ${least}, got ${value}`,
    );
  });

  it("take rooms of audio publishers only, and no subscribers", () => {
    expect(loadTestDurationSeconds({ ...INPUT, videoPublishersPerRoom: 0, audioPublishersPerRoom: 5 })).toBe(600);
    expect(loadTestDurationSeconds({ ...INPUT, subscribersPerRoom: 0 })).toBe(600);
  });

  it("refuse a duration lk cannot parse and a room with no publisher", () => {
    expect(() => loadTestJobSpec({ ...INPUT, duration: "10 minutes" }, LABELS)).toThrow(
      'load test duration: must be a time such as "10m" or "1h", got "10 minutes"',
    );
    expect(() => loadTestDurationSeconds({ ...INPUT, videoPublishersPerRoom: 0 })).toThrow(
      /^load test videoPublishersPerRoom: must leave a room at least one video or audio publisher, got 0$/,
    );
    expect(loadTestDurationSeconds({ ...INPUT, duration: "2h" })).toBe(7200);
    // A test of no time measures nothing.
    expect(() => loadTestDurationSeconds({ ...INPUT, duration: "0s" })).toThrow(
      'load test duration: must be a time such as "10m" or "1h", got "0s"',
    );
  });
});

describe("the testers' nodes", () => {
  const { requirements, expireAfter } = pool.template.spec;
  /** Karpenter's duration format (karpenter.sh_nodepools.yaml 151 and 246 at aws/karpenter-provider-aws v1.14.1). */
  const seconds = (duration: string) => {
    expect(duration).toMatch(/^(([0-9]+(s|m|h))+|Never)$/);
    return [...duration.matchAll(/(\d+)([smh])/g)].reduce(
      (sum, [, n, unit]) => sum + Number(n) * { s: 1, m: 60, h: 3600 }[unit as "s" | "m" | "h"],
      0,
    );
  };

  it("take spot capacity where EC2 has it and on-demand where it does not: a reclaimed tester is one failed index", () => {
    const capacity = requirements.find((r: { key: string }) => r.key === "karpenter.sh/capacity-type");
    expect(capacity.operator).toBe("In");
    expect([...capacity.values].sort()).toEqual(["on-demand", "spot"]);
  });

  it("are x86 Linux instances of the compute or general-purpose families, sixth generation or later", () => {
    expect(requirements).toEqual([
      { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
      { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] },
      { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
      { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
      { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
    ]);
    // The NodePool CRD's own rules (karpenter.sh_nodepools.yaml 344-346): In takes at least one value; Gt exactly
    // one whole number.
    for (const { operator, values } of requirements) {
      if (operator === "In") expect(values.length).toBeGreaterThan(0);
      if (operator === "Gt") expect(values).toEqual([expect.stringMatching(/^\d+$/)]);
    }
  });

  it("leave a minute after their last tester, and outlive a test that runs its full deadline", () => {
    expect(pool.disruption).toEqual({ consolidationPolicy: "WhenEmpty", consolidateAfter: "1m" });
    expect(seconds(pool.disruption.consolidateAfter)).toBe(60);
    // Expiry drains a node whatever runs on it (disruption.md 176 at v1.14.1).
    expect(seconds(expireAfter)).toBe(24 * 3600);
    expect(seconds(expireAfter)).toBeGreaterThan(job.activeDeadlineSeconds);
  });
});
