/**
 * The egress Deployment as its builder makes it (components/egress/pod.ts). How the component wires it to the
 * config Secret, the bucket and the autoscaler, and that the API accepts it as sent, is in egress.plan.test.ts.
 */
import { parse } from "yaml";
import { EgressConfigInput, renderEgressConfig } from "../../../components/egress/config";
import { EGRESS_APP, egressDeploymentSpec, EgressPodInput } from "../../../components/egress/pod";
import { egressTerminationGraceSeconds } from "../../../components/egress/scaling";
import { workloadLabels } from "../../../components/shared/annotations";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { plain } from "../../support/builders";
import { isObjectName } from "../../support/kubernetes-names";

const SIX_HOURS = 6 * 3600;
const CONFIG_SECRET = "livekit-egress-config-0123456789";
const CHECKSUM = "c0ffee".repeat(10) + "abcd";
const KEY_SECRET = "livekit-egress-key";
const KEY_CHECKSUM = "beef".repeat(16);

const input = (overrides: Partial<EgressPodInput> = {}): EgressPodInput => ({
  ...workloadLabels(EGRESS_APP, "egress"),
  resources: { cpus: 5, memoryGiB: 5 },
  terminationGracePeriodSeconds: egressTerminationGraceSeconds(SIX_HOURS),
  recording: true,
  serviceAccountName: EGRESS_APP,
  configSecretName: CONFIG_SECRET,
  configChecksum: CHECKSUM,
  apiKey: {
    id: { secretName: KEY_SECRET, key: "egress-api-key" },
    secret: { secretName: KEY_SECRET, key: "egress-api-secret" },
    checksum: KEY_CHECKSUM,
  },
  ...overrides,
});

/** The config the pods read, rendered as the component renders it. */
const configInput: EgressConfigInput = {
  wsUrl: "ws://livekit-server.livekit.svc.cluster.local:7880",
  redis: { host: "redis.example", port: 6379, password: "redis-password" },
  s3: { bucket: "recordings", region: "ap-south-1" },
  logging: { level: "info", json: true },
  admission: { maxMemoryGiB: 4, compositeCpuCost: 4 },
  maxRecordingSeconds: SIX_HOURS,
};

describe("the egress Deployment", () => {
  const deployment = plain(egressDeploymentSpec(input()));
  const pod = deployment.template.spec;
  const [container] = pod.containers;

  it("runs on egress nodes with at least 4 whole CPUs and 4 GiB, limited so egress counts its own CPUs", () => {
    expect(pod.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "egress" });
    expect(pod.tolerations).toContainEqual({
      key: "livekit-platform/egress",
      operator: "Equal",
      value: "true",
      effect: "NoSchedule",
    });
    const { resources, image } = container;
    expect(image).toBe(versions.images.livekitEgress);
    expect(resources.requests).toEqual(resources.limits);
    expect(Number(resources.limits.cpu)).toBeGreaterThanOrEqual(4);
    expect(resources.limits.memory).toMatch(/^\d+Gi$/);
    expect(parseInt(resources.limits.memory, 10)).toBeGreaterThanOrEqual(4);
  });

  it("is undisturbed by Karpenter's consolidation", () => {
    expect(deployment.template.metadata.annotations["karpenter.sh/do-not-disrupt"]).toBe("true");
  });

  it("probes the health port and exposes metrics, the ports egress's config opens", () => {
    expect(container.ports).toEqual([
      { name: "health", containerPort: 8080, protocol: "TCP" },
      { name: "metrics", containerPort: 9090, protocol: "TCP" },
    ]);
    expect(container.readinessProbe.httpGet).toEqual({ path: "/", port: 8080 });
    expect(container.livenessProbe.httpGet).toEqual({ path: "/", port: 8080 });
    expect(parse(renderEgressConfig(configInput))).toMatchObject({ health_port: 8080, prometheus_port: 9090 });
  });

  it("reads its config from the Secret, readable by the image's user only, at the path egress is told", () => {
    const mount = container.volumeMounts[0];
    const configVolume = pod.volumes.find((v: any) => v.name === mount.name);
    expect(configVolume.secret).toEqual({ secretName: CONFIG_SECRET, defaultMode: 0o440 });
    expect(container.env[0]).toEqual({ name: "EGRESS_CONFIG_FILE", value: `${mount.mountPath}/config.yaml` });
    expect(deployment.template.metadata.annotations["livekit-platform/config-sha256"]).toBe(CHECKSUM);
  });

  it("takes its API key pair from the credentials' Secret, in the variables egress reads when its config names none", () => {
    // egress v1.14.1 pkg/config/service.go NewServiceConfig: ApiKey and ApiSecret start from these variables,
    // and the config file overrides them only when it names them, which it does not.
    expect(container.env.slice(1)).toEqual([
      { name: "LIVEKIT_API_KEY", valueFrom: { secretKeyRef: { name: KEY_SECRET, key: "egress-api-key" } } },
      { name: "LIVEKIT_API_SECRET", valueFrom: { secretKeyRef: { name: KEY_SECRET, key: "egress-api-secret" } } },
    ]);
    const config = parse(renderEgressConfig(configInput));
    expect(config).not.toHaveProperty("api_key");
    expect(config).not.toHaveProperty("api_secret");
    // Egress reads the pair once, at start: a new pair rolls the pods.
    expect(deployment.template.metadata.annotations["livekit-platform/keys-sha256"]).toBe(KEY_CHECKSUM);
  });

  it("selects exactly its own pods, with names the API server takes", () => {
    // kubernetes pkg/apis/apps/validation/validation.go ValidateDeploymentSpec: the selector must not be empty
    // and the template's labels must match it.
    const { matchLabels } = deployment.selector;
    expect(Object.keys(matchLabels).length).toBeGreaterThan(0);
    expect(deployment.template.metadata.labels).toMatchObject(matchLabels);
    // The Deployment, service account, PDB and ScaledObject are named EGRESS_APP; a container's name is a DNS
    // label (pkg/apis/core/validation/validation.go validateContainerCommon: IsDNS1123Label).
    expect(isObjectName(EGRESS_APP)).toBe(true);
    expect(container.name).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
  });

  it("gets no service environment variables: egress finds LiveKit and Redis by its config alone", () => {
    expect(pod.enableServiceLinks).toBe(false);
  });

  it("rolls out by adding pods before draining old ones", () => {
    expect(deployment.strategy).toEqual({
      type: "RollingUpdate",
      rollingUpdate: { maxUnavailable: 0, maxSurge: "25%" },
    });
  });

  it("leaves the pod count to KEDA, and keeps none when nothing is recorded", () => {
    expect(deployment).not.toHaveProperty("replicas");
    expect(plain(egressDeploymentSpec(input({ recording: false }))).replicas).toBe(0);
  });

  it("starts new pods idle, at the lowest deletion cost, so scale-in takes them first", () => {
    expect(deployment.template.metadata.annotations["controller.kubernetes.io/pod-deletion-cost"]).toBe("0");
  });

  it("runs hardened: no privilege escalation, no capabilities, RuntimeDefault seccomp", () => {
    expect(pod.securityContext).toEqual({ seccompProfile: { type: "RuntimeDefault" } });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      privileged: false,
      capabilities: { drop: ["ALL"] },
    });
    // Chrome's sandbox stays off (egress's default): nothing asks for SYS_ADMIN.
    expect(parse(renderEgressConfig(configInput))).not.toHaveProperty("enable_chrome_sandbox");
  });
});
