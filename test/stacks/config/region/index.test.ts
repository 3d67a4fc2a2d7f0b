/** A region stack's settings: the shipped files with their defaults, and the rules between sections. */
import { SFU_EPHEMERAL_PORTS, SFU_NODE_SYSCTLS } from "../../../../components/cluster/node-user-data";
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { regionRuleIssue } from "../../../../stacks/config/region";
import { sizedRegion } from "../../../../stacks/sizing";
import { stackConfig } from "../../../support/stack-config";

describe("a region stack's settings", () => {
  it("reads the shipped region stacks with their defaults filled in", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
    expect(mumbai).toMatchObject({
      role: "region",
      awsRegion: "ap-south-1",
      regionLabel: "mumbai",
      rtc: { udpPortRange: { start: 50000, end: 60000 }, tcpPort: 7881 },
      cluster: { sfuNodes: { instanceType: "c6i.2xlarge" } },
      karpenter: { generalCpuLimit: 32 },
      capacity: { targetParticipants: 25_000, mix: { preset: "mixed", name: "mixed" }, targetUtilisation: 0.6 },
      redis: { nodeCount: 2 },
    });
    // The node type comes from the capacity model unless the file sets one.
    expect(sizedRegion(mumbai).sizing).toMatchObject({ redis: { nodeType: "cache.r7g.large", nodeCount: 2 } });
    const singapore = parseStackConfig(stackConfig("singapore"), "singapore") as RegionSettings;
    expect(singapore.awsRegion).toBe("ap-southeast-1");
  });

  it("keeps the TURN certificate's first name within ACM's 64 characters: 64 passes, 65 stops with one line", () => {
    // turn-mumbai. is 12 characters: a 52-character domain makes 64.
    const withDomain = (domain: string) => () =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:domain": domain }), "mumbai");
    const longest = `${"a".repeat(40)}.example.com`;
    expect(`turn-mumbai.${longest}`).toHaveLength(64);
    expect((withDomain(longest)() as RegionSettings).domain).toBe(longest);
    const tooLong = `${"a".repeat(41)}.example.com`;
    expect(withDomain(tooLong)).toThrow(
      `livekit-platform:domain: makes the TURN certificate's name turn-mumbai.${tooLong} 65 characters, over the 64 ACM allows (shorten domain or regionLabel), got "${tooLong}"`,
    );
    // The label counts as much as the domain: the longest label (25) leaves the domain 33.
    const label = "l".repeat(25);
    const withLabel = (domain: string) => () =>
      parseStackConfig(
        stackConfig("mumbai", { "livekit-platform:regionLabel": label, "livekit-platform:domain": domain }),
        "mumbai",
      );
    expect(withLabel(`${"b".repeat(21)}.example.com`)).not.toThrow();
    expect(withLabel(`${"b".repeat(22)}.example.com`)).toThrow(
      "livekit-platform:domain: makes the TURN certificate's name",
    );
  });
});

describe("a region's settings against each other", () => {
  const shipped = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
  const ok = { ...shipped, turn: { ...shipped.turn, totalQuota: 8000 } };
  it("accepts the defaults", () => expect(regionRuleIssue(ok)).toBeUndefined());
  it.each([
    ["a TCP port on the signalling port", { ...ok, rtc: { ...ok.rtc, tcpPort: 7880 } }, "rtc.tcpPort"],
    ["a TCP port on LiveKit's metrics port", { ...ok, rtc: { ...ok.rtc, tcpPort: 6789 } }, "rtc.tcpPort"],
    [
      "an SFU range over Coturn's 3478",
      { ...ok, rtc: { ...ok.rtc, udpPortRange: { start: 3000, end: 4000 } } },
      "rtc.udpPortRange",
    ],
    [
      "a relay range over Coturn's 3478",
      { ...ok, turn: { ...ok.turn, relayPortRange: { start: 3000, end: 4000 } } },
      "turn.relayPortRange",
    ],
    ["a quota above the relay range", { ...ok, turn: { ...ok.turn, totalQuota: 10001 } }, "turn.totalQuota"],
    [
      "an unknown Kubernetes version",
      { ...ok, cluster: { ...ok.cluster, kubernetesVersion: "1.99" } },
      "cluster.kubernetesVersion",
    ],
    [
      "a Kubernetes minor without pinned add-ons",
      { ...ok, cluster: { ...ok.cluster, kubernetesVersion: "1.34" } },
      "cluster.kubernetesVersion",
    ],
    [
      "Prometheus retention above its volume",
      { ...ok, monitoring: { ...ok.monitoring, retentionSize: "100GB", volumeSize: "100Gi" } },
      "monitoring.retentionSize",
    ],
    [
      "a subnet both public and private",
      {
        ...ok,
        network: {
          ...ok.network,
          existingVpc: {
            vpcId: "vpc-0abc12345def67890",
            publicSubnetIds: ["subnet-1", "subnet-2"],
            privateSubnetIds: ["subnet-2", "subnet-3"],
          },
        },
      },
      "network.existingVpc.privateSubnetIds",
    ],
  ])("refuses %s", (_what, cfg, key) => {
    expect(regionRuleIssue(cfg)?.path.join(".")).toBe(key);
  });
});

