import { createHash } from "crypto";
import { parse } from "yaml";
import { LiveKit, LiveKitArgs } from "../../../components/livekit";
import { liveKitDeploymentSpec } from "../../../components/livekit/pod";
import { InputError } from "../../../lib/errors";
import { inputsOf, PlanResult } from "../../../tools/plan/engine";
import {
  configMapTexts,
  credentialsArgs,
  K8S_TYPES,
  kubernetesObjectProblems,
  liveKitArgs,
  liveKitConfig,
  mediaPlane,
  NAMESPACE,
  object,
  only,
  REDIS_HOST,
  REDIS_PASSWORD,
  REDIS_SECRET,
  serverSettings,
  k8sProvider,
} from "../../support/media-plane";
import { container } from "../../support/builders";
import { runComponents } from "../../support/plan";
import {
  admit,
  AdmissionRequest,
  expressionProblems,
  podOf,
  podPatch,
  PolicyObjects,
  serviceAccountUser,
} from "../../support/admission-policy";
import { Credentials } from "../../../components/credentials";

const ADMISSION_TYPES = {
  policy: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
  binding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
};
const COST = "controller.kubernetes.io/pod-deletion-cost";

/** The region's credentials and LiveKit reading them; the pod itself is test/components/livekit/pod.test.ts's. */
const plan = (livekit: Partial<LiveKitArgs> = {}) => runComponents(() => mediaPlane({ livekit }));

const deploymentOf = (result: PlanResult) => object(result, K8S_TYPES.deployment, "livekit-server");
const checksumOf = (result: PlanResult) =>
  deploymentOf(result).spec.template.metadata.annotations["livekit-platform/config-sha256"];

