import { partitionDnsSuffix, partitionGaps, partitionOfRegion, servicePrincipal } from "../../lib/aws-partitions";
import { awsRegionNames } from "../../lib/aws-regions";

describe("the partition of a region", () => {
  it("is aws-us-gov for GovCloud, aws-cn for China, aws for every other region the stacks accept", () => {
    const byPartition = (p: string) => awsRegionNames.filter((r) => partitionOfRegion(r) === p).sort();
    expect(byPartition("aws-us-gov")).toEqual(["us-gov-east-1", "us-gov-west-1"]);
    expect(byPartition("aws-cn")).toEqual(["cn-north-1", "cn-northwest-1"]);
    expect(byPartition("aws")).toHaveLength(awsRegionNames.length - 4);
    // us-east-1 is not GovCloud, whatever its prefix.
    expect(partitionOfRegion("us-east-1")).toBe("aws");
  });

  it("follows botocore's whole-name patterns, so a region opened later lands in its partition by its shape alone", () => {
    // A later China or GovCloud region, numbered past 9.
    expect(partitionOfRegion("cn-southwest-10")).toBe("aws-cn");
    expect(partitionOfRegion("us-gov-central-12")).toBe("aws-us-gov");
    // A name that only contains such a region, or goes on past its number, is none of theirs.
    for (const name of ["ap-cn-north-1", "xcn-north-1", "cn-north-1-local", "ap-us-gov-west-1", "us-gov-west-1a"])
      expect(partitionOfRegion(name)).toBe("aws");
  });

  it("has the DNS suffix botocore's partitions.json gives it", () => {
    expect(partitionDnsSuffix).toEqual({
      aws: "amazonaws.com",
      "aws-cn": "amazonaws.com.cn",
      "aws-us-gov": "amazonaws.com",
    });
  });
});

describe("service principals", () => {
  it("are <service>.amazonaws.com in every partition, China's included", () => {
    for (const partition of ["aws", "aws-cn", "aws-us-gov"]) {
      for (const service of ["ec2", "eks", "pods.eks", "fis", "delivery.logs", "logging.s3", "events", "sqs"]) {
        expect(servicePrincipal(service, partition)).toBe(`${service}.amazonaws.com`);
      }
    }
  });

  it("take China's suffix there for codedeploy, elasticmapreduce and logs only (terraform-provider-aws)", () => {
    for (const service of ["codedeploy", "elasticmapreduce", "logs"]) {
      expect(servicePrincipal(service, "aws-cn")).toBe(`${service}.amazonaws.com.cn`);
      expect(servicePrincipal(service, "aws-us-gov")).toBe(`${service}.amazonaws.com`);
      expect(servicePrincipal(service, "aws")).toBe(`${service}.amazonaws.com`);
    }
  });
});

describe("what a partition refuses", () => {
  const settings = (awsRegion: string, mirror: boolean, chaos: boolean) => ({
    awsRegion,
    images: { mirror: mirror ? { repositoryPrefix: "docker-hub" } : undefined },
    chaos: { enabled: chaos },
  });
  const refused = (awsRegion: string, mirror: boolean, chaos: boolean) =>
    partitionGaps[partitionOfRegion(awsRegion)]
      .filter((gap) => gap.asked(settings(awsRegion, mirror, chaos)))
      .map((gap) => gap.path.join("."));

  it("is nothing in the commercial partition", () => {
    expect(refused("ap-south-1", true, true)).toEqual([]);
  });

  it("is the registry mirror and chaos in China and GovCloud, and only when asked for", () => {
    expect(refused("cn-northwest-1", true, true)).toEqual(["images.mirror", "chaos.enabled"]);
    expect(refused("cn-north-1", false, false)).toEqual([]);
    expect(refused("us-gov-east-1", true, true)).toEqual(["images.mirror", "chaos.enabled"]);
    expect(refused("us-gov-east-1", true, false)).toEqual(["images.mirror"]);
    expect(refused("us-gov-west-1", false, false)).toEqual([]);
  });
});
