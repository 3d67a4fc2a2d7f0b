/**
 * The media-plane components (credentials, LiveKit, Coturn, egress, endpoints, load test) under the mock engine:
 * their fake inputs, built as the region stack wires them, and helpers to read what they send to Kubernetes.
 * Everything here is input the test chooses; nothing the mock invents. What their pods hold is the builders'
 * (components/<capability>/pod.ts), tested in the unit tier with test/support/builders.ts.
 */
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { parse } from "yaml";
import { parseIp } from "../../lib/ip";
import { Credentials, CredentialsArgs } from "../../components/credentials";
import { LiveKit, LiveKitArgs } from "../../components/livekit";
import { inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { KubernetesObject, validatorFor } from "./kubernetes-schemas";
import { APPLICATION_KEY, NAMESPACE, REDIS_HOST, REDIS_PASSWORD, REDIS_SECRET, serverSettings } from "./media-settings";

export * from "./media-settings";

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

/** The region's credentials as the region stack asks for them: the application's key, the initial TURN secret. */
export function credentialsArgs(overrides: Partial<CredentialsArgs> = {}): CredentialsArgs {
  return {
    namespace: NAMESPACE,
    loadTestNamespace: "livekit-load-test",
    applicationKeys: { signing: APPLICATION_KEY, alsoAccepted: [] },
    turnSecretGenerations: { current: "1", alsoAccepted: [] },
    ...overrides,
  };
}

/**
 * LiveKit's Args, reading `credentials`, with the Redis Secret made through `provider`. The component takes the
 * provider in its options: `new LiveKit(name, liveKitArgs(provider, credentials), { providers: [provider] })`.
 */
export function liveKitArgs(
  provider: k8s.Provider,
  credentials: Credentials,
  overrides: Partial<LiveKitArgs> = {},
): LiveKitArgs {
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
    keyFile: credentials.keyFile,
    turnSecret: credentials.turnSecret,
    signingKeyId: credentials.signingKeyId,
    ...overrides,
  };
}

/**
 * The region's credentials and the LiveKit SFU reading them, named and wired as the region stack does it; call
 * inside a run.
 */
export function mediaPlane(overrides: { credentials?: Partial<CredentialsArgs>; livekit?: Partial<LiveKitArgs> } = {}) {
  const provider = k8sProvider();
  const providers = [provider];
  const credentials = new Credentials("mumbai", credentialsArgs(overrides.credentials), { providers });
  const livekit = new LiveKit("mumbai-livekit", liveKitArgs(provider, credentials, overrides.livekit), { providers });
  return { provider, credentials, livekit };
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

/** The rendered livekit-server config.yaml from its ConfigMap. */
export function liveKitConfig(result: PlanResult): Record<string, any> {
  const [configMap] = resourcesOfType(result, K8S_TYPES.configMap)
    .map((r) => inputsOf(r))
    .filter((c) => c.metadata.name.startsWith("livekit-config-"));
  return parse(configMap.data["config.yaml"]);
}

/** An IPv4 address as a number. */
export function ipv4(address: string): bigint {
  const ip = parseIp(address);
  if (ip?.family !== 4) throw new Error(`not an IPv4 address: ${address}`);
  return ip.value;
}

/**
 * Problems of every Kubernetes object in the plan against its `kubernetes-models` model or, for a custom
 * resource, its CRD's schema (types, required fields, values, no undeclared field): what the API server would
 * reject or silently drop at `pulumi up` (test/support/kubernetes-schemas.ts).
 */
export function kubernetesObjectProblems(result: PlanResult): string[] {
  const objects = result.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== "kubernetes:helm.sh/v3:Release")
    .map((r) => ({ name: `${r.type} ${r.name}`, object: inputsOf<KubernetesObject>(r) }));
  if (objects.length === 0) return ["no Kubernetes object in the plan"];
  const validator = validatorFor(objects.map((o) => o.object));
  return objects.flatMap(({ name, object }) => validator.check(object).map((problem) => `${name}: ${problem}`));
}
