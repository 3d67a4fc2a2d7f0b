/**
 * What a GovCloud or China region cannot have, refused with one line before anything is created: a setting its
 * partition lacks (or that is not verified there), a zone EKS does not support, and what cannot cross partitions
 * (one Route53 zone for every stack, VPC peering in global rooms mode). The lines as `npm run plan` prints them,
 * exit 2, are in test/fixtures/broken-stacks/partition-*.yaml.
 */
import { InputError } from "../../../lib/errors";
import { GlobalSettings, parseStackConfig, RegionSettings } from "../../../stacks/config";
import { checkRegionStacks, RegionStackFile } from "../../../stacks/regions";
import { checkRooms } from "../../../stacks/rooms-checks";
import { sizedRegion } from "../../../stacks/sizing";
import { SERVICE_KEYS } from "../../support/rooms";
import { stackConfig } from "../../support/stack-config";

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
  return "no error";
}

/** Mumbai's file moved to another region (its own label, range and tags). */
function regionRaw(stack: string, awsRegion: string, cidr: string, overrides: Record<string, unknown> = {}) {
  return stackConfig("mumbai", {
    "aws:region": awsRegion,
    "aws:defaultTags": { tags: { project: "livekit-platform", stack } },
    "livekit-platform:regionLabel": stack,
    "livekit-platform:network": { cidr, availabilityZones: 2 },
    ...overrides,
  });
}
const regionSettings = (...args: Parameters<typeof regionRaw>) =>
  parseStackConfig(regionRaw(...args), args[0]) as RegionSettings;

describe("a GovCloud or China region stack", () => {
  it.each(["us-gov-west-1", "us-gov-east-1", "cn-north-1", "cn-northwest-1"])("is accepted in %s", (awsRegion) => {
    expect(regionSettings("far", awsRegion, "10.40.0.0/16").awsRegion).toBe(awsRegion);
  });

  it("refuses a registry mirror in China and GovCloud, where ECR has no pull-through cache rules, without showing its token", () => {
    const mirror = { mirror: { dockerHubUsername: "platform", dockerHubAccessToken: "token-value-not-shown" } };
    for (const [awsRegion, partition, regions] of [
      ["cn-northwest-1", "aws-cn", "cn-north-1, cn-northwest-1"],
      ["us-gov-east-1", "aws-us-gov", "us-gov-west-1, us-gov-east-1"],
    ]) {
      const message = errorOf(() =>
        regionSettings("far", awsRegion, "10.40.0.0/16", { "livekit-platform:images": mirror }),
      );
      expect(message).toBe(
        `livekit-platform:images.mirror: ECR has no pull-through cache rules in the ${partition} partition (${regions}): leave images.mirror out (nodes pull each image from its own registry; images.pins can point the platform's images at a registry of yours), got a pull-through cache of Docker Hub in ${awsRegion}`,
      );
    }
  });

  it("refuses chaos drills where FIS is not verified", () => {
    for (const [awsRegion, partition] of [
      ["us-gov-east-1", "aws-us-gov"],
      ["cn-north-1", "aws-cn"],
    ]) {
      expect(
        errorOf(() =>
          regionSettings("far", awsRegion, "10.40.0.0/16", { "livekit-platform:chaos": { enabled: true } }),
        ),
      ).toBe(
        `livekit-platform:chaos.enabled: AWS FIS and its aws:eks:pod-delete action are not verified in the ${partition} partition: leave chaos off, got true`,
      );
    }
  });

  it("refuses an admin role of another partition", () => {
    const admins = (awsRegion: string, arn: string) => () =>
      regionSettings("far", awsRegion, "10.40.0.0/16", {
        "livekit-platform:cluster": { publicAccessCidrs: [], adminRoleArns: [arn] },
      });
    expect(errorOf(admins("us-gov-west-1", "arn:aws:iam::123456789012:role/platform-admin"))).toBe(
      'livekit-platform:cluster.adminRoleArns[0]: must be a role of the aws-us-gov partition, where us-gov-west-1 is (arn:aws-us-gov:iam::<account>:role/<name>), got "arn:aws:iam::123456789012:role/platform-admin"',
    );
    expect(errorOf(admins("us-gov-west-1", "arn:aws-us-gov:iam::123456789012:role/platform-admin"))).toBe("no error");
    expect(errorOf(admins("ap-south-1", "arn:aws-cn:iam::123456789012:role/platform-admin"))).toContain(
      "must be a role of the aws partition",
    );
  });

  it("bounds the zones by those EKS supports: two in cn-north-1, three in cn-northwest-1", () => {
    const zones = (awsRegion: string, availabilityZones: number) => () =>
      regionSettings("far", awsRegion, "10.40.0.0/16", {
        "livekit-platform:network": { cidr: "10.40.0.0/16", availabilityZones },
      });
    expect(errorOf(zones("cn-north-1", 3))).toBe(
      "livekit-platform:network.availabilityZones: must be at most the 2 availability zones of cn-north-1 EKS supports (cnn1-az1, cnn1-az2; not cnn1-az4), got 3",
    );
    expect(errorOf(zones("cn-northwest-1", 3))).toBe("no error");
  });
});

