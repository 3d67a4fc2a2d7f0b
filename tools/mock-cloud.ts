/**
 * The pretend cloud behind the offline plan and the tests: what AWS, EKS, Kubernetes and the other
 * providers would answer when a resource is created or a data source is read.
 *
 * Answers are deterministic (derived from the resource's type and name), so two plans of the same
 * program are identical and a plan diff shows only real changes. They echo the program's inputs and
 * add the few computed outputs the program reads (ids, ARNs, endpoints). Tests assert on the inputs
 * the program sends, never on these invented values.
 */
import { createHash } from "crypto";
import type { MockCallArgs, MockResourceArgs, MockResourceResult } from "@pulumi/pulumi/runtime/mocks";

export const MOCK_ACCOUNT_ID = "123456789012";

export interface MockCloudContext {
  /** `aws:region` of the stack being planned. */
  awsRegion: string;
  /** IAM roles the account has already (a new account, the plan's, has none that the program looks up). */
  iamRoles?: MockIamRole[];
  /** The AWS partition the account is in (`aws`, `aws-cn`, `aws-us-gov`); `aws` if omitted. */
  partition?: string;
}

/** What `aws.getPartition` answers in each partition (the AWS SDK's partitions.json). */
const PARTITIONS: Record<string, { dnsSuffix: string; reverseDnsPrefix: string }> = {
  aws: { dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
  "aws-cn": { dnsSuffix: "amazonaws.com.cn", reverseDnsPrefix: "cn.com.amazonaws" },
  "aws-us-gov": { dnsSuffix: "amazonaws.com", reverseDnsPrefix: "com.amazonaws" },
};

const partitionOf = (ctx: MockCloudContext) => ctx.partition ?? "aws";

/** An IAM role as ListRoles returns it. */
export interface MockIamRole {
  name: string;
  /** `/` for most roles; `/aws-service-role/<service>/` for a service-linked role. */
  path: string;
}

function hex(seed: string, length: number): string {
  return createHash("sha256").update(seed).digest("hex").slice(0, length);
}

/** A physical name in the style of Pulumi auto-naming: `<logical name>-<7 hex>`. */
function autoName(args: MockResourceArgs): string {
  return `${args.name}-${hex(`${args.type}::${args.name}`, 7)}`;
}

type StateMaker = (args: MockResourceArgs, ctx: MockCloudContext, id: string) => Record<string, unknown>;

const arn = (ctx: MockCloudContext, service: string, resource: string, global = false) =>
  `arn:${partitionOf(ctx)}:${service}:${global ? "" : ctx.awsRegion}:${MOCK_ACCOUNT_ID}:${resource}`;

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
  "aws:fis/experimentTemplate:ExperimentTemplate": "EXT",
};

