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

export const images = z
  .strictObject({
    mirror: z
      .strictObject({
        repositoryPrefix: z
          .string({ error: "must be an ECR repository prefix such as docker-hub" })
          .regex(/^[a-z0-9]+(?:[._-][a-z0-9]+)*$/, {
            error: "must be 2-30 lowercase letters, digits, dots, dashes or underscores, such as docker-hub",
          })
          .min(2, { error: "must be 2-30 characters, such as docker-hub" })
          .max(30, { error: "must be 2-30 characters, such as docker-hub" })
          .default("docker-hub")
          .describe(
            "Repository prefix of the pull-through cache rule: images are pulled as `<account>.dkr.ecr.<region>.amazonaws.com/<prefix>/<namespace>/<name>`.",
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
          "An ECR pull-through cache of Docker Hub the stack creates; every workload image is then pulled through it.",
        defaultText: "off: nodes pull from Docker Hub",
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
  .describe("Where the nodes pull the workload images (LiveKit, Egress, Coturn, lk, curl, kubectl) from.");