describe("across partitions", () => {
  const file = (stack: string, awsRegion: string, cidr: string, overrides: Record<string, unknown> = {}) => ({
    file: `Pulumi.${stack}.yaml`,
    ...sizedRegion(regionSettings(stack, awsRegion, cidr, overrides)),
  });
  const globalIn = (awsRegion: string, dns?: Record<string, unknown>) =>
    parseStackConfig(
      stackConfig("global", { "aws:region": awsRegion, ...(dns ? { "livekit-platform:dns": dns } : {}) }),
      "global",
    ) as GlobalSettings;

  it("refuses a region outside the partition of the global stack's Route53 zone", () => {
    const mumbai = file("mumbai", "ap-south-1", "10.20.0.0/16");
    const govwest: RegionStackFile = file("govwest", "us-gov-west-1", "10.40.0.0/16", {
      "livekit-platform:dns": { provider: "route53", zoneId: "Z0EXAMPLEZONE00000000" },
    });
    expect(errorOf(() => checkRegionStacks([mumbai, govwest], globalIn("us-east-1")))).toBe(
      'Pulumi.govwest.yaml aws:region: is in the aws-us-gov partition, the global stack\'s us-east-1 in aws: with dns.provider route53 every stack writes to one hosted zone, which serves one partition (route with dns.provider cloudflare across partitions), got "us-gov-west-1"',
    );
  });

  it("refuses a global stack routing with Route53 from GovCloud or China", () => {
    expect(errorOf(() => globalIn("us-gov-west-1"))).toBe(
      'aws:region: is in the aws-us-gov partition, where Route53 health checks\' checker regions are not verified: run the global stack in a commercial region, or route with dns.provider cloudflare, got "us-gov-west-1"',
    );
    const cloudflare = { provider: "cloudflare", zoneId: "0".repeat(32), cloudflareAccountId: "1".repeat(32) };
    expect(errorOf(() => globalIn("cn-north-1", cloudflare))).toBe("no error");
  });

  it("refuses global rooms mode between partitions: members peer with the hub", () => {
    const rooms = {
      "livekit-platform:rooms": { mode: "global", hub: "mumbai" },
      "livekit-platform:serviceKeys": SERVICE_KEYS,
    };
    const mumbai = {
      file: "Pulumi.mumbai.yaml",
      settings: regionSettings("mumbai", "ap-south-1", "10.20.0.0/16", rooms),
    };
    const beijing = {
      file: "Pulumi.beijing.yaml",
      settings: regionSettings("beijing", "cn-north-1", "10.40.0.0/16", rooms),
    };
    expect(errorOf(() => checkRooms([beijing, mumbai]))).toBe(
      "Pulumi.beijing.yaml aws:region: is in the aws-cn partition, the hub Pulumi.mumbai.yaml in aws: global rooms mode peers every member's VPC with the hub's, and VPC peering stays inside one partition, got \"cn-north-1\"",
    );
  });
});
