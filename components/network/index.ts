import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";
import { layoutSubnets } from "./subnets";
import { KARPENTER_DISCOVERY_TAG, SUBNET_TIER_TAG } from "../shared/subnet-tags";
import { invariant } from "../shared/invariant";

export interface NetworkArgs {
  /** EKS cluster name: subnets are tagged for its load balancers and for Karpenter discovery. */
  clusterName: string;
  /** VPC CIDR to create; ignored with `existingVpc`. */
  cidrBlock: string;
  /** How many availability zones to spread subnets over (2-4). */
  availabilityZoneCount: number;
  /** Zone IDs of the region EKS creates no cluster in (lib/aws-regions.ts eksUnsupportedZoneIds): never used. */
  unsupportedZoneIds?: readonly string[];
  /** `perAz`: a NAT gateway in each AZ, so an AZ outage keeps the others online; `single`: cheaper. */
  natGateways: "perAz" | "single";
  /** Use this VPC and its subnets instead of creating them; the subnets get the tags below. */
  existingVpc?: { vpcId: string; publicSubnetIds: string[]; privateSubnetIds: string[] };
  tags?: Record<string, string>;
  /**
   * Give the route tables their routes as `aws.ec2.Route` resources instead of inline, so that routes other
   * resources own (VPC peering, components/redis-hub-peering) can live in the same tables: a table with inline
   * routes removes every route it does not list. Global rooms mode sets it. Switching an existing VPC
   * changes who owns its default routes (docs/rooms-across-regions.md).
   */
  standaloneRoutes?: boolean;
}

/** The stack's tags and `extra` over them. */
const withTags = (args: NetworkArgs, extra: Record<string, string>) => ({ ...args.tags, ...extra });

/**
 * The tags a subnet of `tier` carries: Karpenter's discovery tag and the tier its node classes select, and where the
 * AWS Load Balancer Controller puts internet-facing and internal load balancers.
 */
const subnetTierTags = (clusterName: string, tier: "public" | "private") => ({
  [KARPENTER_DISCOVERY_TAG]: clusterName,
  [SUBNET_TIER_TAG]: tier,
  ...(tier === "public" ? { "kubernetes.io/role/elb": "1" } : { "kubernetes.io/role/internal-elb": "1" }),
});

/**
 * The region's network. Public subnets hold the SFU and TURN nodes (WebRTC needs public node IPs:
 * LiveKit does not support private clusters), the egress and load-test nodes (they reach the SFU's public
 * address) and the internet-facing load balancers; private subnets hold system and general nodes and Redis,
 * and reach out through NAT.
 */
export class Network extends pulumi.ComponentResource {
  readonly vpcId: pulumi.Output<string>;
  /** The VPC's IPv4 range (an existing VPC's is read from EC2). */
  readonly cidrBlock: pulumi.Output<string>;
  readonly publicSubnetIds: pulumi.Output<string[]>;
  readonly privateSubnetIds: pulumi.Output<string[]>;
  /** The private subnets' ranges, one per subnet (an existing VPC's are read from EC2): Redis's nodes are in them. */
  readonly privateSubnetCidrs: pulumi.Output<string>[];
  /** The public subnets' route table (SFU and TURN, egress and load-test nodes); none with `existingVpc`. */
  readonly publicRouteTableIds: pulumi.Output<string>[] = [];
  /** The private subnets' route tables, one per AZ (system and general nodes, Redis); none with `existingVpc`. */
  readonly privateRouteTableIds: pulumi.Output<string>[] = [];

