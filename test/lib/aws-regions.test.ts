import { awsRegionNames, elbLogDeliveryAccounts, regionDistanceKm, regionRttFloorMs } from "../../lib/aws-regions";

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
});
