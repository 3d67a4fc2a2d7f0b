/**
 * IPv4/IPv6 parsing and range arithmetic for the policies. Written separately from components/coturn/turnserver-conf.ts
 * on purpose: the Coturn policy checks what that renderer produces, so it must not share its parser.
 */

export type IpFamily = 4 | 6;

/** An inclusive range of addresses of one family. */
export interface IpRange {
  family: IpFamily;
  first: bigint;
  last: bigint;
}

/** Parses one IPv4 or IPv6 address (IPv6 may end in a dotted quad); undefined if it is not one. */
export function parseIp(text: string): { family: IpFamily; value: bigint } | undefined {
  const t = text.trim();
  if (t.includes(":")) {
    const value = parseIpv6(t);
    return value === undefined ? undefined : { family: 6, value };
  }
  const value = parseIpv4(t);
  return value === undefined ? undefined : { family: 4, value };
}

/** Parses `a.b.c.d/n` or `x::/n`; undefined if malformed (host bits may be set: the network is what counts). */
export function parseCidr(text: string): IpRange | undefined {
  const [address, prefix, extra] = text.trim().split("/");
  if (extra !== undefined || prefix === undefined || !/^\d{1,3}$/.test(prefix)) return undefined;
  const ip = parseIp(address);
  if (!ip) return undefined;
  const bits = ip.family === 4 ? 32 : 128;
  const length = Number(prefix);
  if (length > bits) return undefined;
  const hostMask = (1n << BigInt(bits - length)) - 1n;
  return { family: ip.family, first: ip.value & ~hostMask, last: ip.value | hostMask };
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

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split(".");
  if (parts.length !== 4 || parts.some((p) => !/^\d{1,3}$/.test(p) || Number(p) > 255)) return undefined;
  return parts.reduce((acc, p) => (acc << 8n) | BigInt(Number(p)), 0n);
}

function parseIpv6(text: string): bigint | undefined {
  let t = text;
  // A dotted-quad tail (::ffff:10.0.0.1) is two more 16-bit groups.
  const dotted = /^(.*:)(\d+\.\d+\.\d+\.\d+)$/.exec(t);
  if (dotted) {
    const v4 = parseIpv4(dotted[2]);
    if (v4 === undefined) return undefined;
    t = `${dotted[1]}${(v4 >> 16n).toString(16)}:${(v4 & 0xffffn).toString(16)}`;
  }
  const halves = t.split("::");
  if (halves.length > 2) return undefined;
  const groups = (s: string) => (s === "" ? [] : s.split(":"));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const explicit = [...head, ...tail];
  if (explicit.some((g) => !/^[0-9A-Fa-f]{1,4}$/.test(g))) return undefined;
  if (halves.length === 1 ? explicit.length !== 8 : explicit.length > 7) return undefined;
  const all = [...head, ...new Array<string>(8 - explicit.length).fill("0"), ...tail];
  return all.reduce((acc, g) => (acc << 16n) | BigInt(parseInt(g, 16)), 0n);
}
