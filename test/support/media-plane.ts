/**
 * Fake inputs for the media-plane components (LiveKit, Coturn, egress, endpoints, load test) and helpers to
 * read what they send to Kubernetes. Everything here is input the test chooses; nothing the mock invents.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { parseIp } from "../../lib/ip";
import { LiveKitArgs } from "../../components/livekit";
import { LIVEKIT_DEFAULT_ROOM, LiveKitServerConfigInput } from "../../components/livekit/server-config";
import { TurnserverConfInput } from "../../components/coturn/turnserver-conf";
import { inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../tools/engine";
import { KubernetesObject, validatorFor } from "./kubernetes-schemas";

export const NAMESPACE = "livekit";
export const REDIS_HOST = "master.livekit-mumbai.abc123.aps1.cache.amazonaws.com";
export const REDIS_PASSWORD = "redis-auth-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
export const REDIS_SECRET = { name: "redis-auth", key: "auth-token" };

export const K8S_TYPES = {
  configMap: "kubernetes:core/v1:ConfigMap",
  secret: "kubernetes:core/v1:Secret",
  service: "kubernetes:core/v1:Service",
  serviceAccount: "kubernetes:core/v1:ServiceAccount",
  deployment: "kubernetes:apps/v1:Deployment",
  daemonSet: "kubernetes:apps/v1:DaemonSet",
  hpa: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
  pdb: "kubernetes:policy/v1:PodDisruptionBudget",
  ingress: "kubernetes:networking.k8s.io/v1:Ingress",
  job: "kubernetes:batch/v1:Job",
} as const;

/** The application's key, as stack config gives it (one key: no rotation under way). */
export const APPLICATION_KEYS = {
  signing: "APPtestkey0001",
  keys: { APPtestkey0001: "application-secret-0123456789abcdef0123456789" },
};

export const serverSettings: Omit<LiveKitServerConfigInput, "redis"> = {
  region: "mumbai",
  rtc: { tcpPort: 7881, portRange: { start: 50000, end: 60000 } },
  turnHost: "turn-mumbai.example.com",
  room: LIVEKIT_DEFAULT_ROOM,
  logging: { level: "info", json: true },
};

export const turnserverSettings: TurnserverConfInput = {
  realm: "turn-mumbai.example.com",
  relayPorts: { min: 40000, max: 49999 },
  sfuPorts: { min: 50000, max: 60000 },
  userQuota: 12,
  totalQuota: 5000,
};

export function k8sProvider(): k8s.Provider {
  return new k8s.Provider("region-cluster", { kubeconfig: "{}" });
}

/** The Redis AUTH token Secret, as the region stack would make it. */
export function redisPasswordSecret(provider: k8s.Provider, namespace = NAMESPACE): k8s.core.v1.Secret {
  return new k8s.core.v1.Secret(
    "redis-auth",
    {
      metadata: { name: REDIS_SECRET.name, namespace },
      stringData: { [REDIS_SECRET.key]: pulumi.secret(REDIS_PASSWORD) },
    },
    { provider },
  );
}

/**
 * LiveKit's Args, with the Redis Secret made through `provider`. The component takes the provider in its
 * options: `new LiveKit(name, liveKitArgs(provider), { providers: [provider] })`.
 */
export function liveKitArgs(provider: k8s.Provider, overrides: Partial<LiveKitArgs> = {}): LiveKitArgs {
  return {
    namespace: NAMESPACE,
    server: serverSettings,
    redis: {
      host: pulumi.output(REDIS_HOST),
      port: 6379,
      password: { secret: redisPasswordSecret(provider), key: REDIS_SECRET.key },
    },
    resources: { cpuRequestMillis: 6500, memoryRequestMiB: 2048, memoryLimitMiB: 4096 },
    autoscaling: { minReplicas: 2, maxReplicas: 8, targetCpuUtilizationPercent: 60 },
    applicationKeys: APPLICATION_KEYS,
    turnSecretGenerations: { current: "1", alsoAccepted: [] },
    ...overrides,
  };
}

/** The only resource of `type`; fails if there is not exactly one. */
export function only(result: PlanResult, type: string): PlannedResource {
  const found = resourcesOfType(result, type);
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** The Kubernetes object (inputs, secrets revealed) of `type` named `name`. */
export function object(result: PlanResult, type: string, name: string): Record<string, any> {
  const found = resourcesOfType(result, type)
    .map((r) => inputsOf(r))
    .filter((o) => o.metadata?.name === name);
  if (found.length !== 1) throw new Error(`expected one ${type} with metadata.name ${name}, found ${found.length}`);
  return found[0];
}

/** Every string in every ConfigMap's data, as the program sends them. */
export function configMapTexts(result: PlanResult): string[] {
  return resourcesOfType(result, K8S_TYPES.configMap).flatMap((r) => Object.values(inputsOf(r).data ?? {}) as string[]);
}

/** Every value of every Secret (stringData), revealed. */
export function secretValues(result: PlanResult): string[] {
  return resourcesOfType(result, K8S_TYPES.secret).flatMap(
    (r) => Object.values(inputsOf(r).stringData ?? {}) as string[],
  );
}

/** The rendered livekit-server config.yaml from its ConfigMap. */
export function liveKitConfig(result: PlanResult): Record<string, any> {
  const [configMap] = resourcesOfType(result, K8S_TYPES.configMap)
    .map((r) => inputsOf(r))
    .filter((c) => c.metadata.name.startsWith("livekit-config-"));
  return parse(configMap.data["config.yaml"]);
}

/** A volume of a pod spec by name. */
export function volume(podSpec: Record<string, any>, name: string): Record<string, any> {
  const found = (podSpec.volumes as Record<string, any>[]).find((v) => v.name === name);
  if (!found) throw new Error(`no volume ${name}`);
  return found;
}

/** An IPv4 address as a number. */
export function ipv4(address: string): bigint {
  const ip = parseIp(address);
  if (ip?.family !== 4) throw new Error(`not an IPv4 address: ${address}`);
  return ip.value;
}

/**
 * Problems of every Kubernetes object in the plan against its `kubernetes-models` model (types, required
 * fields, no undeclared field): what the API server would reject or silently drop at `pulumi up`.
 */
export function kubernetesObjectProblems(result: PlanResult): string[] {
  const objects = result.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
    .map((r) => ({ name: `${r.type} ${r.name}`, object: inputsOf<KubernetesObject>(r) }));
  if (objects.length === 0) return ["no Kubernetes object in the plan"];
  const validator = validatorFor(objects.map((o) => o.object));
  return objects.flatMap(({ name, object }) => validator.check(object).map((problem) => `${name}: ${problem}`));
}
