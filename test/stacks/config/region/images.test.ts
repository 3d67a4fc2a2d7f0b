/** Image settings: the registry mirror and digest pins, checked before anything is registered. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

const DIGEST = `sha256:${"0123456789abcdef".repeat(4)}`;
const parse = (images: unknown) =>
  parseStackConfig(stackConfig("mumbai", { "livekit-platform:images": images }), "mumbai") as RegionSettings;

describe("image settings", () => {
  it("pull from Docker Hub by the shipped tags unless set", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
    expect(mumbai.images.mirror).toBeUndefined();
    expect(Object.values(mumbai.images.pins).filter(Boolean)).toEqual([]);
  });

  it("take a mirror with Docker Hub credentials, prefix docker-hub unless set", () => {
    const cfg = parse({ mirror: { dockerHubUsername: "ops", dockerHubAccessToken: "dckr_pat_x" } });
    expect(cfg.images.mirror).toEqual({
      repositoryPrefix: "docker-hub",
      quayRepositoryPrefix: "quay",
      kubernetesRepositoryPrefix: "k8s",
      ecrPublicRepositoryPrefix: "ecr-public",
      dockerHubUsername: "ops",
      dockerHubAccessToken: "dckr_pat_x",
    });
    expect(() => parse({ mirror: { dockerHubUsername: "ops" } })).toThrow("images.mirror.dockerHubAccessToken");
    expect(() =>
      parse({ mirror: { repositoryPrefix: "Docker Hub", dockerHubUsername: "ops", dockerHubAccessToken: "t" } }),
    ).toThrow(/images\.mirror\.repositoryPrefix: must be 2-30 lowercase letters.*, got "Docker Hub"/);
  });

  it("refuse two upstream registries on one rule prefix, which ECR would refuse on `pulumi up`", () => {
    const mirror = { dockerHubUsername: "ops", dockerHubAccessToken: "dckr_pat_x" };
    expect(() => parse({ mirror: { ...mirror, repositoryPrefix: "quay" } })).toThrow(
      'livekit-platform:images.mirror.quayRepositoryPrefix: must differ from images.mirror.repositoryPrefix: each upstream registry needs a prefix of its own, got "quay"',
    );
    expect(() => parse({ mirror: { ...mirror, ecrPublicRepositoryPrefix: "k8s" } })).toThrow(
      "images.mirror.ecrPublicRepositoryPrefix: must differ from images.mirror.kubernetesRepositoryPrefix",
    );
    expect(
      parse({ mirror: { ...mirror, quayRepositoryPrefix: "mirror-quay" } }).images.mirror?.quayRepositoryPrefix,
    ).toBe("mirror-quay");
  });

  it("take a digest pin per image, as written, and refuse a tag alone, a short digest or an unknown image", () => {
    const pin = `livekit/livekit-server:v1.13.5@${DIGEST}`;
    expect(parse({ pins: { livekitServer: pin } }).images.pins.livekitServer).toBe(pin);
    expect(parse({ pins: { curl: `curlimages/curl@${DIGEST}` } }).images.pins.curl).toBe(`curlimages/curl@${DIGEST}`);
    for (const bad of [
      "livekit/livekit-server:v1.13.5",
      `livekit/livekit-server@sha256:${"a".repeat(63)}`,
      `livekit/Server@${DIGEST}`,
    ]) {
      expect(() => parse({ pins: { livekitServer: bad } })).toThrow(
        `livekit-platform:images.pins.livekitServer: must be an image reference pinned by digest, <repository>[:<tag>]@sha256:<64 lowercase hex>, got "${bad}"`,
      );
    }
    expect(() => parse({ pins: { redis: `redis@${DIGEST}` } })).toThrow("images.pins");
  });

  it("refuse each mirror setting and pin of the wrong type or length with its own line", () => {
    const mirror = { dockerHubUsername: "ops", dockerHubAccessToken: "dckr_pat_x" };
    const lines: [unknown, string][] = [
      [
        { pins: { curl: 5 } },
        "images.pins.curl: must be an image reference pinned by digest, <repository>[:<tag>]@sha256:<64 hex>, got 5",
      ],
      [
        { mirror: { ...mirror, repositoryPrefix: 5 } },
        "images.mirror.repositoryPrefix: must be an ECR repository prefix such as docker-hub, got 5",
      ],
      // ECR takes a prefix of 2 to 30 characters (CreatePullThroughCacheRule, ecrRepositoryPrefix).
      [
        { mirror: { ...mirror, repositoryPrefix: "q" } },
        'images.mirror.repositoryPrefix: must be 2-30 characters, such as docker-hub, got "q"',
      ],
      [
        { mirror: { ...mirror, quayRepositoryPrefix: "q".repeat(31) } },
        `images.mirror.quayRepositoryPrefix: must be 2-30 characters, such as quay, got "${"q".repeat(31)}"`,
      ],
      [
        { mirror: { ...mirror, dockerHubUsername: "" } },
        'images.mirror.dockerHubUsername: must be a Docker Hub user name, got ""',
      ],
      [
        { mirror: { ...mirror, dockerHubUsername: 7 } },
        "images.mirror.dockerHubUsername: must be a Docker Hub user name, got 7",
      ],
      [
        { mirror: { ...mirror, dockerHubAccessToken: "" } },
        'images.mirror.dockerHubAccessToken: must be a Docker Hub access token, got ""',
      ],
      [
        { mirror: { ...mirror, dockerHubAccessToken: 7 } },
        "images.mirror.dockerHubAccessToken: must be a Docker Hub access token, got 7",
      ],
    ];
    for (const [images, line] of lines) expect(() => parse(images)).toThrow(`livekit-platform:${line}`);
    // At the bounds, taken.
    const bounds = { ...mirror, repositoryPrefix: "dh", quayRepositoryPrefix: "q".repeat(30) };
    expect(parse({ mirror: bounds }).images.mirror).toMatchObject({ repositoryPrefix: "dh" });
  });

  it("refuse a Docker Hub image pinned by digest behind the mirror, which ECR's cache cannot fill by digest", () => {
    const mirror = { dockerHubUsername: "ops", dockerHubAccessToken: "dckr_pat_x" };
    const pin = `livekit/livekit-server:v1.13.5@${DIGEST}`;
    expect(() => parse({ mirror, pins: { livekitServer: pin } })).toThrow(
      `livekit-platform:images.pins.livekitServer: cannot be pulled through the registry mirror: ECR's pull-through cache fills only on a pull by tag, not by digest; drop the pin or the mirror, got "${pin}"`,
    );
    expect(parse({ pins: { livekitServer: pin } }).images.pins.livekitServer).toBe(pin);
  });
});
