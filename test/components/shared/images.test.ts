/** Image references through the registry mirror, and digest pins (components/shared/images.ts). */
import {
  containerImages,
  DIGEST_PINNED_REFERENCE,
  isDockerHubReference,
  mirroredReference,
} from "../../../components/shared/images";
import { versions } from "../../../lib/versions";

const mirror = { host: "123456789012.dkr.ecr.ap-south-1.amazonaws.com", repositoryPrefix: "docker-hub" };
const DIGEST = `sha256:${"ab".repeat(32)}`;

describe("workload images", () => {
  it("tells Docker Hub references from other registries' (a host has a dot or a port, or is localhost)", () => {
    for (const ref of ["alpine:3", "livekit/egress:v1.14.1", "docker.io/livekit/egress:v1", "library/alpine"])
      expect(isDockerHubReference(ref)).toBe(true);
    for (const ref of ["quay.io/prometheus/alertmanager:v0.34.0", "registry:5000/app:1", "localhost/app:1"])
      expect(isDockerHubReference(ref)).toBe(false);
  });

  it("rewrites Docker Hub references to the mirror, official images under library/, keeping tag and digest", () => {
    expect(mirroredReference("livekit/livekit-server:v1.13.5", mirror)).toBe(
      "123456789012.dkr.ecr.ap-south-1.amazonaws.com/docker-hub/livekit/livekit-server:v1.13.5",
    );
    expect(mirroredReference(`alpine:3.20@${DIGEST}`, mirror)).toBe(
      `123456789012.dkr.ecr.ap-south-1.amazonaws.com/docker-hub/library/alpine:3.20@${DIGEST}`,
    );
    expect(mirroredReference("docker.io/curlimages/curl:8.12.1", mirror)).toBe(
      "123456789012.dkr.ecr.ap-south-1.amazonaws.com/docker-hub/curlimages/curl:8.12.1",
    );
    expect(mirroredReference(`quay.io/x/y@${DIGEST}`, mirror)).toBe(`quay.io/x/y@${DIGEST}`);
    // Only a leading docker.io is the registry: a path component of that name further on is the repository's.
    expect(mirroredReference("acme/docker.io/tool:1", mirror)).toBe(
      "123456789012.dkr.ecr.ap-south-1.amazonaws.com/docker-hub/acme/docker.io/tool:1",
    );
  });

  it("uses a pin instead of the shipped tag, and the shipped tags otherwise", () => {
    expect(containerImages({})).toEqual(versions.images);
    const pinned = containerImages({ livekitServer: `livekit/livekit-server:v1.13.5@${DIGEST}` }, mirror);
    expect(pinned.livekitServer).toBe(`${mirror.host}/docker-hub/livekit/livekit-server:v1.13.5@${DIGEST}`);
    expect(pinned.coturn).toBe(`${mirror.host}/docker-hub/${versions.images.coturn}`);
  });

  it("accepts only sha256 digests of 64 lowercase hex as pins", () => {
    expect(DIGEST_PINNED_REFERENCE.test(`livekit/egress:v1.14.1@${DIGEST}`)).toBe(true);
    expect(DIGEST_PINNED_REFERENCE.test(`registry.example.com:5000/team/app@${DIGEST}`)).toBe(true);
    for (const bad of [
      "livekit/egress:v1.14.1",
      `livekit/egress@sha256:${"AB".repeat(32)}`,
      `livekit/egress@sha512:${"ab".repeat(64)}`,
      `livekit/egress@${DIGEST}x`,
    ])
      expect(DIGEST_PINNED_REFERENCE.test(bad)).toBe(false);
  });

  it("takes pins by distribution/reference's grammar: an official image, separators, a registry host's capitals", () => {
    for (const good of [
      `alpine@${DIGEST}`,
      `my-app@${DIGEST}`,
      `my--app@${DIGEST}`,
      `registry.example.com/team/my-app@${DIGEST}`,
      `registry.example.com/team/my--app:v1@${DIGEST}`,
      `Registry.Example.com/team/app@${DIGEST}`,
    ])
      expect([good, DIGEST_PINNED_REFERENCE.test(good)]).toEqual([good, true]);
    // A repository is lowercase, wherever the capital is.
    for (const bad of [`livekit/Egress@${DIGEST}`, `Alpine@${DIGEST}`])
      expect([bad, DIGEST_PINNED_REFERENCE.test(bad)]).toEqual([bad, false]);
  });
});
