/**
 * The pretend cloud behind the offline plan and the tests: what AWS, EKS, Kubernetes and the other
 * providers would answer when a resource is created or a data source is read.
 *
 * Answers are deterministic (derived from the resource's type and name), so two plans of the same
 * program are identical and a plan diff shows only real changes. They echo the program's inputs and
 * add the few computed outputs the program reads (ids, ARNs, endpoints). Tests assert on the inputs
 * the program sends, never on these invented values.
 *
 * An ARN has the shape AWS's Service Authorization Reference gives its resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/, "Resource types defined by <service>";
 * each type below names its template). A type listed here without an ARN gets none: add its template when the
 * program reads one.
 */
import { createHash } from "crypto";
import type * as pulumi from "@pulumi/pulumi";
import { type AwsPartition, partitionDnsSuffix, partitionOfRegion } from "../../lib/aws-partitions";
import { availabilityZoneIds } from "../../lib/aws-regions";

type MockResourceArgs = pulumi.runtime.MockResourceArgs;
type MockResourceResult = pulumi.runtime.MockResourceResult;
type MockCallArgs = pulumi.runtime.MockCallArgs;

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockCloudContext {
  /** `aws:region` of the stack being planned. */
  awsRegion: string;
  /** IAM roles the account has already (a new account, the plan's, has none that the program looks up). */
  iamRoles?: MockIamRole[];
  /** The AWS partition the account is in (`aws`, `aws-cn`, `aws-us-gov`); the region's if omitted. */
  partition?: AwsPartition;
}

/** What `aws.getPartition` answers in each partition (the AWS SDK's partitions.json). */
/** What aws.getPartition answers beside the DNS suffix (lib/aws-partitions.ts has that, for config validation too). */
const REVERSE_DNS_PREFIX: Record<AwsPartition, string> = {
  aws: "com.amazonaws",
  "aws-cn": "cn.com.amazonaws",
  "aws-us-gov": "com.amazonaws",
};

const partitionOf = (ctx: MockCloudContext): AwsPartition => ctx.partition ?? partitionOfRegion(ctx.awsRegion);
const dnsSuffixOf = (ctx: MockCloudContext) => partitionDnsSuffix[partitionOf(ctx)];

