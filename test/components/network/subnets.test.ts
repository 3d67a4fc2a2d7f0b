import { layoutSubnets, parseCidr } from "../../../components/network/subnets";

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

  it("rejects CIDRs with host bits set or out of range", () => {
    expect(parseCidr("10.0.0.1/16")).toBeUndefined();
    expect(parseCidr("10.0.0.256/24")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0/16")).toEqual({ base: 0x0a000000, prefix: 16 });
    expect(() => layoutSubnets("10.0.0.0/27", 3)).toThrow("too small");
  });
});
