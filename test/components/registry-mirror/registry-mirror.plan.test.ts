/**
 * The mumbai stack with the registry mirror on: the pull-through cache rules, the Docker Hub credentials (a secret,
 * in a Secrets Manager secret ECR reads), the node roles' first-pull permissions, and every workload container and
 * every chart's image from a mirrored registry pulling through the mirror (the charts rendered by
 * test/support/chart-images.ts, as their templates write the images).
 */
import { findResource, inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { allContainers, podSpecOf, WORKLOAD_TYPES } from "../../../policy/workloads";
import { versions } from "../../../lib/versions";
import { isDockerHubReference } from "../../../components/shared/images";
import { chartImages } from "../../support/chart-images";
import { chartKeys, unreadValuePaths } from "../../support/chart-values";
import { runStack, shippedStackPlan } from "../../support/plan";

const TOKEN = "dckr_pat_0123456789abcdef";
const HOST = "123456789012.dkr.ecr.ap-south-1.amazonaws.com";
const MIRROR = `${HOST}/docker-hub/`;
/** The upstream registries the mirror has a rule for, and the rule's prefix (the defaults). */
const MIRRORED: Record<string, string> = {
  "docker.io": "docker-hub",
  "quay.io": "quay",
  "registry.k8s.io": "k8s",
  "public.ecr.aws": "ecr-public",
};
/** What stays on its registry: ghcr.io (its rule would need GitHub credentials), Karpenter's digest-pinned image. */
const DIRECT = [/^ghcr\.io\//, /^public\.ecr\.aws\/karpenter\/controller:[^@]+@sha256:[0-9a-f]{64}$/];

/** Every image of every Helm release of the plan, as the chart renders it: "<release> <container>" → reference. */
function releaseImages(plan: PlanResult): Map<string, string> {
  const images = new Map<string, string>();
  for (const release of resourcesOfType(plan, "kubernetes:helm.sh/v3:Release")) {
    const { chart, version, values } = inputsOf(release);
    for (const [container, image] of chartImages(chart, version, values ?? {}))
      images.set(`${release.name} ${container}`, image);
  }
  return images;
}

/** `reference` through the mirror: `<host>/<prefix>/<path>` for a mirrored registry, else unchanged. */
function expectedThroughMirror(reference: string): string {
  const [registry, ...path] = reference.split("/");
  if (DIRECT.some((direct) => direct.test(reference))) return reference;
  return MIRRORED[registry] ? `${HOST}/${MIRRORED[registry]}/${path.join("/")}` : reference;
}

/** Every container image of every workload the plan renders, as "<kind> <name> <container>: <image>". */
function workloadImages(plan: PlanResult): Map<string, string> {
  const images = new Map<string, string>();
  for (const r of plan.resources.filter((x) => WORKLOAD_TYPES.includes(x.type))) {
    const spec = podSpecOf(r.type, inputsOf(r));
    for (const { container } of spec ? allContainers(spec) : [])
      images.set(`${r.type.split(":").pop()} ${r.name} ${container.name}`, String(container.image));
  }
  return images;
}

describe("registry mirror (mumbai, mirror on)", () => {
  let plan: PlanResult;
  let shipped: PlanResult;
  beforeAll(async () => {
    plan = await runStack("mumbai", {
      "livekit-platform:images": {
        mirror: { dockerHubUsername: "livekit-ops", dockerHubAccessToken: TOKEN },
      },
    });
    shipped = await shippedStackPlan("mumbai");
  }, 60_000);

  it("pulls every workload image through the mirror, by its tag (the cache fills only by tag)", () => {
    const images = workloadImages(plan);
    expect(images.size).toBeGreaterThanOrEqual(8);
    for (const [container, image] of images)
      expect({ container, image: image.startsWith(MIRROR) }).toEqual({ container, image: true });
    expect(images.get("Deployment mumbai-livekit-server livekit-server")).toBe(
      `${MIRROR}${versions.images.livekitServer}`,
    );
    expect(new Set(images.values())).toEqual(new Set(Object.values(versions.images).map((ref) => `${MIRROR}${ref}`)));
    // Without the section, the shipped tags from Docker Hub.
    expect(new Set(workloadImages(shipped).values())).toEqual(new Set(Object.values(versions.images)));
  });

  it("pulls every image of every chart from Docker Hub, quay.io, registry.k8s.io and public.ecr.aws through the mirror", () => {
    const mirrored = releaseImages(plan);
    const upstream = releaseImages(shipped);
    // Every chart of the plan is in the image table (chartImages throws on one that is not), Grafana included.
    expect(mirrored.size).toBeGreaterThanOrEqual(20);
    expect([...upstream.values()]).toContain("docker.io/grafana/grafana:13.2.0");
    expect([...upstream.values()]).toContain("docker.io/library/busybox:1.38.0");
    // The same image, tag and digest, from the mirror's rule for its registry.
    for (const [container, image] of upstream)
      expect({ container, image: mirrored.get(container) }).toEqual({ container, image: expectedThroughMirror(image) });
    // With the mirror on, nothing goes to Docker Hub or to a mirrored registry directly, in a chart or a workload.
    const everything = [...mirrored, ...workloadImages(plan)];
    const direct = everything.filter(
      ([, image]) =>
        !image.startsWith(`${HOST}/`) &&
        (isDockerHubReference(image) || Object.keys(MIRRORED).some((r) => image.startsWith(`${r}/`))) &&
        !DIRECT.some((allowed) => allowed.test(image)),
    );
    expect(direct).toEqual([]);
  });

  it("sets the chart images only through value paths the pinned charts read", () => {
    for (const release of resourcesOfType(plan, "kubernetes:helm.sh/v3:Release")) {
      const { chart, version, values } = inputsOf(release);
      if (values === undefined) continue;
      const shippedRelease = findResource(shipped, release.type, release.name);
      // A release whose values the mirror changes has a key catalogue of its chart to check them against.
      if (JSON.stringify(values) === JSON.stringify(inputsOf(shippedRelease).values)) continue;
      expect({ release: release.name, unread: unreadValuePaths(values, chartKeys(chart, version)) }).toEqual({
        release: release.name,
        unread: [],
      });
    }
  });

  it("creates a Docker Hub pull-through cache rule whose credentials are a secret in an ecr-pullthroughcache/ secret", () => {
    const rule = inputsOf(
      findResource(plan, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule", "mumbai-registry-mirror-docker-hub"),
    );
    const secret = findResource(plan, "aws:secretsmanager/secret:Secret", "mumbai-registry-mirror-docker-hub");
    expect(rule).toMatchObject({ ecrRepositoryPrefix: "docker-hub", upstreamRegistryUrl: "registry-1.docker.io" });
    expect(rule.credentialArn).toMatch(/^arn:aws:secretsmanager:ap-south-1:\d{12}:secret:ecr-pullthroughcache\//);
    expect(inputsOf(secret).namePrefix).toMatch(/^ecr-pullthroughcache\//);
    const version = findResource(
      plan,
      "aws:secretsmanager/secretVersion:SecretVersion",
      "mumbai-registry-mirror-docker-hub",
    );
    expect(isSecret(version.inputs.secretString)).toBe(true);
    expect(JSON.parse(inputsOf(version).secretString)).toEqual({ username: "livekit-ops", accessToken: TOKEN });
    // The token appears nowhere else in the plan.
    const elsewhere = plan.resources.filter((r) => r !== version && JSON.stringify(inputsOf(r)).includes(TOKEN));
    expect(elsewhere.map((r) => r.urn)).toEqual([]);
  });

  it("creates credential-less rules for quay.io, registry.k8s.io and public.ecr.aws", () => {
    const rules = resourcesOfType(plan, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule").map((r) => inputsOf(r));
    expect(rules.map((r) => [r.ecrRepositoryPrefix, r.upstreamRegistryUrl, r.credentialArn]).sort()).toEqual([
      ["docker-hub", "registry-1.docker.io", expect.stringContaining(":secret:ecr-pullthroughcache/")],
      ["ecr-public", "public.ecr.aws", undefined],
      ["k8s", "registry.k8s.io", undefined],
      ["quay", "quay.io", undefined],
    ]);
  });

  it("lets both node roles make the caches' repositories and import into them, only under the rules' prefixes", () => {
    const roles = resourcesOfType(plan, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.name.startsWith("mumbai-registry-mirror-pull-through-"),
    );
    const nodeRoles = ["mumbai-nodes", "mumbai-karpenter-nodes"].map(
      (n) => findResource(plan, "aws:iam/role:Role", n).urn,
    );
    expect(roles.map((r) => r.dependencies.find((d) => nodeRoles.includes(d))).sort()).toEqual([...nodeRoles].sort());
    // Every repository a first pull creates, a chart's or a workload's, is one the statement names.
    const { Statement } = JSON.parse(inputsOf(roles[0]).policy);
    const repositories = [...releaseImages(plan).values(), ...workloadImages(plan).values()]
      .filter((image) => image.startsWith(`${HOST}/`))
      .map(
        (image) => `arn:aws:ecr:ap-south-1:123456789012:repository/${image.slice(HOST.length + 1).split(/[:@]/)[0]}`,
      );
    expect(repositories.length).toBeGreaterThanOrEqual(20);
    const granted = (arn: string) =>
      (Statement[0].Resource as string[]).some((pattern) => arn.startsWith(pattern.replace(/\*$/, "")));
    expect(repositories.filter((arn) => !granted(arn))).toEqual([]);
    for (const r of roles) {
      expect(JSON.parse(inputsOf(r).policy).Statement).toEqual([
        {
          Sid: "PullThroughCacheFirstPull",
          Effect: "Allow",
          Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
          Resource: ["docker-hub", "quay", "k8s", "ecr-public"].map(
            (prefix) => `arn:aws:ecr:ap-south-1:123456789012:repository/${prefix}/*`,
          ),
        },
      ]);
    }
  });

  it("creates no workload before a first pull can work (the rule and the permissions first)", () => {
    const rule = findResource(
      plan,
      "aws:ecr/pullThroughCacheRule:PullThroughCacheRule",
      "mumbai-registry-mirror-docker-hub",
    );
    const sfu = findResource(plan, "kubernetes:apps/v1:Deployment", "mumbai-livekit-server");
    expect(sfu.dependencies).toContain(rule.urn);
    // The charts pull through it too: their releases wait for every rule and the node roles' permissions.
    const ready = [
      ...resourcesOfType(plan, "aws:ecr/pullThroughCacheRule:PullThroughCacheRule"),
      ...resourcesOfType(plan, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
        r.name.startsWith("mumbai-registry-mirror-pull-through-"),
      ),
    ].map((r) => r.urn);
    expect(ready).toHaveLength(6);
    for (const name of ["mumbai-monitoring-stack", "mumbai-storage-ebs-csi", "mumbai-lbc", "mumbai-metrics-server"])
      expect({ name, waits: findResource(plan, "kubernetes:helm.sh/v3:Release", name).dependencies }).toEqual({
        name,
        waits: expect.arrayContaining(ready),
      });
  });
});
