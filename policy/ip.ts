/**
 * IPv4/IPv6 ranges for the policies: addresses parsed by ipaddr.js (through lib/ip.ts), range arithmetic
 * here. The Coturn policy checks the text components/coturn/turnserver-conf.ts renders, read back as coturn
 * reads it.
 */
import { IpFamily, parseIp as parseAddress, parseIpBlock } from "../lib/ip";

export type { IpFamily };

/** An inclusive range of addresses of one family. */
export interface IpRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

/** Parses one IPv4 or IPv6 address (IPv6 may end in a dotted quad); undefined if it is not one. */
export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  return parseAddress(text.trim());
}

/** Parses `a.b.c.d/n` or `x::/n`; undefined if malformed (host bits may be set: the network is what counts). */
export function parseCidr(text: string): IpRange | undefined {
  const block = parseIpBlock(text.trim());
  return block === undefined ? undefined : { family: block.family, first: block.first, last: block.last };
}

/** Parses a Coturn peer rule value: `ip` or `ip-ip` (Coturn takes no CIDR). */
export function parseCoturnPeerRange(text: string): IpRange | undefined {
  const parts = text.trim().split("-");
  if (parts.length > 2) return undefined;
  const first = parseIp(parts[0]);
  const last = parts.length === 2 ? parseIp(parts[1]) : first;
  if (!first || !last || first.family !== last.family || first.value > last.value) return undefined;
  return { family: first.family, first: first.value, last: last.value };
}

/** True when the union of `ranges` contains every address of `target`. */
export function covers(ranges: readonly IpRange[], target: IpRange): boolean {
  const sorted = ranges
    .filter((r) => r.family === target.family)
    .sort((a, b) => (a.first < b.first ? -1 : a.first > b.first ? 1 : 0));
  let next = target.first; // first address not yet known to be covered
  for (const r of sorted) {
    if (r.last < next) continue;
    if (r.first > next) return false;
    next = r.last + 1n;
    if (next > target.last) return true;
  }
  return false;
}

export function overlaps(a: IpRange, b: IpRange): boolean {
  return a.family === b.family && a.first <= b.last && b.first <= a.last;
}
