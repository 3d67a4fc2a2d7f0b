/**
 * tools/plan/mock-cloud.ts: the pretend cloud answers an ARN for every AWS resource the program creates whose
 * Pulumi class has one, in the shape AWS's Service Authorization Reference (SAR) gives that resource type
 * (https://docs.aws.amazon.com/service-authorization/latest/reference/, "Resource types defined by <service>"),
 * and none for a resource that has no ARN.
 */
import * as fs from "fs";
import * as path from "path";
import { MOCK_ACCOUNT_ID, mockCall, mockResource } from "../../../tools/plan/mock-cloud";

const projectRoot = path.join(__dirname, "..", "..", "..");
const ctx = { awsRegion: "ap-south-1" };
const UUID = "[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}";
const NAME_WITH_PATH = "(/[\\w+=,.@-]+)*/?[\\w+=,.@-]+";
const EC2_ID = "[a-z]+-[0-9a-f]{17}";

/** Each type's ARN template from its SAR page, and the form of its placeholders where one is narrower than a name. */
const SAR: Record<string, { page: string; template: string; values?: Record<string, string> }> = {
  "aws:iam/role:Role": {
    page: "list_awsidentityandaccessmanagementiam.html",
    template: "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
    values: { RoleNameWithPath: NAME_WITH_PATH },
  },
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": {
    page: "list_awsidentityandaccessmanagementiam.html",
    template: "arn:${Partition}:iam::${Account}:role/${RoleNameWithPath}",
    values: { RoleNameWithPath: "aws-service-role/[a-z.]+\\.amazonaws\\.com/AWSServiceRoleFor\\w+" },
  },
  "aws:iam/policy:Policy": {
    page: "list_awsidentityandaccessmanagementiam.html",
    template: "arn:${Partition}:iam::${Account}:policy/${PolicyNameWithPath}",
    values: { PolicyNameWithPath: NAME_WITH_PATH },
  },
  "aws:sqs/queue:Queue": {
    page: "list_amazonsqs.html",
    template: "arn:${Partition}:sqs:${Region}:${Account}:${QueueName}",
  },
  "aws:kms/key:Key": {
    page: "list_awskeymanagementservice.html",
    template: "arn:${Partition}:kms:${Region}:${Account}:key/${KeyId}",
    values: { KeyId: UUID },
  },
  "aws:sns/topic:Topic": {
    page: "list_amazonsns.html",
    template: "arn:${Partition}:sns:${Region}:${Account}:${TopicName}",
  },
  // Not a SAR resource type: SNS's Subscribe returns the topic's ARN and the subscription's id.
  "aws:sns/topicSubscription:TopicSubscription": {
    page: "list_amazonsns.html",
    template: "arn:${Partition}:sns:${Region}:${Account}:${TopicName}:${SubscriptionId}",
    values: { SubscriptionId: UUID },
  },
  "aws:cloudwatch/eventRule:EventRule": {
    page: "list_amazoneventbridge.html",
    template: "arn:${Partition}:events:${Region}:${Account}:rule/[${EventBusName}/]${RuleName}",
  },
  "aws:cloudwatch/metricAlarm:MetricAlarm": {
    page: "list_amazoncloudwatch.html",
    template: "arn:${Partition}:cloudwatch:${Region}:${Account}:alarm:${AlarmName}",
  },
  "aws:cloudwatch/logGroup:LogGroup": {
    page: "list_amazoncloudwatchlogs.html",
    template: "arn:${Partition}:logs:${Region}:${Account}:log-group:${LogGroupName}",
  },
  "aws:s3/bucket:Bucket": { page: "list_amazons3.html", template: "arn:${Partition}:s3:::${BucketName}" },
  "aws:elasticache/replicationGroup:ReplicationGroup": {
    page: "list_amazonelasticache.html",
    template: "arn:${Partition}:elasticache:${Region}:${Account}:replicationgroup:${ReplicationGroupId}",
  },
  "aws:elasticache/subnetGroup:SubnetGroup": {
    page: "list_amazonelasticache.html",
    template: "arn:${Partition}:elasticache:${Region}:${Account}:subnetgroup:${CacheSubnetGroupName}",
    values: { CacheSubnetGroupName: "[a-z0-9-]+" },
  },
  "aws:acm/certificate:Certificate": {
    page: "list_awscertificatemanager.html",
    template: "arn:${Partition}:acm:${Region}:${Account}:certificate/${CertificateId}",
    values: { CertificateId: UUID },
  },
  "aws:lb/loadBalancer:LoadBalancer": {
    page: "list_awselasticloadbalancingv2.html",
    template:
      "arn:${Partition}:elasticloadbalancing:${Region}:${Account}:loadbalancer/app/${LoadBalancerName}/${LoadBalancerId}",
    values: { LoadBalancerId: "[0-9a-f]{16}" },
  },
  "aws:eks/addon:Addon": {
    page: "list_amazonelastickubernetesservice.html",
    template: "arn:${Partition}:eks:${Region}:${Account}:addon/${ClusterName}/${AddonName}/${UUID}",
    values: { UUID },
  },
  "aws:eks/nodeGroup:NodeGroup": {
    page: "list_amazonelastickubernetesservice.html",
    template: "arn:${Partition}:eks:${Region}:${Account}:nodegroup/${ClusterName}/${NodegroupName}/${UUID}",
    values: { UUID },
  },
  "aws:route53/healthCheck:HealthCheck": {
    page: "list_amazonroute53.html",
    template: "arn:${Partition}:route53:::healthcheck/${Id}",
    values: { Id: UUID },
  },
  "aws:ec2/vpc:Vpc": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:vpc/${VpcId}",
  },
  "aws:ec2/flowLog:FlowLog": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:vpc-flow-log/${VpcFlowLogId}",
  },
  "aws:ec2/subnet:Subnet": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:subnet/${SubnetId}",
  },
  "aws:ec2/internetGateway:InternetGateway": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:internet-gateway/${InternetGatewayId}",
  },
  "aws:ec2/eip:Eip": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:elastic-ip/${AllocationId}",
  },
  "aws:ec2/routeTable:RouteTable": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:route-table/${RouteTableId}",
  },
  "aws:ec2/securityGroup:SecurityGroup": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:security-group/${SecurityGroupId}",
  },
  "aws:ec2/vpcEndpoint:VpcEndpoint": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:vpc-endpoint/${VpcEndpointId}",
  },
  "aws:ec2/launchTemplate:LaunchTemplate": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:launch-template/${LaunchTemplateId}",
  },
  "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule": {
    page: "list_amazonec2.html",
    template: "arn:${Partition}:ec2:${Region}:${Account}:security-group-rule/${SecurityGroupRuleId}",
  },
  // Secrets Manager appends six random characters to the secret's name (its names may hold `/`).
  "aws:secretsmanager/secret:Secret": {
    page: "list_awssecretsmanager.html",
    template: "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
    values: { SecretId: "[\\w/+=.@-]+-[0-9a-zA-Z]{6}" },
  },
  // Not a SAR resource type: a version's ARN is its secret's.
  "aws:secretsmanager/secretVersion:SecretVersion": {
    page: "list_awssecretsmanager.html",
    template: "arn:${Partition}:secretsmanager:${Region}:${Account}:secret:${SecretId}",
    values: { SecretId: "[\\w/+=.@-]+-[0-9a-zA-Z]{6}" },
  },
};

