/**
 * What `npm run capacity` prints: the plan of each region and their total, the stack bounds, the room kinds,
 * the cost and its breakdown, and the node catalogue (`--types`). Plain text tables, one string per line.
 */
import { cpuFactorOf, INSTANCE_TYPES, internetBandwidthMbps } from "../../../lib/instance-types";
import { sfuPodsFitProblem } from "../../../stacks/sizing";
import {
  CapacityPlan,
  COST_GROUPS,
  CostEstimate,
  costDrivers,
  perMinuteSentence,
  PriceTable,
  sumCostFigures,
  transferSentence,
} from "../../../lib/capacity";

const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (f: number) => `${Math.round(f * 100)}%`;
const fixed = (n: number, digits: number) => n.toFixed(digits);
const usd = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;

/** Left-aligns the first column, right-aligns the others. */
function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, c) => Math.max(h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
      .join("  ")
      .trimEnd();
  return [line(header), ...rows.map(line)];
}

/** One region's share of the total, its plan and its cost. */
export interface RegionPlan {
  name: string;
  share: number;
  awsRegion: string;
  plan: CapacityPlan;
  cost: CostEstimate;
}

/** The regions' costs added up, as one estimate (for the total column and the drivers). */
function sumCosts(plans: RegionPlan[]): CostEstimate {
  const byGroup = Object.fromEntries(
    COST_GROUPS.map((g) => [g, plans.reduce((s, r) => s + r.cost.byGroup[g], 0)]),
  ) as CostEstimate["byGroup"];
  return { ...plans[0].cost, byGroup, monthlyUsd: plans.reduce((s, r) => s + r.cost.monthlyUsd, 0) };
}

/** The breakdown: one row per cost group, one column per region and the total; then each region's lines. */
export function formatCost(plans: RegionPlan[]): string[] {
  const total = sumCosts(plans);
  const out: string[] = ["Cost breakdown, USD a month:"];
  out.push(
    ...table(
      ["item", ...plans.map((r) => `${r.name} (${r.awsRegion})`), ...(plans.length > 1 ? ["total"] : []), "share"],
      [
        ...COST_GROUPS.map((g) => [
          g,
          ...plans.map((r) => usd(r.cost.byGroup[g])),
          ...(plans.length > 1 ? [usd(total.byGroup[g])] : []),
          pct(total.byGroup[g] / (total.monthlyUsd || 1)),
        ]),
        [
          "total",
          ...plans.map((r) => usd(r.cost.monthlyUsd)),
          ...(plans.length > 1 ? [usd(total.monthlyUsd)] : []),
          "100%",
        ],
      ],
    ),
  );
  for (const r of plans) {
    out.push("", `${r.name} (${r.awsRegion}), line by line:`);
    out.push(
      ...table(
        ["item", "quantity", "unit", "USD/unit", "USD/month"],
        r.cost.lines.map((l) => [
          `${l.group}: ${l.item}`,
          l.quantity >= 100 ? int(l.quantity) : fixed(l.quantity, 2),
          l.unit,
          l.unitUsd >= 1 ? fixed(l.unitUsd, 2) : fixed(l.unitUsd, 5),
          fixed(l.monthlyUsd, 2),
        ]),
      ),
    );
    for (const n of r.cost.notes) out.push(`note: ${n}`);
  }
  return out;
}

/** The node catalogue with each priced region's on-demand price. */
export function formatTypes(prices: PriceTable): string[] {
  const regions = Object.keys(prices.regions);
  return [
    "Node types (baseline bandwidth is what the model counts; the internet gateway caps nodes under 32 vCPU at 5 Gbps;",
    "CPU factor: SFU work per vCPU against c6i, an assumption unless capacity.cpuEfficiency is set; prices USD/hour, on-demand):",
    ...table(
      ["type", "vCPU", "memory GiB", "baseline Mbps", "burst Mbps", "internet Mbps", "arch", "CPU factor", ...regions],
      Object.entries(INSTANCE_TYPES).map(([name, t]) => [
        name,
        String(t.vcpu),
        String(t.memoryMiB / 1024),
        int(t.baselineBandwidthMbps),
        int(t.burstBandwidthMbps),
        int(internetBandwidthMbps(t)),
        t.arch,
        fixed(cpuFactorOf(name), 2),
        ...regions.map((r) => {
          const f = prices.regions[r].ec2PerHour[name];
          return f ? `${f.usd}${f.estimate ? "*" : ""}` : "-";
        }),
      ]),
    ),
    "* an estimate: lib/prices/aws-prices.json gives its basis",
  ];
}

