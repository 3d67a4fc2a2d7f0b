/**
 * What keeps a region stack's first `pulumi up`, and every later one, safe: required choices in the config,
 * AWS name limits, and the resources that `pulumi destroy` must not take away by accident.
 */
import { InputError } from "../../lib/errors";
import { parseStackConfig, REGION_LABEL_MAX } from "../../stacks/config";
import { ALB_ATTRIBUTES_ANNOTATION, controllerStringMap, NLB_ATTRIBUTES_ANNOTATION } from "../../policy/lb-attributes";
import { findResource, inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { insecureTransportGaps } from "../support/iam-policy";
import { runStack, shippedStackPlan, stackConfig } from "../support/plan";

const parse = (overrides: Record<string, unknown>) => () =>
  parseStackConfig(stackConfig("mumbai", overrides), "mumbai");
const CLUSTER = "livekit-platform:cluster";

describe("a region stack's config", () => {
  it("requires an explicit choice of who reaches the Kubernetes API; [] means private only", () => {
    expect(parse({ [CLUSTER]: { adminRoleArns: [] } })).toThrow(
      new InputError("livekit-platform:cluster.publicAccessCidrs", "is required", undefined),
    );
    expect(parse({ [CLUSTER]: undefined })).toThrow(/^livekit-platform:cluster: is required, got nothing$/);
    expect(parse({ [CLUSTER]: { publicAccessCidrs: [] } })).not.toThrow();
  });

  it("refuses fewer system nodes than availability zones (monitoring volumes are zonal)", () => {
    expect(parse({ [CLUSTER]: { publicAccessCidrs: [], systemNodes: { min: 2, max: 6 } } })).toThrow(
      "livekit-platform:cluster.systemNodes.min: must be at least network.availabilityZones (3): monitoring volumes are zonal, every zone needs a system node, got 2",
    );
  });

  it("accepts only control-plane log retentions CloudWatch knows", () => {
    expect(parse({ [CLUSTER]: { publicAccessCidrs: [], logRetentionDays: 31 } })).toThrow(
      /^livekit-platform:cluster\.logRetentionDays: must be one of 1, 3, .* \(days CloudWatch accepts\), got 31$/,
    );
  });

  it("caps the region label at 25 characters and refuses `--`", () => {
    expect(REGION_LABEL_MAX).toBe(25);
    expect(parse({ "livekit-platform:regionLabel": "a".repeat(REGION_LABEL_MAX + 1) })).toThrow(
      `livekit-platform:regionLabel: must be at most 25 characters (AWS names are derived from it), got "${"a".repeat(26)}"`,
    );
    expect(parse({ "livekit-platform:regionLabel": "sao--paulo" })).toThrow(
      'livekit-platform:regionLabel: must not contain "--" (ElastiCache ids refuse consecutive hyphens), got "sao--paulo"',
    );
  });
});

/** AWS's limits on the names derived from the label; auto-named resources get `-` and 7 characters more. */
const NAME_LIMITS: Record<string, { limit: number; field?: string }> = {
  "aws:iam/role:Role": { limit: 64 },
  "aws:iam/policy:Policy": { limit: 128 },
  "aws:cloudwatch/eventRule:EventRule": { limit: 64 },
  "aws:sqs/queue:Queue": { limit: 80 },
  "aws:s3/bucket:Bucket": { limit: 63, field: "bucket" },
  "aws:elasticache/replicationGroup:ReplicationGroup": { limit: 40, field: "replicationGroupId" },
  "aws:elasticache/subnetGroup:SubnetGroup": { limit: 255 },
  "aws:cloudwatch/metricAlarm:MetricAlarm": { limit: 255 },
  "aws:sns/topic:Topic": { limit: 256 },
};

describe("the longest region label the schema accepts", () => {
  const label = `longest-label-${"x".repeat(REGION_LABEL_MAX - "longest-label-".length)}`;
  let plan: PlanResult;
  beforeAll(async () => {
    expect(label).toHaveLength(REGION_LABEL_MAX);
    plan = await runStack("mumbai", {
      "livekit-platform:regionLabel": label,
      "livekit-platform:chaos": { enabled: true },
    });
  }, 120_000);

  it("plans, and every AWS name derived from it fits its limit", () => {
    const tooLong: string[] = [];
    for (const [type, { limit, field }] of Object.entries(NAME_LIMITS)) {
      for (const r of resourcesOfType(plan, type)) {
        const given = (r.inputs[field ?? "name"] as string | undefined) ?? undefined;
        const name = typeof given === "string" ? given : `${r.name}-1234567`;
        if (name.length > limit) tooLong.push(`${type} ${name} (${name.length} > ${limit})`);
      }
    }
    expect(tooLong).toEqual([]);
    expect(plan.outputs.turnHostname).toBe(`turn-${label}.livekit.example.com`);
    expect(`turn-${label}`.length).toBeLessThanOrEqual(63);
  });
});

describe("stateful resources of a region", () => {
  const stateful = (plan: PlanResult) => [
    findResource(plan, "eks:index:Cluster", "mumbai"),
    findResource(plan, "aws:elasticache/replicationGroup:ReplicationGroup", "mumbai-redis"),
    findResource(plan, "aws:s3/bucket:Bucket", "mumbai-egress-recordings"),
    findResource(plan, "aws:s3/bucket:Bucket", "mumbai-audit-logs"),
  ];
  /** What the load balancer controller reads as each load balancer's deletion protection: ALB, then NLB. */
  const loadBalancerDeletionProtection = (plan: PlanResult) => {
    const attributes = (type: string, name: string, annotation: string) =>
      controllerStringMap(inputsOf(findResource(plan, type, name)).metadata.annotations[annotation]);
    return [
      attributes("kubernetes:networking.k8s.io/v1:Ingress", "mumbai-endpoints-signalling", ALB_ATTRIBUTES_ANNOTATION),
      attributes("kubernetes:core/v1:Service", "mumbai-endpoints-turn", NLB_ATTRIBUTES_ANNOTATION),
    ].map((a) => a["deletion_protection.enabled"]);
  };

  let plan: PlanResult;
  beforeAll(async () => {
    plan = await shippedStackPlan("mumbai");
  });

  it("are protected by default, and the cluster and both load balancers have deletion protection", () => {
    expect(stateful(plan).map((r) => [r.name, r.options.protect])).toEqual([
      ["mumbai", true],
      ["mumbai-redis", true],
      ["mumbai-egress-recordings", true],
      ["mumbai-audit-logs", true],
    ]);
    expect(findResource(plan, "eks:index:Cluster", "mumbai").inputs.deletionProtection).toBe(true);
    expect(loadBalancerDeletionProtection(plan)).toEqual(["true", "true"]);
  });

  it("refuse every request without TLS, whoever sends it: every bucket and queue of the region", () => {
    /** The one policy of `owner`, and the resource it names (a bucket's name, a queue's URL). */
    const policyOf = (type: string, owner: PlannedResource, field: string) => {
      // Matched by the input that names the resource: the log bucket's policy also names the buckets it logs.
      const policies = resourcesOfType(plan, type).filter((p) =>
        plan.propertyDependencies?.[p.urn]?.[field]?.includes(owner.urn),
      );
      expect(policies).toHaveLength(1);
      return { policy: JSON.parse(policies[0].inputs.policy as string), names: policies[0].inputs[field] as string };
    };
    const buckets = resourcesOfType(plan, "aws:s3/bucket:Bucket").flatMap((b) => {
      const { policy, names } = policyOf("aws:s3/bucketPolicy:BucketPolicy", b, "bucket");
      return insecureTransportGaps(policy, "s3", [`arn:aws:s3:::${names}`, `arn:aws:s3:::${names}/*`]);
    });
    // A queue's URL is https://sqs.<region>.amazonaws.com/<account>/<name>; its ARN arn:aws:sqs:<region>:<account>:<name>.
    const queues = resourcesOfType(plan, "aws:sqs/queue:Queue").flatMap((q) => {
      const { policy, names } = policyOf("aws:sqs/queuePolicy:QueuePolicy", q, "queueUrl");
      const [, region, account, name] = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(names)!;
      return insecureTransportGaps(policy, "sqs", [`arn:aws:sqs:${region}:${account}:${name}`]);
    });
    // The recordings bucket and the audit-log bucket.
    expect(resourcesOfType(plan, "aws:s3/bucket:Bucket")).toHaveLength(2);
    expect(resourcesOfType(plan, "aws:sqs/queue:Queue")).toHaveLength(1);
    expect([...buckets, ...queues]).toEqual([]);
  });

  it("lose their protection only when the stack says so (the first step of a teardown)", async () => {
    const plan = await runStack("mumbai", { "livekit-platform:protect": "false" });
    expect(stateful(plan).map((r) => r.options.protect)).toEqual([false, false, false, false]);
    expect(findResource(plan, "eks:index:Cluster", "mumbai").inputs.deletionProtection).toBe(false);
    // Said explicitly: the controller changes only the attributes an annotation names, and deletes a load
    // balancer whose annotation does not say it is protected.
    expect(loadBalancerDeletionProtection(plan)).toEqual(["false", "false"]);
  });
});
