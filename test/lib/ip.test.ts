import { formatCidr, formatIp, ipBytes, parseCidr, parseIp, parseIpBlock } from "../../lib/ip";

describe("IP addresses and blocks (ipaddr.js, read as inet_pton and AWS read them)", () => {
  it("parses IPv4 and IPv6 addresses into numbers, and prints them back", () => {
    expect(parseIp("10.0.0.1")).toEqual({ family: 4, value: 0x0a000001n });
    expect(parseIp("fd00:ec2::254")).toEqual({ family: 6, value: 0xfd000ec2000000000000000000000254n });
    expect(parseIp("::ffff:169.254.169.254")).toEqual({ family: 6, value: 0xffffa9fea9fen });
    for (const text of ["10.0.0.1", "::1", "::", "2001:db8::", "fe80::1:0:0:1", "1:0:0:1::1", "::ffff:a9fe:a9fe"]) {
      expect(formatIp(parseIp(text)!)).toBe(text);
    }
    // RFC 5952: lowercase, the longest run of two or more zero groups as "::" (the first of equal runs).
    expect(formatIp(parseIp("2001:DB8:0:0:1:0:0:1")!)).toBe("2001:db8::1:0:0:1");
    expect(formatIp(parseIp("2001:db8:0:1:1:1:1:1")!)).toBe("2001:db8:0:1:1:1:1:1");
    expect(ipBytes(parseIp("10.1.2.3")!)).toEqual([10, 1, 2, 3]);
    expect(ipBytes(parseIp("::1")!)).toEqual([...Array(15).fill(0), 1]);
  });

  it("reads ::a.b.c.d as the IPv4-compatible address, as inet_pton does (ipaddr.js alone reads ::ffff:a.b.c.d)", () => {
    expect(parseIp("::169.254.169.254")).toEqual({ family: 6, value: 0xa9fea9fen });
    // Only a leading "::" stands for the groups before the IPv4 part; one elsewhere may stand for a single group.
    expect(parseIp("1:2:3:4:5::1.2.3.4")).toEqual({ family: 6, value: 0x00010002000300040005000001020304n });
  });

  it("takes IPv4 only as four decimal parts, and no IPv6 zone", () => {
    for (const text of [
      "10.1",
      "0x0a.0.0.1",
      "010.0.0.1",
      "10.0.0.256",
      "167772161",
      "::ffff:0x1.0.0.1",
      "::1.2.3.010",
    ]) {
      expect({ text, parsed: parseIp(text) }).toEqual({ text, parsed: undefined });
    }
    for (const text of ["fe80::1%eth0", "1::2::3", "1:2:3:4:5:6:7:8:9", "g::1", " 10.0.0.1", ""]) {
      expect({ text, parsed: parseIp(text) }).toEqual({ text, parsed: undefined });
    }
  });

  it("parses CIDR blocks, saying whether host bits are set", () => {
    expect(parseIpBlock("10.0.0.0/8")).toEqual({
      family: 4,
      prefix: 8,
      first: 0x0a000000n,
      last: 0x0affffffn,
      hostBitsSet: false,
    });
    expect(parseIpBlock("10.0.0.1/16")).toMatchObject({ first: 0x0a000000n, last: 0x0a00ffffn, hostBitsSet: true });
    expect(parseIpBlock("fc00::/7")).toMatchObject({
      family: 6,
      first: 0xfc000000000000000000000000000000n,
      last: 0xfdffffffffffffffffffffffffffffffn,
    });
    expect(parseIpBlock("0.0.0.0/0")).toMatchObject({ first: 0n, last: 0xffffffffn });
    for (const text of [
      "10.0.0.0/33",
      "::/129",
      "10.0.0.0",
      "10.0.0.0/",
      "10.0.0.0/8/8",
      "10.0.0.0/-1",
      "10.1/16",
      "x/10.0.0.0/16",
    ]) {
      expect({ text, parsed: parseIpBlock(text) }).toEqual({ text, parsed: undefined });
    }
  });
});

describe("IPv4 CIDR blocks as numbers (VPC ranges and subnets)", () => {
  it("rejects CIDRs with host bits set or out of range", () => {
    expect(parseCidr("10.0.0.1/16")).toBeUndefined();
    expect(parseCidr("10.0.0.256/24")).toBeUndefined();
    expect(parseCidr("10.0.0.0/33")).toBeUndefined();
    expect(parseCidr("10.0.0.0/16")).toEqual({ base: 0x0a000000, prefix: 16 });
    expect(parseCidr("2001:db8::/32")).toBeUndefined();
  });

  it("prints a block back as it reads it", () => {
    for (const text of ["10.1.0.0/16", "0.0.0.0/0", "255.255.255.255/32"])
      expect(formatCidr(parseCidr(text)!)).toBe(text);
  });

  it("reads only a whole a.b.c.d/n, every octet and prefix at its bounds", () => {
    expect(parseCidr("255.255.255.0/24")).toEqual({ base: 0xffffff00, prefix: 24 });
    expect(parseCidr("10.0.100.0/24")).toEqual({ base: 0x0a006400, prefix: 24 });
    expect(parseCidr("10.0.0.128/25")).toEqual({ base: 0x0a000080, prefix: 25 });
    expect(parseCidr("10.0.0.1/32")).toEqual({ base: 0x0a000001, prefix: 32 });
    expect(parseCidr("0.0.0.0/0")).toEqual({ base: 0, prefix: 0 });
    for (const bad of [
      "0.0.0.0/33",
      "x10.0.0.0/16",
      "110.0.0.0.0/16",
      "10.0.0.0/16x",
      "10.0.0.0/16 ",
      "10.0.0/16",
      "",
    ]) {
      expect({ bad, parsed: parseCidr(bad) }).toEqual({ bad, parsed: undefined });
    }
  });
});
