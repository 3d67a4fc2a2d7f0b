/**
 * The node roles' pull-through cache policy, evaluated by IAM's rules against what a node's first pull of an
 * image through a rule asks of ECR (AWS ECR user guide, "IAM permissions required to sync an upstream registry
 * with an Amazon ECR private registry": `ecr:CreateRepository` and `ecr:BatchImportUpstreamImage` on the
 * repository the pull creates, named `<rule prefix>/<upstream repository>`), and nothing more.
 */
import {
  mirrorRepositoriesArns,
  PULL_THROUGH_CACHE_SECRET_PREFIX,
  pullThroughCachePolicy,
  type PullThroughScope,
} from "../../../components/registry-mirror/policy";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { evaluate } from "../../support/iam-evaluate";

const SCOPE: PullThroughScope = {
  partition: "aws",
  region: "ap-south-1",
  accountId: "111122223333",
  repositoryPrefixes: ["docker-hub", "quay", "k8s"],
};
const NODE_ROLE = "arn:aws:iam::111122223333:role/livekit-mumbai-nodes";
const repository = (name: string, region = "ap-south-1", account = "111122223333", partition = "aws") =>
  `arn:${partition}:ecr:${region}:${account}:repository/${name}`;

/** The identity policy as its holder's: every statement applies to whoever holds the role. */
function asNode(scope: PullThroughScope, action: string, resource: string) {
  const document = JSON.parse(pullThroughCachePolicy(scope)) as IamPolicyDocument;
  const held = { ...document, Statement: document.Statement.map((s) => ({ ...s, Principal: "*" as const })) };
  return evaluate(held, { principal: { AWS: NODE_ROLE }, action, resource });
}

describe("the node roles' pull-through cache policy", () => {
  it("lets a first pull through each rule create its repository and import the image", () => {
    for (const name of ["docker-hub/library/nginx", "quay/jetstack/cert-manager-controller", "k8s/pause"]) {
      expect(asNode(SCOPE, "ecr:CreateRepository", repository(name))).toBe("allowed");
      expect(asNode(SCOPE, "ecr:BatchImportUpstreamImage", repository(name))).toBe("allowed");
    }
  });

  it("grants nothing on repositories outside the rules' prefixes", () => {
    for (const name of ["livekit/server", "docker-hubx/library/nginx", "other/docker-hub/nginx"]) {
      expect(asNode(SCOPE, "ecr:CreateRepository", repository(name))).toBe("not allowed");
      expect(asNode(SCOPE, "ecr:BatchImportUpstreamImage", repository(name))).toBe("not allowed");
    }
  });

  it("grants nothing in another region, account or partition", () => {
    const name = "docker-hub/library/nginx";
    expect(asNode(SCOPE, "ecr:CreateRepository", repository(name, "eu-west-1"))).toBe("not allowed");
    expect(asNode(SCOPE, "ecr:CreateRepository", repository(name, "ap-south-1", "444455556666"))).toBe("not allowed");
    expect(asNode(SCOPE, "ecr:CreateRepository", repository(name, "ap-south-1", "111122223333", "aws-cn"))).toBe(
      "not allowed",
    );
    const china = { ...SCOPE, partition: "aws-cn", region: "cn-north-1" };
    expect(asNode(china, "ecr:CreateRepository", repository(name, "cn-north-1", "111122223333", "aws-cn"))).toBe(
      "allowed",
    );
  });

  it("grants nothing else: no deletes, no pushes, no policy changes", () => {
    for (const action of [
      "ecr:DeleteRepository",
      "ecr:PutImage",
      "ecr:BatchDeleteImage",
      "ecr:SetRepositoryPolicy",
      "ecr:CreatePullThroughCacheRule",
    ])
      expect(asNode(SCOPE, action, repository("docker-hub/library/nginx"))).toBe("not allowed");
  });

  it("is in the policy language's current version", () => {
    const document = JSON.parse(pullThroughCachePolicy(SCOPE)) as IamPolicyDocument;
    expect(document.Version).toBe("2012-10-17");
  });

  it("names one resource per rule prefix", () => {
    expect(mirrorRepositoriesArns(SCOPE)).toHaveLength(3);
    expect(mirrorRepositoriesArns({ ...SCOPE, repositoryPrefixes: [] })).toEqual([]);
  });
});

describe("the secret of a rule's upstream credentials", () => {
  it("is named ecr-pullthroughcache/..., the only secrets ECR reads them from", () => {
    // AWS ECR user guide, "Storing your upstream repository credentials in an AWS Secrets Manager secret".
    expect(`${PULL_THROUGH_CACHE_SECRET_PREFIX}livekit-mumbai-docker-hub`).toMatch(/^ecr-pullthroughcache\/[^/]+$/);
  });
});