/** The template as a pattern: this stack's partition, region and account; each other placeholder one value. */
function patternOf({ template, values = {} }: (typeof SAR)[string]): RegExp {
  const escaped = template.replace(/[.*+?^()|\\]/g, "\\$&");
  const source = escaped.replace(/\[(\$\{\w+\}\/)\]/g, "($1)?").replace(/\$\{(\w+)\}/g, (_, name: string) => {
    if (name === "Partition") return "aws";
    if (name === "Region") return ctx.awsRegion;
    if (name === "Account") return MOCK_ACCOUNT_ID;
    if (values[name]) return `(${values[name]})`;
    return /(Vpc|Subnet|InternetGateway|Allocation|RouteTable|SecurityGroup|VpcEndpoint|LaunchTemplate|SecurityGroupRule)Id$/.test(
      name,
    )
      ? EC2_ID
      : "[^:/]+";
  });
  return new RegExp(`^${source}$`);
}

/** Inputs as the program passes them, where an ARN is built from them. */
const INPUTS: Record<string, Record<string, unknown>> = {
  "aws:iam/serviceLinkedRole:ServiceLinkedRole": { awsServiceName: "spot.amazonaws.com" },
  "aws:sns/topicSubscription:TopicSubscription": {
    topic: `arn:aws:sns:ap-south-1:${MOCK_ACCOUNT_ID}:alerts-1234567`,
    protocol: "email",
  },
  "aws:eks/addon:Addon": { clusterName: "livekit-mumbai", addonName: "coredns" },
  "aws:eks/nodeGroup:NodeGroup": { clusterName: "livekit-mumbai" },
  "aws:elasticache/subnetGroup:SubnetGroup": { name: "Livekit-Mumbai" },
  "aws:eks/podIdentityAssociation:PodIdentityAssociation": { clusterName: "livekit-mumbai" },
  "aws:acm/certificate:Certificate": { domainName: "mumbai.livekit.example.com" },
  "aws:secretsmanager/secret:Secret": { namePrefix: "ecr-pullthroughcache/mumbai-docker-hub-" },
  "aws:secretsmanager/secretVersion:SecretVersion": {
    secretId: `arn:aws:secretsmanager:ap-south-1:${MOCK_ACCOUNT_ID}:secret:ecr-pullthroughcache/mumbai-docker-hub-0a1b2c`,
  },
};

