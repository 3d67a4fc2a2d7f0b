/**
 * A member region's link to the Redis hub of global rooms mode (docs/rooms-across-regions.md): an
 * inter-region VPC peering connection and everything on both sides that makes the hub's replication group
 * reachable from this region's nodes, and from nothing else.
 *
 * The member stack owns the whole link, both sides: it requests the peering in its own region and accepts it,
 * adds the hub's routes and the hub security group's rules through a provider for the hub's region. The hub
 * owns nothing member-specific, so the hub deploys first and never again for a new member; adding a member is
 * one stack file and one `pulumi up`, and destroying a member removes its link. Same AWS account only.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { REDIS_PORT } from "../redis";
import { AwsAccess, awsProviderArgs } from "../../lib/aws-access";

/** What the member reads from the hub stack's `redisHub` output (stacks/rooms.ts). */
export interface RedisHubNetwork {
  awsRegion: string;
  vpcId: string;
  /** The hub VPC's CIDR: the member routes it to the peering. */
  cidr: string;
  /** The hub's private route tables (where the replication group's subnets are): they get the return routes. */
  privateRouteTableIds: string[];
  /** The replication group's security group. */
  securityGroupId: string;
}

export interface RedisHubPeeringArgs {
  /** Names the member in resource names and tags (its region label). */
  member: string;
  memberVpcId: pulumi.Input<string>;
  memberCidr: string;
  /** Every route table of the member's nodes (SFU, egress and load-test nodes: public; system nodes: private). */
  memberRouteTableIds: pulumi.Input<string>[];
  /**
   * The member's node subnets (public and private): the only sources the hub's Redis admits from this member,
   * one rule each.
   */
  memberNodeCidrs: string[];
  hub: RedisHubNetwork;
  /** The member nodes' security group (every node carries the cluster's): it admits the hub's ICMP below. */
  memberNodeSecurityGroupId: pulumi.Input<string>;
  /**
   * How the stack reaches AWS (its `aws:profile`, `aws:assumeRoles`, `aws:defaultTags`): the hub side's provider
   * uses the same, for the hub's region.
   */
  access: AwsAccess;
}

/**
 * ICMP "destination unreachable, fragmentation needed" (type 3, code 4): traffic over inter-Region VPC peering
 * is limited to an MTU of 1500 while the nodes use 9001 (AWS EC2, "Network maximum transmission unit (MTU) for
 * your EC2 instance"), and path MTU discovery needs this message to reach the sender; security groups drop
 * inbound ICMP unless a rule admits it. Without it a TLS handshake with the hub's Redis (a certificate flight of
 * several KB) can stall. The message may come from any router on the path, so from anywhere; it carries no data.
 */
export const PATH_MTU_DISCOVERY = { ipProtocol: "icmp", fromPort: 3, toPort: 4, cidrIpv4: "0.0.0.0/0" } as const;

export class RedisHubPeering extends pulumi.ComponentResource {
  readonly peeringConnectionId: pulumi.Output<string>;
  /** The accepter, every route and every rule: what a member's Redis clients need before they start. */
  readonly linkResources: pulumi.Resource[];

  constructor(name: string, args: RedisHubPeeringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:redis-hub-peering:RedisHubPeering", name, {}, opts);
    const { hub } = args;
    const tags = { Name: `livekit-${args.member}-to-redis-hub`, "livekit-platform/redis-hub-member": args.member };

    // The hub side lives in the hub's region (same account, so the member's credentials reach it).
    const hubProvider = new aws.Provider(`${name}-hub`, awsProviderArgs(args.access, hub.awsRegion), {
      parent: this,
    });
    // eslint-disable-next-line no-restricted-syntax -- another region than the component's: explicit on purpose
    const onHub = { parent: this, provider: hubProvider };

    // Inter-region peering is requested in the member's region and accepted in the peer's; it cannot auto-accept.
    const request = new aws.ec2.VpcPeeringConnection(
      name,
      {
        vpcId: args.memberVpcId,
        peerVpcId: hub.vpcId,
        peerRegion: hub.awsRegion,
        autoAccept: false,
        tags,
      },
      { parent: this },
    );
    const accept = new aws.ec2.VpcPeeringConnectionAccepter(
      name,
      { vpcPeeringConnectionId: request.id, autoAccept: true, tags },
      onHub,
    );
    // Routes name the accepted connection, so they wait until it is active.
    const peering = accept.vpcPeeringConnectionId;
    this.peeringConnectionId = peering;

    const link: pulumi.Resource[] = [accept];
    args.memberRouteTableIds.forEach((routeTableId, i) => {
      link.push(
        new aws.ec2.Route(
          `${name}-to-hub-${i}`,
          { routeTableId, destinationCidrBlock: hub.cidr, vpcPeeringConnectionId: peering },
          { parent: this },
        ),
      );
    });
    hub.privateRouteTableIds.forEach((routeTableId, i) => {
      link.push(
        new aws.ec2.Route(
          `${name}-from-hub-${i}`,
          { routeTableId, destinationCidrBlock: args.memberCidr, vpcPeeringConnectionId: peering },
          onHub,
        ),
      );
    });
    // The Redis port, from this member's node subnets only: not its whole VPC, nothing else.
    args.memberNodeCidrs.forEach((cidrIpv4, i) => {
      link.push(
        new aws.vpc.SecurityGroupIngressRule(
          `${name}-redis-${i}`,
          {
            securityGroupId: hub.securityGroupId,
            cidrIpv4,
            ipProtocol: "tcp",
            fromPort: REDIS_PORT,
            toPort: REDIS_PORT,
            description: `Redis from ${args.member}'s nodes (${cidrIpv4}) over VPC peering`,
            tags,
          },
          onHub,
        ),
      );
    });
    // Path MTU discovery across the peering, both ways: to the hub's Redis and to the member's nodes.
    link.push(
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-hub-path-mtu`,
        {
          securityGroupId: hub.securityGroupId,
          ...PATH_MTU_DISCOVERY,
          description: `Path MTU discovery for ${args.member}'s connections over VPC peering (ICMP fragmentation needed)`,
          tags,
        },
        onHub,
      ),
      new aws.vpc.SecurityGroupIngressRule(
        `${name}-member-path-mtu`,
        {
          securityGroupId: args.memberNodeSecurityGroupId,
          ...PATH_MTU_DISCOVERY,
          description:
            "Path MTU discovery for the Redis hub's connections over VPC peering (ICMP fragmentation needed)",
          tags,
        },
        { parent: this },
      ),
    );
    this.linkResources = link;

    this.registerOutputs({ peeringConnectionId: this.peeringConnectionId });
  }
}
