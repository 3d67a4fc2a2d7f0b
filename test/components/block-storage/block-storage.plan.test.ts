import { BlockStorage } from "../../../components/block-storage";
import { findResource } from "../../../tools/engine";
import { clusterDependencies } from "../../support/cluster-fixture";
import { runComponents } from "../../support/plan";

describe("BlockStorage", () => {
  it("installs the EBS CSI driver only after its Pod Identity association and policy exist", async () => {
    const plan = await runComponents(() => {
      new BlockStorage("storage", { clusterName: "livekit-test" }, clusterDependencies().options);
    });
    const release = findResource(plan, "kubernetes:helm.sh/v3:Release", "storage-ebs-csi");
    const association = findResource(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "storage-ebs-csi");
    const attachment = findResource(
      plan,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "storage-ebs-csi-driver",
    );
    expect(release.options.dependsOn).toEqual(expect.arrayContaining([association.urn, attachment.urn]));
  });
});
