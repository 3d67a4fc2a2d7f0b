/** `livekit-platform:network`: the region's VPC, made by the stack or an existing one. */
import { z } from "zod";
import { DEFAULT_PLATFORM } from "../../../lib/capacity";
import { wholeNumber } from "../../../lib/schema";
import { ipv4Cidr } from "../fields";

const vpcId = z.string().regex(/^vpc-[0-9a-f]{8,17}$/, { error: "must be a VPC id such as vpc-0abc12345def67890" });
const subnetIds = z
  .array(z.string().regex(/^subnet-[0-9a-f]{8,17}$/, { error: "must be a subnet id such as subnet-0abc1234" }), {
    error: "must be a list of subnet ids",
  })
  .min(2, { error: "must list subnets in at least two availability zones" });

export const network = z
  .strictObject({
    cidr: ipv4Cidr(16, 20)
      .default("10.0.0.0/16")
      .describe(
        "VPC CIDR, /16 to /20; split into private subnets (first half) and public subnets (third quarter). Keep it distinct across regions.",
      ),
    availabilityZones: wholeNumber(2, 4, "an integer from 2 to 4")
      .default(DEFAULT_PLATFORM.availabilityZones)
      .describe(
        "Availability zones the subnets span: at most the region's that EKS supports (lib/aws-regions.ts eksZoneIds).",
      ),
    natGateways: z
      .enum(["perAz", "single"], { error: 'must be "perAz" or "single"' })
      .default("perAz")
      .describe("`perAz`: one NAT gateway per AZ, which survives an AZ outage; `single`: one in total, cheaper."),
    existingVpc: z
      .strictObject({
        vpcId: vpcId.describe("Id of the existing VPC."),
        publicSubnetIds: subnetIds.describe(
          "Public subnets (SFU and TURN, egress and load-test nodes, load balancers), in at least two availability zones.",
        ),
        privateSubnetIds: subnetIds.describe(
          "Private subnets (system and general nodes, Redis), in at least two availability zones.",
        ),
      })
      .optional()
      .describe("Use an existing VPC instead of creating one."),
  })
  .prefault({})
  .describe("The region's VPC.");
