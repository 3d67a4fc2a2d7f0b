import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { parse } from "yaml";
import { Egress, EgressArgs } from "../../../components/egress";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/engine";
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
import { runComponents } from "../../support/plan";

const API_KEY = "APIf00dcafe1234";
const API_SECRET = "s3cr3t-0123456789abcdefghijklmnopqrstuvwxyzABCDEF";

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

const plan = (overrides: Partial<EgressArgs> = {}) =>
  runComponents(() => {
    new Egress("mumbai", {
      provider: k8sProvider(),
      clusterName: "livekit-mumbai",
      namespace: NAMESPACE,
      livekitUrl: pulumi.output("ws://livekit-server.livekit.svc.cluster.local:7880"),
      apiKey: pulumi.secret(API_KEY),
      apiSecret: pulumi.secret(API_SECRET),
      redis: { host: pulumi.output(REDIS_HOST), port: 6379, password: pulumi.secret(REDIS_PASSWORD) },
      resources: { cpus: 4, memoryGiB: 8 },
      autoscaling: { minReplicas: 1, maxReplicas: 6, targetCpuUtilizationPercent: 50 },
      recordingRetentionDays: 30,
      ...overrides,
    });
  });

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
    expect(resourcesOfType(result, K8S_TYPES.deployment)[0].dependencies).toContain(
      only(result, TYPES.podIdentity).urn,
    );
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
      cpu_cost: { max_memory: 8, memory_source: "cgroup" },
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
    const raw = resourcesOfType(result, K8S_TYPES.deployment)[0].inputs as any;
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

  it("finishes recordings for at least an hour before it stops, undisturbed by Karpenter", () => {
    const deployment = deploymentOf(result);
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(3600);
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

  it("scales on CPU within the given bounds, one voluntary disruption at a time", () => {
    expect(object(result, K8S_TYPES.hpa, "livekit-egress").spec).toMatchObject({
      scaleTargetRef: { kind: "Deployment", name: "livekit-egress" },
      minReplicas: 1,
      maxReplicas: 6,
      metrics: [
        { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: 50 } } },
      ],
    });
    expect(object(result, K8S_TYPES.pdb, "livekit-egress").spec.maxUnavailable).toBe(1);
    expect(deploymentOf(result).spec).not.toHaveProperty("replicas");
  });

  it("refuses pods smaller than LiveKit's minimum of 4 CPUs and 4 GiB", async () => {
    const constructionError = async (overrides: Partial<EgressArgs>) => {
      let error: unknown;
      await runComponents(() => {
        try {
          new Egress("mumbai", {
            provider: k8sProvider(),
            clusterName: "c",
            namespace: NAMESPACE,
            livekitUrl: "ws://x",
            apiKey: "k",
            apiSecret: "s",
            redis: { host: "h", port: 6379, password: "p" },
            resources: { cpus: 4, memoryGiB: 4 },
            autoscaling: { minReplicas: 1, maxReplicas: 2, targetCpuUtilizationPercent: 50 },
            recordingRetentionDays: 7,
            ...overrides,
          });
        } catch (e) {
          error = e;
        }
      });
      return String(error);
    };
    expect(await constructionError({ resources: { cpus: 2, memoryGiB: 8 } })).toMatch(
      /resources.cpus: expected a whole number >= 4/,
    );
    expect(await constructionError({ resources: { cpus: 4, memoryGiB: 2 } })).toMatch(
      /resources.memoryGiB: expected a whole number >= 4/,
    );
    expect(await constructionError({})).toBe("undefined");
  });
});