  constructor(name: string, args: NetworkArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:network:Network", name, {}, opts);

    if (args.existingVpc) {
      const existing = args.existingVpc;
      this.tagExistingSubnets(name, existing.publicSubnetIds, subnetTierTags(args.clusterName, "public"));
      this.tagExistingSubnets(name, existing.privateSubnetIds, subnetTierTags(args.clusterName, "private"));
      this.vpcId = pulumi.output(existing.vpcId);
      this.cidrBlock = aws.ec2.getVpcOutput({ id: existing.vpcId }, { parent: this }).cidrBlock;
      this.publicSubnetIds = pulumi.output(existing.publicSubnetIds);
      this.privateSubnetIds = pulumi.output(existing.privateSubnetIds);
      this.privateSubnetCidrs = existing.privateSubnetIds.map(
        (id) => aws.ec2.getSubnetOutput({ id }, { parent: this }).cidrBlock,
      );
      this.registerOutputs({ vpcId: this.vpcId });
      return;
    }

    const layout = layoutSubnets(args.cidrBlock, args.availabilityZoneCount);
    const zones = this.availabilityZones(args);
    const vpc = new aws.ec2.Vpc(
      `${name}-vpc`,
      {
        cidrBlock: args.cidrBlock,
        enableDnsHostnames: true, // EKS nodes register by private DNS name
        enableDnsSupport: true,
        tags: withTags(args, { Name: `${args.clusterName}-vpc` }),
      },
      { parent: this },
    );
    const internetGateway = new aws.ec2.InternetGateway(
      `${name}-igw`,
      {
        vpcId: vpc.id,
        tags: withTags(args, { Name: `${args.clusterName}-igw` }),
      },
      { parent: this },
    );
    const publicSubnets = this.publicSubnets(name, args, layout.public, vpc.id, zones, internetGateway);
    const natGateways = this.natGateways(name, args, publicSubnets, internetGateway);
    const privateSubnets = this.privateSubnets(name, args, layout.private, vpc.id, zones, natGateways);

    // Recordings go to S3 from private subnets: a gateway endpoint keeps that traffic off the NAT bill.
    new aws.ec2.VpcEndpoint(
      `${name}-s3`,
      {
        vpcId: vpc.id,
        // `com.amazonaws.<region>.s3` in every partition, China's too: the `cn.com.amazonaws.` prefix names some
        // services' Interface endpoints there, not S3's Gateway (aws-cdk aws-ec2/lib/vpc-endpoint.ts,
        // GatewayVpcEndpointAwsService; AWS China's own guides create the gateway by that name).
        serviceName: pulumi.interpolate`com.amazonaws.${aws.getRegionOutput({}, { parent: this }).region}.s3`,
        vpcEndpointType: "Gateway",
        routeTableIds: this.privateRouteTableIds,
        tags: withTags(args, { Name: `${args.clusterName}-s3` }),
      },
      { parent: this },
    );

    this.vpcId = vpc.id;
    this.cidrBlock = vpc.cidrBlock;
    this.publicSubnetIds = pulumi.all(publicSubnets.map((s) => s.id));
    this.privateSubnetIds = pulumi.all(privateSubnets.map((s) => s.id));
    this.privateSubnetCidrs = privateSubnets.map((s) => s.cidrBlock);
    this.registerOutputs({
      vpcId: this.vpcId,
      publicSubnetIds: this.publicSubnetIds,
      privateSubnetIds: this.privateSubnetIds,
    });
  }

  /** The first `availabilityZoneCount` zones of the region that need no opt-in and that EKS supports. */
  private availabilityZones(args: NetworkArgs): pulumi.Output<string[]> {
    const unsupported = args.unsupportedZoneIds?.length ? [...args.unsupportedZoneIds] : undefined;
    return aws
      .getAvailabilityZonesOutput(
        {
          state: "available",
          filters: [{ name: "opt-in-status", values: ["opt-in-not-required"] }],
          excludeZoneIds: unsupported,
        },
        { parent: this },
      )
      .names.apply((names) => {
        invariant(
          names.length >= args.availabilityZoneCount,
          "network availabilityZoneCount",
          `must be at most the region's ${names.length} availability zones`,
          args.availabilityZoneCount,
        );
        return names.slice(0, args.availabilityZoneCount);
      });
  }

