import { existsSync } from "node:fs";
import { join } from "node:path";
import {
  COTURN_LISTENING_PORT,
  COTURN_METRICS_PORT,
  DENIED_PEER_CIDRS,
  TurnserverConfInput,
  deniedPeerRanges,
  formatPeerRange,
  parsePeerCidr,
  renderTurnserverConf,
  TURNSERVER_CONF_SOURCE,
} from "../../../components/coturn/turnserver-conf";
import { parseIp } from "../../../lib/ip";
import { projectRoot } from "../../support/stack-config";

const input: TurnserverConfInput = {
  realm: "turn-mumbai.example.com",
  relayPorts: { min: 40000, max: 49999 },
  sfuPorts: { min: 50000, max: 60000 },
  userQuota: 12,
  totalQuota: 10000,
};

/**
 * Long options present in `src/apps/relay/mainrelay.c` `long_options` at BOTH coturn tags 4.6.1
 * (Debian bookworm) and 4.17.0 (the image), restricted to the ones this renderer may use.
 */
const KEYS_IN_4_6_1_AND_4_17 = new Set([
  "listening-port",
  "no-tls",
  "min-port",
  "max-port",
  "use-auth-secret",
  "realm",
  "fingerprint",
  "stale-nonce",
  "user-quota",
  "total-quota",
  "max-allocate-lifetime",
  "max-bps",
  "no-tcp-relay",
  "no-multicast-peers",
  "denied-peer-ip",
  "no-rfc5780",
  "no-software-attribute",
  "prometheus",
  "prometheus-port",
  "log-file",
]);

const expected = `# Rendered by components/coturn/turnserver-conf.ts. Keys valid in coturn 4.6.1 and 4.17.
# The start script appends listening-ip, relay-ip, external-ip and static-auth-secret at start.

# First, so that coturn never opens a log file under /var/log (it logs before reading later lines).
log-file=stdout

# Plain UDP+TCP; TLS is terminated by the NLB (443 -> 3478/tcp), so no TLS listener.
# (No no-dtls / no-cli: DTLS and the CLI are off by default since 4.10, and 4.17 logs both as deprecated.)
listening-port=3478
no-tls

# Relay ports, disjoint from the SFU's 50000-60000.
min-port=40000
max-port=49999

# TURN REST API credentials (what LiveKit's rtc.turn_servers[].secret generates);
# static-auth-secret comes from the Kubernetes Secret at start.
use-auth-secret
realm=turn-mumbai.example.com
fingerprint
stale-nonce=600

# Allocations per participant and per server; past either, an Allocate gets 486.
user-quota=12
total-quota=10000
max-allocate-lifetime=3600

# Relay abuse (SSRF): UDP relays only, to public unicast peers only.
no-tcp-relay
no-multicast-peers
denied-peer-ip=0.0.0.1-0.255.255.255
denied-peer-ip=10.0.0.0-10.255.255.255
denied-peer-ip=100.64.0.0-100.127.255.255
denied-peer-ip=127.0.0.0-127.255.255.255
denied-peer-ip=169.254.0.0-169.254.255.255
denied-peer-ip=172.16.0.0-172.31.255.255
denied-peer-ip=192.0.0.0-192.0.0.255
denied-peer-ip=192.0.2.0-192.0.2.255
denied-peer-ip=192.31.196.0-192.31.196.255
denied-peer-ip=192.52.193.0-192.52.193.255
denied-peer-ip=192.88.99.0-192.88.99.255
denied-peer-ip=192.168.0.0-192.168.255.255
denied-peer-ip=192.175.48.0-192.175.48.255
denied-peer-ip=198.18.0.0-198.19.255.255
denied-peer-ip=198.51.100.0-198.51.100.255
denied-peer-ip=203.0.113.0-203.0.113.255
denied-peer-ip=224.0.0.0-239.255.255.255
denied-peer-ip=240.0.0.0-255.255.255.255
denied-peer-ip=::1
denied-peer-ip=::1-::ffff:ffff
denied-peer-ip=::ffff:0:0-::ffff:ffff:ffff
denied-peer-ip=64:ff9b::-64:ff9b::ffff:ffff
denied-peer-ip=64:ff9b:1::-64:ff9b:1:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=100::-100::ffff:ffff:ffff:ffff
denied-peer-ip=100:0:0:1::-100::1:ffff:ffff:ffff:ffff
denied-peer-ip=2001::-2001:1ff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=2002::-2002:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=2620:4f:8000::-2620:4f:8000:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=3fff::-3fff:fff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=5f00::-5f00:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=fc00::-fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=fe80::-febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=fec0::-feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
denied-peer-ip=ff00::-ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff

# Smaller STUN answers, no version banner (the 4.17 defaults, pinned for older builds).
no-rfc5780
no-software-attribute

# Metrics on :9641/metrics (Debian's 4.6.1 is built without the exporter and ignores both keys).
prometheus
prometheus-port=9641
`;

