/**
 * The mumbai stack with the registry mirror on and one digest pin: the pull-through cache rule, its Docker Hub
 * credentials (a secret, in a Secrets Manager secret ECR reads), the node roles' first-pull permissions, and every
 * workload container pulling through the mirror.
 */
import { findResource, inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { allContainers, podSpecOf, WORKLOAD_TYPES } from "../../../policy/workloads";
import { versions } from "../../../lib/versions";
import { runStack, shippedStackPlan } from "../../support/plan";

const TOKEN = "dckr_pat_0123456789abcdef";
const MIRROR = "123456789012.dkr.ecr.ap-south-1.amazonaws.com/docker-hub/";

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

  it("lets both node roles make the cache's repositories and import into them, only under the prefix", () => {
    const roles = resourcesOfType(plan, "aws:iam/rolePolicy:RolePolicy").filter((r) =>
      r.name.startsWith("mumbai-registry-mirror-pull-through-"),
    );
    const nodeRoles = ["mumbai-nodes", "mumbai-karpenter-nodes"].map(
      (n) => findResource(plan, "aws:iam/role:Role", n).urn,
    );
    expect(roles.map((r) => r.dependencies.find((d) => nodeRoles.includes(d))).sort()).toEqual([...nodeRoles].sort());
    for (const r of roles) {
      expect(JSON.parse(inputsOf(r).policy).Statement).toEqual([
        {
          Sid: "PullThroughCacheFirstPull",
          Effect: "Allow",
          Action: ["ecr:CreateRepository", "ecr:BatchImportUpstreamImage"],
          Resource: "arn:aws:ecr:ap-south-1:123456789012:repository/docker-hub/*",
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
  });
});