/** The tables for `participants` split over `plans`; with `withCost`, the cost breakdown too. */
export function formatPlans(plans: RegionPlan[], participants: number, withCost: boolean): string[] {
  const first = plans[0].plan;
  const out: string[] = [];
  const mix = first.mix;
  out.push(
    `LiveKit capacity for ${int(participants)} concurrent participants: mix "${mix.name}"${mix.description ? ` (${mix.description})` : ""}; ` +
      `SFU node ${first.node.type} (${fixed(first.node.workloadCpu, 2)} vCPU for LiveKit, ${int(first.node.internetBandwidthMbps)} Mbps to the internet); ` +
      `target utilisation ${pct(first.targetUtilisation)}; ${pct(first.recordingShare)} of rooms recorded`,
  );
  const unfit = sfuPodsFitProblem(first.node.type);
  if (unfit !== undefined) out.push(`note: ${first.node.type} ${unfit} (a region stack refuses it)`);
  out.push("");

  const sum = (f: (p: CapacityPlan) => number) => plans.reduce((s, r) => s + f(r.plan), 0);
  out.push(
    ...table(
      [
        "region",
        "participants",
        "SFU nodes",
        "binding",
        "CPU util",
        "net util",
        "headroom",
        "min",
        "max",
        "recordings",
        "egress pods",
        "egress nodes",
        "cost/month",
      ],
      [
        ...plans.map(({ name, plan: p, cost }) => [
          name,
          int(p.targetParticipants),
          int(p.sfu.peakNodes),
          p.sfu.binding,
          pct(p.sfu.utilisation.cpu),
          pct(p.sfu.utilisation.network),
          pct(p.sfu.headroom),
          int(p.sfu.minNodes),
          int(p.sfu.maxNodes),
          int(p.egress.recordings),
          int(p.egress.pods),
          int(p.egress.peakNodes),
          usd(cost.monthlyUsd),
        ]),
        ...(plans.length > 1
          ? [
              [
                "total",
                int(sum((p) => p.targetParticipants)),
                int(sum((p) => p.sfu.peakNodes)),
                "",
                "",
                "",
                "",
                int(sum((p) => p.sfu.minNodes)),
                int(sum((p) => p.sfu.maxNodes)),
                int(sum((p) => p.egress.recordings)),
                int(sum((p) => p.egress.pods)),
                int(sum((p) => p.egress.peakNodes)),
                usd(plans.reduce((s, r) => s + r.cost.monthlyUsd, 0)),
              ],
            ]
          : []),
      ],
    ),
  );
  {
    const c = plans[0].cost;
    const u = c.usage;
    out.push("");
    out.push(
      `Cost: USD a month at ${u.peakHoursPerDay} h/weekday at peak and ${pct(u.offPeakShare)} of peak otherwise, weekends at ${pct(u.weekendShare)} of a weekday, ${u.daysPerMonth} days; ` +
        `savings plan ${pct(c.purchase.savingsPlanDiscount)}, egress Spot ${pct(c.purchase.egressSpotShare)}; ` +
        `prices of ${[...new Set(plans.map((r) => r.awsRegion))].join(", ")}${plans.some((r) => r.cost.estimate) ? " (estimates: see lib/prices/aws-prices.json)" : ""}. ` +
        `Largest: ${costDrivers(sumCosts(plans))
          .map((d) => `${d.group} ${pct(d.share)}`)
          .join(", ")}; breakdown with --cost.`,
    );
    const figures = sumCostFigures(plans.map((r) => r.cost));
    out.push(transferSentence(figures, "give a negotiated price per GiB with --negotiated-transfer <USD>"));
    out.push(perMinuteSentence(figures));
  }
  if (withCost) out.push("", ...formatCost(plans));
  out.push("");
  out.push("Stack bounds per region (one LiveKit pod per SFU node; HPA target is % of the pod's CPU request):");
  out.push(
    ...table(
      [
        "region",
        "node group min/desired/max",
        "Karpenter sfu cpu",
        "HPA min/max",
        "HPA CPU target",
        "LiveKit CPU request",
        `egress (${first.egress.nodeType}) Karpenter cpu`,
        "egress HPA min/max",
      ],
      plans.map(({ name, plan: p }) => [
        name,
        `${p.managedNodeGroup.minSize}/${p.managedNodeGroup.desiredSize}/${p.managedNodeGroup.maxSize}`,
        String(p.karpenter.sfuCpuLimit),
        `${p.hpa.minReplicas}/${p.hpa.maxReplicas}`,
        `${p.hpa.targetCpuUtilizationPercent}%`,
        `${p.sfuPod.cpuRequestMillicores}m`,
        String(p.karpenter.egressCpuLimit),
        `${p.egress.hpa.minReplicas}/${p.egress.hpa.maxReplicas}`,
      ]),
    ),
  );
  out.push("");
  out.push(`Room kinds (rooms summed over regions; load of one room on ${first.node.type}):`);
  out.push(
    ...table(
      [
        "kind",
        "share",
        "room size",
        "rooms",
        "vCPU/room",
        "Mbps out/room",
        "Mbps in/room",
        "rooms/node",
        "participants/node",
        "binding",
      ],
      first.kinds.map((k, i) => [
        k.name,
        pct(k.share),
        int(k.roomSize),
        int(plans.reduce((s, r) => s + r.plan.kinds[i].rooms, 0)),
        fixed(k.perRoom.cpu, 3),
        fixed(k.perRoom.egressMbps, 1),
        fixed(k.perRoom.ingressMbps, 1),
        int(k.roomsPerNode),
        int(k.roomsPerNode * k.roomSize),
        k.binding,
      ]),
    ),
  );
  const warnings = [...new Set(plans.flatMap((r) => r.plan.warnings))];
  if (warnings.length > 0) {
    out.push("");
    out.push(...warnings.map((w) => `warning: ${w}`));
  }
  return out;
}
