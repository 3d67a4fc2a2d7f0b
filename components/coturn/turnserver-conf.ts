/**
 * Renders coturn's turnserver.conf for a TURN server that sits next to a LiveKit SFU.
 *
 * Every key rendered here is a long option of BOTH coturn 4.6.1 (Debian bookworm, used by the tests
 * and CI) and 4.17.0 (the pinned image), read from `src/apps/relay/mainrelay.c` `long_options` at both
 * tags, and none of them logs a deprecation in 4.17. One caveat: `prometheus` and `prometheus-port`
 * exist in 4.6.1's source, but Debian builds 4.6.1 without the exporter, so that binary warns
 * "Bad configuration format" for those two lines and carries on (unknown lines never abort coturn).
 *
 * Node-specific values (listening/relay/external IP) and the shared secret are NOT rendered: the
 * container's start script (components/coturn/start.ts) appends them at start, so this file can live in a
 * ConfigMap.
 */
import { formatIp, parseIp, parseIpBlock } from "../../lib/ip";
import { invariant } from "../shared/invariant";

/** An inclusive UDP port range. */
export interface PortRange {
  min: number;
  max: number;
}

export interface TurnserverConfInput {
  /**
   * TURN realm, sent to clients in the 401 challenge. Use the regional TURN hostname
   * (`turn-<region>.<domain>`). With `use-auth-secret` it does not enter the REST password, so
   * LiveKit's generated credentials work whatever it is.
   */
  realm: string;
  /** UDP relay ports (coturn `min-port`/`max-port`). One allocation uses one port. */
  relayPorts: PortRange;
  /** LiveKit's ICE UDP range (`rtc.port_range_start/end`, 50000-60000). Relay ports must stay out of it. */
  sfuPorts: PortRange;
  /**
   * Concurrent allocations per TURN username (`user-quota`). LiveKit issues one username per participant
   * (`<expiry>:<participantId>`), and coturn counts the part after the colon, so this caps one participant;
   * a participant makes up to four (two PeerConnections, two TURN servers). 0 = unlimited.
   */
  userQuota: number;
  /**
   * Concurrent allocations for the whole server (`total-quota`). coturn checks it and `user-quota` at each
   * Allocate and answers 486 past either (coturn 4.17.0 src/apps/relay/userdb.c check_new_allocation_quota,
   * the same in 4.6.1). 0 = unlimited; more than the relay range's ports is pointless.
   */
  totalQuota: number;
  /**
   * Per-session cap in bytes per second (`max-bps`); omit or 0 for none. coturn gives every allocation this
   * rate (with no `bps-capacity` nothing is reserved or refused: netengine.c allocate_bps) and then, on each
   * of the session's sockets (client and relay) and in each direction, passes at most this many bytes per
   * one-second tick and drops the rest (ns_ioalib_engine_impl.c ioa_socket_check_bandwidth, 4.17.0 and 4.6.1).
   * `bps-capacity` is never rendered: it would reserve this much at every Allocate and refuse (486) once
   * reserved, counting idle allocations as if they relayed.
   */
  maxBytesPerSecond?: number;
  /**
   * More peer ranges to refuse, as CIDRs (IPv4 or IPv6): e.g. the VPC CIDR when it is not RFC 1918,
   * or the EKS service CIDR. Added after {@link DENIED_PEER_CIDRS}.
   */
  extraDeniedPeerCidrs?: readonly string[];
}

/** This file, as the rendered turnserver.conf names it (a test checks that the path exists). */
export const TURNSERVER_CONF_SOURCE = "components/coturn/turnserver-conf.ts";

/** TURN over UDP and TCP. The NLB's TLS 443 listener forwards plain TCP here. */
export const COTURN_LISTENING_PORT = 3478;
/** coturn's Prometheus exporter (`/metrics`). */
export const COTURN_METRICS_PORT = 9641;

/**
 * Peer ranges a relay must never reach: every IANA special-purpose block (RFC 6890 registries) plus the
 * ones the brief names. Cloud-relevant: 169.254.0.0/16 holds the EC2 metadata service, time sync and
 * the VPC resolver; 10/8, 172.16/12, 192.168/16 and 100.64/10 hold the VPC, pods and services;
 * fc00::/7 holds the IPv6 metadata endpoint fd00:ec2::254.
 *
 * `::/128` is missing on purpose: coturn turns a `::` lower bound into "no lower bound", so any range
 * starting at `::` would also match every IPv4 peer; coturn refuses `::` itself in both versions
 * (`ioa_addr_is_zero`). For the same reason `::/96` starts at `::1` when rendered.
 */