  /** A public subnet per zone, routed to the internet gateway. */
  private publicSubnets(
    name: string,
    args: NetworkArgs,
    cidrBlocks: string[],
    vpcId: pulumi.Output<string>,
    zones: pulumi.Output<string[]>,
    internetGateway: aws.ec2.InternetGateway,
  ): aws.ec2.Subnet[] {
    const routes = this.routeTable(name, `${name}-public`, args, vpcId, { gatewayId: internetGateway.id });
    this.publicRouteTableIds.push(routes.id);
    return cidrBlocks.map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-public-${i}`,
        {
          vpcId,
          cidrBlock,
          availabilityZone: zones.apply((z) => z[i]),
          // Managed node groups in public subnets require it; SFU and TURN nodes need public IPs.
          mapPublicIpOnLaunch: true,
          tags: withTags(args, {
            Name: `${args.clusterName}-public-${i}`,
            ...subnetTierTags(args.clusterName, "public"),
          }),
        },
        { parent: this },
      );
      new aws.ec2.RouteTableAssociation(
        `${name}-public-${i}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        { parent: this },
      );
      return subnet;
    });
  }

  /** NAT gateways in the first public subnets: one per zone (`perAz`) or one for all (`single`). */
  private natGateways(
    name: string,
    args: NetworkArgs,
    publicSubnets: aws.ec2.Subnet[],
    internetGateway: aws.ec2.InternetGateway,
  ): aws.ec2.NatGateway[] {
    const natCount = args.natGateways === "perAz" ? args.availabilityZoneCount : 1;
    return publicSubnets.slice(0, natCount).map((subnet, i) => {
      const ip = new aws.ec2.Eip(
        `${name}-nat-${i}`,
        { domain: "vpc", tags: withTags(args, { Name: `${args.clusterName}-nat-${i}` }) },
        { parent: this },
      );
      return new aws.ec2.NatGateway(
        `${name}-nat-${i}`,
        {
          allocationId: ip.id,
          subnetId: subnet.id,
          tags: withTags(args, { Name: `${args.clusterName}-nat-${i}` }),
        },
        { parent: this, dependsOn: [internetGateway] },
      );
    });
  }

  /** A private subnet per zone, each with its own route table to the NAT gateway in its zone (or the one). */
  private privateSubnets(
    name: string,
    args: NetworkArgs,
    cidrBlocks: string[],
    vpcId: pulumi.Output<string>,
    zones: pulumi.Output<string[]>,
    natGateways: aws.ec2.NatGateway[],
  ): aws.ec2.Subnet[] {
    return cidrBlocks.map((cidrBlock, i) => {
      const subnet = new aws.ec2.Subnet(
        `${name}-private-${i}`,
        {
          vpcId,
          cidrBlock,
          availabilityZone: zones.apply((z) => z[i]),
          mapPublicIpOnLaunch: false,
          tags: withTags(args, {
            Name: `${args.clusterName}-private-${i}`,
            ...subnetTierTags(args.clusterName, "private"),
          }),
        },
        { parent: this },
      );
      const routes = this.routeTable(name, `${name}-private-${i}`, args, vpcId, {
        natGatewayId: natGateways[Math.min(i, natGateways.length - 1)].id,
      });
      new aws.ec2.RouteTableAssociation(
        `${name}-private-${i}`,
        { subnetId: subnet.id, routeTableId: routes.id },
        { parent: this },
      );
      this.privateRouteTableIds.push(routes.id);
      return subnet;
    });
  }

  /** A route table whose default route (0.0.0.0/0) goes to `target`: inline, or a Route of its own. */
  private routeTable(
    name: string,
    tableName: string,
    args: NetworkArgs,
    vpcId: pulumi.Input<string>,
    target: { gatewayId?: pulumi.Input<string>; natGatewayId?: pulumi.Input<string> },
  ): aws.ec2.RouteTable {
    const table = new aws.ec2.RouteTable(
      tableName,
      {
        vpcId,
        // Omitted `routes` leaves the table's routes to Route resources (attributes-as-blocks).
        ...(args.standaloneRoutes ? {} : { routes: [{ cidrBlock: "0.0.0.0/0", ...target }] }),
        tags: { ...args.tags, Name: `${args.clusterName}${tableName.slice(name.length)}` },
      },
      { parent: this },
    );
    if (args.standaloneRoutes) {
      new aws.ec2.Route(
        `${tableName}-default`,
        { routeTableId: table.id, destinationCidrBlock: "0.0.0.0/0", ...target },
        { parent: this },
      );
    }
    return table;
  }

  private tagExistingSubnets(name: string, subnetIds: string[], tags: Record<string, string>) {
    for (const subnetId of subnetIds) {
      for (const [key, value] of Object.entries(tags)) {
        new aws.ec2.Tag(
          `${name}-${subnetId}-${key.replace(/[^a-z0-9]+/gi, "-")}`,
          { resourceId: subnetId, key, value },
          { parent: this },
        );
      }
    }
  }
}
