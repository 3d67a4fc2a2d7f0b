import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { parse } from "yaml";
import { Egress, EgressArgs } from "../../../components/egress";
import { Keda } from "../../../components/keda";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import {
  configMapTexts,
  K8S_TYPES,
  k8sProvider,
  kubernetesObjectProblems,
  NAMESPACE,
  object,
  only,
  REDIS_HOST,
  REDIS_PASSWORD,
} from "../../support/media-plane";
import { KubernetesObject, validatorFor } from "../../support/kubernetes-schemas";
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

const API_KEY = "APIf00dcafe1234";
const API_SECRET = "s3cr3t-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

const TYPES = {
  bucket: "aws:s3/bucket:Bucket",
  publicAccess: "aws:s3/bucketPublicAccessBlock:BucketPublicAccessBlock",
  ownership: "aws:s3/bucketOwnershipControls:BucketOwnershipControls",
  encryption: "aws:s3/bucketServerSideEncryptionConfiguration:BucketServerSideEncryptionConfiguration",
  lifecycle: "aws:s3/bucketLifecycleConfiguration:BucketLifecycleConfiguration",
  bucketPolicy: "aws:s3/bucketPolicy:BucketPolicy",
  role: "aws:iam/role:Role",
  rolePolicy: "aws:iam/rolePolicy:RolePolicy",
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

const PROMETHEUS = "http://prometheus.monitoring.svc:9090";
const SIX_HOURS = 6 * 3600;

const baseArgs = (): EgressArgs => ({
  clusterName: "livekit-mumbai",
  namespace: NAMESPACE,
  livekitUrl: pulumi.output("ws://livekit-server.livekit.svc.cluster.local:7880"),
  apiKey: { id: pulumi.secret(API_KEY), secret: pulumi.secret(API_SECRET) },
  redis: { host: pulumi.output(REDIS_HOST), port: 6379, password: pulumi.secret(REDIS_PASSWORD) },
  resources: { cpus: 5, memoryGiB: 5, maxMemoryGiB: 4 },
  compositeCpuCost: 4,
  autoscaling: { minReplicas: 3, maxReplicas: 12, idlePods: 3, idleShare: 0.1 },
  prometheusUrl: PROMETHEUS,
  maxRecordingSeconds: SIX_HOURS,
  recordingRetentionDays: 30,
});

/**
 * Egress as the region stack creates it: the cluster's provider in its options, and in its dependsOn the Pod
 * Identity agent (here a stand-in) and KEDA's Helm release. Call inside a run.
 */
const egress = (args: EgressArgs) => {
  const provider = k8sProvider();
  const systemNodes = new pulumi.ComponentResource("test:index:SystemNodes", "system");
  const podIdentityAgent = new pulumi.ComponentResource("test:index:PodIdentityAgent", "agent");
  const keda = new Keda("mumbai-keda", {}, { providers: [provider], dependsOn: [systemNodes] });
  return new Egress("mumbai", args, { providers: [provider], dependsOn: [podIdentityAgent, keda.release] });
};

const plan = (overrides: Partial<EgressArgs> = {}) =>
  runComponents(() => {
    egress({ ...baseArgs(), ...overrides });
  });

const egressDeployment = (result: PlanResult) =>
  resourcesOfType(result, K8S_TYPES.deployment).find((r) => inputsOf(r).metadata.name === "livekit-egress")!;
const deploymentOf = (result: PlanResult) => object(result, K8S_TYPES.deployment, "livekit-egress");
const podSpecOf = (result: PlanResult) => deploymentOf(result).spec.template.spec;
const containerOf = (result: PlanResult) => podSpecOf(result).containers[0];
const configSecretOf = (result: PlanResult) =>
  resourcesOfType(result, K8S_TYPES.secret).find((r) =>
    inputsOf(r).metadata.name.startsWith("livekit-egress-config-"),
  )!;
const configText = (result: PlanResult): string => inputsOf(configSecretOf(result)).stringData["config.yaml"];
/** The bucket's name as the program sends it to the bucket's settings resources. */
const bucketName = (result: PlanResult): string => inputsOf(only(result, TYPES.publicAccess)).bucket;

describe("Egress", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan();
  });

  it("sends only objects the Kubernetes API accepts, with no misspelt field", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
  });

  it("blocks every kind of public access to the recordings bucket and turns ACLs off", () => {
    const bucket = only(result, TYPES.bucket);
    const block = only(result, TYPES.publicAccess);
    expect(block.dependencies).toContain(bucket.urn);
    expect(inputsOf(block)).toMatchObject({
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    expect(inputsOf(only(result, TYPES.ownership)).rule).toEqual({ objectOwnership: "BucketOwnerEnforced" });
    expect(inputsOf(bucket).forceDestroy).toBe(false);
  });

  it("encrypts recordings at rest and refuses plain-HTTP access", () => {
    expect(inputsOf(only(result, TYPES.encryption)).rules).toEqual([
      { applyServerSideEncryptionByDefault: { sseAlgorithm: "AES256" } },
    ]);
    const policy = JSON.parse(inputsOf(only(result, TYPES.bucketPolicy)).policy);
    const arn = `arn:aws:s3:::${bucketName(result)}`;
    expect(policy.Statement).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: "s3:*",
        Resource: [arn, `${arn}/*`],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("expires recordings after the retention period and cleans up abandoned uploads", () => {
    const rules = inputsOf(only(result, TYPES.lifecycle)).rules;
    expect(rules).toContainEqual(expect.objectContaining({ status: "Enabled", expiration: { days: 30 } }));
    expect(rules).toContainEqual(
      expect.objectContaining({
        status: "Enabled",
        abortIncompleteMultipartUpload: { daysAfterInitiation: expect.any(Number) },
      }),
    );
  });

  it("lets only egress pods assume the role, through EKS Pod Identity", () => {
    const trust = JSON.parse(inputsOf(only(result, TYPES.role)).assumeRolePolicy);
    expect(trust.Statement).toMatchObject([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
      },
    ]);
    const serviceAccount = object(result, K8S_TYPES.serviceAccount, "livekit-egress");
    expect(inputsOf(only(result, TYPES.podIdentity))).toMatchObject({
      clusterName: "livekit-mumbai",
      namespace: NAMESPACE,
      serviceAccount: serviceAccount.metadata.name,
    });
    expect(only(result, TYPES.podIdentity).dependencies).toContain(only(result, TYPES.role).urn);
    expect(podSpecOf(result).serviceAccountName).toBe(serviceAccount.metadata.name);
    // Credentials are injected at pod creation: the association must exist before the pods.
    expect(egressDeployment(result).dependencies).toContain(only(result, TYPES.podIdentity).urn);
  });

  it("allows the role to write and list the recordings bucket and nothing else", () => {
    const policy = JSON.parse(inputsOf(only(result, TYPES.rolePolicy)).policy);
    const arn = `arn:aws:s3:::${bucketName(result)}`;
    expect(policy.Statement).toEqual([
      {
        Sid: "WriteRecordings",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: `${arn}/*`,
      },
      { Sid: "ListRecordings", Effect: "Allow", Action: "s3:ListBucket", Resource: arn },
    ]);
    for (const statement of policy.Statement) {
      expect(statement.Effect).toBe("Allow");
      expect([arn, `${arn}/*`]).toContain(statement.Resource);
      expect(JSON.stringify(statement.Action)).not.toContain("*");
    }
  });

  it("uploads to the bucket under storage.s3 with the pod's role, not keys", () => {
    const config = parse(configText(result));
    expect(config.storage.s3).toEqual({
      region: "ap-south-1",
      bucket: bucketName(result),
      max_retries: 5,
      max_retry_delay: "5s",
    });
    for (const key of ["access_key", "secret", "session_token"]) expect(config.storage.s3).not.toHaveProperty(key);
    expect(config).not.toHaveProperty("s3"); // egress ignores a top-level s3 block and records to the pod's disk
    expect(config).toMatchObject({
      api_key: API_KEY,
      api_secret: API_SECRET,
      ws_url: "ws://livekit-server.livekit.svc.cluster.local:7880",
      redis: { address: `${REDIS_HOST}:6379`, password: REDIS_PASSWORD, tls: { enabled: true } },
      cpu_cost: { max_memory: 4, memory_source: "cgroup", room_composite_cpu_cost: 4, web_cpu_cost: 4 },
    });
  });

  it("keeps its config, which holds the API secret and the Redis password, in a Secret only", () => {
    expect(isSecret(configSecretOf(result).inputs.stringData)).toBe(true);
    for (const text of configMapTexts(result)) {
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(REDIS_PASSWORD);
    }
    expect(resourcesOfType(result, K8S_TYPES.configMap)).toHaveLength(0);
    const mount = containerOf(result).volumeMounts[0];
    const configVolume = podSpecOf(result).volumes.find((v: any) => v.name === mount.name);
    expect(configVolume.secret).toEqual({
      secretName: inputsOf(configSecretOf(result)).metadata.name,
      defaultMode: 0o440,
    });
    expect(containerOf(result).env).toEqual([{ name: "EGRESS_CONFIG_FILE", value: `${mount.mountPath}/config.yaml` }]);
    // The checksum reveals nothing, so it stays readable in the plan.
    const raw = egressDeployment(result).inputs as any;
    expect(isSecret(raw.spec.template.metadata.annotations["livekit-platform/config-sha256"])).toBe(false);
  });

  it("runs on egress nodes with at least 4 whole CPUs and 4 GiB, limited so egress counts its own CPUs", () => {
    const spec = podSpecOf(result);
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "egress" });
    expect(spec.tolerations).toContainEqual({
      key: "livekit-platform/egress",
      operator: "Equal",
      value: "true",
      effect: "NoSchedule",
    });
    const { resources, image } = containerOf(result);
    expect(image).toBe(versions.images.livekitEgress);
    expect(resources.requests).toEqual(resources.limits);
    expect(Number(resources.limits.cpu)).toBeGreaterThanOrEqual(4);
    expect(resources.limits.memory).toMatch(/^\d+Gi$/);
    expect(parseInt(resources.limits.memory, 10)).toBeGreaterThanOrEqual(4);
  });

  it("is undisturbed by Karpenter's consolidation", () => {
    const deployment = deploymentOf(result);
    expect(deployment.spec.template.metadata.annotations["karpenter.sh/do-not-disrupt"]).toBe("true");
  });

  it("probes the health port and exposes metrics", () => {
    const container = containerOf(result);
    expect(container.ports).toEqual([
      { name: "health", containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9090, protocol: "TCP" },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/", port: 8080 });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/", port: 8080 });
    expect(parse(configText(result))).toMatchObject({ health_port: 8080, prometheus_port: 9090 });
  });

  it("rolls the pods when the config changes", async () => {
    const checksum = (r: PlanResult) =>
      deploymentOf(r).spec.template.metadata.annotations["livekit-platform/config-sha256"];
    expect(checksum(result)).toBe(createHash("sha256").update(configText(result)).digest("hex"));
    expect(checksum(await plan())).toBe(checksum(result));
    expect(checksum(await plan({ livekitUrl: "wss://mumbai.example.com" }))).not.toBe(checksum(result));
  });

  it("scales through KEDA on idle pods, within the given bounds, after KEDA's CRDs exist", () => {
    expect(resourcesOfType(result, K8S_TYPES.hpa)).toHaveLength(0); // KEDA owns the HPA
    const scaled = only(result, SCALED_OBJECT);
    const spec = inputsOf(scaled).spec;
    expect(inputsOf(scaled)).toMatchObject({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject" });
    expect(spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "livekit-egress" },
      minReplicaCount: 3,
      maxReplicaCount: 12,
      fallback: { failureThreshold: 3, replicas: 3, behavior: "currentReplicasIfHigher" },
    });
    expect(spec.triggers).toHaveLength(1);
    const [trigger] = spec.triggers;
    expect(trigger).toMatchObject({ type: "prometheus", metricType: "AverageValue" });
    expect(trigger.metadata).toMatchObject({ serverAddress: PROMETHEUS, threshold: "1" });
    expect(trigger.metadata.query).toContain(`livekit_egress_available{namespace="${NAMESPACE}"} == 0`);
    expect(trigger.metadata.query).toContain("livekit_egress_is_terminating");
    // The warm pool and the 10% share: busy + max(3, busy / 9).
    expect(trigger.metadata.query).toMatch(/clamp_min\(vector\(.* \* 0\.111111\), 3\)/);
    // KEDA's CRDs come with its release: the ScaledObject waits for it.
    const keda = result.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "mumbai-keda")!;
    expect(scaled.dependencies).toContain(keda.urn);
    expect(deploymentOf(result).spec).not.toHaveProperty("replicas");
  });

  it("checks the ScaledObject against KEDA's own CRD schema, which catches a misspelt field", () => {
    const scaled = inputsOf(only(result, SCALED_OBJECT));
    const misspelt: KubernetesObject = {
      ...scaled,
      apiVersion: scaled.apiVersion,
      kind: scaled.kind,
      spec: { ...scaled.spec, minReplicas: 1, pollingInterval: "15s" },
    };
    expect(validatorFor([misspelt]).check(misspelt)).toEqual([
      "spec.pollingInterval: expected an integer",
      "spec.minReplicas: unknown field",
    ]);
  });

  it("scales in one pod at a time, slowly, and never ignores a shortfall of idle pods", () => {
    const behavior = inputsOf(only(result, SCALED_OBJECT)).spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      tolerance: "0",
      policies: [{ type: "Pods", value: 1, periodSeconds: 300 }],
    });
    expect(behavior.scaleUp.tolerance).toBe("0");
    expect(object(result, K8S_TYPES.pdb, "livekit-egress").spec.maxUnavailable).toBe(1);
  });

  it("removes idle pods first: an updater keeps each pod's deletion cost from its activity", () => {
    // New pods start idle, at the lowest cost.
    const annotations = deploymentOf(result).spec.template.metadata.annotations;
    expect(annotations["controller.kubernetes.io/pod-deletion-cost"]).toBe("0");
    const updater = object(result, K8S_TYPES.deployment, "livekit-egress-deletion-cost");
    const pod = updater.spec.template.spec;
    expect(pod.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "system" });
    expect(pod.containers[0].image).toBe(versions.images.kubectl);
    const script: string = pod.containers[0].args[0];
    expect(script).toContain("/proxy/metrics");
    expect(script).toContain("livekit_egress_available");
    expect(script).toContain("controller.kubernetes.io/pod-deletion-cost=$want");
    expect(script).toMatch(/want=1000; \[ "\$idle" = "1" \] && want=0/);
    expect(script).toContain("app.kubernetes.io/name=livekit-egress");
    // Only the updater may touch pods, only in this namespace; the egress pods keep no API token.
    const role = object(result, "kubernetes:rbac.authorization.k8s.io/v1:Role", "livekit-egress-deletion-cost");
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(role.rules).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch"] },
      { apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] },
    ]);
    expect(object(result, K8S_TYPES.serviceAccount, "livekit-egress").automountServiceAccountToken).toBe(false);
  });

  describe("the deletion-cost updater's admission policy", () => {
    const NAMESPACE_LABELS = { "kubernetes.io/metadata.name": NAMESPACE };
    const COST = "controller.kubernetes.io/pod-deletion-cost";
    let policy: PolicyObjects;
    let egressPod: Record<string, any>;
    let updater: AdmissionRequest["userInfo"];
    /** What `kubectl annotate --overwrite pod <pod> <annotation>=<value>` sends: a merge patch of that annotation. */
    const annotate = (value: string) => ({ metadata: { annotations: { [COST]: value } } });
    const verdict = (request: AdmissionRequest) => admit(policy, request, NAMESPACE_LABELS);
    beforeAll(() => {
      policy = {
        policy: object(result, ADMISSION_TYPES.policy, "livekit-egress-deletion-cost") as PolicyObjects["policy"],
        binding: object(result, ADMISSION_TYPES.binding, "livekit-egress-deletion-cost") as PolicyObjects["binding"],
      };
      egressPod = podOf(deploymentOf(result), "livekit-egress-6b8f7c9d4-q7w2e");
      const updaterPod = podOf(object(result, K8S_TYPES.deployment, "livekit-egress-deletion-cost"), "u-1-abcde");
      updater = serviceAccountUser(NAMESPACE, "livekit-egress-deletion-cost", {
        name: updaterPod.metadata.name,
        uid: updaterPod.metadata.uid,
      });
    });

    it("type-checks as CEL, fails closed, and matches only UPDATEs of pods in the namespace by the updater's account", () => {
      expect(expressionProblems(policy.policy)).toEqual([]);
      expect(policy.policy.spec.failurePolicy).toBe("Fail");
      expect(policy.policy.spec.matchConstraints.resourceRules).toEqual([
        { apiGroups: [""], apiVersions: ["v1"], resources: ["pods"], operations: ["UPDATE"], scope: "Namespaced" },
      ]);
      expect(policy.binding.spec).toEqual({ policyName: "livekit-egress-deletion-cost", validationActions: ["Deny"] });
    });

    it("lets the updater set any egress pod's deletion cost, busy and idle", () => {
      const busy = podPatch(egressPod, annotate("1000"), updater);
      expect(verdict(busy)).toEqual({ applies: true, allowed: true });
      expect(verdict(podPatch(busy.object as Record<string, any>, annotate("0"), updater))).toEqual({
        applies: true,
        allowed: true,
      });
    });

    it("denies the updater any pod that is not an egress pod, and any other change to an egress pod", () => {
      const notEgress = {
        ...egressPod,
        metadata: { ...egressPod.metadata, labels: { "app.kubernetes.io/name": "x" } },
      };
      expect(verdict(podPatch(notEgress, annotate("1000"), updater))).toEqual({
        applies: true,
        allowed: false,
        message:
          "livekit-egress-deletion-cost may annotate only pods labelled app.kubernetes.io/component=egress, app.kubernetes.io/name=livekit-egress",
      });
      const image = podSpecOf(result).containers.map((c: any) => ({ ...c, image: "evil:1" }));
      const changes: [unknown, string][] = [
        [{ spec: { containers: image } }, "spec"],
        [{ metadata: { labels: { "app.kubernetes.io/name": null } } }, "labels"],
        [{ metadata: { annotations: { [COST]: "0", "karpenter.sh/do-not-disrupt": null } } }, "annotation"],
      ];
      for (const [patch, word] of changes) {
        const outcome = verdict(podPatch(egressPod, patch, updater));
        expect(outcome).toMatchObject({ applies: true, allowed: false });
        expect((outcome as { message: string }).message).toContain(word);
      }
    });

    it("leaves every other client alone", () => {
      const image = { spec: { containers: podSpecOf(result).containers.map((c: any) => ({ ...c, image: "v2" })) } };
      const admin = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };
      expect(verdict(podPatch(egressPod, image, admin))).toEqual({ applies: false });
      expect(verdict(podPatch(egressPod, image, serviceAccountUser(NAMESPACE, "livekit-egress")))).toEqual({
        applies: false,
      });
    });
  });

  it("rolls out by adding pods before draining old ones", () => {
    expect(deploymentOf(result).spec.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" },
    });
  });

  it("never cuts a recording: the session limit ends it, and the grace period outlasts the limit and the upload", () => {
    const limits = parse(configText(result)).session_limits;
    const grace = podSpecOf(result).terminationGracePeriodSeconds;
    for (const key of [
      "file_output_max_duration",
      "stream_output_max_duration",
      "segment_output_max_duration",
      "image_output_max_duration",
    ]) {
      expect(limits[key]).toBe("6h");
      expect(grace).toBeGreaterThan(SIX_HOURS);
    }
    expect(grace - SIX_HOURS).toBeGreaterThanOrEqual(10 * 60); // time to stop the pipeline and upload
  });

  it("gives egress's own memory kill 1 GiB of room under the pod's limit", () => {
    const { resources } = containerOf(result);
    const limitGiB = parseInt(resources.limits.memory, 10);
    expect(limitGiB - parse(configText(result)).cpu_cost.max_memory).toBeGreaterThanOrEqual(1);
  });

  it("admits a room composite only on an idle pod, which keeps all its CPUs for the composite's peaks", () => {
    const cpus = Number(containerOf(result).resources.limits.cpu);
    const cost = parse(configText(result)).cpu_cost;
    // Egress admits while CPUs x 0.8 - used >= cost; anything running makes used > 0.
    expect(cpus * 0.8).toBeCloseTo(cost.room_composite_cpu_cost, 9);
    expect(cost.web_cpu_cost).toBe(cost.room_composite_cpu_cost);
    expect(cpus).toBeGreaterThanOrEqual(5);
  });

  it("runs hardened: no privilege escalation, no capabilities, RuntimeDefault seccomp", () => {
    expect(podSpecOf(result).securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(containerOf(result).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    });
    // Chrome's sandbox stays off (egress's default): nothing asks for SYS_ADMIN.
    expect(parse(configText(result))).not.toHaveProperty("enable_chrome_sandbox");
  });

  it("refuses pods smaller than LiveKit's minimum, and memory without headroom over max_memory", async () => {
    const constructionError = async (overrides: Partial<EgressArgs>) => {
      let error: unknown;
      await runComponents(() => {
        try {
          egress({ ...baseArgs(), ...overrides });
        } catch (e) {
          error = e;
        }
      });
      return String(error);
    };
    expect(await constructionError({ resources: { cpus: 2, memoryGiB: 8, maxMemoryGiB: 4 } })).toMatch(
      /egress resources\.cpus: must be a whole number of at least 4 .*, got 2$/,
    );
    expect(await constructionError({ resources: { cpus: 4, memoryGiB: 2, maxMemoryGiB: 1 } })).toMatch(
      /egress resources\.memoryGiB: must be a whole number of at least 4, got 2$/,
    );
    expect(await constructionError({ resources: { cpus: 5, memoryGiB: 4, maxMemoryGiB: 4 } })).toMatch(
      /egress resources\.memoryGiB: must be at least 1 GiB above maxMemoryGiB \(4\) .*, got 4$/,
    );
    expect(
      await constructionError({ autoscaling: { minReplicas: 1, maxReplicas: 4, idlePods: 2, idleShare: 0.1 } }),
    ).toMatch(/minReplicas: must be an integer of at least idlePods \(2\), got 1$/);
    expect(await constructionError({ maxRecordingSeconds: 0 })).toMatch(/maxRecordingSeconds/);
    expect(await constructionError({})).toBe("undefined");
  });
});
