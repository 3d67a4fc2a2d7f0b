import { Network, NetworkArgs } from "../../../components/network";
import { inputsOf, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { runComponents } from "../../support/plan";

const base: NetworkArgs = {
  clusterName: "livekit-mumbai",
  cidrBlock: "10.20.0.0/16",
  availabilityZoneCount: 3,
  natGateways: "perAz",
};
const plan = (args: NetworkArgs) => runComponents(() => new Network("mumbai", args));
const subnets = (result: PlanResult, tier: string) =>
  resourcesOfType(result, "aws:ec2/subnet:Subnet")
    .map((r) => inputsOf(r))
    .filter((s) => s.tags["livekit-platform/subnet-tier"] === tier);

describe("Network", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan(base);
  });

  it("creates one public and one private subnet in each availability zone", () => {
    for (const tier of ["public", "private"]) {
      expect(subnets(result, tier).map((s) => s.availabilityZone)).toEqual([
        "ap-south-1a",
        "ap-south-1b",
        "ap-south-1c",
      ]);
    }
  });

  it("gives instances in public subnets public IPs and none in private subnets", () => {
    expect(subnets(result, "public").every((s) => s.mapPublicIpOnLaunch === true)).toBe(true);
    expect(subnets(result, "private").every((s) => s.mapPublicIpOnLaunch === false)).toBe(true);
  });

  it("tags subnets for internet-facing and internal load balancers and for Karpenter discovery", () => {
    for (const s of subnets(result, "public")) {
      expect(s.tags).toMatchObject({ "kubernetes.io/role/elb": "1", "karpenter.sh/discovery": "livekit-mumbai" });
      expect(s.tags).not.toHaveProperty("kubernetes.io/role/internal-elb");
    }
    for (const s of subnets(result, "private")) {
      expect(s.tags).toMatchObject({
        "kubernetes.io/role/internal-elb": "1",
        "karpenter.sh/discovery": "livekit-mumbai",
      });
      expect(s.tags).not.toHaveProperty("kubernetes.io/role/elb");
    }
  });

  it("routes public subnets to the internet gateway and each private subnet to the NAT gateway in its zone", () => {
    const tables = resourcesOfType(result, "aws:ec2/routeTable:RouteTable");
    const igw = resourcesOfType(result, "aws:ec2/internetGateway:InternetGateway")[0];
    const publicTable = tables.find((t) => t.name === "mumbai-public")!;
    expect(publicTable.dependencies).toContain(igw.urn);
    expect(inputsOf(publicTable).routes).toEqual([
      { cidrBlock: "0.0.0.0/0", gatewayId: expect.stringMatching(/^igw-/) },
    ]);

    const nats = resourcesOfType(result, "aws:ec2/natGateway:NatGateway");
    expect(nats).toHaveLength(3);
    const publicSubnetUrns = resourcesOfType(result, "aws:ec2/subnet:Subnet")
      .filter((s) => s.name.includes("public"))
      .map((s) => s.urn);
    nats.forEach((nat, i) => expect(nat.dependencies).toContain(publicSubnetUrns[i]));
    for (let i = 0; i < 3; i++) {
      const table = tables.find((t) => t.name === `mumbai-private-${i}`)!;
      expect(table.dependencies).toContain(nats[i].urn);
      expect(inputsOf(table).routes).toEqual([
        { cidrBlock: "0.0.0.0/0", natGatewayId: expect.stringMatching(/^nat-/) },
      ]);
    }
    const associations = resourcesOfType(result, "aws:ec2/routeTableAssociation:RouteTableAssociation");
    expect(associations).toHaveLength(6);
  });

  it("keeps S3 traffic from private subnets off the NAT gateways", () => {
    const [endpoint] = resourcesOfType(result, "aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => inputsOf(r));
    expect(endpoint).toMatchObject({ serviceName: "com.amazonaws.ap-south-1.s3", vpcEndpointType: "Gateway" });
    expect(endpoint.routeTableIds).toHaveLength(3);
  });

  it("can share one NAT gateway between zones", async () => {
    const single = await plan({ ...base, natGateways: "single" });
    expect(resourcesOfType(single, "aws:ec2/natGateway:NatGateway")).toHaveLength(1);
    expect(resourcesOfType(single, "aws:ec2/subnet:Subnet")).toHaveLength(6);
  });

  it("uses an existing VPC, tagging its subnets instead of creating any", async () => {
    const existing = await plan({
      ...base,
      existingVpc: {
        vpcId: "vpc-0abc12345def67890",
        publicSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
        privateSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"],
      },
    });
    expect(resourcesOfType(existing, "aws:ec2/vpc:Vpc")).toHaveLength(0);
    expect(resourcesOfType(existing, "aws:ec2/subnet:Subnet")).toHaveLength(0);
    const tags = resourcesOfType(existing, "aws:ec2/tag:Tag").map((r) => inputsOf(r));
    expect(tags).toContainEqual({ resourceId: "subnet-0aaa1111", key: "kubernetes.io/role/elb", value: "1" });
    expect(tags).toContainEqual({ resourceId: "subnet-0ccc3333", key: "kubernetes.io/role/internal-elb", value: "1" });
    expect(tags).toContainEqual({
      resourceId: "subnet-0ddd4444",
      key: "karpenter.sh/discovery",
      value: "livekit-mumbai",
    });
  });
});

describe("Network in a region with a zone EKS does not support", () => {
  it("leaves that zone out (us-east-1's use1-az3, the third zone in the pretend cloud's order)", async () => {
    const result = await runComponents(() => new Network("virginia", { ...base, unsupportedZoneIds: ["use1-az3"] }), {
      "aws:region": "us-east-1",
    });
    for (const tier of ["public", "private"]) {
      expect(subnets(result, tier).map((s) => s.availabilityZone)).toEqual(["us-east-1a", "us-east-1b", "us-east-1d"]);
    }
  });
});
