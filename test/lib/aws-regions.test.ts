import {
  availabilityZoneIds,
  awsRegionNames,
  awsRegions,
  CloudflareCheckRegion,
  eksUnsupportedZoneIds,
  eksZoneIds,
  elbLogDeliveryAccounts,
  regionDistanceKm,
  regionRttFloorMs,
  route53HealthCheckerRegions,
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

describe("the facts of every region", () => {
  it("name a city per region, the one Cloudflare's pool descriptions and a new region file show", () => {
    const cities = awsRegionNames.map((r) => awsRegions[r].city);
    expect(cities.filter((c) => c.trim() === "")).toEqual([]);
    expect(new Set(cities).size).toBe(cities.length);
  });

  it("give each region the Cloudflare health-check region its coordinates fall in", () => {
    // Cloudflare's check regions are areas of the world (Load Balancing, "Region mapping API": Western and Eastern
    // North America, Northern and Southern South America, Western and Eastern Europe, Middle East, Northern and
    // Southern Africa, Southern, South East and North East Asia, Oceania): the boundaries here are coarse, but
    // none of the regions is near one.
    const area = (lat: number, lon: number): CloudflareCheckRegion => {
      if (lon < -30) return lat > 15 ? (lon < -95 ? "WNAM" : "ENAM") : lat > -10 ? "NSAM" : "SSAM";
      if (lat > 35 && lon < 30) return lon < 15 ? "WEU" : "EEU";
      if (lat > 12 && lat < 42 && lon > 34 && lon < 60) return "ME";
      if (lon < 60) return lat < 0 ? "SAF" : "NAF";
      if (lat < -10) return "OC";
      if (lon < 90) return "SAS";
      return lat < 23 ? "SEAS" : "NEAS";
    };
    const wrong = awsRegionNames.filter((r) => {
      const { latitude, longitude, cloudflareCheckRegion } = awsRegions[r];
      return area(latitude, longitude) !== cloudflareCheckRegion;
    });
    expect(wrong).toEqual([]);
    expect(awsRegions["ap-south-1"].cloudflareCheckRegion).toBe("SAS");
    expect(awsRegions["ap-southeast-1"].cloudflareCheckRegion).toBe("SEAS");
  });
});

describe("the zones of every region", () => {
  // AZ IDs start with the region's short code (AWS, "AZ IDs"): the area, then each word of the location by its
  // initials (south s, southeast se, central c, gov g, ...), then the number: ap-southeast-1 apse1, us-gov-west-1 usgw1.
  const WORDS: Record<string, string> = {
    north: "n",
    south: "s",
    east: "e",
    west: "w",
    central: "c",
    northeast: "ne",
    northwest: "nw",
    southeast: "se",
    gov: "g",
  };
  const shortCode = (region: string) => {
    const [area, ...rest] = region.split("-");
    const number = rest.pop();
    return `${area}${rest.map((w) => WORDS[w]).join("")}${number}`;
  };

  it("are named <region code>-az<n>, n from 1, each once, two or more per region", () => {
    expect(shortCode("ap-southeast-1")).toBe("apse1");
    expect(Object.keys(availabilityZoneIds).sort()).toEqual([...awsRegionNames].sort());
    for (const [region, zones] of Object.entries(availabilityZoneIds)) {
      for (const zone of zones)
        expect([region, zone]).toEqual([region, expect.stringMatching(new RegExp(`^${shortCode(region)}-az[1-9]$`))]);
      expect(new Set(zones).size).toBe(zones.length);
      expect(zones.length).toBeGreaterThanOrEqual(2);
    }
  });

  it("never give EKS a zone it does not support, each named as a zone of its region", () => {
    // us-west-1's usw1-az2 is in the EKS guide's list, though only older accounts have it.
    for (const [region, zones] of Object.entries(eksUnsupportedZoneIds)) {
      for (const zone of zones) expect(zone).toMatch(new RegExp(`^${shortCode(region)}-az[1-9]$`));
      expect(eksZoneIds(region)!.filter((z) => zones.includes(z))).toEqual([]);
      expect(eksZoneIds(region)!.length).toBeGreaterThanOrEqual(2);
    }
    expect(eksZoneIds("mars-1")).toBeUndefined();
  });
});

describe("the Route53 health checker regions", () => {
  it("are at least the three a health check must name, each a region AWS has, each once", () => {
    expect(route53HealthCheckerRegions.length).toBeGreaterThanOrEqual(3);
    expect(route53HealthCheckerRegions.filter((r) => !awsRegionNames.includes(r))).toEqual([]);
    expect(new Set(route53HealthCheckerRegions).size).toBe(route53HealthCheckerRegions.length);
    // Mumbai runs no health checkers (Route53 HealthCheck.regions).
    expect(route53HealthCheckerRegions).not.toContain("ap-south-1");
  });
});

describe("where the regions are", () => {
  it("puts each city on its side of the equator and of Greenwich", () => {
    const south = ["sa-east-1", "af-south-1", "ap-southeast-2", "ap-southeast-3", "ap-southeast-4", "ap-southeast-6"];
    // Ireland, London and Aragon lie west of the meridian, as do the Americas.
    const west = ["eu-west-1", "eu-west-2", "eu-south-2"];
    for (const r of awsRegionNames) {
      const { latitude, longitude } = awsRegions[r];
      const western = west.includes(r) || /^(us|ca|mx|sa)-/.test(r);
      expect([r, latitude < 0, longitude < 0]).toEqual([r, south.includes(r), western]);
    }
  });

  it("refuses either region it does not know", () => {
    expect(() => regionDistanceKm("mars-1", "ap-south-1")).toThrow(/^unknown AWS region: mars-1$/);
    expect(() => regionDistanceKm("ap-south-1", "mars-1")).toThrow(/^unknown AWS region: mars-1$/);
  });
});