describe("the line refusing settings that do not fit together", () => {
  const shipped = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
  const issueOf = (change: (cfg: RegionSettings) => object) => {
    const issue = regionRuleIssue({ ...shipped, ...change(shipped) } as RegionSettings);
    return issue && { key: issue.path.join("."), problem: issue.problem, value: issue.value };
  };

  it("spreads subnets over no more zones than the AWS region has, and runs a system node in each", () => {
    expect(issueOf((c) => ({ network: { ...c.network, availabilityZones: 4 } }))).toEqual({
      key: "network.availabilityZones",
      problem: "must be at most the 3 availability zones ap-south-1 has (aps1-az1, aps1-az2, aps1-az3)",
      value: 4,
    });
    expect(issueOf((c) => ({ network: { ...c.network, availabilityZones: 3 } }))).toBeUndefined();
    expect(
      issueOf((c) => ({
        network: { ...c.network, availabilityZones: 3 },
        cluster: { ...c.cluster, systemNodes: { ...c.cluster.systemNodes, min: 2 } },
      })),
    ).toEqual({
      key: "cluster.systemNodes.min",
      problem:
        "must be at least network.availabilityZones (3): monitoring volumes are zonal, every zone needs a system node",
      value: 2,
    });
  });

  it("requires the application's keys, and egress's and the load tests' own pairs with global rooms", () => {
    expect(issueOf(() => ({ applicationKeys: undefined }))?.key).toBe("applicationKeys");
    const global = (c: RegionSettings) => ({ rooms: { ...c.rooms, mode: "global" } });
    expect(issueOf(global)).toEqual({
      key: "serviceKeys",
      problem: expect.stringMatching(/^is required with rooms\.mode global /),
      value: undefined,
    });
    const pairs = (egressId: string, loadTestId: string) => ({
      egress: { id: egressId, secret: "e".repeat(32) },
      loadTest: { id: loadTestId, secret: "l".repeat(32) },
    });
    expect(issueOf((c) => ({ ...global(c), serviceKeys: pairs("EGRESSabc", "LOADTESTabc") }))).toBeUndefined();
    const signing = shipped.applicationKeys.signing;
    expect(issueOf(() => ({ serviceKeys: pairs(signing, "LOADTESTabc") }))).toEqual({
      key: "serviceKeys.egress.id",
      problem: "is also an application key id; every consumer needs a key of its own",
      value: signing,
    });
    expect(issueOf(() => ({ serviceKeys: pairs("EGRESSabc", signing) }))?.key).toBe("serviceKeys.loadTest.id");
  });

  it("asks for the application's keys before comparing service key ids with them", () => {
    const serviceKeys = {
      egress: { id: "EGRESSabc", secret: "e".repeat(32) },
      loadTest: { id: "LOADTESTabc", secret: "l".repeat(32) },
    };
    expect(issueOf(() => ({ applicationKeys: undefined, serviceKeys }))?.key).toBe("applicationKeys");
  });

  it("names a subnet given as both public and private", () => {
    const existingVpc = {
      vpcId: "vpc-0abc12345def67890",
      publicSubnetIds: ["subnet-1", "subnet-2"],
      privateSubnetIds: ["subnet-2", "subnet-3"],
    };
    expect(issueOf((c) => ({ network: { ...c.network, existingVpc } }))).toEqual({
      key: "network.existingVpc.privateSubnetIds",
      problem: "must not repeat a public subnet (public and private subnets hold different nodes)",
      value: "subnet-2",
    });
  });

  it("keeps global rooms to a VPC the stack creates", () => {
    const existingVpc = {
      vpcId: "vpc-0abc12345def67890",
      publicSubnetIds: ["subnet-1"],
      privateSubnetIds: ["subnet-2"],
    };
    expect(
      issueOf((c) => ({
        rooms: { ...c.rooms, mode: "global" },
        serviceKeys: {
          egress: { id: "EGRESSabc", secret: "e".repeat(32) },
          loadTest: { id: "LOADTESTabc", secret: "l".repeat(32) },
        },
        network: { ...c.network, existingVpc },
      })),
    ).toEqual({
      key: "rooms.mode",
      problem:
        "global needs a VPC this stack creates (network.existingVpc is set): its route tables get the peering routes",
      value: "global",
    });
    expect(issueOf((c) => ({ network: { ...c.network, existingVpc } }))).toBeUndefined();
  });

  it("names a DNS zone's problem under dns", () => {
    expect(
      issueOf((c) => ({ dns: { ...c.dns, provider: "cloudflare", zoneId: "0123456789abcdef0123456789abcdef" } })),
    ).toEqual({
      key: "dns.cloudflareAccountId",
      problem: "is required when dns.provider is cloudflare",
      value: undefined,
    });
    expect(issueOf((c) => ({ dns: { ...c.dns, zoneId: "/hostedzone/Z0EXAMPLEZONE00000000" } }))?.key).toBe(
      "dns.zoneId",
    );
  });

  it("reports the first rule broken, in the rules' order", () => {
    expect(
      issueOf((c) => ({
        network: { ...c.network, availabilityZones: 4 },
        rtc: { ...c.rtc, tcpPort: 7880 },
      }))?.key,
    ).toBe("network.availabilityZones");
  });

  it("reads protect as a boolean, the strings Pulumi passes included", () => {
    const protect = (value: string | undefined) =>
      (parseStackConfig(stackConfig("mumbai", { "livekit-platform:protect": value }), "mumbai") as RegionSettings)
        .protect;
    expect(protect(undefined)).toBe(true);
    expect(protect("false")).toBe(false);
    expect(protect("true")).toBe(true);
    expect(() => protect("no")).toThrow('livekit-platform:protect: must be true or false, got "no"');
  });
});

