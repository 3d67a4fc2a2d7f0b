import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { parse } from "yaml";
import { API_KEY_SECRET_KEYS, KEYS_CHECKSUM_ANNOTATION, LiveKit, LiveKitArgs } from "../../../components/livekit";
import { COTURN_SECRET_KEY } from "../../../components/coturn/start";
import {
  LIVEKIT_KEY_FILE_PATH,
  LIVEKIT_TURN_SECRET_PATH,
  LIVEKIT_WEBHOOK_API_KEY_ENV,
} from "../../../components/livekit/server-config";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { InputError } from "../../../lib/errors";
import { versions } from "../../../lib/versions";
import { inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/engine";
import {
  APPLICATION_KEYS,
  configMapTexts,
  K8S_TYPES,
  k8sProvider,
  kubernetesObjectProblems,
  liveKitArgs,
  liveKitConfig,
  NAMESPACE,
  object,
  only,
  REDIS_HOST,
  REDIS_PASSWORD,
  REDIS_SECRET,
  serverSettings,
  volume,
} from "../../support/media-plane";
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

const ADMISSION_TYPES = {
  policy: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
  binding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
};
const COST = "controller.kubernetes.io/pod-deletion-cost";

const plan = (overrides: (provider: ReturnType<typeof k8sProvider>) => Partial<LiveKitArgs> = () => ({})) =>
  runComponents(() => {
    const provider = k8sProvider();
    new LiveKit("mumbai", liveKitArgs(provider, overrides(provider)), { providers: [provider] });
  });

const deploymentOf = (result: PlanResult) => object(result, K8S_TYPES.deployment, "livekit-server");
const podSpecOf = (result: PlanResult) => deploymentOf(result).spec.template.spec;
const containerOf = (result: PlanResult) => podSpecOf(result).containers[0];
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

  it("runs on the SFU nodes' host network, resolving cluster names", () => {
    const spec = podSpecOf(result);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "sfu" });
    expect(spec.tolerations).toContainEqual({
      key: "livekit-platform/sfu",
      operator: "Equal",
      value: "true",
      effect: "NoSchedule",
    });
  });

  it("never schedules two SFU pods on one node", () => {
    const deployment = deploymentOf(result);
    const terms = deployment.spec.template.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms).toEqual([
      { labelSelector: { matchLabels: deployment.spec.selector.matchLabels }, topologyKey: "kubernetes.io/hostname" },
    ]);
    expect(deployment.spec.template.metadata.labels).toMatchObject(deployment.spec.selector.matchLabels);
  });

  it("requests CPU but sets no CPU limit, and bounds memory", () => {
    const { resources } = containerOf(result);
    // The pod's request is the given 6500m: the deletion-cost sidecar's 10m come out of the server's.
    expect(resources.requests).toEqual({ cpu: "6490m", memory: "2048Mi" });
    const podCpu = podSpecOf(result).containers.reduce(
      (s: number, c: any) => s + parseInt(c.resources.requests.cpu),
      0,
    );
    expect(podCpu).toBe(6500);
    expect(resources.limits).toEqual({ memory: "4096Mi" });
    expect(resources.limits).not.toHaveProperty("cpu");
  });

  it("lets a pod drain its rooms for five hours and keeps Karpenter from disrupting its node", () => {
    const deployment = deploymentOf(result);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(18000);
    expect(deployment.spec.template.metadata.annotations["karpenter.sh/do-not-disrupt"]).toBe("true");
    // Rollouts never drop below the running capacity.
    expect(deployment.spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it("checks readiness with GET / (Redis-dependent) but liveness and startup only with a TCP connect", () => {
    const container = containerOf(result);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/", port: 7880 });
    // A Redis outage fails `/` on every node at once; a liveness probe on it would restart them all into
    // a 5 h drain. Liveness must not look at anything Redis moves.
    expect(container.livenessProbe).not.toHaveProperty("httpGet");
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 7880 });
    expect(container.startupProbe.tcpSocket).toEqual({ port: 7880 });
    expect(container.startupProbe.periodSeconds * container.startupProbe.failureThreshold).toBeGreaterThanOrEqual(120);
  });

  it("takes the node's public IP from instance metadata through an init container, never from public STUN", () => {
    const spec = podSpecOf(result);
    const container = containerOf(result);
    expect(liveKitConfig(result).rtc.use_external_ip).toBe(false);
    const [init] = spec.initContainers;
    expect(init.image).toBe(versions.images.curl);
    expect(init.command.join(" ")).toContain("/latest/meta-data/public-ipv4");
    expect(init.volumeMounts).toEqual([{ name: "node-address", mountPath: "/run/node-address" }]);
    expect(volume(spec, "node-address").emptyDir).toMatchObject({ medium: "Memory" });
    expect(container.volumeMounts).toContainEqual({
      name: "node-address",
      mountPath: "/run/node-address",
      readOnly: true,
    });
    // NODE_IP is livekit-server's rtc.node_ip; the private IP (listeners) comes from the Downward API.
    expect(container.command.join(" ")).toContain('NODE_IP="$(cat /run/node-address/public-ipv4)"');
    expect(container.command.join(" ")).toContain('--bind "$HOST_IP"');
    expect(container.env).toContainEqual({ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } });
  });

  it("runs every container non-root, without capabilities, on a read-only root and the RuntimeDefault seccomp profile", () => {
    const spec = podSpecOf(result);
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 });
    expect(spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(c.securityContext.capabilities).not.toHaveProperty("add");
    }
  });

  it("keeps each pod's deletion cost at its participant count, with a token only the sidecar mounts and may only patch pods", () => {
    const spec = podSpecOf(result);
    const sidecar = spec.containers.find((c: any) => c.name === "deletion-cost");
    expect(sidecar.image).toBe(versions.images.curl);
    expect(sidecar.command.join(" ")).toContain("controller.kubernetes.io/pod-deletion-cost");
    expect(sidecar.command.join(" ")).toContain(":6789/metrics");
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe("livekit-server");
    expect(sidecar.volumeMounts.map((m: any) => m.name)).toEqual(["deletion-cost-token"]);
    expect(containerOf(result).volumeMounts.map((m: any) => m.name)).not.toContain("deletion-cost-token");
    const role = object(result, "kubernetes:rbac.authorization.k8s.io/v1:Role", "livekit-server-deletion-cost");
    expect(role.rules).toEqual([{ apiGroups: [""], resources: ["pods"], verbs: ["patch"] }]);
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
      podSpecOf(result).containers.map((c: any) => (c.name === "livekit-server" ? { ...c, image } : c));
    beforeAll(() => {
      policy = {
        policy: object(result, ADMISSION_TYPES.policy, "livekit-server-deletion-cost") as PolicyObjects["policy"],
        binding: object(result, ADMISSION_TYPES.binding, "livekit-server-deletion-cost") as PolicyObjects["binding"],
      };
      pod = podOf(deploymentOf(result), "livekit-server-5f7c9d8b6-x2k4q");
      otherPod = podOf(deploymentOf(result), "livekit-server-5f7c9d8b6-p9zr7");
      sidecar = serviceAccountUser(NAMESPACE, "livekit-server", { name: pod.metadata.name, uid: pod.metadata.uid });
      const script: string = podSpecOf(result).containers.find((c: any) => c.name === "deletion-cost").command[2];
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

  it("rolls one pod at a time, never below the current capacity", () => {
    expect(deploymentOf(result).spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxSurge: 1, maxUnavailable: 0 },
    });
  });

  it("runs the pinned server image on the rendered config", () => {
    const container = containerOf(result);
    expect(container.image).toBe(versions.images.livekitServer);
    expect(container.command.join(" ")).toContain("exec /livekit-server --config /etc/livekit/config/config.yaml");
    const configVolume = volume(podSpecOf(result), "config");
    const configMap = only(result, K8S_TYPES.configMap);
    expect(configVolume.configMap.name).toBe(inputsOf(configMap).metadata.name);
    expect(container.volumeMounts).toContainEqual({ name: "config", mountPath: "/etc/livekit/config", readOnly: true });
  });

  it("declares signalling, ICE/TCP and metrics ports", () => {
    const ports = containerOf(result).ports.map((p: any) => [p.name, p.containerPort, p.protocol]);
    expect(ports).toEqual([
      ["http", 7880, "TCP"],
      ["rtc-tcp", 7881, "TCP"],
      ["metrics", 6789, "TCP"],
    ]);
  });

  it("points the config at the ElastiCache primary endpoint and reads the password from the Redis Secret", () => {
    expect(liveKitConfig(result).redis).toEqual({ address: `${REDIS_HOST}:6379`, tls: { enabled: true } });
    expect(containerOf(result).env).toContainEqual({
      name: "REDIS_PASSWORD",
      valueFrom: { secretKeyRef: { name: REDIS_SECRET.name, key: REDIS_SECRET.key } },
    });
  });

  it("mounts the API key file and the TURN secret, mode 0440 (no bits for others), where the config looks for them", () => {
    const config = liveKitConfig(result);
    const spec = podSpecOf(result);
    const mounts = containerOf(result).volumeMounts;
    const keys = volume(spec, "api-keys");
    const turn = volume(spec, "turn-secret");
    expect(keys.secret).toEqual({
      secretName: "livekit-api-keys",
      defaultMode: 0o440,
      items: [{ key: API_KEY_SECRET_KEYS.keyFile, path: "keys.yaml" }],
    });
    expect(turn.secret).toEqual({
      secretName: "livekit-turn-secret",
      defaultMode: 0o440,
      items: [{ key: COTURN_SECRET_KEY, path: "secret" }],
    });
    const mountedAt = (name: string, file: string) => `${mounts.find((m: any) => m.name === name).mountPath}/${file}`;
    expect(config.key_file).toBe(LIVEKIT_KEY_FILE_PATH);
    expect(mountedAt("api-keys", keys.secret.items[0].path)).toBe(LIVEKIT_KEY_FILE_PATH);
    for (const server of config.rtc.turn_servers) expect(server.secret_file).toBe(LIVEKIT_TURN_SECRET_PATH);
    expect(mountedAt("turn-secret", turn.secret.items[0].path)).toBe(LIVEKIT_TURN_SECRET_PATH);
  });

  it("keeps the API secret, the TURN secret and the Redis password out of every ConfigMap", () => {
    const apiKeys = object(result, K8S_TYPES.secret, "livekit-api-keys");
    const turn = object(result, K8S_TYPES.secret, "livekit-turn-secret");
    const keyFile = parse(apiKeys.stringData[API_KEY_SECRET_KEYS.keyFile]) as Record<string, string>;
    const secrets = [...Object.values(keyFile), turn.stringData[COTURN_SECRET_KEY], REDIS_PASSWORD];
    for (const secret of secrets) expect(secret.length).toBeGreaterThanOrEqual(32);
    const texts = configMapTexts(result);
    expect(texts.length).toBeGreaterThan(0);
    for (const secret of secrets) for (const text of texts) expect(text).not.toContain(secret);
    // The values stay secret in the plan and the state.
    for (const name of ["livekit-api-keys", "livekit-turn-secret"]) {
      const raw = resourcesOfType(result, K8S_TYPES.secret).find((r) => inputsOf(r).metadata.name === name)!;
      expect(isSecret(raw.inputs.stringData)).toBe(true);
    }
  });

  it("gives every consumer a key pair of its own, all in the key file: application, egress, load tests", async () => {
    const secret = object(result, K8S_TYPES.secret, "livekit-api-keys");
    const keyFile = parse(secret.stringData[API_KEY_SECRET_KEYS.keyFile]) as Record<string, string>;
    const ids = Object.keys(keyFile);
    expect(ids).toHaveLength(3);
    expect(keyFile[APPLICATION_KEYS.signing]).toBe(APPLICATION_KEYS.keys.APPtestkey0001);
    const egress = ids.find((id) => id.startsWith("EGRESS"))!;
    const loadTest = ids.find((id) => id.startsWith("LOADTEST"))!;
    expect(egress).toMatch(/^EGRESS[A-Za-z0-9]{12}$/);
    expect(loadTest).toMatch(/^LOADTEST[A-Za-z0-9]{12}$/);
    // Three different secrets, each at least as long as LiveKit wants.
    expect(new Set(Object.values(keyFile)).size).toBe(3);
    for (const value of Object.values(keyFile)) expect(value.length).toBeGreaterThanOrEqual(32);
    // The Secret hands the load tests their pair and nothing else; egress gets its pair as an Output.
    expect(Object.keys(secret.stringData).sort()).toEqual(
      [API_KEY_SECRET_KEYS.keyFile, API_KEY_SECRET_KEYS.loadTestApiKey, API_KEY_SECRET_KEYS.loadTestApiSecret].sort(),
    );
    expect(secret.stringData[API_KEY_SECRET_KEYS.loadTestApiKey]).toBe(loadTest);
    expect(secret.stringData[API_KEY_SECRET_KEYS.loadTestApiSecret]).toBe(keyFile[loadTest]);
  });

  it("takes egress's and the load tests' pairs from config when given, and generates none", async () => {
    const serviceKeys = {
      egress: { id: "EGRESSconfigured1", secret: "e".repeat(48) },
      loadTest: { id: "LOADTESTconfigured1", secret: "l".repeat(48) },
    };
    const configured = await plan(() => ({ serviceKeys }));
    const secret = object(configured, K8S_TYPES.secret, "livekit-api-keys");
    expect(parse(secret.stringData[API_KEY_SECRET_KEYS.keyFile])).toEqual({
      [APPLICATION_KEYS.signing]: APPLICATION_KEYS.keys.APPtestkey0001,
      EGRESSconfigured1: "e".repeat(48),
      LOADTESTconfigured1: "l".repeat(48),
    });
    expect(secret.stringData[API_KEY_SECRET_KEYS.loadTestApiKey]).toBe("LOADTESTconfigured1");
    const generated = (p: PlanResult) => p.resources.filter((r) => /-(egress|loadTest)-key-(id|secret)$/.test(r.name));
    expect(generated(result)).toHaveLength(4);
    expect(generated(configured)).toEqual([]);
  });

  it("exports a fingerprint of every key of the key file, as a secret", async () => {
    let fingerprints: Record<string, string> | undefined;
    let secret: Promise<boolean> | undefined;
    const planned = await runComponents(() => {
      const provider = k8sProvider();
      const livekit = new LiveKit("mumbai", liveKitArgs(provider), { providers: [provider] });
      livekit.apiKeyFingerprints.apply((f) => (fingerprints = f));
      secret = pulumi.isSecret(livekit.apiKeyFingerprints);
    });
    expect(await secret).toBe(true);
    const keyFile = parse(
      object(planned, K8S_TYPES.secret, "livekit-api-keys").stringData[API_KEY_SECRET_KEYS.keyFile],
    ) as Record<string, string>;
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(fingerprints).toEqual(Object.fromEntries(Object.entries(keyFile).map(([id, value]) => [id, sha(value)])));
  });

  it("accepts the old and the new application key together while rotating, and rolls the pods for it", async () => {
    const overlap = await plan(() => ({
      applicationKeys: {
        signing: "APPnewkey0002",
        keys: {
          APPtestkey0001: APPLICATION_KEYS.keys.APPtestkey0001,
          APPnewkey0002: "application-secret-new-0123456789abcdef0123",
        },
      },
    }));
    const keyFile = parse(
      object(overlap, K8S_TYPES.secret, "livekit-api-keys").stringData[API_KEY_SECRET_KEYS.keyFile],
    ) as Record<string, string>;
    expect(keyFile).toMatchObject({
      APPtestkey0001: APPLICATION_KEYS.keys.APPtestkey0001,
      APPnewkey0002: "application-secret-new-0123456789abcdef0123",
    });
    expect(Object.keys(keyFile)).toHaveLength(4);
    // livekit-server reads the key file once: a key change must roll the pods (old ones drain their rooms).
    const keysChecksum = (r: PlanResult) =>
      deploymentOf(r).spec.template.metadata.annotations[KEYS_CHECKSUM_ANNOTATION] as string;
    expect(keysChecksum(overlap)).toMatch(/^[0-9a-f]{64}$/);
    expect(keysChecksum(overlap)).not.toBe(keysChecksum(result));
    expect(keysChecksum(await plan())).toBe(keysChecksum(result));
  });

  it("refuses application keys whose signing key is not among them", async () => {
    await expect(
      plan(() => ({ applicationKeys: { signing: "APPmissing", keys: APPLICATION_KEYS.keys } })),
    ).rejects.toThrow('livekit applicationKeys.signing: must be one of the keys (APPtestkey0001), got "APPmissing"');
  });

  it("signs webhooks with the application's signing key when webhook URLs are set, and sends none otherwise", async () => {
    expect(liveKitConfig(result).webhook).toBeUndefined();
    expect(containerOf(result).env.map((e: { name: string }) => e.name)).not.toContain(LIVEKIT_WEBHOOK_API_KEY_ENV);
    const hooked = await plan(() => ({
      server: { ...serverSettings, webhook: { urls: ["https://app.example.com/livekit/webhook"] } },
    }));
    expect(liveKitConfig(hooked).webhook).toEqual({ urls: ["https://app.example.com/livekit/webhook"] });
    expect(containerOf(hooked).env).toContainEqual({
      name: LIVEKIT_WEBHOOK_API_KEY_ENV,
      value: APPLICATION_KEYS.signing,
    });
  });

  it("rolls the pods when the config changes, and only then", async () => {
    const configMap = inputsOf(only(result, K8S_TYPES.configMap));
    expect(checksumOf(result)).toBe(createHash("sha256").update(configMap.data["config.yaml"]).digest("hex"));
    expect(checksumOf(await plan())).toBe(checksumOf(result));
    const changed = await plan(() => ({ server: { ...serverSettings, logging: { level: "debug", json: true } } }));
    expect(checksumOf(changed)).not.toBe(checksumOf(result));
    // A new ConfigMap, so pods still draining keep the old one mounted.
    expect(inputsOf(only(changed, K8S_TYPES.configMap)).metadata.name).not.toBe(configMap.metadata.name);
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
      (r) => r.type.startsWith("kubernetes:") && !r.name.startsWith("redis-auth"),
    );
    const clusterWide = [ADMISSION_TYPES.policy, ADMISSION_TYPES.binding];
    // Two Secrets, the ConfigMap, the deletion-cost ServiceAccount, Role and RoleBinding, Deployment,
    // PodDisruptionBudget, HPA and Service; and the deletion cost's admission policy and its binding.
    expect(objects).toHaveLength(12);
    expect(objects.filter((r) => clusterWide.includes(r.type)).map((r) => r.type)).toEqual(clusterWide);
    for (const r of objects) {
      expect(inputsOf(r).metadata.namespace).toBe(clusterWide.includes(r.type) ? undefined : NAMESPACE);
      expect(r.provider).toMatch(/pulumi:providers:kubernetes::region-cluster::/);
      expect(r.parent).toMatch(/livekit-platform:livekit:LiveKit::mumbai$/);
    }
  });

  it("refuses a memory limit below the request and empty autoscaling bounds", async () => {
    const constructionError = async (overrides: Partial<LiveKitArgs>) => {
      let error: unknown;
      await runComponents(() => {
        try {
          const provider = k8sProvider();
          new LiveKit("mumbai", liveKitArgs(provider, overrides), { providers: [provider] });
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