/** An IAM role as ListRoles returns it. */
export interface MockIamRole {
  name: string;
  /** `/` for most roles; `/aws-service-role/<service>/` for a service-linked role. */
  path: string;
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/**
 * A load balancer's DNS name as ELB gives it: an NLB's `<name>-<hex id>.elb.<region>.<suffix>`, an ALB's
 * `<name>-<number>.<region>.elb.<suffix>` (the ELB user guides' examples).
 */
function loadBalancerDnsName(name: string, network: boolean, ctx: MockCloudContext): string {
  return network
    ? `${name}-${hex(name, 16)}.elb.${ctx.awsRegion}.${dnsSuffixOf(ctx)}`
    : `${name}-${parseInt(hex(name, 8), 16)}.${ctx.awsRegion}.elb.${dnsSuffixOf(ctx)}`;
}

/** A physical name in the style of Pulumi auto-naming: `<logical name>-<7 hex>`. */
function autoName(args: MockResourceArgs): string {
  return `${args.name}-${hex(`${args.type}::${args.name}`, 7)}`;
}

type StateMaker = (args: MockResourceArgs, ctx: MockCloudContext) => Record<string, unknown>;

/** `arn:<partition>:<service>:<region>:<account>:<resource>`, in the stack's region and the pretend account. */
const arn = (ctx: MockCloudContext, service: string, resource: string) =>
  `arn:${partitionOf(ctx)}:${service}:${ctx.awsRegion}:${MOCK_ACCOUNT_ID}:${resource}`;

/** `arn:<partition>:iam::<account>:<resource>`: IAM's ARNs name no region. */
const iamArn = (ctx: MockCloudContext, resource: string) =>
  `arn:${partitionOf(ctx)}:iam::${MOCK_ACCOUNT_ID}:${resource}`;

/** A path as IAM writes it in an ARN: `/` by default, else `/<path>/`. */
const iamPath = (args: MockResourceArgs) => (args.inputs.path as string | undefined) ?? "/";

/** A version 4 UUID's shape (how ACM names a certificate), derived from `seed`. */
function uuidOf(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** Ids in the format each AWS service uses, so an id reads like the real thing in a plan. */
const idPrefixes: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/internetGateway:InternetGateway": "igw",
  "aws:ec2/natGateway:NatGateway": "nat",
  "aws:ec2/eip:Eip": "eipalloc",
  "aws:ec2/routeTable:RouteTable": "rtb",
  "aws:ec2/routeTableAssociation:RouteTableAssociation": "rtbassoc",
  "aws:ec2/securityGroup:SecurityGroup": "sg",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpce",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "sgr",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "sgr",
  "aws:ec2/launchTemplate:LaunchTemplate": "lt",
  "aws:ec2/flowLog:FlowLog": "fl",
  "aws:fis/experimentTemplate:ExperimentTemplate": "EXT",
};

/**
 * EC2 resources, whose ARN is `arn:${Partition}:ec2:${Region}:${Account}:<resource type>/<id>` (the SAR's Amazon EC2
 * page): the resource type of each.
 */
const ec2ResourceTypes: Record<string, string> = {
  "aws:ec2/vpc:Vpc": "vpc",
  "aws:ec2/subnet:Subnet": "subnet",
  "aws:ec2/internetGateway:InternetGateway": "internet-gateway",
  "aws:ec2/eip:Eip": "elastic-ip",
  "aws:ec2/routeTable:RouteTable": "route-table",
  "aws:ec2/securityGroup:SecurityGroup": "security-group",
  "aws:ec2/vpcEndpoint:VpcEndpoint": "vpc-endpoint",
  "aws:ec2/launchTemplate:LaunchTemplate": "launch-template",
  "aws:ec2/flowLog:FlowLog": "vpc-flow-log",
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": "security-group-rule",
  "aws:vpc/securityGroupEgressRule:SecurityGroupEgressRule": "security-group-rule",
};

/** The service-linked roles the program creates, by service: their fixed names (IAM's list of them). */
const serviceLinkedRoleNames: Record<string, string> = { "spot.amazonaws.com": "AWSServiceRoleForEC2Spot" };

const stateMakers: Record<string, StateMaker> = {
  // IAM role: arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}
  "aws:iam/role:Role": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return {
      name,
      arn: iamArn(ctx, `role${iamPath(args)}${name}`),
      uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
    };
  },
  // IAM role: role/aws-service-role/<service>/<name>, the name fixed by the service
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": (args, ctx) => {
    const service = String(args.inputs.awsServiceName);
    const name = serviceLinkedRoleNames[service];
    if (name === undefined) return {};
    return { name, arn: iamArn(ctx, `role/aws-service-role/${service}/${name}`) };
  },
  // IAM policy: arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}
  "aws:iam/policy:Policy": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: iamArn(ctx, `policy${iamPath(args)}${name}`) };
  },
  // SQS queue: arn:${Partition}:sqs:${Region}:${Account}:${QueueName}
  "aws:sqs/queue:Queue": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return {
      name,
      arn: arn(ctx, "sqs", name),
      url: `https://sqs.${ctx.awsRegion}.${dnsSuffixOf(ctx)}/${MOCK_ACCOUNT_ID}/${name}`,
    };
  },
  // SNS topic: arn:${Partition}:sns:${Region}:${Account}:${TopicName}
  "aws:sns/topic:Topic": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "sns", name) };
  },
  // Secrets Manager: arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretName}-${6 random characters}
  "aws:secretsmanager/secret:Secret": (args, ctx) => {
    const name =
      (args.inputs.name as string | undefined) ??
      `${(args.inputs.namePrefix as string | undefined) ?? `${args.name}-`}${hex(args.name, 26)}`;
    return { name, arn: arn(ctx, "secretsmanager", `secret:${name}-${hex(name, 6)}`) };
  },
  // A secret version's ARN is its secret's, which the program passes as `secretId`.
  "aws:secretsmanager/secretVersion:SecretVersion": (args) => ({ arn: args.inputs.secretId }),
  // KMS key: arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}, the id a UUID
  "aws:kms/key:Key": (args, ctx) => ({ arn: arn(ctx, "kms", `key/${uuidOf(`${args.type}::${args.name}`)}`) }),
  // SNS subscription: the topic's ARN and the subscription's id (a UUID), as SNS's Subscribe returns it
  "aws:sns/topicSubscription:TopicSubscription": (args) => ({
    arn: `${args.inputs.topic}:${uuidOf(`${args.type}::${args.name}`)}`,
  }),
  // EventBridge rule on the default bus: arn:${Partition}:events:${Region}:${Account}:rule/[${EventBusName}/]${RuleName}
  "aws:cloudwatch/eventRule:EventRule": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "events", `rule/${name}`) };
  },
  // EKS: arn:${Partition}:eks:${Region}:${Account}:podidentityassociation/${ClusterName}/${UUID}, the UUID being the
  // association's id (`a-` and 17 characters)
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (args, ctx) => {
    const associationId = `a-${hex(`${args.type}::${args.name}`, 17)}`;
    return {
      associationId,
      associationArn: arn(ctx, "eks", `podidentityassociation/${args.inputs.clusterName}/${associationId}`),
    };
  },
  // EKS: arn:${Partition}:eks:${Region}:${Account}:addon/${ClusterName}/${AddonName}/${UUID}
  "aws:eks/addon:Addon": (args, ctx) => ({
    arn: arn(
      ctx,
      "eks",
      `addon/${args.inputs.clusterName}/${args.inputs.addonName}/${uuidOf(`${args.type}::${args.name}`)}`,
    ),
  }),
  // EKS: arn:${Partition}:eks:${Region}:${Account}:nodegroup/${ClusterName}/${NodegroupName}/${UUID}
  "aws:eks/nodeGroup:NodeGroup": (args, ctx) => {
    const nodeGroupName = (args.inputs.nodeGroupName as string | undefined) ?? autoName(args);
    return {
      nodeGroupName,
      arn: arn(
        ctx,
        "eks",
        `nodegroup/${args.inputs.clusterName}/${nodeGroupName}/${uuidOf(`${args.type}::${args.name}`)}`,
      ),
    };
  },
  // CloudWatch alarm: arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}
  "aws:cloudwatch/metricAlarm:MetricAlarm": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "cloudwatch", `alarm:${name}`) };
  },
  // CloudWatch Logs: arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}
  "aws:cloudwatch/logGroup:LogGroup": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "logs", `log-group:${name}`) };
  },
  // S3 bucket: arn:${Partition}:s3:::${BucketName}; its regional endpoint ${BucketName}.s3.${Region}.${DnsSuffix}
  "aws:s3/bucket:Bucket": (args, ctx) => {
    const bucket = (args.inputs.bucket as string | undefined) ?? autoName(args);
    return {
      bucket,
      arn: `arn:${partitionOf(ctx)}:s3:::${bucket}`,
      bucketRegionalDomainName: `${bucket}.s3.${ctx.awsRegion}.${dnsSuffixOf(ctx)}`,
    };
  },
  // ElastiCache: arn:${Partition}:elasticache:${Region}:${Account}:replicationgroup:${ReplicationGroupId}
  "aws:elasticache/replicationGroup:ReplicationGroup": (args, ctx) => {
    const id = (args.inputs.replicationGroupId as string | undefined) ?? autoName(args);
    return {
      arn: arn(ctx, "elasticache", `replicationgroup:${id}`),
      primaryEndpointAddress: `master.${id}.${hex(id, 6)}.${ctx.awsRegion.replace(/-/g, "")}.cache.${dnsSuffixOf(ctx)}`,
      readerEndpointAddress: `replica.${id}.${hex(id, 6)}.${ctx.awsRegion.replace(/-/g, "")}.cache.${dnsSuffixOf(ctx)}`,
    };
  },
  // ElastiCache: arn:${Partition}:elasticache:${Region}:${Account}:subnetgroup:${CacheSubnetGroupName}
  "aws:elasticache/subnetGroup:SubnetGroup": (args, ctx) => {
    const name = ((args.inputs.name as string | undefined) ?? autoName(args)).toLowerCase();
    return { name, arn: arn(ctx, "elasticache", `subnetgroup:${name}`) };
  },
  // Route 53: arn:${Partition}:route53:::healthcheck/${Id}, the id a UUID
  "aws:route53/healthCheck:HealthCheck": (args, ctx) => ({
    arn: `arn:${partitionOf(ctx)}:route53:::healthcheck/${uuidOf(`${args.type}::${args.name}`)}`,
  }),
  // ACM: arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}, the id a UUID
  "aws:acm/certificate:Certificate": (args, ctx) => {
    const names = [args.inputs.domainName, ...((args.inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
    return {
      arn: arn(ctx, "acm", `certificate/${uuidOf(`${args.type}::${args.name}`)}`),
      domainValidationOptions: names.map((domainName: string) => ({
        domainName,
        resourceRecordName: `_${hex(domainName, 32)}.${domainName}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${hex(`v-${domainName}`, 32)}.acm-validations.aws.`,
      })),
    };
  },
  // ELB: arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/{app,net}/${LoadBalancerName}/${LoadBalancerId},
  // the id 16 hex digits; a load balancer is an application one unless its type says otherwise (the provider's default).
  "aws:lb/loadBalancer:LoadBalancer": (args, ctx) => {
    const network = args.inputs.loadBalancerType === "network";
    return {
      arn: arn(
        ctx,
        "elasticloadbalancing",
        `loadbalancer/${network ? "net" : "app"}/${(args.inputs.name as string | undefined) ?? autoName(args)}/${hex(`${args.type}::${args.name}`, 16)}`,
      ),
      dnsName: loadBalancerDnsName(args.name, network, ctx),
      zoneId: `Z${hex(`elb-${ctx.awsRegion}`, 12).toUpperCase()}`,
    };
  },
  "random:index/randomPassword:RandomPassword": (args) => ({
    result: hex(`password-${args.name}`, Math.min(Number(args.inputs.length ?? 32), 64)),
  }),
  "random:index/randomString:RandomString": (args) => ({
    result: hex(`string-${args.name}`, Math.min(Number(args.inputs.length ?? 16), 64)),
  }),
  "eks:index:Cluster": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    const oidcId = hex(name, 32).toUpperCase();
    const endpoint = `https://${oidcId}.gr7.${ctx.awsRegion}.eks.${dnsSuffixOf(ctx)}`;
    const certificateAuthority = { data: Buffer.from("mock certificate authority").toString("base64") };
    return {
      kubeconfigJson: JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: endpoint } }],
      }),
      eksCluster: {
        name,
        // EKS: arn:${Partition}:eks:${Region}:${Account}:cluster/${ClusterName}
        arn: arn(ctx, "eks", `cluster/${name}`),
        endpoint,
        version: args.inputs.version,
        certificateAuthority,
        vpcConfig: { clusterSecurityGroupId: `sg-${hex(`${name}-cluster-sg`, 17)}` },
      },
      clusterSecurityGroupId: `sg-${hex(`${name}-cluster-sg`, 17)}`,
      nodeSecurityGroupId: `sg-${hex(`${name}-node-sg`, 17)}`,
      // IAM: arn:${Partition}:iam::${Account}:oidc-provider/${OidcProviderName}
      oidcProviderArn: iamArn(ctx, `oidc-provider/oidc.eks.${ctx.awsRegion}.${dnsSuffixOf(ctx)}/id/${oidcId}`),
      oidcProviderUrl: `https://oidc.eks.${ctx.awsRegion}.${dnsSuffixOf(ctx)}/id/${oidcId}`,
      oidcIssuer: `oidc.eks.${ctx.awsRegion}.${dnsSuffixOf(ctx)}/id/${oidcId}`,
    };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
  // No ARN: a node group's (nodegroup/${ClusterName}/${NodegroupName}/${UUID}) needs the EKS cluster's name, which
  // the mock only sees as a resource whose outputs resolve later.
  "eks:index:ManagedNodeGroup": (args) => ({
    nodeGroup: { nodeGroupName: args.inputs.nodeGroupName ?? autoName(args), status: "ACTIVE" },
  }),
  "kubernetes:networking.k8s.io/v1:Ingress": (args, ctx) => ({
    // What the AWS Load Balancer Controller writes once it has created the ALB.
    status: {
      loadBalancer: {
        ingress: [{ hostname: `k8s-${args.name}-${hex(args.name, 10)}.${ctx.awsRegion}.elb.${dnsSuffixOf(ctx)}` }],
      },
    },
  }),
  "kubernetes:core/v1:Service": (args, ctx) =>
    (args.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"
      ? {
          status: {
            loadBalancer: {
              ingress: [
                { hostname: `k8s-${args.name}-${hex(args.name, 10)}.elb.${ctx.awsRegion}.${dnsSuffixOf(ctx)}` },
              ],
            },
          },
        }
      : {},
  "kubernetes:helm.sh/v3:Release": (args) => ({
    status: {
      name: args.inputs.name ?? args.name,
      namespace: args.inputs.namespace,
      status: "deployed",
      version: args.inputs.version,
    },
  }),
};