const arnOf = (type: string) =>
  mockResource({ type, name: "mumbai-x", inputs: INPUTS[type] ?? {}, custom: true }, ctx).state.arn as
    string | undefined;

/** The resource types components/ and stacks/ create (`new aws.<module>.<Name>(`), as type tokens. */
function createdAwsTypes(): string[] {
  const types = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith(".ts"))
        for (const [, module, name] of fs.readFileSync(full, "utf8").matchAll(/new aws\.(\w+)\.(\w+)\(/g))
          types.add(`aws:${module}/${name[0].toLowerCase()}${name.slice(1)}:${name}`);
    }
  };
  visit(path.join(projectRoot, "components"));
  visit(path.join(projectRoot, "stacks"));
  return [...types].sort();
}

/** Whether the @pulumi/aws class of `type` has an `arn` output, and whether the program can set it. */
function arnOfClass(type: string): { output: boolean; input: boolean } {
  const [, file] = /^aws:(\w+\/\w+):/.exec(type)!;
  const declarations = fs.readFileSync(
    path.join(projectRoot, "node_modules", "@pulumi", "aws", `${file}.d.ts`),
    "utf8",
  );
  const args = declarations.slice(declarations.indexOf(`export interface ${type.split(":")[2]}Args {`));
  return {
    output: /readonly arn: pulumi\.Output<string>;/.test(declarations),
    input: /^ {4}arn\??: pulumi\.Input/m.test(args),
  };
}