function keysOf(conf: string): string[] {
  return conf
    .split("\n")
    .filter((l) => l && !l.startsWith("#"))
    .map((l) => l.split("=")[0]);
}

function deniedValues(conf: string): string[] {
  return conf
    .split("\n")
    .filter((l) => l.startsWith("denied-peer-ip="))
    .map((l) => l.slice("denied-peer-ip=".length));
}

// Addresses as coturn's inet_pton reads them (lib/ip.ts, over ipaddr.js).
function toNumber(ip: string): { family: 4 | 6; n: bigint } {
  const address = parseIp(ip);
  if (!address) throw new Error(`not an IP address: ${ip}`);
  return { family: address.family, n: address.value };
}

/** Mirrors coturn's range test: same family only (an IPv4 rule never matches an IPv6 peer and back). */
function denied(conf: string, ip: string): boolean {
  const peer = toNumber(ip);
  return deniedValues(conf).some((value) => {
    const [first, last = first] = value.split("-").map(toNumber);
    return first.family === peer.family && first.n <= peer.n && peer.n <= last.n;
  });
}

describe("renderTurnserverConf", () => {
  it("renders the whole turnserver.conf, byte for byte", () => {
    expect(renderTurnserverConf(input)).toBe(expected);
  });

  it("names the file that renders it, and that file exists", () => {
    const header = renderTurnserverConf(input).split("\n")[0];
    const named = /^# Rendered by (\S+)\./.exec(header)?.[1];
    expect(named).toBe(TURNSERVER_CONF_SOURCE);
    expect(existsSync(join(projectRoot, named!))).toBe(true);
  });

  it("renders only keys that both coturn 4.6.1 and 4.17 know", () => {
    const conf = renderTurnserverConf({ ...input, maxBytesPerSecond: 1_500_000 });
    for (const key of keysOf(conf)) expect(KEYS_IN_4_6_1_AND_4_17).toContain(key);
  });

  it("never carries the shared secret, node addresses or a TLS listener", () => {
    const keys = keysOf(renderTurnserverConf(input));
    for (const key of [
      "static-auth-secret",
      "external-ip",
      "listening-ip",
      "relay-ip",
      "tls-listening-port",
      "cert",
      "pkey",
      "cli",
      "allow-loopback-peers",
      "allowed-peer-ip",
      "no-tcp",
      "no-udp",
    ]) {
      expect(keys).not.toContain(key);
    }
  });

  it("listens on 3478 for UDP and TCP, the port the NLB forwards TLS 443 to", () => {
    const conf = renderTurnserverConf(input);
    expect(COTURN_LISTENING_PORT).toBe(3478);
    expect(conf).toContain("\nlistening-port=3478\n");
    expect(conf).toContain("\nno-tls\n");
  });

  it("authenticates with the TURN REST shared secret that LiveKit signs credentials with", () => {
    const conf = renderTurnserverConf(input);
    expect(conf).toContain("\nuse-auth-secret\n");
    expect(conf).toContain("\nrealm=turn-mumbai.example.com\n");
    expect(keysOf(conf)).not.toContain("lt-cred-mech"); // use-auth-secret implies it
  });

  it("exports Prometheus metrics on 9641", () => {
    const conf = renderTurnserverConf(input);
    expect(COTURN_METRICS_PORT).toBe(9641);
    expect(conf).toContain("\nprometheus\nprometheus-port=9641\n");
    expect(keysOf(conf)).not.toContain("prometheus-username-labels"); // leaks memory with per-participant usernames
  });

  it("keeps TURN relays away from the metadata service, loopback, the VPC and every special-purpose range", () => {
    const conf = renderTurnserverConf(input);
    for (const ip of [
      "169.254.169.254",
      "169.254.169.253",
      "169.254.169.123",
      "127.0.0.1",
      "127.255.255.254",
      "0.1.2.3",
      "10.0.0.1",
      "10.255.255.255",
      "172.16.0.1",
      "172.20.0.10",
      "172.31.255.255",
      "192.168.1.1",
      "100.64.0.1",
      "100.127.255.255",
      "192.0.0.9",
      "192.0.2.1",
      "198.18.0.1",
      "198.19.255.255",
      "198.51.100.7",
      "203.0.113.7",
      "224.0.0.251",
      "239.255.255.250",
      "240.0.0.1",
      "255.255.255.255",
      "::1",
      "::ffff:169.254.169.254",
      "::ffff:10.0.0.1",
      "::ffff:127.0.0.1",
      "::169.254.169.254",
      "64:ff9b::a9fe:a9fe",
      "64:ff9b:1::1",
      "fd00:ec2::254",
      "fc00::1",
      "fe80::1",
      "fec0::1",
      "ff02::1",
      "2001:db8::1",
      "2002:a9fe:a9fe::1",
      "2001::1",
      "100::1",
      "3fff::1",
      "5f00::1",
    ]) {
      expect([ip, denied(conf, ip)]).toEqual([ip, true]);
    }
  });

  it("still relays to public unicast peers, IPv4 and IPv6", () => {
    const conf = renderTurnserverConf(input);
    for (const ip of [
      "8.8.8.8",
      "1.1.1.1",
      "13.235.1.1",
      "52.95.110.1",
      "172.32.0.1",
      "172.15.255.255",
      "100.128.0.1",
      "2606:4700:4700::1111",
      "2600:1f18::1",
      "2406:da1a::1",
    ]) {
      expect([ip, denied(conf, ip)]).toEqual([ip, false]);
    }
  });

  it("writes denied-peer-ip as coturn parses it: ip or ip-ip, never CIDR, never starting at ::", () => {
    const values = deniedValues(renderTurnserverConf(input));
    expect(values).toHaveLength(DENIED_PEER_CIDRS.length);
    for (const value of values) {
      expect(value).toMatch(/^[0-9a-f.:]+(-[0-9a-f.:]+)?$/);
      // coturn reads an all-zero lower bound as "no lower bound": `::-x` would match every IPv4 peer.
      expect(value.split("-")[0]).not.toMatch(/^(::|0\.0\.0\.0)$/);
    }
  });

  it("adds extra denied CIDRs, such as a VPC outside RFC 1918, after the standard list", () => {
    const conf = renderTurnserverConf({ ...input, extraDeniedPeerCidrs: ["44.192.0.0/16", "2600:1f18:abc::/48"] });
    expect(deniedValues(conf).slice(-2)).toEqual([
      "44.192.0.0-44.192.255.255",
      "2600:1f18:abc::-2600:1f18:abc:ffff:ffff:ffff:ffff:ffff",
    ]);
    expect(denied(conf, "44.192.3.4")).toBe(true);
    expect(() => deniedPeerRanges(["10.0.0.1/8"])).toThrow(
      'coturn deniedPeerRanges: must be CIDRs without host bits set, got "10.0.0.1/8"',
    );
    expect(() => deniedPeerRanges(["10.0.0.0"])).toThrow(
      /: must be CIDRs such as 10\.0\.0\.0\/8 .*, got "10\.0\.0\.0"$/,
    );
    expect(() => deniedPeerRanges(["fc00::/129"])).toThrow(
      /must be CIDRs with a prefix from 0 to 128, got "fc00::\/129"$/,
    );
  });

  it("renders the per-session cap only when asked, and never a server-wide bandwidth reservation", () => {
    expect(keysOf(renderTurnserverConf(input))).not.toContain("max-bps");
    const conf = renderTurnserverConf({ ...input, maxBytesPerSecond: 1_500_000 });
    expect(conf).toContain("\nmax-bps=1500000\n");
    // bps-capacity would reserve max-bps at every Allocate and refuse with 486 once reserved.
    expect(keysOf(conf)).not.toContain("bps-capacity");
    expect(keysOf(renderTurnserverConf({ ...input, maxBytesPerSecond: 0 }))).not.toContain("max-bps");
  });

  it("refuses a relay range that overlaps the SFU's ICE ports", () => {
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 49152, max: 65535 } })).toThrow(
      'coturn relayPorts: must not overlap the LiveKit SFU ports 50000-60000: pick a disjoint range such as 40000-49999, got {"min":49152,"max":65535}',
    );
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 60000, max: 60100 } })).toThrow(/overlap/);
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 60001, max: 61000 } })).not.toThrow();
  });

  it("refuses relay ranges that are empty, privileged, or cover coturn's own ports", () => {
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 45000, max: 44000 } })).toThrow(/min <= max/);
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 500, max: 2000 } })).toThrow(/1024 <= min/);
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 3000, max: 4000 } })).toThrow(/own port 3478/);
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 9000, max: 9999 } })).toThrow(/own port 9641/);
  });

  it("holds every port and count check at its boundary", () => {
    const render = (over: Partial<TurnserverConfInput>) => () => renderTurnserverConf({ ...input, ...over });
    // Sharing exactly one port with the SFU range is an overlap; one port apart is not.
    expect(render({ relayPorts: { min: 49000, max: 50000 } })).toThrow(/overlap the LiveKit SFU ports/);
    expect(render({ relayPorts: { min: 49000, max: 49999 } })).not.toThrow();
    // Coturn's own ports, at either end of the relay range.
    expect(render({ relayPorts: { min: 3478, max: 3500 } })).toThrow(/own port 3478/);
    expect(render({ relayPorts: { min: 3400, max: 3478 } })).toThrow(/own port 3478/);
    expect(render({ relayPorts: { min: 3479, max: 3500 } })).not.toThrow();
    // The range's own bounds: 1024 and 65535 are allowed, one port is a range, 65536 is not a port.
    expect(render({ relayPorts: { min: 1024, max: 2000 } })).not.toThrow();
    expect(render({ relayPorts: { min: 61000, max: 65535 } })).not.toThrow();
    expect(render({ relayPorts: { min: 45000, max: 45000 } })).not.toThrow();
    expect(render({ relayPorts: { min: 61000, max: 65536 } })).toThrow(
      'coturn relayPorts: must be a port range with 1024 <= min <= max <= 65535, got {"min":61000,"max":65536}',
    );
    expect(render({ sfuPorts: { min: 0, max: 10 } })).toThrow(
      'LiveKit sfuPorts: must be a port range with 1 <= min <= max <= 65535, got {"min":0,"max":10}',
    );
    // Counts: 0 means unlimited; negative ones are refused, bandwidth caps included.
    expect(render({ userQuota: 0, totalQuota: 0 })).not.toThrow();
    expect(render({ maxBytesPerSecond: -1 })).toThrow(
      "coturn maxBytesPerSecond: must be an integer of at least 0 (0 = unlimited), got -1",
    );
    expect(render({ maxBytesPerSecond: 0 })).not.toThrow();
  });

  it("parses peer CIDRs exactly: whole addresses, every octet and group, prefixes at their bounds", () => {
    const range = (cidr: string) => {
      const r = parsePeerCidr(cidr);
      return { family: r.family, first: r.first.toString(16), last: r.last.toString(16) };
    };
    expect(range("255.255.255.255/32")).toEqual({ family: 4, first: "ffffffff", last: "ffffffff" });
    expect(range("10.100.200.0/24")).toEqual({ family: 4, first: "a64c800", last: "a64c8ff" });
    expect(range("0.0.0.0/0")).toEqual({ family: 4, first: "0", last: "ffffffff" });
    expect(range("::ffff:10.1.2.0/120")).toEqual({ family: 6, first: "ffff0a010200", last: "ffff0a0102ff" });
    expect(range("::ffff:192.168.100.0/120").first).toBe("ffffc0a86400");
    expect(range("1:2:3:4:5:6:7:8/128")).toEqual({
      family: 6,
      first: "10002000300040005000600070008",
      last: "10002000300040005000600070008",
    });
    expect(range("fe80::/10").last).toBe("febfffffffffffffffffffffffffffff");
    expect(range("::/128")).toEqual({ family: 6, first: "0", last: "0" });
    for (const bad of [
      "10.0.0.0",
      "/8",
      "10.0.0/8",
      "10.0.0.0.0/8",
      "10.0.0.256/32",
      "x10.0.0.0/8",
      "10.0.0.0/8x",
      "10.0.0.0/x8",
      "10.0.0.0/33",
      "1:2:3:4:5:6:7/112",
      "1:2:3:4:5:6:7:8:9/128",
      "1::2::3/128",
      "::g/128",
      "::12345/128",
      "::ffff:10.0.0.256/128",
      "::ffff:x.0.0.0/128",
      "fc00::/129",
    ]) {
      expect({
        bad,
        parsed: (() => {
          try {
            return parsePeerCidr(bad);
          } catch {
            return "refused";
          }
        })(),
      }).toEqual({ bad, parsed: "refused" });
    }
  });

  it("renders a range starting at :: from ::1, and a single address alone", () => {
    expect(formatPeerRange(parsePeerCidr("::/96"))).toBe("::1-::ffff:ffff");
    expect(formatPeerRange(parsePeerCidr("::1/128"))).toBe("::1");
    expect(formatPeerRange(parsePeerCidr("0.0.0.0/8"))).toBe("0.0.0.1-0.255.255.255");
    expect(formatPeerRange(parsePeerCidr("10.0.0.1/32"))).toBe("10.0.0.1");
  });

  it("refuses values that would break or inject lines into the file", () => {
    expect(() => renderTurnserverConf({ ...input, realm: "turn.example.com\nallow-loopback-peers" })).toThrow(
      /coturn realm/,
    );
    expect(() => renderTurnserverConf({ ...input, realm: "" })).toThrow(/coturn realm/);
    expect(() => renderTurnserverConf({ ...input, userQuota: -1 })).toThrow(/userQuota: .*, got -1$/);
    expect(() => renderTurnserverConf({ ...input, totalQuota: 1.5 })).toThrow(/totalQuota: .*, got 1\.5$/);
  });
});