/** What the pretend cloud answers when a resource is created or read. */
export function mockResource(args: MockResourceArgs, ctx: MockCloudContext): MockResourceResult {
  const prefix = idPrefixes[args.type];
  const id =
    args.id || (prefix ? `${prefix}-${hex(`${args.type}::${args.name}`, 17)}` : `${args.name}-${hex(args.type, 8)}`);
  const ec2ResourceType = ec2ResourceTypes[args.type];
  const extra = {
    ...(ec2ResourceType && { arn: arn(ctx, "ec2", `${ec2ResourceType}/${id}`) }),
    ...stateMakers[args.type]?.(args, ctx),
  };
  return { id, state: { ...args.inputs, ...extra } };
}

/** What the pretend cloud answers to data-source calls (invokes). */
export function mockCall(args: MockCallArgs, ctx: MockCloudContext): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getRegion:getRegion":
      return {
        id: ctx.awsRegion,
        region: ctx.awsRegion,
        name: ctx.awsRegion,
        endpoint: `ec2.${ctx.awsRegion}.${dnsSuffixOf(ctx)}`,
      };
    // IAM user: arn:${Partition}:iam::${Account}:user/${UserNameWithPath}
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: MOCK_ACCOUNT_ID,
        accountId: MOCK_ACCOUNT_ID,
        arn: iamArn(ctx, "user/plan"),
        userId: "AIDAPLAN",
      };
    case "aws:index/getPartition:getPartition": {
      const partition = partitionOf(ctx);
      return {
        id: partition,
        partition,
        dnsSuffix: partitionDnsSuffix[partition],
        reverseDnsPrefix: REVERSE_DNS_PREFIX[partition],
      };
    }
    // An existing VPC (network.existingVpc): a made-up private range.
    case "aws:ec2/getVpc:getVpc":
      return { id: args.inputs.id, cidrBlock: "10.99.0.0/16" };
    // One of its subnets: a /20 of that range, the same for the same id.
    case "aws:ec2/getSubnet:getSubnet":
      return {
        id: args.inputs.id,
        cidrBlock: `10.99.${(parseInt(hex(String(args.inputs.id), 2), 16) % 16) * 16}.0/20`,
      };
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      // The region's zones (lib/aws-regions.ts), lettered from a, less those excludeZoneIds names.
      const zoneIds =
        availabilityZoneIds[ctx.awsRegion] ?? [1, 2, 3].map((i) => `${ctx.awsRegion.slice(0, 3)}1-az${i}`);
      const excluded = (args.inputs.excludeZoneIds as string[] | undefined) ?? [];
      const zones = zoneIds
        .map((zoneId, i) => ({ zoneId, name: `${ctx.awsRegion}${"abcdef"[i]}` }))
        .filter((zone) => !excluded.includes(zone.zoneId));
      return { id: ctx.awsRegion, names: zones.map((z) => z.name), zoneIds: zones.map((z) => z.zoneId) };
    }
    case "aws:lb/getLoadBalancer:getLoadBalancer": {
      // An ALB the load balancer controller made, looked up by name (components/chaos/index.ts).
      const name = String(args.inputs.name ?? `k8s-lb-${hex(String(args.inputs.arn), 10)}`);
      const lbId = hex(`alb-${ctx.awsRegion}-${name}`, 16);
      const lbArn = arn(ctx, "elasticloadbalancing", `loadbalancer/app/${name}/${lbId}`);
      return {
        id: lbArn,
        arn: lbArn,
        arnSuffix: `app/${name}/${lbId}`,
        name,
        loadBalancerType: "application",
        dnsName: loadBalancerDnsName(name, false, ctx),
      };
    }
    case "aws:ssm/getParameter:getParameter": {
      // EKS optimized AMI metadata: a release-specific parameter's release_version is `<k8s>.0-<date>`.
      const name = String(args.inputs.name);
      const release = /standard-(\d+\.\d+)-v(\d{8})\/release_version$/.exec(name);
      if (!release) throw new Error(`the plan's pretend cloud has no SSM parameter ${name}`);
      return { id: name, name, type: "String", value: `${release[1]}.0-${release[2]}`, version: 1 };
    }
    case "aws:servicequotas/getServiceQuota:getServiceQuota":
      // A quota raised for the shipped stacks' peak (see docs/deploy.md, "3. Quotas").
      return {
        id: `${args.inputs.serviceCode}/${args.inputs.quotaCode}`,
        serviceCode: args.inputs.serviceCode,
        quotaCode: args.inputs.quotaCode,
        quotaName: "Running On-Demand Standard (A, C, D, H, I, M, R, T, Z) instances",
        value: 4000,
        adjustable: true,
        globalQuota: false,
      };
    case "aws:iam/getRoles:getRoles": {
      // ListRoles under pathPrefix (default "/", every role), then the name regex, as the data source filters.
      const prefix = String(args.inputs.pathPrefix ?? "/");
      const nameRegex = args.inputs.nameRegex === undefined ? undefined : new RegExp(String(args.inputs.nameRegex));
      const roles = (ctx.iamRoles ?? []).filter(
        (r) => r.path.startsWith(prefix) && (nameRegex === undefined || nameRegex.test(r.name)),
      );
      return {
        id: MOCK_ACCOUNT_ID,
        names: roles.map((r) => r.name),
        arns: roles.map((r) => iamArn(ctx, `role${r.path}${r.name}`)),
        ...(args.inputs.nameRegex === undefined ? {} : { nameRegex: args.inputs.nameRegex }),
        ...(args.inputs.pathPrefix === undefined ? {} : { pathPrefix: args.inputs.pathPrefix }),
      };
    }
    case "aws:lb/getHostedZoneId:getHostedZoneId":
      return {
        id: `Z${hex(`elb-${args.inputs.region ?? ctx.awsRegion}-${args.inputs.loadBalancerType}`, 12).toUpperCase()}`,
      };
    default:
      throw new Error(
        `the plan's pretend cloud has no answer for the data source ${args.token}; add one in tools/plan/mock-cloud.ts`,
      );
  }
}
