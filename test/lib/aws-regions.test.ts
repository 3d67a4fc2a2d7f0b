import {
  availabilityZoneIds,
  awsRegionNames,
  eksZoneIds,
  elbLogDeliveryAccounts,
  regionDistanceKm,
  regionRttFloorMs,
} from "../../lib/aws-regions";

describe("round trips between AWS regions", () => {
  it("gives the fibre floor of the great-circle distance there and back", () => {
    // Mumbai to Singapore is about 3,900 km: at 204 km per ms, 38 ms there and back.
    expect(regionDistanceKm("ap-south-1", "ap-southeast-1")).toBeCloseTo(3904, -1);
    expect(regionRttFloorMs("ap-south-1", "ap-southeast-1")).toBeCloseTo(38.2, 0);
    expect(regionRttFloorMs("ap-southeast-1", "ap-south-1")).toBeCloseTo(
      regionRttFloorMs("ap-south-1", "ap-southeast-1"),
      9,
    );
    expect(regionRttFloorMs("ap-south-1", "ap-south-1")).toBe(0);
  });

  it("refuses a region it does not know", () => {
    expect(() => regionRttFloorMs("ap-south-1", "mars-1")).toThrow(/unknown AWS region: mars-1/);
  });
});

describe("who writes ALB access logs in each region", () => {
  // The regions available since August 2022, with the month each opened: no Elastic Load Balancing account writes
  // their ALB logs, the service principal does. A region added to lib/aws-regions.ts must be placed here or in
  // elbLogDeliveryAccounts, from the guide's lists ("Enable access logs for your Application Load Balancer").
  const SINCE_AUGUST_2022: Record<string, string> = {
    "me-central-1": "2022-08",
    "eu-central-2": "2022-11",
    "eu-south-2": "2022-11",
    "ap-south-2": "2022-11",
    "ap-southeast-4": "2023-01",
    "il-central-1": "2023-08",
    "ca-west-1": "2023-12",
    "ap-southeast-5": "2024-08",
    "ap-southeast-7": "2025-01",
    "mx-central-1": "2025-01",
    "ap-east-2": "2025-06",
    "ap-southeast-6": "2025-09",
  };

  it("places every known region on one side of August 2022", () => {
    const unplaced = awsRegionNames.filter((r) => !(r in elbLogDeliveryAccounts) && !(r in SINCE_AUGUST_2022));
    const both = awsRegionNames.filter((r) => r in elbLogDeliveryAccounts && r in SINCE_AUGUST_2022);
    expect({ unplaced, both }).toEqual({ unplaced: [], both: [] });
    expect(Object.keys(elbLogDeliveryAccounts).filter((r) => !awsRegionNames.includes(r))).toEqual([]);
  });

  it("gives the shipped regions their Elastic Load Balancing accounts", () => {
    expect(elbLogDeliveryAccounts["ap-south-1"]).toBe("718504428378");
    expect(elbLogDeliveryAccounts["ap-southeast-1"]).toBe("114774131450");
    for (const account of Object.values(elbLogDeliveryAccounts)) expect(account).toMatch(/^\d{12}$/);
  });

  it("gives GovCloud and China their own partitions' accounts (terraform-provider-aws; China's guide)", () => {
    expect(elbLogDeliveryAccounts["us-gov-west-1"]).toBe("048591011584");
    expect(elbLogDeliveryAccounts["us-gov-east-1"]).toBe("190560391635");
    expect(elbLogDeliveryAccounts["cn-north-1"]).toBe("638102146993");
    expect(elbLogDeliveryAccounts["cn-northwest-1"]).toBe("037604701340");
  });
});

describe("GovCloud and China regions", () => {
  it("have three zones each, by AZ ID", () => {
    expect(availabilityZoneIds["us-gov-west-1"]).toEqual(["usgw1-az1", "usgw1-az2", "usgw1-az3"]);
    expect(availabilityZoneIds["us-gov-east-1"]).toEqual(["usge1-az1", "usge1-az2", "usge1-az3"]);
    expect(availabilityZoneIds["cn-north-1"]).toEqual(["cnn1-az1", "cnn1-az2", "cnn1-az4"]);
    expect(availabilityZoneIds["cn-northwest-1"]).toEqual(["cnnw1-az1", "cnnw1-az2", "cnnw1-az3"]);
  });

  it("are where their names say: Beijing to Ningxia about 1,000 km, GovCloud West to East about 3,300 km", () => {
    expect(regionDistanceKm("cn-north-1", "cn-northwest-1")).toBeGreaterThan(950);
    expect(regionDistanceKm("cn-north-1", "cn-northwest-1")).toBeLessThan(1050);
    expect(regionDistanceKm("us-gov-west-1", "us-gov-east-1")).toBeGreaterThan(3200);
    expect(regionDistanceKm("us-gov-west-1", "us-gov-east-1")).toBeLessThan(3500);
  });
});

describe("the zones EKS supports", () => {
  it("leave out the zones the EKS user guide disallows, and cn-north-1's cnn1-az4 (eksctl)", () => {
    expect(eksZoneIds("cn-north-1")).toEqual(["cnn1-az1", "cnn1-az2"]);
    expect(eksZoneIds("us-east-1")).toEqual(["use1-az1", "use1-az2", "use1-az4", "use1-az5", "use1-az6"]);
    expect(eksZoneIds("us-gov-west-1")).toEqual(availabilityZoneIds["us-gov-west-1"]);
    expect(eksZoneIds("ap-south-1")).toEqual(availabilityZoneIds["ap-south-1"]);
  });
});
