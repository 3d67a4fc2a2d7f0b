/**
 * IPv4 and IPv6 addresses and CIDR blocks, parsed and printed by ipaddr.js (the library pulumi-eks uses),
 * with addresses as numbers for range arithmetic. Stricter than ipaddr.js alone, to read text the way
 * `inet_pton` (coturn) and AWS do:
 * - IPv4 only as four decimal parts (ipaddr.js also takes `10.1`, `0x0a.0.0.1` and octal `010.0.0.1`);
 * - no IPv6 zone (`fe80::1%eth0`);
 * - `::a.b.c.d` is the IPv4-compatible address `::a.b.c.d`, as `inet_pton` reads it (ipaddr.js reads it as
 *   the IPv4-mapped `::ffff:a.b.c.d`).
 */
import * as ipaddr from "ipaddr.js";

export type IpFamily = 4 | 6;

export interface IpAddress {
  family: IpFamily;
  /** The address as an unsigned number of 32 (IPv4) or 128 (IPv6) bits. */
  value: bigint;
}

export interface IpBlock {
  family: IpFamily;
  prefix: number;
  /** The network address (host bits cleared) and the last address of the block. */
  first: bigint;
  last: bigint;
  /** Whether the text had host bits set (`10.0.0.1/16`). */
  hostBitsSet: boolean;
}

const BITS: Record<IpFamily, number> = { 4: 32, 6: 128 };

function parse(text: string): ipaddr.IPv4 | ipaddr.IPv6 | undefined {
  if (!text.includes(":")) return ipaddr.IPv4.isValidFourPartDecimal(text) ? ipaddr.IPv4.parse(text) : undefined;
  if (text.includes("%")) return undefined;
  const dottedTail = /:([^:]*\.[^:]*)$/.exec(text);
  if (dottedTail && !ipaddr.IPv4.isValidFourPartDecimal(dottedTail[1])) return undefined;
  // An explicit zero group keeps ipaddr.js from reading `::a.b.c.d` as `::ffff:a.b.c.d`.
  const v6 = text.replace(/^::(?=[^:]*\.)/, "::0:");
  return ipaddr.IPv6.isValid(v6) ? ipaddr.IPv6.parse(v6) : undefined;
}

function toValue(address: ipaddr.IPv4 | ipaddr.IPv6): bigint {
  return address.toByteArray().reduce((value, byte) => (value << 8n) | BigInt(byte), 0n);
}

/** Parses one IPv4 or IPv6 address; undefined if it is not one. */
export function parseIp(text: string): IpAddress | undefined {
  const address = parse(text);
  return address === undefined ? undefined : { family: address.kind() === "ipv4" ? 4 : 6, value: toValue(address) };
}

/** Parses `a.b.c.d/n` or `x::/n`; undefined if malformed. */
export function parseIpBlock(text: string): IpBlock | undefined {
  const match = /^([^/]+)\/(\d{1,3})$/.exec(text);
  if (!match) return undefined;
  const address = parseIp(match[1]);
  const prefix = Number(match[2]);
  if (!address || prefix > BITS[address.family]) return undefined;
  const hostMask = (1n << BigInt(BITS[address.family] - prefix)) - 1n;
  return {
    family: address.family,
    prefix,
    first: address.value & ~hostMask,
    last: address.value | hostMask,
    hostBitsSet: (address.value & hostMask) !== 0n,
  };
}

/** The address in network byte order: 4 bytes, or 16. */
export function ipBytes({ family, value }: IpAddress): number[] {
  const length = BITS[family] / 8;
  return Array.from({ length }, (_, i) => Number((value >> BigInt(8 * (length - 1 - i))) & 0xffn));
}

/** The address as text: dotted decimal, or IPv6 as RFC 5952 puts it (lowercase, longest zero run as `::`). */
export function formatIp(address: IpAddress): string {
  return ipaddr.fromByteArray(ipBytes(address)).toString();
}

/** An IPv4 CIDR block with its network address as a number, for subnet arithmetic. */
export interface Cidr {
  /** Network address as an unsigned 32-bit number. */
  base: number;
  prefix: number;
}

/** Parses `a.b.c.d/n`; undefined if malformed, not IPv4, or if host bits are set (10.0.0.1/16). */
export function parseCidr(text: string): Cidr | undefined {
  const block = parseIpBlock(text);
  if (!block || block.family !== 4 || block.hostBitsSet) return undefined;
  return { base: Number(block.first), prefix: block.prefix };
}

export function formatCidr({ base, prefix }: Cidr): string {
  return `${formatIp({ family: 4, value: BigInt(base) })}/${prefix}`;
}
