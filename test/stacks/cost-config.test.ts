/**
 * A region stack's cost settings and sanity bounds: the estimate in `sizing`, the price file, and the
 * one-line errors for a bad value or a demand above a bound.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { estimateCost } from "../../lib/capacity";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { SizedRegion, sizedRegion } from "../../stacks/sizing";
import { stackConfig } from "../support/stack-config";

const region = (overrides: Record<string, unknown> = {}) =>
  sizedRegion(parseStackConfig(stackConfig("mumbai", overrides), "mumbai") as RegionSettings);

const cost = (cfg: SizedRegion) => {
  const c = cfg.sizing.cost!;
  if ("unavailable" in c) throw new Error(c.unavailable);
  return c;
};

function tempJson(value: unknown): string {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lk-prices-")), "prices.json");
  fs.writeFileSync(file, JSON.stringify(value));
  return file;
}

describe("a region stack's cost estimate", () => {
  it("is the cost model's answer for the shipped mumbai stack, marked as an estimate", () => {
    const cfg = region();
    const c = cost(cfg);
    expect(c.awsRegion).toBe("ap-south-1");
    expect(c.monthlyUsd).toBe(estimateCost(cfg.sizing.plan, { awsRegion: "ap-south-1" }).monthlyUsd);
    expect(c.estimate).toBe(true);
    expect(c.drivers[0].group).toBe("dataTransferOut");
  });

  it("follows the stack's NAT gateways, usage profile and savings plan", () => {
    const c = cost(
      region({
        "livekit-platform:network": { cidr: "10.20.0.0/16", natGateways: "single" },
        "livekit-platform:cost": { peakHoursPerDay: 4, savingsPlanDiscount: 0.3 },
      }),
    );
    expect(c.lines.find((l) => l.item === "NAT gateway-hours")!.quantity).toBeCloseTo(24 * 30.42, 9);
    expect(c.usage.peakHoursPerDay).toBe(4);
    expect(c.purchase.savingsPlanDiscount).toBe(0.3);
  });

  it("keeps the VPC flow log for the stack's auditLogs.flowLogRetentionDays", () => {
    const stored = (c: ReturnType<typeof cost>) => c.lines.find((l) => l.item.startsWith("VPC flow log stored"))!;
    const ingested = cost(region()).lines.find((l) => l.item.startsWith("VPC flow log ingested"))!.quantity;
    expect(stored(cost(region())).quantity).toBeCloseTo(ingested * (90 / 30.42), 6);
    const kept = stored(cost(region({ "livekit-platform:auditLogs": { flowLogRetentionDays: 400 } })));
    expect(kept.item).toBe("VPC flow log stored (400 days)");
    expect(kept.quantity).toBeCloseTo(ingested * (400 / 30.42), 6);
  });

  it("takes a price file laid over the pinned prices", () => {
    const file = tempJson({
      regions: {
        "ap-south-1": {
          dataTransferOutTiers: [{ upToGB: null, usd: 0.03, source: "our addendum", read: "2026-11-01" }],
        },
      },
    });
    const c = cost(region({ "livekit-platform:cost": { priceFile: file } }));
    expect(c.lines.find((l) => l.group === "dataTransferOut")!.unitUsd).toBeCloseTo(0.03, 9);
  });

  it("stops on a price file figure without a source", () => {
    const file = tempJson({ regions: { "ap-south-1": { eksClusterPerHour: { usd: 0.1, read: "2026-11-01" } } } });
    expect(() => region({ "livekit-platform:cost": { priceFile: file } })).toThrow(
      /^livekit-platform:cost\.priceFile: price file\.regions\.ap-south-1\.eksClusterPerHour\.source: every price needs its source/,
    );
  });

  it("is left out, with the reason, for a region the table has no prices for", () => {
    const cfg = region({ "aws:region": "sa-east-1" });
    expect(cfg.sizing.cost).toEqual({ unavailable: expect.stringMatching(/^awsRegion: no prices for this region/) });
  });

  it("takes the week, the recording downloads, the zones and a negotiated transfer price from the stack", () => {
    const shipped = cost(region());
    const c = cost(
      region({
        "livekit-platform:network": { cidr: "10.20.0.0/16", availabilityZones: 2 },
        "livekit-platform:cost": { weekendShare: 0.25, recordingDownloads: 0, negotiatedDataTransferOutPerGiB: 0.02 },
      }),
    );
    expect(c.usage).toMatchObject({ weekendShare: 0.25, recordingDownloads: 0, daysPerMonth: 30.42 });
    // Weekends at a quarter of a weekday: 5/7 of the month at full load and 2/7 at a quarter.
    expect(c.dataTransferOut.gib / shipped.dataTransferOut.gib).toBeLessThan((5 + 2 * 0.25) / 7);
    expect(c.lines.find((l) => l.item.startsWith("recording downloads"))!.monthlyUsd).toBe(0);
    expect(c.dataTransferOut.negotiated!.usd).toBe(Math.round(c.dataTransferOut.gib * 0.02 * 100) / 100);
    // Two zones: two NAT gateways and the load balancers' four addresses every hour.
    const ipv4 = c.lines.find((l) => l.group === "publicIpv4")!;
    expect(ipv4.item).toMatch(/2 NAT gateways; ALB and NLB in 2 zones/);
    // The shipped stack: every day a weekday, each recording downloaded once, no negotiated price.
    expect(shipped.usage).toMatchObject({ weekendShare: 1, recordingDownloads: 1 });
    expect(shipped.dataTransferOut.negotiated).toBeUndefined();
  });

  it("stops a month of working days with one line: weekends are weekendShare", () => {
    expect(() => region({ "livekit-platform:cost": { daysPerMonth: 22 } })).toThrow(
      "livekit-platform:cost.daysPerMonth: must be the days in a month, from 28 to 31 (weekends are weekendShare), got 22",
    );
    expect(() => region({ "livekit-platform:cost": { weekendShare: 1.5 } })).toThrow(
      "livekit-platform:cost.weekendShare: must be a fraction from 0 to 1, got 1.5",
    );
  });

  it("stops on a bad usage value with one line", () => {
    expect(() => region({ "livekit-platform:cost": { peakHoursPerDay: 30 } })).toThrow(
      "livekit-platform:cost.peakHoursPerDay: must be hours from 0 to 24, got 30",
    );
  });
});

describe("a region stack's sanity bounds", () => {
  it("stops a demand above the SFU node ceiling, saying how many nodes it needs", () => {
    const max = region().sizing.plan.sfu.maxNodes;
    expect(() =>
      region({ "livekit-platform:capacity": { targetParticipants: 25000, mix: "mixed", maxSfuNodes: 50 } }),
    ).toThrow(new RegExp(`^livekit-platform:capacity\\.maxSfuNodes: the region needs ${max} SFU nodes`));
  });

  it("stops a demand above the vCPU quota, counting the system nodes at their max", () => {
    const plan = region().sizing.plan;
    const total = plan.sfu.maxNodes * 8 + plan.karpenter.egressCpuLimit + 6 * 4;
    expect(() =>
      region({ "livekit-platform:capacity": { targetParticipants: 25000, mix: "mixed", vcpuQuota: 1000 } }),
    ).toThrow(new RegExp(`^livekit-platform:capacity\\.vcpuQuota: the region needs ${total} vCPU`));
    expect(() =>
      region({ "livekit-platform:capacity": { targetParticipants: 25000, mix: "mixed", vcpuQuota: total } }),
    ).not.toThrow();
  });

  it("stops an arm64 SFU type: the stacks build x86_64 nodes", () => {
    expect(() =>
      region({ "livekit-platform:cluster": { publicAccessCidrs: [], sfuNodes: { instanceType: "c8g.2xlarge" } } }),
    ).toThrow(/^livekit-platform:cluster\.sfuNodes\.instanceType: is an arm64 \(Graviton\) type/);
  });
});
