/** A region stack's settings: the shipped files with their defaults, and the rules between sections. */
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
