/** The VPC's settings: each refused with the one line naming what it takes. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

const network = (settings: Record<string, unknown>) =>
  parseStackConfig(stackConfig("mumbai", { "livekit-platform:network": settings }), "mumbai");
const existingVpc = {
  vpcId: "vpc-0abc12345def67890",
  publicSubnetIds: ["subnet-0abc1234", "subnet-0abc1235"],
  privateSubnetIds: ["subnet-0abc1236", "subnet-0abc1237"],
};

describe("the VPC's settings", () => {
  it("take an existing VPC by its ids", () => {
    expect((network({ existingVpc }) as RegionSettings).network.existingVpc).toEqual(existingVpc);
  });

  it.each([
    ["availabilityZones", { availabilityZones: 5 }, "must be an integer from 2 to 4, got 5"],
    ["natGateways", { natGateways: "none" }, 'must be "perAz" or "single", got "none"'],
    [
      "existingVpc.vpcId",
      { existingVpc: { ...existingVpc, vpcId: "vpc-xyz" } },
      'must be a VPC id such as vpc-0abc12345def67890, got "vpc-xyz"',
    ],
    [
      "existingVpc.publicSubnetIds[1]",
      { existingVpc: { ...existingVpc, publicSubnetIds: ["subnet-0abc1234", "sn-1"] } },
      'must be a subnet id such as subnet-0abc1234, got "sn-1"',
    ],
    [
      "existingVpc.privateSubnetIds",
      { existingVpc: { ...existingVpc, privateSubnetIds: "subnet-0abc1236" } },
      'must be a list of subnet ids, got "subnet-0abc1236"',
    ],
    [
      "existingVpc.privateSubnetIds",
      { existingVpc: { ...existingVpc, privateSubnetIds: ["subnet-0abc1236"] } },
      'must list subnets in at least two availability zones, got ["subnet-0abc1236"]',
    ],
  ])("refuse a bad %s with one line", (key, settings, problem) => {
    expect(() => network(settings)).toThrow(`livekit-platform:network.${key}: ${problem}`);
  });
});
