/** The cluster's settings: a Kubernetes minor is planned only with its EKS add-ons pinned. */
import { kubernetesMinorProblem } from "../../../../stacks/config/region/cluster";
import { versions } from "../../../../lib/versions";

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
