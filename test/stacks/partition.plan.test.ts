/**
 * ARNs come from the provider's partition, never a literal `arn:aws:`, so a region stack deploys in AWS China
 * (`aws-cn`) and GovCloud (`aws-us-gov`) too: planned in an account of each, no input of any resource, and no
 * document inside one (IAM, bucket and key policies are JSON strings), names the `aws` partition. Then a region
 * stack in a GovCloud and in a China region (the pretend cloud answers in the region's partition): its ARNs, its
 * ELB log writer, its endpoints (the S3 gateway endpoint, the registry host) and its service principals as each
 * partition writes them (lib/aws-partitions.ts).
 */
import { servicePrincipal } from "../../lib/aws-partitions";
import { inputsOf, plain, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { MOCK_ACCOUNT_ID } from "../../tools/plan/mock-cloud";
import { runStack } from "../support/plan";

/** Every string in `value`, and in the JSON documents among them, each with where it was found. */
function stringsIn(value: unknown, at: string, found: { at: string; value: string }[] = []) {
  if (typeof value === "string") {
    found.push({ at, value });
    if (/^\s*[[{]/.test(value)) {
      try {
        stringsIn(JSON.parse(value), `${at} (JSON)`, found);
      } catch {
        // Not JSON after all (a YAML flow map, say): the string itself is checked above.
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => stringsIn(v, `${at}[${i}]`, found));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) stringsIn(v, `${at}.${k}`, found);
  }
  return found;
}

const arnsOf = (plan: PlanResult) =>
  plan.resources
    .flatMap((r) => stringsIn(plain(r.inputs), `${r.type} ${r.name}`))
    .concat(stringsIn(plain(plan.outputs), "outputs"))
    .filter((s) => /\barn:aws[a-z-]*:/.test(s.value));

/** A mirror of Docker Hub, for the registry host it gives. */
const MIRROR = { mirror: { dockerHubUsername: "platform", dockerHubAccessToken: "not-a-real-token" } };

// Mumbai's region in an aws-cn account: chaos and the mirror on, which the China and GovCloud regions refuse, so
// their IAM documents and the registry host are checked in another partition here.
describe.each(["aws-cn"] as const)("a region stack in the %s partition", (partition) => {
  let arns: { at: string; value: string }[];
  let plan: PlanResult;
  beforeAll(async () => {
    // Chaos drills on: their IAM documents are the ones with most ARNs.
    plan = await runStack(
      "mumbai",
      { "livekit-platform:chaos": { enabled: true }, "livekit-platform:images": MIRROR },
      { partition },
    );
    arns = arnsOf(plan);
  }, 60_000);

  it("pulls through the registry at the partition's DNS suffix", () => {
    const suffix = partition === "aws-cn" ? "amazonaws.com.cn" : "amazonaws.com";
    const images = stringsIn(plain(plan.resources.map((r) => r.inputs)), "inputs").filter((s) =>
      s.value.includes(".dkr.ecr."),
    );
    expect(images.length).toBeGreaterThan(0);
    // Each pull-through rule's prefix: Docker Hub's, and quay.io's, registry.k8s.io's and ECR Public's (the charts').
    const registry = new RegExp(
      `${MOCK_ACCOUNT_ID}\\.dkr\\.ecr\\.ap-south-1\\.${suffix.replace(/\./g, "\\.")}/(docker-hub|quay|k8s|ecr-public)(/|$)`,
    );
    for (const image of images) expect(image.value).toMatch(registry);
    expect(images.filter((image) => image.value.includes("/docker-hub/")).length).toBeGreaterThan(0);
  });

  it("builds every ARN in that partition", () => {
    expect(arns.filter((a) => a.value.includes("arn:aws:"))).toEqual([]);
  });

  it("has ARNs to check: IAM policies, the ELB log writer, managed policies", () => {
    const inPartition = arns.filter((a) => a.value.includes(`arn:${partition}:`));
    expect(inPartition.length).toBeGreaterThan(20);
    for (const expected of [
      `arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
      `arn:${partition}:iam::718504428378:root`,
      `arn:${partition}:ec2:ap-south-1:123456789012:vpc-flow-log/*`,
    ]) {
      expect(inPartition.some((a) => a.value.includes(expected))).toBe(true);
    }
  });
});

/** Every `Principal.Service` of the IAM documents among the plan's inputs, and every service a role is linked to. */
function servicePrincipalsOf(plan: PlanResult): string[] {
  const found = new Set<string>();
  const visit = (value: unknown): void => {
    if (typeof value === "string" && /^\s*[[{]/.test(value)) {
      try {
        visit(JSON.parse(value));
      } catch {
        // not JSON
      }
    } else if (Array.isArray(value)) value.forEach(visit);
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        if (k === "Principal" && typeof v === "object" && v !== null && "Service" in v)
          [(v as { Service: string | string[] }).Service].flat().forEach((s) => found.add(s));
        else visit(v);
      }
    }
  };
  plan.resources.forEach((r) => visit(plain(r.inputs)));
  return [...found].sort();
}

describe.each([
  {
    awsRegion: "us-gov-west-1",
    partition: "aws-us-gov",
    suffix: "amazonaws.com",
    elbAccount: "048591011584",
  },
  { awsRegion: "cn-north-1", partition: "aws-cn", suffix: "amazonaws.com.cn", elbAccount: "638102146993" },
])("a region stack in $awsRegion", ({ awsRegion, partition, suffix, elbAccount }) => {
  let plan: PlanResult;
  let strings: { at: string; value: string }[];
  beforeAll(async () => {
    // Two zones: cn-north-1 has two that EKS supports. No chaos and no mirror: FIS is not verified in either
    // partition, and neither has pull-through cache rules (test/stacks/config/partitions.test.ts: the refusals).
    plan = await runStack("mumbai", {
      "aws:region": awsRegion,
      "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones: 2 },
    });
    strings = plan.resources
      .flatMap((r) => stringsIn(plain(r.inputs), `${r.type} ${r.name}`))
      .concat(stringsIn(plain(plan.outputs), "outputs"));
  }, 60_000);

  it("builds every ARN in the region's partition, the ELB log writer its account there", () => {
    expect(strings.filter((s) => s.value.includes("arn:aws:"))).toEqual([]);
    const arns = strings.filter((s) => s.value.includes(`arn:${partition}:`));
    expect(arns.length).toBeGreaterThan(20);
    expect(arns.some((a) => a.value.includes(`arn:${partition}:iam::${elbAccount}:root`))).toBe(true);
    expect(arns.some((a) => a.value.includes(`arn:${partition}:eks:${awsRegion}:${MOCK_ACCOUNT_ID}:cluster/`))).toBe(
      true,
    );
  });

  it("names the S3 gateway endpoint's service com.amazonaws.<region>.s3, China's included", () => {
    const [endpoint] = resourcesOfType(plan, "aws:ec2/vpcEndpoint:VpcEndpoint").map((r) => inputsOf(r));
    expect(endpoint).toMatchObject({ serviceName: `com.amazonaws.${awsRegion}.s3`, vpcEndpointType: "Gateway" });
  });

  it("writes each service principal as the partition does, and no other name in the commercial suffix", () => {
    const principals = servicePrincipalsOf(plan);
    expect(principals).toContain("pods.eks.amazonaws.com");
    for (const principal of principals) {
      expect(principal).toBe(servicePrincipal(principal.replace(/\.amazonaws\.com(\.cn)?$/, ""), partition));
    }
    if (suffix === "amazonaws.com.cn") {
      // Endpoints (load balancers, EKS, ElastiCache, SQS) end in .amazonaws.com.cn; what ends in .amazonaws.com is a
      // service's name: a principal, a service-linked role's service, a condition on one.
      const commercial = new Set(
        strings
          .flatMap((s) => s.value.match(/[\w.-]+\.amazonaws\.com(?![.\w])/g) ?? [])
          .filter((n) => !principals.includes(n)),
      );
      expect([...commercial].sort()).toEqual(["elasticloadbalancing.amazonaws.com", "spot.amazonaws.com"]);
      expect(strings.some((s) => s.value.includes(`.${awsRegion}.elb.amazonaws.com.cn`))).toBe(true);
    }
  });

  it("pulls no image through a mirror, which neither partition can have", () => {
    expect(strings.filter((s) => /\.dkr\.ecr\./.test(s.value))).toEqual([]);
  });

  it("spreads the subnets over zones EKS supports only", () => {
    const zones = resourcesOfType(plan, "aws:ec2/subnet:Subnet").map((r) => inputsOf(r).availabilityZone);
    // The pretend cloud letters the region's zones from a in AZ ID order: cn-north-1c is cnn1-az4.
    expect([...new Set(zones)].sort()).toEqual([`${awsRegion}a`, `${awsRegion}b`]);
  });
});
