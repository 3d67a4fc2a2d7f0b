/** The cluster's settings: a Kubernetes minor is planned only with its EKS add-ons pinned. */
import { kubernetesMinorProblem } from "../../../../stacks/config/region/cluster";
import { versions } from "../../../../lib/versions";
import { parseStackConfig } from "../../../../stacks/config";
import { stackConfig, stackYaml } from "../../../support/stack-config";

/** Parses the mumbai stack with `livekit-platform:cluster` changed by `change`. */
const withCluster = (change: Record<string, unknown>) => () =>
  parseStackConfig(
    stackConfig("mumbai", {
      "livekit-platform:cluster": { ...stackYaml("mumbai")["livekit-platform:cluster"], ...change },
    }),
    "mumbai",
  );

describe("the cluster's Kubernetes version", () => {
  it("has pinned add-ons for the Kubernetes version this program defaults to", () => {
    expect(kubernetesMinorProblem(versions.kubernetes)).toBeUndefined();
  });

  it("refuses a minor EKS offers but lib/versions.ts has no add-ons for, naming the minors it has", () => {
    expect(kubernetesMinorProblem("1.34")).toBe(
      "has no EKS add-on builds pinned in lib/versions.ts eksAddons (pinned: 1.35, 1.36); pin vpc-cni, kube-proxy, coredns and eks-pod-identity-agent for it there first",
    );
  });
});

describe("the line refusing a cluster setting", () => {
  it("names the key and says what a Kubernetes version, the API's CIDRs and an admin role must be", () => {
    expect(withCluster({ kubernetesVersion: "1.x" })).toThrow(
      'livekit-platform:cluster.kubernetesVersion: must be a Kubernetes minor version such as "1.35", got "1.x"',
    );
    expect(withCluster({ publicAccessCidrs: "10.0.0.0/8" })).toThrow(
      'livekit-platform:cluster.publicAccessCidrs: must be set: a list of CIDRs allowed to reach the Kubernetes API, or [] for a private endpoint only, got "10.0.0.0/8"',
    );
    expect(withCluster({ adminRoleArns: [3] })).toThrow(
      "livekit-platform:cluster.adminRoleArns[0]: must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin, got 3",
    );
    expect(withCluster({ adminRoleArns: ["arn:aws:iam::123456789012:user/admin"] })).toThrow(
      'livekit-platform:cluster.adminRoleArns[0]: must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin, got "arn:aws:iam::123456789012:user/admin"',
    );
  });

  it("refuses SFU nodes whose min exceeds their max, and takes min equal to max or either alone", () => {
    expect(withCluster({ sfuNodes: { min: 3, max: 2 } })).toThrow(
      "livekit-platform:cluster.sfuNodes.min: must not exceed max (2), got 3",
    );
    for (const sfuNodes of [{ min: 3, max: 3 }, { min: 3, max: 4 }, { min: 30 }, { max: 1 }]) {
      expect(withCluster({ sfuNodes })).not.toThrow();
    }
  });
});