const stateMakers: Record<string, StateMaker> = {
  "aws:iam/role:Role": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return {
      name,
      arn: arn(ctx, "iam", `role/${name}`, true),
      uniqueId: `AROA${hex(name, 17).toUpperCase()}`,
    };
  },
  "aws:iam/policy:Policy": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "iam", `policy/${name}`, true) };
  },
  "aws:sqs/queue:Queue": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return {
      name,
      arn: arn(ctx, "sqs", name),
      url: `https://sqs.${ctx.awsRegion}.amazonaws.com/${MOCK_ACCOUNT_ID}/${name}`,
    };
  },
  "aws:cloudwatch/eventRule:EventRule": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "events", `rule/${name}`) };
  },
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": (args, ctx) => {
    const associationId = `a-${hex(`${args.type}::${args.name}`, 17)}`;
    return {
      associationId,
      associationArn: arn(ctx, "eks", `podidentityassociation/${args.inputs.clusterName}/${associationId}`),
    };
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "cloudwatch", `alarm:${name}`) };
  },
  "aws:cloudwatch/logGroup:LogGroup": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    return { name, arn: arn(ctx, "logs", `log-group:${name}`) };
  },
  "aws:s3/bucket:Bucket": (args, ctx) => {
    const bucket = (args.inputs.bucket as string | undefined) ?? autoName(args);
    return {
      bucket,
      arn: `arn:${partitionOf(ctx)}:s3:::${bucket}`,
      bucketRegionalDomainName: `${bucket}.s3.amazonaws.com`,
    };
  },
  "aws:elasticache/replicationGroup:ReplicationGroup": (args, ctx) => {
    const id = (args.inputs.replicationGroupId as string | undefined) ?? autoName(args);
    return {
      arn: arn(ctx, "elasticache", `replicationgroup:${id}`),
      primaryEndpointAddress: `master.${id}.${hex(id, 6)}.${ctx.awsRegion.replace(/-/g, "")}.cache.amazonaws.com`,
      readerEndpointAddress: `replica.${id}.${hex(id, 6)}.${ctx.awsRegion.replace(/-/g, "")}.cache.amazonaws.com`,
    };
  },
  "aws:acm/certificate:Certificate": (args, ctx, id) => {
    const names = [args.inputs.domainName, ...((args.inputs.subjectAlternativeNames as string[] | undefined) ?? [])];
    return {
      arn: arn(ctx, "acm", `certificate/${id}`),
      domainValidationOptions: names.map((domainName: string) => ({
        domainName,
        resourceRecordName: `_${hex(domainName, 32)}.${domainName}.`,
        resourceRecordType: "CNAME",
        resourceRecordValue: `_${hex(`v-${domainName}`, 32)}.acm-validations.aws.`,
      })),
    };
  },
  "aws:lb/loadBalancer:LoadBalancer": (args, ctx, id) => ({
    arn: arn(ctx, "elasticloadbalancing", `loadbalancer/net/${args.name}/${id}`),
    dnsName: `${args.name}-${hex(args.name, 16)}.elb.${ctx.awsRegion}.amazonaws.com`,
    zoneId: `Z${hex(`elb-${ctx.awsRegion}`, 12).toUpperCase()}`,
  }),
  "random:index/randomPassword:RandomPassword": (args) => ({
    result: hex(`password-${args.name}`, Math.min(Number(args.inputs.length ?? 32), 64)),
  }),
  "random:index/randomString:RandomString": (args) => ({
    result: hex(`string-${args.name}`, Math.min(Number(args.inputs.length ?? 16), 64)),
  }),
  "eks:index:Cluster": (args, ctx) => {
    const name = (args.inputs.name as string | undefined) ?? autoName(args);
    const oidcId = hex(name, 32).toUpperCase();
    const endpoint = `https://${oidcId}.gr7.${ctx.awsRegion}.eks.amazonaws.com`;
    const certificateAuthority = { data: Buffer.from("mock certificate authority").toString("base64") };
    return {
      kubeconfigJson: JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name, cluster: { server: endpoint } }],
      }),
      eksCluster: {
        name,
        arn: arn(ctx, "eks", `cluster/${name}`),
        endpoint,
        version: args.inputs.version,
        certificateAuthority,
        vpcConfig: { clusterSecurityGroupId: `sg-${hex(`${name}-cluster-sg`, 17)}` },
      },
      clusterSecurityGroupId: `sg-${hex(`${name}-cluster-sg`, 17)}`,
      nodeSecurityGroupId: `sg-${hex(`${name}-node-sg`, 17)}`,
      oidcProviderArn: arn(ctx, "iam", `oidc-provider/oidc.eks.${ctx.awsRegion}.amazonaws.com/id/${oidcId}`, true),
      oidcProviderUrl: `https://oidc.eks.${ctx.awsRegion}.amazonaws.com/id/${oidcId}`,
      oidcIssuer: `oidc.eks.${ctx.awsRegion}.amazonaws.com/id/${oidcId}`,
    };
  },
  "aws:ec2/launchTemplate:LaunchTemplate": () => ({ latestVersion: 1, defaultVersion: 1 }),
  "eks:index:ManagedNodeGroup": (args, ctx) => ({
    nodeGroup: {
      nodeGroupName: args.inputs.nodeGroupName ?? autoName(args),
      arn: arn(ctx, "eks", `nodegroup/${args.name}`),
      status: "ACTIVE",
    },
  }),
  "kubernetes:networking.k8s.io/v1:Ingress": (args, ctx) => ({
    // What the AWS Load Balancer Controller writes once it has created the ALB.
    status: {
      loadBalancer: {
        ingress: [{ hostname: `k8s-${args.name}-${hex(args.name, 10)}.${ctx.awsRegion}.elb.amazonaws.com` }],
      },
    },
  }),
  "kubernetes:core/v1:Service": (args, ctx) =>
    (args.inputs.spec as { type?: string } | undefined)?.type === "LoadBalancer"
      ? {
          status: {
            loadBalancer: {
              ingress: [{ hostname: `k8s-${args.name}-${hex(args.name, 10)}.elb.${ctx.awsRegion}.amazonaws.com` }],
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
  const extra = stateMakers[args.type]?.(args, ctx, id) ?? {};
  const state: Record<string, unknown> = { ...args.inputs, ...extra };
  if (args.type.startsWith("aws:") && state.arn === undefined) {
    const [, service] = /^aws:([a-z0-9]+)\//.exec(args.type) ?? [];
    state.arn = arn(ctx, service ?? "unknown", `${args.name}/${id}`);
  }
  return { id, state };
}

/** What the pretend cloud answers to data-source calls (invokes). */
export function mockCall(args: MockCallArgs, ctx: MockCloudContext): Record<string, unknown> {
  switch (args.token) {
    case "aws:index/getRegion:getRegion":
      return {
        id: ctx.awsRegion,
        region: ctx.awsRegion,
        name: ctx.awsRegion,
        endpoint: `ec2.${ctx.awsRegion}.amazonaws.com`,
      };
    case "aws:index/getCallerIdentity:getCallerIdentity":
      return {
        id: MOCK_ACCOUNT_ID,
        accountId: MOCK_ACCOUNT_ID,
        arn: arn(ctx, "iam", "user/plan", true),
        userId: "AIDAPLAN",
      };
    case "aws:index/getPartition:getPartition": {
      const partition = partitionOf(ctx);
      return { id: partition, partition, ...PARTITIONS[partition] };
    }
    case "aws:index/getAvailabilityZones:getAvailabilityZones": {
      const names = ["a", "b", "c"].map((suffix) => `${ctx.awsRegion}${suffix}`);
      return { id: ctx.awsRegion, names, zoneIds: names.map((_, i) => `${ctx.awsRegion.slice(0, 3)}1-az${i + 1}`) };
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
        dnsName: `${name}-${parseInt(hex(name, 8), 16)}.${ctx.awsRegion}.elb.amazonaws.com`,
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
        arns: roles.map((r) => arn(ctx, "iam", `role${r.path}${r.name}`, true)),
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
        `the plan's pretend cloud has no answer for the data source ${args.token}; add one in tools/mock-cloud.ts`,
      );
  }
}
