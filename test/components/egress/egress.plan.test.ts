import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { parse } from "yaml";
import { Credentials } from "../../../components/credentials";
import { Egress, EgressArgs } from "../../../components/egress";
import { Keda } from "../../../components/keda";
import {
  DELETION_COST_UPDATER_RULES,
  deletionCostScript,
  labelSelector,
} from "../../../components/egress/deletion-cost";
import { egressDeploymentSpec } from "../../../components/egress/pod";
import { egressTerminationGraceSeconds } from "../../../components/egress/scaling";
import { workloadLabels } from "../../../components/shared/annotations";
import { kubectlLoopSpec } from "../../../components/shared/kubectl-pod";
import { findResource, inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import {
  configMapTexts,
  credentialsArgs,
  K8S_TYPES,
  k8sProvider,
  kubernetesObjectProblems,
  NAMESPACE,
  object,
  only,
  REDIS_HOST,
  REDIS_PASSWORD,
} from "../../support/media-plane";
import { plain } from "../../support/builders";
import { insecureTransportGaps } from "../../support/iam-policy";
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
import { IAM_ROLE_TYPES, S3_BUCKET_TYPES } from "../../support/aws-types";

const ADMISSION_TYPES = {
  policy: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicy",
  binding: "kubernetes:admissionregistration.k8s.io/v1:ValidatingAdmissionPolicyBinding",
};

const API_KEY = "APIf00dcafe1234";
const API_SECRET = "s3cr3t-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

const SCALED_OBJECT = "kubernetes:keda.sh/v1alpha1:ScaledObject";

const TYPES = {
  ...S3_BUCKET_TYPES,
  ...IAM_ROLE_TYPES,
  podIdentity: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
};

const PROMETHEUS = "http://prometheus.monitoring.svc:9090";
const SIX_HOURS = 6 * 3600;

/** Egress's Args but its key pair, which the credentials give (egress() below). */
type TestArgs = Omit<EgressArgs, "apiKey">;

const baseArgs = (): TestArgs => ({
  clusterName: "livekit-mumbai",
  namespace: NAMESPACE,
  livekitUrl: pulumi.output("ws://livekit-server.livekit.svc.cluster.local:7880"),
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
const egress = (args: TestArgs) => {
  const provider = k8sProvider();
  // The credentials keep egress's pair in a Secret of the recorders' namespace (here the pair from config).
  const credentials = new Credentials(
    "mumbai",
    credentialsArgs({
      egressNamespace: NAMESPACE,
      serviceKeys: {
        egress: { id: API_KEY, secret: pulumi.secret(API_SECRET) },
        loadTest: { id: "LOADTESTf00d", secret: pulumi.secret("l".repeat(48)) },
      },
    }),
    { providers: [provider] },
  );
  const systemNodes = new pulumi.ComponentResource("test:index:SystemNodes", "system");
  const podIdentityAgent = new pulumi.ComponentResource("test:index:PodIdentityAgent", "agent");
  const keda = new Keda("mumbai-keda", {}, { providers: [provider], dependsOn: [systemNodes] });
  return new Egress(
    "mumbai",
    { ...args, apiKey: credentials.egressKeySecret! },
    { providers: [provider], dependsOn: [podIdentityAgent, keda.release] },
  );
};

const plan = (overrides: Partial<TestArgs> = {}) =>
  runComponents(() => {
    egress({ ...baseArgs(), ...overrides });
  });

/** The egress Deployment, its updater's, as the component sends them (pod details: pod.test.ts, deletion-cost.test.ts). */
const EGRESS = "livekit-egress";
const UPDATER = "livekit-egress-deletion-cost";
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

  it("runs the pods and the updater their builders make, on the objects the component made", () => {
    const deployment = object(result, K8S_TYPES.deployment, EGRESS);
    expect(deployment.spec).toEqual(
      plain(
        egressDeploymentSpec({
          ...workloadLabels(EGRESS, "egress"),
          resources: { cpus: 5, memoryGiB: 5 },
          terminationGracePeriodSeconds: egressTerminationGraceSeconds(SIX_HOURS),
          recording: true,
          serviceAccountName: object(result, K8S_TYPES.serviceAccount, EGRESS).metadata.name,
          configSecretName: inputsOf(configSecretOf(result)).metadata.name,
          configChecksum: createHash("sha256").update(configText(result)).digest("hex"),
          apiKey: {
            id: { secretName: "livekit-egress-key", key: "egress-api-key" },
            secret: { secretName: "livekit-egress-key", key: "egress-api-secret" },
            checksum: createHash("sha256").update(`${API_KEY}\n${API_SECRET}`).digest("hex"),
          },
        }),
      ),
    );
    expect(object(result, K8S_TYPES.deployment, UPDATER).spec).toEqual(
      plain(
        kubectlLoopSpec({
          name: "updater",
          ...workloadLabels(UPDATER, "egress"),
          serviceAccountName: object(result, K8S_TYPES.serviceAccount, UPDATER).metadata.name,
          script: deletionCostScript({
            namespace: NAMESPACE,
            selector: labelSelector(workloadLabels(EGRESS, "egress").podLabels),
            metricsPort: 9090,
          }),
          cpuRequest: "20m",
        }),
      ),
    );
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
    const policy = JSON.parse(inputsOf(only(result, TYPES.policy)).policy);
    const arn = `arn:aws:s3:::${bucketName(result)}`;
    expect(insecureTransportGaps(policy, "s3", [arn, `${arn}/*`])).toEqual([]);
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
    expect(object(result, K8S_TYPES.deployment, EGRESS).spec.template.spec.serviceAccountName).toBe(
      serviceAccount.metadata.name,
    );
    // Credentials are injected at pod creation: the association must exist before the pods.
    expect(findResource(result, K8S_TYPES.deployment, "mumbai-egress").dependencies).toContain(
      only(result, TYPES.podIdentity).urn,
    );
  });

  it("allows the role to upload to the recordings bucket and nothing else", () => {
    const policy = JSON.parse(inputsOf(only(result, TYPES.rolePolicy)).policy);
    const arn = `arn:aws:s3:::${bucketName(result)}`;
    expect(policy.Statement).toEqual([
      {
        Sid: "UploadRecordings",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
        Resource: `${arn}/*`,
      },
    ]);
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
    expect(config).not.toHaveProperty("api_key"); // from the credentials' Secret: pod.test.ts
    expect(config).not.toHaveProperty("api_secret");
    expect(config).toMatchObject({
      ws_url: "ws://livekit-server.livekit.svc.cluster.local:7880",
      redis: { address: `${REDIS_HOST}:6379`, password: REDIS_PASSWORD, tls: { enabled: true } },
      cpu_cost: { max_memory: 4, memory_source: "cgroup", room_composite_cpu_cost: 4, web_cpu_cost: 4 },
    });
  });

  it("keeps the service account and association of its namespace under one URN whether or not a former namespace drains", async () => {
    const moving = await plan({ formerNamespace: "media-plane" });
    const inItsNamespace = (r: PlanResult) =>
      [...resourcesOfType(r, K8S_TYPES.serviceAccount), ...resourcesOfType(r, TYPES.podIdentity)]
        .filter((resource) => (inputsOf(resource).metadata?.namespace ?? inputsOf(resource).namespace) === NAMESPACE)
        .map((resource) => resource.urn)
        .sort();
    expect(inItsNamespace(moving)).toHaveLength(3); // the recorders' account and association, the updater's account
    expect(inItsNamespace(result)).toEqual(inItsNamespace(moving));
    // What the former namespace keeps is only there while it drains.
    const inFormer = (r: PlanResult) =>
      resourcesOfType(r, TYPES.podIdentity).filter((resource) => inputsOf(resource).namespace === "media-plane");
    expect(inFormer(moving)).toHaveLength(1);
    expect(inFormer(result)).toHaveLength(0);
  });

  it("reads its key pair from the credentials' Secret in its namespace, and rolls when the pair changes", () => {
    const env = object(result, K8S_TYPES.deployment, EGRESS).spec.template.spec.containers[0].env;
    const keySecret = object(result, K8S_TYPES.secret, "livekit-egress-key");
    expect(keySecret.metadata.namespace).toBe(NAMESPACE);
    const fromSecret = (name: string) => {
      const ref = env.find((e: any) => e.name === name).valueFrom.secretKeyRef;
      expect(ref.name).toBe(keySecret.metadata.name);
      return keySecret.stringData[ref.key];
    };
    expect([fromSecret("LIVEKIT_API_KEY"), fromSecret("LIVEKIT_API_SECRET")]).toEqual([API_KEY, API_SECRET]);
    expect(
      object(result, K8S_TYPES.deployment, EGRESS).spec.template.metadata.annotations["livekit-platform/keys-sha256"],
    ).toBe(createHash("sha256").update(`${API_KEY}\n${API_SECRET}`).digest("hex"));
  });

  it("keeps its config, which holds the Redis password, in a Secret only", () => {
    expect(isSecret(configSecretOf(result).inputs.stringData)).toBe(true);
    for (const text of configMapTexts(result)) {
      expect(text).not.toContain(API_SECRET);
      expect(text).not.toContain(REDIS_PASSWORD);
    }
    expect(resourcesOfType(result, K8S_TYPES.configMap)).toHaveLength(0);
    // The pods mount that Secret (how, and where egress looks for it: pod.test.ts).
    const volumes = object(result, K8S_TYPES.deployment, EGRESS).spec.template.spec.volumes;
    expect(volumes.map((v: any) => v.secret?.secretName)).toEqual([inputsOf(configSecretOf(result)).metadata.name]);
    // The checksum reveals nothing, so it stays readable in the plan.
    const raw = findResource(result, K8S_TYPES.deployment, "mumbai-egress").inputs as any;
    expect(isSecret(raw.spec.template.metadata.annotations["livekit-platform/config-sha256"])).toBe(false);
  });

  it("rolls the pods when the config changes", async () => {
    const checksum = (r: PlanResult) =>
      object(r, K8S_TYPES.deployment, EGRESS).spec.template.metadata.annotations["livekit-platform/config-sha256"];
    expect(checksum(result)).toBe(createHash("sha256").update(configText(result)).digest("hex"));
    expect(checksum(await plan())).toBe(checksum(result));
    expect(checksum(await plan({ livekitUrl: "wss://mumbai.example.com" }))).not.toBe(checksum(result));
  });

  it("scales through KEDA on idle pods in its namespace, within the given bounds, after KEDA's CRDs exist", () => {
    // The ScaledObject's rules (query, fallback, behaviour): scaling.test.ts. Here, what the component feeds them.
    expect(resourcesOfType(result, K8S_TYPES.hpa)).toHaveLength(0); // KEDA owns the HPA
    const scaled = only(result, SCALED_OBJECT);
    const spec = inputsOf(scaled).spec;
    expect(inputsOf(scaled)).toMatchObject({ apiVersion: "keda.sh/v1alpha1", kind: "ScaledObject" });
    expect(spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "livekit-egress" },
      minReplicaCount: 3,
      maxReplicaCount: 12,
    });
    expect(spec.triggers).toHaveLength(1);
    const [trigger] = spec.triggers;
    expect(trigger.metadata).toMatchObject({ serverAddress: PROMETHEUS, threshold: "1" });
    expect(trigger.metadata.query).toContain(`livekit_egress_available{namespace="${NAMESPACE}"} == 0`);
    // The warm pool and the 10% share: busy + max(3, busy / 9).
    expect(trigger.metadata.query).toMatch(/clamp_min\(vector\(.* \* 0\.111111\), 3\)/);
    // KEDA's CRDs come with its release: the ScaledObject waits for it.
    const keda = result.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.name === "mumbai-keda")!;
    expect(scaled.dependencies).toContain(keda.urn);
    expect(object(result, K8S_TYPES.deployment, EGRESS).spec).not.toHaveProperty("replicas");
  });

  // Here rather than in scaling.test.ts: the schemas are loaded for the check of every object above.
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

  it("drains one pod at a time", () => {
    expect(object(result, K8S_TYPES.pdb, "livekit-egress").spec.maxUnavailable).toBe(1);
  });

  it("removes idle pods first: an updater in the namespace keeps each egress pod's deletion cost from its activity", () => {
    // What the updater runs and may do: deletion-cost.test.ts. Here, that it watches these pods, in this namespace.
    const updater = object(result, K8S_TYPES.deployment, UPDATER);
    const script: string = updater.spec.template.spec.containers[0].args[0];
    expect(script).toContain(`kubectl -n ${NAMESPACE} get pods -l 'app.kubernetes.io/name=livekit-egress,`);
    expect(script).toContain(`/api/v1/namespaces/${NAMESPACE}/pods/$pod:9090/proxy/metrics`);
    expect(updater.spec.template.spec.serviceAccountName).toBe(
      object(result, K8S_TYPES.serviceAccount, UPDATER).metadata.name,
    );
    // Only the updater may touch pods, only in this namespace; the egress pods keep no API token.
    const role = object(result, "kubernetes:rbac.authorization.k8s.io/v1:Role", UPDATER);
    expect(role.metadata.namespace).toBe(NAMESPACE);
    expect(role.rules).toEqual(DELETION_COST_UPDATER_RULES);
    expect(object(result, K8S_TYPES.serviceAccount, EGRESS).automountServiceAccountToken).toBe(false);
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
      egressPod = podOf(object(result, K8S_TYPES.deployment, EGRESS), "livekit-egress-6b8f7c9d4-q7w2e");
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
      const image = egressPod.spec.containers.map((c: any) => ({ ...c, image: "evil:1" }));
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
      const image = { spec: { containers: egressPod.spec.containers.map((c: any) => ({ ...c, image: "v2" })) } };
      const admin = { username: "kubernetes-admin", groups: ["system:masters", "system:authenticated"] };
      expect(verdict(podPatch(egressPod, image, admin))).toEqual({ applies: false });
      expect(verdict(podPatch(egressPod, image, serviceAccountUser(NAMESPACE, "livekit-egress")))).toEqual({
        applies: false,
      });
    });
  });

  it("never cuts a recording: the session limit ends it, and the grace period outlasts the limit and the upload", () => {
    const limits = parse(configText(result)).session_limits;
    const grace = object(result, K8S_TYPES.deployment, EGRESS).spec.template.spec.terminationGracePeriodSeconds;
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
    const [{ resources }] = object(result, K8S_TYPES.deployment, EGRESS).spec.template.spec.containers;
    const limitGiB = parseInt(resources.limits.memory, 10);
    expect(limitGiB - parse(configText(result)).cpu_cost.max_memory).toBeGreaterThanOrEqual(1);
  });

  it("admits a room composite only on an idle pod, which keeps all its CPUs for the composite's peaks", () => {
    const [{ resources }] = object(result, K8S_TYPES.deployment, EGRESS).spec.template.spec.containers;
    const cpus = Number(resources.limits.cpu);
    const cost = parse(configText(result)).cpu_cost;
    // Egress admits while CPUs x 0.8 - used >= cost; anything running makes used > 0.
    expect(cpus * 0.8).toBeCloseTo(cost.room_composite_cpu_cost, 9);
    expect(cost.web_cpu_cost).toBe(cost.room_composite_cpu_cost);
    expect(cpus).toBeGreaterThanOrEqual(5);
  });

  it("refuses pods smaller than LiveKit's minimum, and memory without headroom over max_memory", async () => {
    const constructionError = async (overrides: Partial<TestArgs>) => {
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
