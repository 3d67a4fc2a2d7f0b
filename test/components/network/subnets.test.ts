import { layoutSubnets } from "../../../components/network/subnets";

describe("subnet layout", () => {
  it("gives private subnets the first half of the VPC and public subnets the third quarter", () => {
    expect(layoutSubnets("10.20.0.0/16", 3)).toEqual({
      private: ["10.20.0.0/19", "10.20.32.0/19", "10.20.64.0/19"],
      public: ["10.20.128.0/20", "10.20.144.0/20", "10.20.160.0/20"],
    });
  });

  it("splits evenly for two and four zones", () => {
    expect(layoutSubnets("10.0.0.0/16", 2)).toEqual({
      private: ["10.0.0.0/18", "10.0.64.0/18"],
      public: ["10.0.128.0/19", "10.0.160.0/19"],
    });
    expect(layoutSubnets("172.16.0.0/20", 4).public).toEqual([
      "172.16.8.0/24",
      "172.16.9.0/24",
      "172.16.10.0/24",
      "172.16.11.0/24",
    ]);
  });

  it("rejects a VPC too small for its zones", () => {
    expect(() => layoutSubnets("10.0.0.0/27", 3)).toThrow("too small");
  });

  it("lays out one zone, and the smallest VPC that still fits (public /28s)", () => {
    expect(layoutSubnets("10.0.0.0/16", 1)).toEqual({ private: ["10.0.0.0/17"], public: ["10.0.128.0/18"] });
    expect(layoutSubnets("10.0.0.0/24", 4)).toEqual({
      private: ["10.0.0.0/27", "10.0.0.32/27", "10.0.0.64/27", "10.0.0.96/27"],
      public: ["10.0.0.128/28", "10.0.0.144/28", "10.0.0.160/28", "10.0.0.176/28"],
    });
    expect(() => layoutSubnets("10.0.0.0/25", 4)).toThrow(
      'network cidrBlock: is too small for 4 availability zones, got "10.0.0.0/25"',
    );
  });

  it("refuses a malformed VPC CIDR and a zone count that is not a positive integer", () => {
    expect(() => layoutSubnets("10.0.0.0/8x", 3)).toThrow(
      'network cidrBlock: must be an IPv4 CIDR block, got "10.0.0.0/8x"',
    );
    for (const azCount of [0, -1, 1.5, NaN]) {
      expect(() => layoutSubnets("10.0.0.0/16", azCount)).toThrow(
        `network azCount: must be a positive integer, got ${azCount}`,
      );
    }
  });
});
