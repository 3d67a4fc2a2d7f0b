import { regionDistanceKm, regionRttFloorMs } from "../../lib/aws-regions";

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
