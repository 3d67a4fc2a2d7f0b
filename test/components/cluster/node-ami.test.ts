import { amiReleaseVersionParameter, SYSTEM_NODE_AMI_TYPE } from "../../../components/cluster/node-ami";

describe("the system nodes' AMI parameter", () => {
  // AWS publishes one parameter tree per EKS optimized AMI release beside the moving `recommended` one
  // (EKS user guide, "Retrieve recommended Amazon Linux AMI IDs"): .../<k8s>/amazon-linux-2023/<arch>/<variant>/
  // amazon-eks-node-al2023-<arch>-<variant>-<k8s>-<release>/, the AMI's own name (awslabs/amazon-eks-ami).
  const parameter = amiReleaseVersionParameter("1.35", "v20260714");

  it("names one AMI release, never the moving recommended one", () => {
    expect(parameter).toBe(
      "/aws/service/eks/optimized-ami/1.35/amazon-linux-2023/x86_64/standard/" +
        "amazon-eks-node-al2023-x86_64-standard-1.35-v20260714/release_version",
    );
    expect(parameter).not.toContain("recommended");
  });

  it("follows the Kubernetes minor and the release it is given", () => {
    expect(amiReleaseVersionParameter("1.36", "v20261101")).toBe(
      "/aws/service/eks/optimized-ami/1.36/amazon-linux-2023/x86_64/standard/" +
        "amazon-eks-node-al2023-x86_64-standard-1.36-v20261101/release_version",
    );
  });

  it("is of the family the node group's AMI type names: EKS takes a release version of that family only", () => {
    // AL2023_x86_64_STANDARD: the EKS API's AMI type for AL2023, x86_64, standard variant.
    const [os, arch, variant] = [/^AL2023/, /x86_64/, /STANDARD$/].map((part) => part.test(SYSTEM_NODE_AMI_TYPE));
    expect({ os, arch, variant }).toEqual({ os: true, arch: true, variant: true });
    expect(parameter).toContain("/amazon-linux-2023/x86_64/standard/");
  });
});
