/**
 * The account's EC2 Spot service-linked role: Karpenter's component creates it only when the account has
 * none (creating one it has fails: "Service role name AWSServiceRoleForEC2Spot has been taken in this
 * account"), and keeps it on destroy. The pretend cloud answers `aws.iam.getRoles` from the roles the test
 * says the account holds.
 */
import { sfuNodeUserData } from "../../../components/cluster/node-user-data";
import { Karpenter, KarpenterArgs, SPOT_SERVICE_LINKED_ROLE } from "../../../components/karpenter";
import { findResource, inputsOf, PlanResult, resourcesOfType, runProgram } from "../../../tools/plan/engine";
import type { MockIamRole } from "../../../tools/plan/mock-cloud";
import { clusterDependencies } from "../../support/cluster-fixture";
import { projectName } from "../../support/plan";

const SERVICE_LINKED_ROLE = "aws:iam/serviceLinkedRole:ServiceLinkedRole";

const settings: KarpenterArgs = {
  clusterName: "livekit-test",
  clusterEndpoint: "https://api.livekit-test.example",
  clusterSecurityGroupId: "sg-0cluster0000000001",
  sfuSecurityGroupId: "sg-0sfu00000000000001",
  sfuInstanceType: "c6i.2xlarge",
  egressInstanceType: "c6i.4xlarge",
  sfuNodeUserData: sfuNodeUserData(),
  drainSeconds: 18000,
  egressDrainSeconds: 6 * 3600 + 900,
  cpuLimits: { sfu: 96, egress: 48, general: 24 },
};

/** Karpenter's component in an account that holds `iamRoles`. */
function inAccountWith(iamRoles: MockIamRole[]): Promise<PlanResult> {
  return runProgram(
    async () => {
      new Karpenter("test", settings, clusterDependencies().options);
      return {};
    },
    { project: projectName, stack: "test", config: { "aws:region": "ap-south-1" }, account: { iamRoles } },
  );
}

describe("the EC2 Spot service-linked role", () => {
  it("is created, under Karpenter and kept on destroy, when the account has none", async () => {
    const plan = await inAccountWith([{ name: "OrganizationAccountAccessRole", path: "/" }]);
    const [role, ...others] = resourcesOfType(plan, SERVICE_LINKED_ROLE);
    expect(others).toEqual([]);
    expect(inputsOf(role).awsServiceName).toBe("spot.amazonaws.com");
    // Account-wide and shared with every stack that uses spot: destroying a region must not delete it.
    expect(role.options.retainOnDelete).toBe(true);
    expect(role.parent).toBe(findResource(plan, "livekit-platform:karpenter:Karpenter", "test").urn);
  });

  it("is not created when the account has it already (made by another region, stack or console)", async () => {
    const plan = await inAccountWith([SPOT_SERVICE_LINKED_ROLE]);
    expect(resourcesOfType(plan, SERVICE_LINKED_ROLE)).toEqual([]);
  });

  it("is still created when the account has only roles of similar names (Spot Fleet's, a copy elsewhere)", async () => {
    const plan = await inAccountWith([
      { name: "AWSServiceRoleForEC2SpotFleet", path: "/aws-service-role/spotfleet.amazonaws.com/" },
      { name: "AWSServiceRoleForEC2Spot-old", path: SPOT_SERVICE_LINKED_ROLE.path },
      { name: SPOT_SERVICE_LINKED_ROLE.name, path: "/imported/" },
    ]);
    expect(resourcesOfType(plan, SERVICE_LINKED_ROLE)).toHaveLength(1);
  });

  it("is the role IAM names for the spot.amazonaws.com service", () => {
    // IAM's service-linked role for EC2 Spot: AWSServiceRoleForEC2Spot under /aws-service-role/spot.amazonaws.com/
    // (EC2 User Guide, "Service-linked role for Spot Instance requests").
    expect(SPOT_SERVICE_LINKED_ROLE).toEqual({
      name: "AWSServiceRoleForEC2Spot",
      path: "/aws-service-role/spot.amazonaws.com/",
    });
  });
});
