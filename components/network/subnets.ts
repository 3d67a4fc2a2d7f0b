/** IPv4 CIDR arithmetic for laying out a VPC's subnets. */
import { Cidr, formatCidr, parseCidr } from "../../lib/ip";
import { invariant } from "../shared/invariant";

/** The `index`-th block of size /`prefix` inside `parent`. */
function block(parent: Cidr, prefix: number, index: number): Cidr {
  const size = 2 ** (32 - prefix);
  return { base: (parent.base + index * size) >>> 0, prefix };
}

export interface SubnetLayout {
  /** One per AZ, in AZ order: system and general nodes, Redis. Half of the VPC. */
  private: string[];
  /** One per AZ: SFU and TURN, egress and load-test nodes with public IPs, NAT gateways, load balancers. A quarter of the VPC. */
  public: string[];
}

/**
 * Splits a VPC CIDR for `azCount` availability zones: the first half into equal private subnets, the
 * third quarter into equal public subnets, the last quarter left free for growth. Pods take VPC IPs
 * (VPC CNI), so the private side, where most pods run, gets the most room.
 */
export function layoutSubnets(vpcCidr: string, azCount: number): SubnetLayout {
  const vpc = parseCidr(vpcCidr);
  invariant(vpc, "network cidrBlock", "must be an IPv4 CIDR block", vpcCidr);
  invariant(Number.isInteger(azCount) && azCount >= 1, "network azCount", "must be a positive integer", azCount);
  const slotBits = Math.ceil(Math.log2(azCount));
  const privatePrefix = vpc.prefix + 1 + slotBits;
  const publicPrefix = vpc.prefix + 2 + slotBits;
  invariant(publicPrefix <= 28, "network cidrBlock", `is too small for ${azCount} availability zones`, vpcCidr);
  // The private half starts where the VPC does; the public quarter is the VPC's third.
  const publicQuarter = block(vpc, vpc.prefix + 2, 2);
  const azs = [...Array(azCount).keys()];
  return {
    private: azs.map((i) => formatCidr(block(vpc, privatePrefix, i))),
    public: azs.map((i) => formatCidr(block(publicQuarter, publicPrefix, i))),
  };
}
