/** `livekit-platform:images`: where the nodes pull the workload images from, and digest pins. */
import { z } from "zod";
import {
  DIGEST_PINNED_REFERENCE,
  IMAGE_NAMES,
  isDockerHubReference,
  type ImageName,
} from "../../../components/shared/images";
import { versions } from "../../../lib/versions";

const digestPin = (image: ImageName) =>
  z
    .string({ error: "must be an image reference pinned by digest, <repository>[:<tag>]@sha256:<64 hex>" })
    .refine((reference) => DIGEST_PINNED_REFERENCE.test(reference), {
      error: "must be an image reference pinned by digest, <repository>[:<tag>]@sha256:<64 lowercase hex>",
    })
    .optional()
    .meta({
      description: `Reference pinned by digest, used instead of \`${versions.images[image]}\`: \`<repository>[:<tag>]@sha256:<64 lowercase hex>\`, such as \`${versions.images[image]}@sha256:<digest>\`; a Docker Hub reference goes through the mirror when it is on.`,
      defaultText: `\`${versions.images[image]}\` (by tag)`,
    });

/** An ECR pull-through cache rule's repository prefix, `fallback` unless set. */
const repositoryPrefix = (fallback: string, description: string) =>
  z
    .string({ error: `must be an ECR repository prefix such as ${fallback}` })
    .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, {
      error: `must be 2-30 lowercase letters, digits, dots, dashes or underscores, such as ${fallback}`,
    })
    .min(2, { error: `must be 2-30 characters, such as ${fallback}` })
    .max(30, { error: `must be 2-30 characters, such as ${fallback}` })
    .default(fallback)
    .describe(description);

/** The prefixes of the mirror's rules, one per upstream registry; ECR keeps one rule per prefix. */
const MIRROR_PREFIX_KEYS = [
  "repositoryPrefix",
  "quayRepositoryPrefix",
  "kubernetesRepositoryPrefix",
  "ecrPublicRepositoryPrefix",
] as const;

export const images = z
  .strictObject({
    mirror: z
      .strictObject({
        repositoryPrefix: repositoryPrefix(
          "docker-hub",
          "Repository prefix of the Docker Hub pull-through cache rule: images are pulled as `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<namespace>/<name>`.",
        ),
        quayRepositoryPrefix: repositoryPrefix(
          "quay",
          "Repository prefix of the quay.io rule (no credentials): the charts' quay.io images (Prometheus, Alertmanager, the operator, node-exporter, Grafana's sidecar) are pulled through it.",
        ),
        kubernetesRepositoryPrefix: repositoryPrefix(
          "k8s",
          "Repository prefix of the registry.k8s.io rule (no credentials): kube-state-metrics and metrics-server are pulled through it.",
        ),
        ecrPublicRepositoryPrefix: repositoryPrefix(
          "ecr-public",
          "Repository prefix of the public.ecr.aws rule (no credentials): the EBS CSI driver and the AWS Load Balancer Controller are pulled through it.",
        ),
        dockerHubUsername: z
          .string({ error: "must be a Docker Hub user name" })
          .min(1, { error: "must be a Docker Hub user name" })
          .describe("Docker Hub user the cache pulls as (ECR's Docker Hub rules require credentials)."),
        dockerHubAccessToken: z
          .string({ error: "must be a Docker Hub access token" })
          .min(1, { error: "must be a Docker Hub access token" })
          .describe(
            "Docker Hub access token of that user (set as a secret: `pulumi config set --secret --path 'livekit-platform:images.mirror.dockerHubAccessToken'`); stored in Secrets Manager for ECR.",
          ),
      })
      .optional()
      .meta({
        description:
          'ECR pull-through cache rules the stack creates for Docker Hub, quay.io, registry.k8s.io and public.ecr.aws; every workload image and the charts\' images from those registries are then pulled through them (docs/security.md, "Chart images").',
        defaultText: "off: nodes pull from the upstream registries",
      }),
    pins: z
      .strictObject(
        Object.fromEntries(IMAGE_NAMES.map((image) => [image, digestPin(image)])) as Record<
          ImageName,
          ReturnType<typeof digestPin>
        >,
      )
      .prefault({})
      .describe("Digest pins per workload image, used as written instead of the shipped tags."),
  })
  // ECR's pull-through cache fills only on a pull by tag: a first pull of a Docker Hub image by digest through it
  // finds nothing (aws/containers-roadmap#2837, open), so every node would fail to pull that image.
  .superRefine(({ mirror, pins }, ctx) => {
    if (mirror === undefined) return;
    // Two rules cannot share a prefix: the second CreatePullThroughCacheRule would fail on `pulumi up`.
    MIRROR_PREFIX_KEYS.forEach((key, i) => {
      const other = MIRROR_PREFIX_KEYS.slice(0, i).find((earlier) => mirror[earlier] === mirror[key]);
      if (other !== undefined)
        ctx.addIssue({
          code: "custom",
          path: ["mirror", key],
          input: mirror[key],
          message: `must differ from images.mirror.${other}: each upstream registry needs a prefix of its own`,
        });
    });
    for (const image of IMAGE_NAMES) {
      const pin = pins[image];
      if (pin !== undefined && isDockerHubReference(pin))
        ctx.addIssue({
          code: "custom",
          path: ["pins", image],
          input: pin,
          message:
            "cannot be pulled through the registry mirror: ECR's pull-through cache fills only on a pull by tag, not by digest; drop the pin or the mirror",
        });
    }
  })
  .prefault({})
  .describe(
    "Where the nodes pull the workload images (LiveKit, Egress, Coturn, lk, curl, kubectl) and the charts' images from.",
  );
