/**
 * The container images of the program's own workloads (lib/versions.ts `images`), as the pods name them: the
 * shipped tag, or a digest pin from the stack file, and through the region's registry mirror when it has one.
 * Pure: the RegistryMirror component (components/registry-mirror) gives the mirror's host, the pod builders
 * take the result.
 */
import type { Input } from "@pulumi/pulumi";
import { versions } from "../../lib/versions";

export type ImageName = keyof typeof versions.images;

/** An image reference per workload image; pod builders default to the shipped ones. */
export type ContainerImages = Record<ImageName, Input<string>>;

export const IMAGE_NAMES = Object.keys(versions.images) as ImageName[];

/** The shipped references: Docker Hub repositories by tag. */
export const SHIPPED_IMAGES: ContainerImages = versions.images;

/**
 * A reference pinned by content: `<repository>[:<tag>]@sha256:<64 lowercase hex>`. The grammar of
 * distribution/reference (reference.go at v0.6.0: path components of lowercase letters and digits joined by
 * `.`, `_`, `__` or `-`; a tag of up to 128 word characters, dots and dashes; the sha256 digest as 64 hex).
 */
export const DIGEST_PINNED_REFERENCE =
  /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*(?::[\w][\w.-]{0,127})?@sha256:[0-9a-f]{64}$/;

/** Where a region's nodes pull Docker Hub images from: its ECR pull-through cache. */
export interface RegistryMirror {
  /** `<account>.dkr.ecr.<region>.<dns suffix>`. */
  host: string;
  /** The pull-through cache rule's repository prefix. */
  repositoryPrefix: string;
}

/**
 * Whether `reference` is on Docker Hub: its first path component is not a registry host. A host has a dot
 * or a port, or is `localhost` (distribution/reference normalize.go `splitDockerDomain`, v0.6.0).
 */
export function isDockerHubReference(reference: string): boolean {
  const slash = reference.indexOf("/");
  if (slash < 0) return true;
  const first = reference.slice(0, slash);
  return first === "docker.io" || !(first.includes(".") || first.includes(":") || first === "localhost");
}

/**
 * `reference` through `mirror`: a Docker Hub reference becomes `<host>/<prefix>/<namespace>/<name>...` (official
 * images under `library/`, as ECR's Docker Hub cache names them: AWS ECR user guide, "Pulling an image with a pull
 * through cache rule"); a reference on another registry is left as it is. The tag and digest are kept.
 */
export function mirroredReference(reference: string, mirror: RegistryMirror): string {
  if (!isDockerHubReference(reference)) return reference;
  const path = reference.replace(/^docker\.io\//, "");
  const repository = path.split(/[:@]/)[0];
  return `${mirror.host}/${mirror.repositoryPrefix}/${repository.includes("/") ? path : `library/${path}`}`;
}

/**
 * Every workload image: a pin when the stack file has one (used as written), else the shipped tag; through the
 * mirror when there is one.
 */
export function containerImages(
  pins: Partial<Record<ImageName, string>>,
  mirror?: RegistryMirror,
): Record<ImageName, string> {
  const images = {} as Record<ImageName, string>;
  for (const name of IMAGE_NAMES) {
    const reference = pins[name] ?? versions.images[name];
    images[name] = mirror ? mirroredReference(reference, mirror) : reference;
  }
  return images;
}