describe("the host ports, relay quota, Prometheus sizes and audit logs of a region", () => {
  const shipped = parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings;
  const issueOf = (change: (cfg: RegionSettings) => object) => {
    const issue = regionRuleIssue({ ...shipped, ...change(shipped) } as RegionSettings);
    return issue && { key: issue.path.join("."), problem: issue.problem, value: issue.value };
  };
  const udp = (start: number, end: number) => (c: RegionSettings) => ({
    rtc: { ...c.rtc, udpPortRange: { start, end } },
  });

  it("names the fixed port a TCP port or a UDP range takes, a range's first and last port included", () => {
    expect(issueOf((c) => ({ rtc: { ...c.rtc, tcpPort: 3478 } }))).toEqual({
      key: "rtc.tcpPort",
      problem: "is Coturn's listening port 3478 on the same host network (and would be opened to the internet)",
      value: 3478,
    });
    expect(issueOf((c) => ({ rtc: { ...c.rtc, tcpPort: 9641 } }))?.problem).toMatch(/^is Coturn's metrics port 9641 /);
    for (const [start, end] of [
      [7000, 7880],
      [7880, 7990],
    ]) {
      expect(issueOf(udp(start, end))).toEqual({
        key: "rtc.udpPortRange",
        problem: "covers LiveKit's signalling port 7880 on the same host network",
        value: { start, end },
      });
    }
    expect(issueOf(udp(7881, 7990))).toBeUndefined();
    expect(issueOf(udp(6789, 6789))?.problem).toBe("covers LiveKit's metrics port 6789 on the same host network");
  });

  it("keeps both media ranges clear of the nodes' ephemeral ports, the range's first and last port included", () => {
    const relay = (start: number, end: number) => (c: RegionSettings) => ({
      turn: { ...c.turn, relayPortRange: { start, end } },
    });
    const overlap = `overlaps the nodes' ephemeral ports ${SFU_EPHEMERAL_PORTS.start}-${SFU_EPHEMERAL_PORTS.end}, which outgoing connections of the same host network take: move it outside them`;
    const problem = `${overlap} (the default is 40000-49999)`;
    expect(issueOf(relay(33000, 38999))).toEqual({
      key: "turn.relayPortRange",
      problem,
      value: { start: 33000, end: 38999 },
    });
    expect(issueOf(relay(20000, SFU_EPHEMERAL_PORTS.start))?.problem).toBe(problem);
    expect(issueOf(relay(SFU_EPHEMERAL_PORTS.end, 45000))?.problem).toBe(problem);
    expect(issueOf(relay(SFU_EPHEMERAL_PORTS.end + 1, 49999))).toBeUndefined();
    expect(issueOf(udp(20000, SFU_EPHEMERAL_PORTS.start))).toEqual({
      key: "rtc.udpPortRange",
      problem: `${overlap} (the default is 50000-60000)`,
      value: { start: 20000, end: SFU_EPHEMERAL_PORTS.start },
    });
    // LiveKit's ICE/TCP port too: it binds it once, at start.
    const tcp = (tcpPort: number) => (c: RegionSettings) => ({ rtc: { ...c.rtc, tcpPort } });
    for (const inside of [SFU_EPHEMERAL_PORTS.start, 35000, SFU_EPHEMERAL_PORTS.end]) {
      expect(issueOf(tcp(inside))).toEqual({
        key: "rtc.tcpPort",
        problem: `is among the nodes' ephemeral ports ${SFU_EPHEMERAL_PORTS.start}-${SFU_EPHEMERAL_PORTS.end}, which outgoing connections of the same host network take, so LiveKit could fail to bind it: use a port outside them (the default is 7881)`,
        value: inside,
      });
    }
    expect(issueOf(tcp(SFU_EPHEMERAL_PORTS.start - 1))).toBeUndefined();
    expect(issueOf(tcp(SFU_EPHEMERAL_PORTS.end + 1))).toBeUndefined();
    // The range the nodes boot with is this one.
    expect(SFU_NODE_SYSCTLS["net.ipv4.ip_local_port_range"]).toBe(
      `${SFU_EPHEMERAL_PORTS.start} ${SFU_EPHEMERAL_PORTS.end}`,
    );
  });

  it("allows as many TURN allocations as the relay range has ports, and no more", () => {
    expect(issueOf((c) => ({ turn: { ...c.turn, totalQuota: 10000 } }))).toBeUndefined();
    expect(issueOf((c) => ({ turn: { ...c.turn, totalQuota: 10001 } }))).toEqual({
      key: "turn.totalQuota",
      problem: "exceeds the 10000 relay ports of turn.relayPortRange 40000-49999 (each allocation takes one)",
      value: 10001,
    });
  });

  it("keeps Prometheus' retention below its volume, a Prometheus GB being a GiB", () => {
    const sizes = (retentionSize: string, volumeSize: string) => (c: RegionSettings) => ({
      monitoring: { ...c.monitoring, retentionSize, volumeSize },
    });
    expect(issueOf(sizes("99GB", "100Gi"))).toBeUndefined();
    expect(issueOf(sizes("100GB", "100Gi"))).toEqual({
      key: "monitoring.retentionSize",
      problem: "must be smaller than monitoring.volumeSize 100Gi (Prometheus needs room for its write-ahead log)",
      value: "100GB",
    });
    // Prometheus reads its retention size in powers of 2 (prometheus/prometheus cmd/prometheus/main.go, the
    // storage.tsdb.retention.size flag: "Based on powers-of-2, so 1KB is 1024B"): 1TB is 1024GB.
    expect(issueOf(sizes("1TB", "1000Gi"))?.key).toBe("monitoring.retentionSize");
    expect(issueOf(sizes("1000GB", "1024Gi"))).toBeUndefined();
  });

  it("keeps audit logs at least as long as recordings", () => {
    const days = shipped.egress.recordingRetentionDays;
    expect(issueOf((c) => ({ auditLogs: { ...c.auditLogs, retentionDays: days } }))).toBeUndefined();
    expect(issueOf((c) => ({ auditLogs: { ...c.auditLogs, retentionDays: days - 1 } }))).toEqual({
      key: "auditLogs.retentionDays",
      problem: `must be at least egress.recordingRetentionDays (${days}): who read a recording must stay known while it exists`,
      value: days - 1,
    });
  });

  it("keeps the TURN relay range and the SFU's range apart, even by one port", () => {
    expect(issueOf((c) => ({ turn: { ...c.turn, relayPortRange: { start: 49000, end: 50000 } } }))).toEqual({
      key: "turn.relayPortRange",
      problem: "overlaps rtc.udpPortRange 50000-60000; Coturn and LiveKit share the node's host network",
      value: { start: 49000, end: 50000 },
    });
  });
});
