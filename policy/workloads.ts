/**
 * Reading pod templates out of Kubernetes workload manifests, as policies see them (the manifest the
 * program passes to @pulumi/kubernetes), and judging container image references.
 */

/** Workload type tokens -> the path of their pod spec in the manifest. */
const POD_SPEC_PATHS: Readonly<Record<string, readonly string[]>> = {
  "kubernetes:core/v1:Pod": ["spec"],
  "kubernetes:apps/v1:Deployment": ["spec", "template", "spec"],
  "kubernetes:apps/v1:DaemonSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:StatefulSet": ["spec", "template", "spec"],
  "kubernetes:apps/v1:ReplicaSet": ["spec", "template", "spec"],
  "kubernetes:core/v1:ReplicationController": ["spec", "template", "spec"],
  "kubernetes:batch/v1:Job": ["spec", "template", "spec"],
  "kubernetes:batch/v1:CronJob": ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const WORKLOAD_TYPES: readonly string[] = Object.keys(POD_SPEC_PATHS);

export interface Container {
  name?: string;
  image?: unknown;
  resources?: { limits?: Record<string, unknown>; requests?: Record<string, unknown> };
}

export interface PodSpec {
  containers?: Container[];
  initContainers?: Container[];
  ephemeralContainers?: Container[];
  hostNetwork?: boolean;
  terminationGracePeriodSeconds?: number;
  [key: string]: unknown;
}

/** The pod spec of a workload of `type`, or undefined if the type has none (or the manifest lacks it). */
export function podSpecOf(type: string, props: Record<string, unknown>): PodSpec | undefined {
  const path = POD_SPEC_PATHS[type];
  if (!path) return undefined;
  let node: unknown = props;
  for (const step of path) {
    if (node === null || typeof node !== "object") return undefined;
    node = (node as Record<string, unknown>)[step];
  }
  return node !== null && typeof node === "object" ? (node as PodSpec) : undefined;
}

/** Every container of a pod, with the list it came from. */
export function allContainers(spec: PodSpec): { list: string; container: Container }[] {
  const out: { list: string; container: Container }[] = [];
  for (const list of ["initContainers", "containers", "ephemeralContainers"] as const) {
    for (const container of spec[list] ?? []) out.push({ list, container });
  }
  return out;
}

/** Whether an image reference names its content by digest (`...@<algorithm>:<hex>`). */
export function imageHasDigest(image: unknown): boolean {
  return typeof image === "string" && /@[a-z0-9]+(?:[+._-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(image);
}

/**
 * Why an image reference is not pinned, or undefined if it is. Pinned: a digest (`@sha256:...`), or a
 * tag other than `latest`. `registry:5000/app` has no tag: the colon belongs to the registry's port.
 */
export function imagePinProblem(image: unknown): string | undefined {
  if (typeof image !== "string" || image.trim() === "") return "has no image";
  if (imageHasDigest(image)) return undefined;
  const name = image.split("@")[0];
  const colon = name.lastIndexOf(":");
  if (colon <= name.lastIndexOf("/")) return "has no tag, so it pulls :latest";
  const tag = name.slice(colon + 1);
  if (tag === "") return "has an empty tag";
  if (tag.toLowerCase() === "latest") return "uses the mutable tag latest";
  return undefined;
}

/** The repository part of an image reference, without tag or digest: `livekit/livekit-server`. */
export function imageRepository(image: unknown): string {
  if (typeof image !== "string") return "";
  const name = image.split("@")[0];
  const colon = name.lastIndexOf(":");
  return colon > name.lastIndexOf("/") ? name.slice(0, colon) : name;
}