export const DENIED_PEER_CIDRS: readonly { cidr: string; why: string }[] = [
  { cidr: "0.0.0.0/8", why: "this network" },
  { cidr: "10.0.0.0/8", why: "private (VPC, pods)" },
  { cidr: "100.64.0.0/10", why: "shared address space (CGNAT, EKS custom networking)" },
  { cidr: "127.0.0.0/8", why: "loopback" },
  { cidr: "169.254.0.0/16", why: "link-local: EC2 metadata 169.254.169.254, time sync, VPC DNS" },
  { cidr: "172.16.0.0/12", why: "private (VPC, EKS service CIDR 172.20/16)" },
  { cidr: "192.0.0.0/24", why: "IETF protocol assignments" },
  { cidr: "192.0.2.0/24", why: "documentation TEST-NET-1" },
  { cidr: "192.31.196.0/24", why: "AS112-v4" },
  { cidr: "192.52.193.0/24", why: "AMT" },
  { cidr: "192.88.99.0/24", why: "deprecated 6to4 relay anycast" },
  { cidr: "192.168.0.0/16", why: "private" },
  { cidr: "192.175.48.0/24", why: "AS112 direct delegation" },
  { cidr: "198.18.0.0/15", why: "benchmarking" },
  { cidr: "198.51.100.0/24", why: "documentation TEST-NET-2" },
  { cidr: "203.0.113.0/24", why: "documentation TEST-NET-3" },
  { cidr: "224.0.0.0/4", why: "multicast" },
  { cidr: "240.0.0.0/4", why: "reserved, including broadcast 255.255.255.255" },
  { cidr: "::1/128", why: "loopback" },
  { cidr: "::/96", why: "IPv4-compatible (deprecated); starts at ::1 when rendered" },
  {
    cidr: "::ffff:0:0/96",
    why: "IPv4-mapped: reaches IPv4 peers around the IPv4 rules on coturn < 4.9 (CVE-2026-27624)",
  },
  { cidr: "64:ff9b::/96", why: "NAT64 well-known prefix, embeds IPv4" },
  { cidr: "64:ff9b:1::/48", why: "local-use NAT64" },
  { cidr: "100::/64", why: "discard-only" },
  { cidr: "100:0:0:1::/64", why: "dummy prefix" },
  { cidr: "2001::/23", why: "IETF protocol assignments (Teredo, ORCHID, ...)" },
  { cidr: "2001:db8::/32", why: "documentation" },
  { cidr: "2002::/16", why: "6to4, embeds IPv4" },
  { cidr: "2620:4f:8000::/48", why: "AS112-v6" },
  { cidr: "3fff::/20", why: "documentation" },
  { cidr: "5f00::/16", why: "SRv6 SIDs" },
  { cidr: "fc00::/7", why: "unique local (EC2 metadata fd00:ec2::254)" },
  { cidr: "fe80::/10", why: "link-local" },
  { cidr: "fec0::/10", why: "site-local (deprecated)" },
  { cidr: "ff00::/8", why: "multicast" },
];

/** One `denied-peer-ip` value: coturn takes `ip` or `ip-ip` (no CIDR in any version; 4.6.1 skips a bad entry, 4.11+ aborts). */
export interface PeerRange {
  family: 4 | 6;
  first: bigint;
  last: bigint;
}

/** Parses an IPv4 or IPv6 CIDR; throws on anything else, including set host bits. */
export function parsePeerCidr(cidr: string): PeerRange {
  const key = "coturn deniedPeerRanges";
  const slash = cidr.indexOf("/");
  invariant(slash >= 0, key, "must be CIDRs such as 10.0.0.0/8 or fc00::/7", cidr);
  const address = parseIp(cidr.slice(0, slash));
  invariant(address !== undefined, key, "must be CIDRs of IP addresses", cidr);
  const bits = address.family === 4 ? 32 : 128;
  const block = parseIpBlock(cidr);
  invariant(block !== undefined, key, `must be CIDRs with a prefix from 0 to ${bits}`, cidr);
  invariant(!block.hostBitsSet, key, "must be CIDRs without host bits set", cidr);
  return { family: block.family, first: block.first, last: block.last };
}

/** Formats a range the way coturn's `denied-peer-ip` parses it (`add_ip_list_range`: inet_pton on each side of `-`). */
export function formatPeerRange(range: PeerRange): string {
  const format = (value: bigint) => formatIp({ family: range.family, value });
  // coturn treats an all-zero lower bound as "unbounded" (addr_any), which for `::` matches IPv4 peers
  // too; the zero address itself is refused natively, so start one above it.
  const first = range.first === 0n && range.last > 0n ? 1n : range.first;
  return first === range.last ? format(first) : `${format(first)}-${format(range.last)}`;
}