describe("the lines refusing a peer range or a setting", () => {
  it("name what is wrong with a CIDR: no address before the slash, no IP address, a prefix past the family's bits", () => {
    expect(() => parsePeerCidr("/8")).toThrow("coturn deniedPeerRanges: must be CIDRs of IP addresses, got");
    expect(() => parsePeerCidr("vpc/8")).toThrow("coturn deniedPeerRanges: must be CIDRs of IP addresses, got");
    expect(() => parsePeerCidr("10.0.0.0/33")).toThrow(
      "coturn deniedPeerRanges: must be CIDRs with a prefix from 0 to 32, got",
    );
    expect(() => parsePeerCidr("fc00::/129")).toThrow(
      "coturn deniedPeerRanges: must be CIDRs with a prefix from 0 to 128, got",
    );
  });

  it("renders a one-address range at zero as that address, not as a range ending below its start", () => {
    expect(formatPeerRange({ family: 4, first: 0n, last: 0n })).toBe("0.0.0.0");
  });

  it("name the setting: the realm, and relay ports over coturn's own", () => {
    expect(() => renderTurnserverConf({ ...input, realm: "turn mumbai" })).toThrow(
      'coturn realm: must be a hostname such as turn-mumbai.example.com, got "turn mumbai"',
    );
    expect(() => renderTurnserverConf({ ...input, relayPorts: { min: 3000, max: 3999 } })).toThrow(
      /^coturn relayPorts: must not include coturn's own port 3478, got /,
    );
  });

  it("says why each range is denied, for whoever reads the list", () => {
    expect(DENIED_PEER_CIDRS.filter((r) => r.why.trim() === "").map((r) => r.cidr)).toEqual([]);
  });
});
