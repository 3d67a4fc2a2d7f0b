/**
 * The in-cluster k6 Job (k6/job.yaml) against what the platform really names: the credentials' API key
 * Secret, the workload namespace, node roles, and the policies its objects must pass.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";
import { API_KEY_SECRET_KEYS } from "../../components/credentials/api-keys";
import { LoadTest } from "../../components/load-test";
import { configMapsHoldNoCredentials, containerImagesPinned } from "../../policy/policies";
import { podSecurityProblems } from "../../policy/pod-security";
import { LOAD_TEST_NAMESPACE } from "../../stacks/region";
import { inputsOf, resourcesOfType } from "../../tools/plan/engine";
import { mediaPlane } from "../support/media-plane";
import { projectRoot, runComponents } from "../support/plan";
import { check } from "../support/policy";

const k6Dir = path.join(projectRoot, "k6");

describe("k6 signalling Job", () => {
  const job = parse(fs.readFileSync(path.join(k6Dir, "job.yaml"), "utf8"));
  const pod = job.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

  it("reads the load tests' API key pair from the credentials' Secret, in the load test's namespace", async () => {
    const plan = await runComponents(() => mediaPlane());
    const secret = resourcesOfType(plan, "kubernetes:core/v1:Secret")
      .map((r) => inputsOf(r))
      .find((s) => API_KEY_SECRET_KEYS.loadTestApiSecret in (s.stringData ?? {}))!;
    expect(job.metadata.namespace).toBe(LOAD_TEST_NAMESPACE);
    expect(secret.metadata.namespace).toBe(LOAD_TEST_NAMESPACE);
    expect(env.LIVEKIT_API_KEY).toEqual({
      secretKeyRef: { name: secret.metadata.name, key: API_KEY_SECRET_KEYS.loadTestApiKey },
    });
    expect(env.LIVEKIT_API_SECRET).toEqual({
      secretKeyRef: { name: secret.metadata.name, key: API_KEY_SECRET_KEYS.loadTestApiSecret },
    });
  });

  it("meets the restricted Pod Security Standard its namespace enforces", () => {
    expect(podSecurityProblems(pod, "restricted")).toEqual([]);
  });

  it("mounts the script where it imports its token module from, and runs it", () => {
    expect(fs.readFileSync(path.join(k6Dir, "signalling.js"), "utf8")).toMatch(/from ["']\.\/lib\/token\.js["']/);
    const scripts = pod.volumes.find((v: any) => v.name === "scripts");
    expect(scripts.configMap.items).toEqual([
      { key: "signalling.js", path: "signalling.js" },
      { key: "token.js", path: "lib/token.js" },
    ]);
    const mount = container.volumeMounts.find((m: any) => m.name === "scripts");
    expect(container.args).toEqual(["run", `${mount.mountPath}/signalling.js`]);
  });

  it("runs on the load-test nodes (public IPs), a pinned image, and gives each pod rooms of its own", async () => {
    const loadTest = await runComponents(() => {
      const { provider, credentials, livekit } = mediaPlane();
      new LoadTest(
        "mumbai-load-test",
        {
          namespace: LOAD_TEST_NAMESPACE,
          url: "wss://mumbai.example.com",
          apiKey: credentials.loadTestKey,
          rooms: 1,
          videoPublishersPerRoom: 1,
          subscribersPerRoom: 1,
          duration: "1m",
          resources: { cpus: 1, memoryGiB: 1 },
          publicNodes: { nodeClassName: "public" },
        },
        { providers: [provider], dependsOn: [livekit] },
      );
    });
    const testers = resourcesOfType(loadTest, "kubernetes:batch/v1:Job").map((r) => inputsOf(r))[0].spec.template.spec;
    expect(pod.nodeSelector).toEqual(testers.nodeSelector);
    expect(pod.tolerations).toEqual(testers.tolerations);
    expect(await check(containerImagesPinned, { type: "kubernetes:batch/v1:Job", name: "k6", props: job })).toEqual([]);
    expect(env.ROOM_PREFIX).toBe("k6-$(POD_NAME)");
    expect(container.env.findIndex((e: any) => e.name === "POD_NAME")).toBeLessThan(
      container.env.findIndex((e: any) => e.name === "ROOM_PREFIX"),
    );
  });

  it("ships scripts that pass the ConfigMap credentials policy", async () => {
    const data = {
      "signalling.js": fs.readFileSync(path.join(k6Dir, "signalling.js"), "utf8"),
      "token.js": fs.readFileSync(path.join(k6Dir, "lib", "token.js"), "utf8"),
    };
    expect(
      await check(configMapsHoldNoCredentials, {
        type: "kubernetes:core/v1:ConfigMap",
        name: "k6-signalling",
        props: { metadata: { name: "k6-signalling" }, data },
      }),
    ).toEqual([]);
  });
});
