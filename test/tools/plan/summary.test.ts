/** The plan summary's pieces on small, made-up plans: exposure, cost, regions left out. */
import type { PlanResult } from "../../../tools/plan/engine";
import { buildSummary, costOf, exposureOf, formatSummary } from "../../../tools/plan/summary";
import { renderReport } from "../../../tools/plan/report";
import { plannedResource as resource } from "../../support/planned-resource";

describe("internet exposure", () => {
  it("lists every range open to 0.0.0.0/0 or ::/0, and on what, and nothing narrower", () => {
    const found = exposureOf([
      resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "open", {
        cidrIpv4: "0.0.0.0/0",
        ipProtocol: "udp",
        fromPort: 50000,
        toPort: 60000,
        securityGroupId: "sg-1",
        description: "LiveKit ICE/UDP",
      }),
      resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "v6", {
        cidrIpv6: "::/0",
        ipProtocol: "tcp",
        fromPort: 7881,
        toPort: 7881,
        securityGroupId: "sg-1",
      }),
      resource("aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule", "vpc-only", {
        cidrIpv4: "10.0.0.0/8",
        ipProtocol: "tcp",
        fromPort: 6379,
        toPort: 6379,
      }),
      resource("aws:ec2/securityGroup:SecurityGroup", "inline", {
        name: "legacy",
        ingress: [{ protocol: "tcp", fromPort: 22, toPort: 22, cidrBlocks: ["0.0.0.0/0"] }],
      }),
      resource("eks:index:Cluster", "cluster", { endpointPublicAccess: true, publicAccessCidrs: ["0.0.0.0/0"] }),
      resource("eks:index:Cluster", "private", { endpointPublicAccess: true, publicAccessCidrs: ["203.0.113.0/24"] }),
      resource("kubernetes:core/v1:Service", "nlb", {
        metadata: {
          namespace: "livekit",
          name: "turn",
          annotations: { "service.beta.kubernetes.io/aws-load-balancer-scheme": "internet-facing" },
        },
        spec: { type: "LoadBalancer", ports: [{ name: "turn-udp", port: 3478, protocol: "UDP" }] },
      }),
      resource("kubernetes:core/v1:Service", "internal", {
        metadata: { namespace: "livekit", name: "internal", annotations: {} },
        spec: { type: "LoadBalancer", ports: [{ port: 80 }] },
      }),
    ]);
    expect(found.map((e) => `${e.protocol} ${e.ports} ${e.sources.join(",")} | ${e.on}`)).toEqual([
      "udp 50000-60000 0.0.0.0/0 | security group sg-1 (LiveKit ICE/UDP), rule open",
      "tcp 7881 ::/0 | security group sg-1, rule v6",
      "tcp 22 0.0.0.0/0 | security group legacy",
      "tcp 443 0.0.0.0/0 | the EKS API endpoint",
      "udp 3478 0.0.0.0/0 | NLB of Service livekit/turn (turn-udp)",
    ]);
  });
});