describe("LiveKit", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan();
  });

  it("sends only objects the Kubernetes API accepts, with no misspelt field", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
  });

  it("runs the pod its builder makes, on the objects the component and the credentials made", () => {
    const secretName = (name: string) => object(result, K8S_TYPES.secret, name).metadata.name;
    const keyFile = object(result, K8S_TYPES.secret, "livekit-api-keys").stringData["keys.yaml"];
    const expected = liveKitDeploymentSpec({
      server: serverSettings,
      resources: { cpuRequestMillis: 6500, memoryRequestMiB: 2048, memoryLimitMiB: 4096 },
      configMapName: inputsOf(only(result, K8S_TYPES.configMap)).metadata.name,
      serviceAccountName: object(result, K8S_TYPES.serviceAccount, "livekit-server").metadata.name,
      redisPassword: { secretName: secretName(REDIS_SECRET.name), key: REDIS_SECRET.key },
      keyFile: { secretName: secretName("livekit-api-keys"), key: "keys.yaml" },
      turnSecret: { secretName: secretName("livekit-turn-secret"), generation: "1" },
      signingKeyId: credentialsArgs().applicationKeys.signing.id,
      checksums: { config: checksumOf(result), keys: createHash("sha256").update(keyFile).digest("hex") },
    });
    expect(deploymentOf(result).spec).toEqual(expected);
  });

  it("lets only the deletion-cost sidecar's account patch pods, and nothing else", () => {
    const role = object(result, "kubernetes:rbac.authorization.k8s.io/v1:Role", "livekit-server-deletion-cost");
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }]);
    const binding = object(
      result,
      "kubernetes:rbac.authorization.k8s.io/v1:RoleBinding",
      "livekit-server-deletion-cost",
    );
    expect(binding.subjects).toEqual([{ kind: "ServiceAccount", name: "livekit-server", namespace: NAMESPACE }]);
    expect(deploymentOf(result).spec.template.spec.serviceAccountName).toBe("livekit-server");
  });

  describe("the deletion-cost sidecar's admission policy", () => {
    const NAMESPACE_LABELS = { "kubernetes.io/metadata.name": NAMESPACE };
    let policy: PolicyObjects;
    let pod: Record<string, any>;
    let otherPod: Record<string, any>;
    /** The sidecar of `pod`: its projected token is bound to that pod. */
    let sidecar: AdmissionRequest["userInfo"];
    /** The merge patch the rendered sidecar script sends, with a participant count filled in. */
    let ownPatch: unknown;
    const verdict = (request: AdmissionRequest) => admit(policy, request, NAMESPACE_LABELS);
    /** The pod's containers with the server's image replaced (the sidecar unchanged). */
    const withImage = (image: string) =>
      deploymentOf(result).spec.template.spec.containers.map((c: any) =>
        c.name === "livekit-server" ? { ...c, image } : c,
      );
    beforeAll(() => {
      policy = {
        policy: object(result, ADMISSION_TYPES.policy, "livekit-server-deletion-cost") as PolicyObjects["policy"],
        binding: object(result, ADMISSION_TYPES.binding, "livekit-server-deletion-cost") as PolicyObjects["binding"],
      };
      pod = podOf(deploymentOf(result), "livekit-server-5f7c9d8b6-x2k4q");
      otherPod = podOf(deploymentOf(result), "livekit-server-5f7c9d8b6-p9zr7");
      sidecar = serviceAccountUser(NAMESPACE, "livekit-server", { name: pod.metadata.name, uid: pod.metadata.uid });
      const script: string = container(deploymentOf(result).spec.template.spec, "deletion-cost").command[2];
      const data = /--data "((?:[^"\\]|\\.)*)"/.exec(script)![1];
      ownPatch = JSON.parse(data.replace(/\\"/g, '"').replace("$n", "12"));
    });

    it("type-checks as CEL, fails closed, and matches only UPDATEs of pods in the namespace by the sidecar's account", () => {
      expect(expressionProblems(policy.policy)).toEqual([]);
      const { spec } = policy.policy;
      expect(spec.failurePolicy).toBe("Fail");
      expect(spec.matchConstraints).toEqual({
        resourceRules: [
          { apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["UPDATE"], scope: "Namespaced" },
        ],
        namespaceSelector: { matchLabels: NAMESPACE_LABELS },
        matchPolicy: "Equivalent",
      });
      expect(policy.binding.spec).toEqual({ policyName: "livekit-server-deletion-cost", validationActions: ["Deny"] });
    });

    it("lets the sidecar set its own pod's deletion cost with the patch its script sends", () => {
      expect(ownPatch).toEqual({ metadata: { annotations: { "controller.kubernetes.io/pod-deletion-cost": "12" } } });
      expect(verdict(podPatch(pod, ownPatch, sidecar))).toEqual({ applies: true, allowed: true });
      // Again, once the annotation is there.
      const annotated = podPatch(pod, ownPatch, sidecar).object as Record<string, any>;
      expect(verdict(podPatch(annotated, { metadata: { annotations: { [COST]: "3" } } }, sidecar))).toEqual({
        applies: true,
        allowed: true,
      });
    });

    it.each([
      ["a container image", () => ({ spec: { containers: withImage("evil:1") } }), "spec"],
      ["a label", () => ({ metadata: { labels: { "app.kubernetes.io/name": "other" } } }), "labels"],
      ["the owner references", () => ({ metadata: { ownerReferences: null } }), "labels"],
      ["a finalizer", () => ({ metadata: { finalizers: ["example.com/hold"] } }), "labels"],
      [
        "another annotation",
        () => ({ metadata: { annotations: { "karpenter.sh/do-not-disrupt": null } } }),
        "annotation",
      ],
      [
        "another annotation beside the cost",
        () => ({ metadata: { annotations: { [COST]: "1", "x/y": "z" } } }),
        "annotation",
      ],
    ])("denies the sidecar a patch of %s, even on its own pod", (_, patch, word) => {
      const outcome = verdict(podPatch(pod, patch(), sidecar));
      expect(outcome).toMatchObject({ applies: true, allowed: false });
      expect((outcome as { message: string }).message).toContain(word);
    });

    it("denies the sidecar any other pod's deletion cost, and a token bound to no pod", () => {
      expect(verdict(podPatch(otherPod, ownPatch, sidecar))).toEqual({
        applies: true,
        allowed: false,
        message: "livekit-server may annotate only its own pod (the pod its service account token is bound to)",
      });
      const legacyToken = serviceAccountUser(NAMESPACE, "livekit-server");
      expect(verdict(podPatch(pod, ownPatch, legacyToken))).toEqual(verdict(podPatch(otherPod, ownPatch, sidecar)));
    });

    it("leaves every other client, subresource, operation and namespace alone", () => {
      const image = { spec: { containers: withImage("v2") } };
      const others = [
        serviceAccountUser("kube-system", "replicaset-controller"),
        serviceAccountUser(NAMESPACE, "livekit-egress-deletion-cost"),
        { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] },
      ];
      for (const user of others) expect(verdict(podPatch(pod, image, user))).toEqual({ applies: false });
      expect(verdict(podPatch(pod, { status: { phase: "Failed" } }, sidecar, { subResource: "status" }))).toEqual({
        applies: false,
      });
      expect(verdict({ ...podPatch(pod, ownPatch, sidecar), operation: "DELETE" })).toEqual({ applies: false });
      expect(admit(policy, podPatch(pod, image, sidecar), { "kubernetes.io/metadata.name": "default" })).toEqual({
        applies: false,
      });
    });
  });

  it("runs the rendered config from its ConfigMap", () => {
    const configMap = only(result, K8S_TYPES.configMap);
    const configVolume = deploymentOf(result).spec.template.spec.volumes.find((v: any) => v.name === "config");
    expect(configVolume.configMap.name).toBe(inputsOf(configMap).metadata.name);
  });

  it("points the config at the ElastiCache primary endpoint and reads the password from the Redis Secret", () => {
    expect(liveKitConfig(result).redis).toEqual({ address: `${REDIS_HOST}:6379`, tls: { enabled: true } });
    expect(container(deploymentOf(result).spec.template.spec, "livekit-server").env).toContainEqual({
      name: "REDIS_PASSWORD",
      valueFrom: { secretKeyRef: { name: REDIS_SECRET.name, key: REDIS_SECRET.key } },
    });
  });

  it("keeps the API secret, the TURN secret and the Redis password out of every ConfigMap", () => {
    const apiKeys = object(result, K8S_TYPES.secret, "livekit-api-keys");
    const turn = object(result, K8S_TYPES.secret, "livekit-turn-secret");
    const keyFile = parse(apiKeys.stringData["keys.yaml"]) as Record<string, string>;
    const secrets = [...Object.values(keyFile), turn.stringData["static-auth-secret"], REDIS_PASSWORD];
    for (const secret of secrets) expect(secret.length).toBeGreaterThanOrEqual(32);
    const texts = configMapTexts(result);
    expect(texts.length).toBeGreaterThan(0);
    for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
  });

  it("rolls the pods when the key file changes, and only then", async () => {
    const keysChecksum = (r: PlanResult) =>
      deploymentOf(r).spec.template.metadata.annotations["livekit-platform/keys-sha256"] as string;
    const rotating = await runComponents(() =>
      mediaPlane({
        credentials: {
          applicationKeys: {
            signing: { id: "APPnewkey0002", secret: "application-secret-new-0123456789abcdef0123" },
            alsoAccepted: [credentialsArgs().applicationKeys.signing],
          },
        },
      }),
    );
    expect(keysChecksum(rotating)).toMatch(/^[0-9a-f]{64}$/);
    expect(keysChecksum(rotating)).not.toBe(keysChecksum(result));
    expect(keysChecksum(await plan())).toBe(keysChecksum(result));
  });

  it("rolls the pods when the config changes, and only then", async () => {
    const configMap = inputsOf(only(result, K8S_TYPES.configMap));
    expect(checksumOf(result)).toBe(createHash("sha256").update(configMap.data["config.yaml"]).digest("hex"));
    expect(checksumOf(await plan())).toBe(checksumOf(result));
    const changed = await plan({ server: { ...serverSettings, logging: { level: "debug", json: true } } });
    expect(checksumOf(changed)).not.toBe(checksumOf(result));
    // A new ConfigMap, so pods still draining keep the old one mounted.
    expect(inputsOf(only(changed, K8S_TYPES.configMap)).metadata.name).not.toBe(configMap.metadata.name);
  });

  it("renders webhooks into the config when webhook URLs are set", async () => {
    const hooked = await plan({
      server: { ...serverSettings, webhook: { urls: ["https://app.example.com/livekit/webhook"] } },
    });
    expect(liveKitConfig(result).webhook).toBeUndefined();
    expect(liveKitConfig(hooked).webhook).toEqual({ urls: ["https://app.example.com/livekit/webhook"] });
    expect(container(deploymentOf(hooked).spec.template.spec, "livekit-server").env).toContainEqual({
      name: "LIVEKIT_WEBHOOK_API_KEY",
      value: credentialsArgs().applicationKeys.signing.id,
    });
  });

  it("scales on CPU utilisation within the given bounds, leaving the replica count to the HPA", () => {
    const hpa = object(result, K8S_TYPES.hpa, "livekit-server");
    expect(hpa.spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "livekit-server" },
      minReplicas: 2,
      maxReplicas: 8,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 60 } } },
      ],
    });
    expect(deploymentOf(result).spec).not.toHaveProperty("replicas");
  });

  it("lets voluntary disruptions take one SFU at a time", () => {
    const pdb = object(result, K8S_TYPES.pdb, "livekit-server");
    expect(pdb.spec).toEqual({
      maxUnavailable: 1,
      selector: { matchLabels: deploymentOf(result).spec.selector.matchLabels },
    });
  });

  it("serves signalling through a ClusterIP Service on 7880 for the Ingress", () => {
    const service = object(result, K8S_TYPES.service, "livekit-server");
    expect(service.spec).toEqual({
      type: "ClusterIP",
      selector: deploymentOf(result).spec.selector.matchLabels,
      ports: [{ name: "http", port: 7880, targetPort: "http", protocol: "TCP" }],
    });
  });

  it("puts every Kubernetes object in the namespace (but the cluster-wide admission policy), through the region's provider", () => {
    const objects = result.resources.filter(
      (r) => r.type.startsWith("kubernetes:") && /LiveKit::/.test(r.parent ?? ""),
    );
    const clusterWide = [ADMISSION_TYPES.policy, ADMISSION_TYPES.binding];
    // The ConfigMap, the deletion-cost ServiceAccount, Role and RoleBinding, Deployment, PodDisruptionBudget, HPA
    // and Service; and the deletion cost's admission policy and its binding. The Secrets are the credentials'.
    expect(objects).toHaveLength(10);
    expect(objects.filter((r) => clusterWide.includes(r.type)).map((r) => r.type)).toEqual(clusterWide);
    for (const r of objects) {
      expect(inputsOf(r).metadata.namespace).toBe(clusterWide.includes(r.type) ? undefined : NAMESPACE);
      expect(r.provider).toMatch(/pulumi:providers:kubernetes::region-cluster::/);
      expect(r.parent).toMatch(/livekit-platform:livekit:LiveKit::mumbai-livekit$/);
    }
  });

  it("refuses a memory limit below the request and empty autoscaling bounds", async () => {
    const constructionError = async (overrides: Partial<LiveKitArgs>) => {
      let error: unknown;
      await runComponents(() => {
        const provider = k8sProvider();
        const credentials = new Credentials("mumbai", credentialsArgs(), { providers: [provider] });
        try {
          new LiveKit("mumbai-livekit", liveKitArgs(provider, credentials, overrides), { providers: [provider] });
        } catch (e) {
          error = e;
        }
      });
      return error;
    };
    expect(
      await constructionError({ resources: { cpuRequestMillis: 6500, memoryRequestMiB: 4096, memoryLimitMiB: 2048 } }),
    ).toEqual(new InputError("livekit resources.memoryLimitMiB", "must be at least memoryRequestMiB (4096)", 2048));
    expect(
      await constructionError({ autoscaling: { minReplicas: 3, maxReplicas: 2, targetCpuUtilizationPercent: 60 } }),
    ).toEqual(new InputError("livekit autoscaling.maxReplicas", "must be an integer of at least minReplicas (3)", 2));
  });
});