describe("the pretend cloud's ARNs", () => {
  it.each(Object.keys(SAR))("have the shape AWS gives a %s", (type) => {
    expect(arnOf(type)).toMatch(patternOf(SAR[type]));
  });

  it("name an SNS topic by its name alone, as AWS does", () => {
    const topic = mockResource({ type: "aws:sns/topic:Topic", name: "mumbai-alerts", inputs: {}, custom: true }, ctx);
    expect(topic.state.arn).toBe(`arn:aws:sns:ap-south-1:${MOCK_ACCOUNT_ID}:${topic.state.name}`);
  });

  it("put a network load balancer under net/ and the others under app/", () => {
    const lb = (loadBalancerType?: string) =>
      mockResource(
        { type: "aws:lb/loadBalancer:LoadBalancer", name: "x", inputs: { loadBalancerType }, custom: true },
        ctx,
      ).state.arn;
    expect(lb("network")).toMatch(/:loadbalancer\/net\//);
    expect(lb("application")).toMatch(/:loadbalancer\/app\//);
    expect(lb()).toMatch(/:loadbalancer\/app\//);
  });
});

describe("the pretend cloud's DNS names", () => {
  // As the ELB and S3 user guides show them: my-load-balancer-1234567890.us-west-2.elb.amazonaws.com (an ALB),
  // my-load-balancer-1234567890abcdef.elb.us-east-2.amazonaws.com (an NLB), bucket.s3.us-west-2.amazonaws.com.
  const lb = (loadBalancerType?: string) =>
    mockResource(
      { type: "aws:lb/loadBalancer:LoadBalancer", name: "turn", inputs: { loadBalancerType }, custom: true },
      ctx,
    ).state.dnsName;

  it("give a network load balancer <name>-<hex id>.elb.<region>.amazonaws.com", () => {
    expect(lb("network")).toMatch(/^turn-[0-9a-f]{16}\.elb\.ap-south-1\.amazonaws\.com$/);
  });

  it("give an application load balancer <name>-<number>.<region>.elb.amazonaws.com, as getLoadBalancer does", () => {
    expect(lb("application")).toMatch(/^turn-\d+\.ap-south-1\.elb\.amazonaws\.com$/);
    expect(lb()).toBe(lb("application"));
    const found = mockCall({ token: "aws:lb/getLoadBalancer:getLoadBalancer", inputs: { name: "turn" } }, ctx);
    expect(found.dnsName).toMatch(/^turn-\d+\.ap-south-1\.elb\.amazonaws\.com$/);
  });

  it("give a bucket a regional endpoint that names its region", () => {
    const bucket = mockResource(
      { type: "aws:s3/bucket:Bucket", name: "recordings", inputs: { bucket: "lk-recordings" }, custom: true },
      ctx,
    ).state;
    expect(bucket.bucketRegionalDomainName).toBe("lk-recordings.s3.ap-south-1.amazonaws.com");
  });

  it("give a pod identity association its association's id", () => {
    const association = mockResource(
      {
        type: "aws:eks/podIdentityAssociation:PodIdentityAssociation",
        name: "x",
        inputs: INPUTS["aws:eks/podIdentityAssociation:PodIdentityAssociation"],
        custom: true,
      },
      ctx,
    ).state;
    expect(association.associationArn).toBe(
      `arn:aws:eks:ap-south-1:${MOCK_ACCOUNT_ID}:podidentityassociation/livekit-mumbai/${association.associationId}`,
    );
    expect(association.associationId).toMatch(/^a-[0-9a-z]{17}$/);
  });

  it("answer data sources with ARNs of the same shapes", () => {
    const caller = mockCall({ token: "aws:index/getCallerIdentity:getCallerIdentity", inputs: {} }, ctx);
    expect(caller.arn).toMatch(new RegExp(`^arn:aws:iam::${MOCK_ACCOUNT_ID}:user/${NAME_WITH_PATH}$`));
    const alb = mockCall({ token: "aws:lb/getLoadBalancer:getLoadBalancer", inputs: { name: "k8s-livekit" } }, ctx);
    expect(alb.arn).toMatch(patternOf(SAR["aws:lb/loadBalancer:LoadBalancer"]));
    expect(alb.arn).toBe(`arn:aws:elasticloadbalancing:ap-south-1:${MOCK_ACCOUNT_ID}:loadbalancer/${alb.arnSuffix}`);
  });

  it("exist for every resource type the program creates that has one, and for no other", () => {
    const types = createdAwsTypes();
    expect(types).toEqual(expect.arrayContaining(["aws:sns/topic:Topic", "aws:acm/certificate:Certificate"]));
    const wrong = types.flatMap((type) => {
      const { output, input } = arnOfClass(type);
      const arn = arnOf(type);
      if (output && !input && !SAR[type]) return [`${type}: has an ARN, but this test has no SAR template for it`];
      if (output && !input && arn === undefined) return [`${type}: has an ARN, but the pretend cloud invents none`];
      if (!output && arn !== undefined) return [`${type}: has no ARN, but the pretend cloud invents ${arn}`];
      return [];
    });
    expect(wrong).toEqual([]);
  });
});