describe("cost", () => {
  it("says not available without an estimate, and why", () => {
    expect(costOf(undefined)).toEqual({ available: false, why: "no cost estimate in the sizing output" });
    expect(costOf({ unavailable: "no price for ap-south-2" })).toEqual({
      available: false,
      why: "no price for ap-south-2",
    });
  });

  it("shows the estimate's total, groups and lines when the sizing output has one", () => {
    const result: PlanResult = {
      project: "p",
      stack: "mumbai",
      resources: [],
      outputs: {
        role: "region",
        awsRegion: "ap-south-1",
        sizing: {
          overrides: [],
          cost: {
            monthlyUsd: 12345.6,
            estimate: true,
            byGroup: { compute: 10000, network: 2345.6 },
            lines: [{ group: "compute", item: "c6i.2xlarge", quantity: 10, unit: "node-hours", monthlyUsd: 10000 }],
          },
        },
      },
      warnings: [],
    };
    const summary = buildSummary(result);
    expect(formatSummary(summary)).toContain("Cost: USD 12,346 a month (estimate)");
    expect(renderReport(result, summary)).toContain("<td>c6i.2xlarge</td>");
  });

  it("prints internet transfer at list and negotiated, and the cost per participant-minute beside the managed services'", () => {
    const managed = (name: string, usdPerParticipantMinute: number, estimate: boolean) => ({
      service: name,
      name,
      monthlyUsd: 0,
      usdPerParticipantMinute,
      estimate,
      notes: [],
    });
    const cost = {
      monthlyUsd: 500_000,
      estimate: true,
      byGroup: { dataTransferOut: 460_000 },
      lines: [],
      // 5,000,000 GiB at $0.092 = $460,000 (92%); at $0.03: $150,000 and $190,000 in all.
      dataTransferOut: {
        gib: 5_000_000,
        usd: 460_000,
        usdPerGiB: 0.092,
        share: 0.92,
        negotiated: { usdPerGiB: 0.03, usd: 150_000, monthlyUsd: 190_000 },
      },
      participantMinutes: 500_000_000,
      recordingUsd: 10_000,
      perParticipantMinute: {
        usd: 0.001,
        withoutRecordingUsd: 0.00098,
        negotiated: { usd: 0.00038, withoutRecordingUsd: 0.00036 },
      },
      managed: [managed("LiveKit Cloud", 0.00196, true), managed("Agora", 0.00606, false)],
    };
    const text = (c: unknown) =>
      formatSummary(
        buildSummary({
          project: "p",
          stack: "mumbai",
          resources: [],
          outputs: { role: "region", awsRegion: "ap-south-1", sizing: { overrides: [], cost: c } },
          warnings: [],
        }),
      );
    const lines = text(cost).split("\n");
    expect(lines).toContain(
      "    Internet transfer: 5,000,000 GiB a month (5.37 PB decimal) at $0.092/GiB list = USD 460,000, 92% of the month; at the negotiated $0.03/GiB: USD 150,000, USD 190,000 a month in all.",
    );
    expect(lines).toContain(
      "    Per participant-minute (500 M participant-minutes a month): self-hosted $0.001, $0.00098 without recording; $0.00036 at the negotiated transfer price; the calls alone on managed services at list: LiveKit Cloud $0.00196*, Agora $0.00606 (* an estimate: lib/prices/managed-alternatives.json).",
    );
    // Without a negotiated price, the line says which setting gives one.
    const { negotiated: _n, ...listOnly } = cost.dataTransferOut;
    expect(text({ ...cost, dataTransferOut: listOnly })).toContain(
      "USD 460,000, 92% of the month; set cost.negotiatedDataTransferOutPerGiB to price it at your rate.",
    );
  });
});

describe("global stack", () => {
  it("lists the regions routed and the ones left out, with why", () => {
    const result: PlanResult = {
      project: "p",
      stack: "global",
      resources: [],
      outputs: {
        regions: [{ stack: "mumbai", regionLabel: "mumbai", awsRegion: "ap-south-1" }],
        notDeployed: ["frankfurt"],
      },
      warnings: [
        "region stack frankfurt is not deployed yet (no outputs signallingLoadBalancer); frankfurt is left out of the routing",
      ],
    };
    const text = formatSummary(buildSummary(result));
    expect(text).toContain("Regions routed: mumbai (ap-south-1)");
    expect(text).toContain(
      "frankfurt: is not deployed yet (no outputs signallingLoadBalancer); frankfurt is left out of the routing",
    );
    expect(text).not.toContain("Cost:");
  });
});

describe("global rooms mode", () => {
  it("prints the hub, every member with the round trip it adds, and where recordings go", () => {
    const result: PlanResult = {
      project: "p",
      stack: "global",
      resources: [],
      outputs: {
        regions: [],
        notDeployed: [],
        rooms: {
          mode: "global",
          hub: "mumbai",
          hubAwsRegion: "ap-south-1",
          members: [{ stack: "singapore", awsRegion: "ap-southeast-1", addedRoundTripFloorMs: 38.2 }],
          recordings: { region: "mumbai", awsRegion: "ap-south-1" },
        },
      },
      warnings: [],
    };
    const text = formatSummary(buildSummary(result));
    expect(text).toContain("Global rooms mode: hub mumbai (ap-south-1)");
    expect(text).toContain(
      "member singapore (ap-southeast-1): every join and relayed signalling message crosses to the hub, at least 38.2 ms",
    );
    expect(text).toContain("recordings: made and stored in mumbai (ap-south-1); members run no Egress");
    // Regional mode prints none of it.
    expect(formatSummary(buildSummary({ ...result, outputs: { regions: [], notDeployed: [] } }))).not.toContain(
      "Global rooms mode",
    );
  });
});