/** The `denied-peer-ip` values for the standard list plus `extra` CIDRs, in order. */
export function deniedPeerRanges(extra: readonly string[] = []): string[] {
  return [...DENIED_PEER_CIDRS.map((d) => d.cidr), ...extra].map((c) => formatPeerRange(parsePeerCidr(c)));
}

/** The full turnserver.conf. Throws a one-line Error naming the bad field. */
export function renderTurnserverConf(input: TurnserverConfInput): string {
  validate(input);
  const lines: string[] = [
    `# Rendered by ${TURNSERVER_CONF_SOURCE}. Keys valid in coturn 4.6.1 and 4.17.`,
    "# The start script appends listening-ip, relay-ip, external-ip and static-auth-secret at start.",
    "",
    "# First, so that coturn never opens a log file under /var/log (it logs before reading later lines).",
    "log-file=stdout",
    "",
    "# Plain UDP+TCP; TLS is terminated by the NLB (443 -> 3478/tcp), so no TLS listener.",
    "# (No no-dtls / no-cli: DTLS and the CLI are off by default since 4.10, and 4.17 logs both as deprecated.)",
    `listening-port=${COTURN_LISTENING_PORT}`,
    "no-tls",
    "",
    `# Relay ports, disjoint from the SFU's ${input.sfuPorts.min}-${input.sfuPorts.max}.`,
    `min-port=${input.relayPorts.min}`,
    `max-port=${input.relayPorts.max}`,
    "",
    "# TURN REST API credentials (what LiveKit's rtc.turn_servers[].secret generates);",
    "# static-auth-secret comes from the Kubernetes Secret at start.",
    "use-auth-secret",
    `realm=${input.realm}`,
    "fingerprint",
    "stale-nonce=600",
    "",
    "# Allocations per participant and per server; past either, an Allocate gets 486.",
    `user-quota=${input.userQuota}`,
    `total-quota=${input.totalQuota}`,
    "max-allocate-lifetime=3600",
  ];
  if (input.maxBytesPerSecond) {
    lines.push(
      "# Per-session cap: bytes per second each socket of a session passes each way; the rest is dropped.",
      `max-bps=${input.maxBytesPerSecond}`,
    );
  }
  lines.push(
    "",
    "# Relay abuse (SSRF): UDP relays only, to public unicast peers only.",
    "no-tcp-relay",
    "no-multicast-peers",
    ...deniedPeerRanges(input.extraDeniedPeerCidrs).map((r) => `denied-peer-ip=${r}`),
    "",
    "# Smaller STUN answers, no version banner (the 4.17 defaults, pinned for older builds).",
    "no-rfc5780",
    "no-software-attribute",
    "",
    `# Metrics on :${COTURN_METRICS_PORT}/metrics (Debian's 4.6.1 is built without the exporter and ignores both keys).`,
    "prometheus",
    `prometheus-port=${COTURN_METRICS_PORT}`,
    "",
  );
  return lines.join("\n");
}

function validate(input: TurnserverConfInput): void {
  const { realm, relayPorts: relay, sfuPorts: sfu } = input;
  invariant(
    /^[A-Za-z0-9.-]{1,253}$/.test(realm),
    "coturn realm",
    "must be a hostname such as turn-mumbai.example.com",
    realm,
  );
  checkRange("coturn relayPorts", relay, 1024);
  checkRange("LiveKit sfuPorts", sfu, 1);
  invariant(
    relay.max < sfu.min || sfu.max < relay.min,
    "coturn relayPorts",
    `must not overlap the LiveKit SFU ports ${sfu.min}-${sfu.max}: pick a disjoint range such as 40000-49999`,
    relay,
  );
  for (const port of [COTURN_LISTENING_PORT, COTURN_METRICS_PORT]) {
    invariant(
      port < relay.min || relay.max < port,
      "coturn relayPorts",
      `must not include coturn's own port ${port}`,
      relay,
    );
  }
  checkCount("coturn userQuota", input.userQuota);
  checkCount("coturn totalQuota", input.totalQuota);
  if (input.maxBytesPerSecond !== undefined) checkCount("coturn maxBytesPerSecond", input.maxBytesPerSecond);
}

function checkRange(what: string, range: PortRange, lowest: number): void {
  const ok = (n: number) => Number.isInteger(n) && n >= lowest && n <= 65535;
  invariant(
    ok(range.min) && ok(range.max) && range.min <= range.max,
    what,
    `must be a port range with ${lowest} <= min <= max <= 65535`,
    range,
  );
}

function checkCount(what: string, n: number): void {
  invariant(Number.isSafeInteger(n) && n >= 0, what, "must be an integer of at least 0 (0 = unlimited)", n);
}
