/**
 * The plan's readable summary, printed after the resource tree and drawn in report.html: a region's sizing
 * (nodes per pool at floor, peak and ceiling, the binding resource, participants, rooms, cost when the model
 * gives one), its internet exposure (every port range open to 0.0.0.0/0 or ::/0, and on what), the capacity
 * overrides and the warnings; for the global stack, the regions routed and those left out, with why.
 *
 * Built from the masked plan (secrets stay "[secret]") and the stack's validated config. Contract:
 * docs/plan-contract.md, "Summary".
 */
/* eslint-disable @typescript-eslint/no-explicit-any -- planned inputs are untyped JSON */
import type { StackSettings } from "../../stacks/config";
import type { RegionSizing } from "../../stacks/sizing";
import { CostFigures, perMinuteSentence, planCapacity, transferSentence } from "../../lib/capacity";
import { maskSecrets, PlannedResource, PlanResult } from "./result";

export interface PoolSize {
  pool: string;
  /** What the pool is made of: `c6i.2xlarge (managed node group + Karpenter)`. */
  kind: string;
  floor: number | null;
  peak: number | null;
  ceiling: number | null;
  unit: string;
}

export interface Exposure {
  protocol: string;
  /** `50000-60000` or `443`. */
  ports: string;
  sources: string[];
  /** What is open: a security group rule, a load balancer, the Kubernetes API. */
  on: string;
  resource: string;
}

export interface SizingPoint {
  participants: number;
  sfuNodes: number;
}

export interface PlanSummary {
  stack: string;
  role: string;
  awsRegion?: string;
  regionLabel?: string;
  sizing?: {
    mix: string;
    nodeType: string;
    participants: number;
    rooms: number;
    binding: string;
    utilisation: { cpu: number; network: number };
    pools: PoolSize[];
    /** Participants vs SFU nodes at peak for this mix and node, this stack's demand among them. */
    curve: SizingPoint[];
  };
  /** The cost model's estimate in the `sizing` output, when there is one (lib/capacity/cost.ts). */
  cost?: unknown;
  exposure: Exposure[];
  overrides: string[];
  warnings: string[];
  global?: {
    routed: { stack: string; regionLabel: string; awsRegion: string }[];
    leftOut: { stack: string; why: string }[];
  };
  /** Global rooms mode, from the stack's `rooms` output: the hub, its members and the round trip each adds. */
  rooms?: {
    hub: string;
    hubAwsRegion: string;
    members: { stack: string; awsRegion: string; addedRoundTripFloorMs: number }[];
    recordings: { region: string; awsRegion: string };
  };
  counts: { create: number; read: number };
}

const OPEN = ["0.0.0.0/0", "::/0"];

const portsOf = (from: unknown, to: unknown): string => {
  if (from === -1 || from === undefined || from === null) return "all";
  return from === to || to === undefined ? `${from}` : `${from}-${to}`;
};

/** Every port range the plan opens to the whole internet, and on what. */
export function exposureOf(resources: PlannedResource[]): Exposure[] {
  const found: Exposure[] = [];
  for (const r of resources) {
    const i = maskSecrets(r.inputs) as Record<string, any>;
    if (r.type === "aws:vpc/securityGroupIngressRule:SecurityGroupIngressRule") {
      const sources = [i.cidrIpv4, i.cidrIpv6].filter((c) => OPEN.includes(c));
      if (sources.length > 0) {
        found.push({
          protocol: i.ipProtocol === "-1" ? "all" : String(i.ipProtocol),
          ports: portsOf(i.fromPort, i.toPort),
          sources,
          on: `security group ${i.securityGroupId ?? "?"}${i.description ? ` (${i.description})` : ""}, rule ${r.name}`,
          resource: r.name,
        });
      }
    } else if (r.type === "aws:ec2/securityGroupRule:SecurityGroupRule" && i.type === "ingress") {
      const sources = [...(i.cidrBlocks ?? []), ...(i.ipv6CidrBlocks ?? [])].filter((c: string) => OPEN.includes(c));
      if (sources.length > 0) {
        found.push({
          protocol: i.protocol === "-1" ? "all" : String(i.protocol),
          ports: portsOf(i.fromPort, i.toPort),
          sources,
          on: `security group ${i.securityGroupId ?? "?"}${i.description ? ` (${i.description})` : ""}, rule ${r.name}`,
          resource: r.name,
        });
      }
    } else if (r.type === "aws:ec2/securityGroup:SecurityGroup") {
      for (const rule of i.ingress ?? []) {
        const sources = [...(rule.cidrBlocks ?? []), ...(rule.ipv6CidrBlocks ?? [])].filter((c: string) =>
          OPEN.includes(c),
        );
        if (sources.length > 0) {
          found.push({
            protocol: rule.protocol === "-1" ? "all" : String(rule.protocol),
            ports: portsOf(rule.fromPort, rule.toPort),
            sources,
            on: `security group ${i.name ?? r.name}${i.description ? ` (${i.description})` : ""}`,
            resource: r.name,
          });
        }
      }
    } else if (r.type === "eks:index:Cluster" && i.endpointPublicAccess !== false) {
      const sources = ((i.publicAccessCidrs as string[] | undefined) ?? ["0.0.0.0/0"]).filter((c) => OPEN.includes(c));
      if (sources.length > 0) {
        found.push({ protocol: "tcp", ports: "443", sources, on: "the EKS API endpoint", resource: r.name });
      }
    } else if (r.type === "kubernetes:networking.k8s.io/v1:Ingress") {
      const a = (i.metadata?.annotations ?? {}) as Record<string, string>;
      if (a["alb.ingress.kubernetes.io/scheme"] !== "internet-facing") continue;
      const sources = (
        a["alb.ingress.kubernetes.io/inbound-cidrs"]?.split(",").map((s) => s.trim()) ?? [
          "0.0.0.0/0",
          ...(a["alb.ingress.kubernetes.io/ip-address-type"]?.startsWith("dualstack") ? ["::/0"] : []),
        ]
      ).filter((c) => OPEN.includes(c));
      let listeners: Record<string, number>[] = [{ HTTP: 80 }];
      try {
        listeners = JSON.parse(a["alb.ingress.kubernetes.io/listen-ports"] ?? '[{"HTTP":80}]');
      } catch {
        // keep the controller's default
      }
      const hosts = ((i.spec?.rules ?? []) as { host?: string }[]).map((rule) => rule.host).filter(Boolean);
      for (const listener of listeners) {
        for (const [proto, port] of Object.entries(listener)) {
          if (sources.length === 0) continue;
          found.push({
            protocol: `tcp (${proto})`,
            ports: String(port),
            sources,
            on: `ALB of Ingress ${i.metadata?.namespace}/${i.metadata?.name}${hosts.length ? ` (${hosts.join(", ")})` : ""}`,
            resource: r.name,
          });
        }
      }
    } else if (r.type === "kubernetes:core/v1:Service" && i.spec?.type === "LoadBalancer") {
      const a = (i.metadata?.annotations ?? {}) as Record<string, string>;
      const scheme = a["service.beta.kubernetes.io/aws-load-balancer-scheme"];
      if (scheme !== "internet-facing") continue;
      const ranges: string[] = i.spec?.loadBalancerSourceRanges ??
        a["service.beta.kubernetes.io/load-balancer-source-ranges"]?.split(",").map((s) => s.trim()) ?? ["0.0.0.0/0"];
      const sources = ranges.filter((c) => OPEN.includes(c));
      if (sources.length === 0) continue;
      for (const p of (i.spec?.ports ?? []) as { port: number; protocol?: string; name?: string }[]) {
        found.push({
          protocol: (p.protocol ?? "TCP").toLowerCase(),
          ports: String(p.port),
          sources,
          on: `NLB of Service ${i.metadata?.namespace}/${i.metadata?.name}${p.name ? ` (${p.name})` : ""}`,
          resource: r.name,
        });
      }
    }
  }
  return found;
}

/** Participants vs SFU nodes at peak for the region's mix and node, around its own demand. */
function sizingCurve(cfg: Extract<StackSettings, { role: "region" }>): SizingPoint[] {
  const target = cfg.capacity.targetParticipants;
  const top = Math.max(target * 2, 1000);
  const points: SizingPoint[] = [];
  const counts = new Set<number>([target]);
  for (let k = 1; k <= 20; k++) counts.add(Math.max(1, Math.round((top * k) / 20)));
  for (const participants of [...counts].sort((a, b) => a - b)) {
    try {
      const plan = planCapacity({
        targetParticipants: participants,
        mix: cfg.capacity.mix,
        nodeType: cfg.cluster.sfuNodes.instanceType,
        targetUtilisation: cfg.capacity.targetUtilisation,
        recordingShare: cfg.capacity.recordingShare,
        egressNodeType: cfg.capacity.egressNodeType,
        cpuEfficiency: cfg.capacity.cpuEfficiency,
      });
      points.push({ participants, sfuNodes: plan.sfu.peakNodes });
    } catch {
      // a point the model cannot place (a room larger than a node) is left out of the curve
    }
  }
  return points;
}

/**
 * The summary of one plan; `config` is the stack's validated settings and `sizing` a region's sizes (absent:
 * only what the plan shows).
 */
export function buildSummary(result: PlanResult, config?: StackSettings, sizing?: RegionSizing): PlanSummary {
  const outputs = maskSecrets(result.outputs) as Record<string, any>;
  const summary: PlanSummary = {
    stack: result.stack,
    role: config?.role ?? (outputs.role === "region" ? "region" : outputs.regions ? "global" : "unknown"),
    awsRegion: config?.awsRegion ?? outputs.awsRegion,
    regionLabel: config?.role === "region" ? config.regionLabel : outputs.regionLabel,
    exposure: exposureOf(result.resources),
    overrides: (outputs.sizing?.overrides as string[] | undefined) ?? [],
    warnings: result.warnings,
    counts: {
      create: result.resources.filter((r) => r.custom && !r.read).length,
      read: result.resources.filter((r) => r.read).length,
    },
  };
  if (outputs.sizing?.cost !== undefined) summary.cost = outputs.sizing.cost;
  if (outputs.rooms?.mode === "global") {
    const { hub, hubAwsRegion, members, recordings } = outputs.rooms;
    summary.rooms = {
      hub,
      hubAwsRegion,
      members,
      recordings: { region: recordings.region, awsRegion: recordings.awsRegion },
    };
  }

  if (config?.role === "region" && sizing !== undefined) {
    const s = sizing;
    const plan = s.plan;
    const vcpu = plan.node.vcpu;
    summary.overrides = s.overrides;
    summary.sizing = {
      mix: config.capacity.mix.preset ?? "custom",
      nodeType: plan.node.type,
      participants: s.planned.participants,
      rooms: s.planned.rooms,
      binding: plan.sfu.binding,
      utilisation: plan.sfu.utilisation,
      pools: [
        {
          pool: "sfu",
          kind: `${plan.node.type}, Karpenter pool, LiveKit HPA floor to ceiling (limit ${s.karpenterCpuLimits.sfu} vCPU = ${Math.floor(s.karpenterCpuLimits.sfu / vcpu)} nodes)`,
          floor: s.sfuNodes.min,
          peak: plan.sfu.peakNodes,
          ceiling: s.sfuNodes.max,
          unit: "nodes",
        },
        {
          pool: "egress",
          kind: `${plan.egress.nodeType}, Karpenter pool (limit ${s.karpenterCpuLimits.egress} vCPU); ${s.egressAutoscaling.minReplicas}-${s.egressAutoscaling.maxReplicas} recorder pods, ${plan.egress.pods} at peak`,
          floor: Math.ceil(s.egressAutoscaling.minReplicas / Math.max(1, plan.egress.podsPerNode)),
          peak: plan.egress.peakNodes,
          ceiling: plan.egress.maxNodes,
          unit: "nodes",
        },
        {
          pool: "system",
          kind: `${config.cluster.systemNodes.instanceType}, managed node group`,
          floor: config.cluster.systemNodes.min,
          peak: null,
          ceiling: config.cluster.systemNodes.max,
          unit: "nodes",
        },
        {
          pool: "general",
          kind: "Karpenter pool (spot allowed)",
          floor: 0,
          peak: null,
          ceiling: config.karpenter.generalCpuLimit,
          unit: "vCPU",
        },
      ],
      curve: sizingCurve(config),
    };
  }

  if (summary.role === "global") {
    const routed = ((outputs.regions ?? []) as any[]).map((r) => ({
      stack: String(r.stack),
      regionLabel: String(r.regionLabel),
      awsRegion: String(r.awsRegion),
    }));
    const leftOut = ((outputs.notDeployed ?? []) as string[]).map((stack) => ({
      stack,
      why:
        result.warnings.find((w) => w.startsWith(`region stack ${stack} `))?.replace(`region stack ${stack} `, "") ??
        "not deployed yet",
    }));
    summary.global = { routed, leftOut };
  }
  return summary;
}

export type CostView =
  | { available: false; why: string }
  | {
      available: true;
      monthlyUsd: number;
      estimate: boolean;
      byGroup: Record<string, number>;
      lines: { group: string; item: string; quantity: number; unit: string; monthlyUsd: number }[];
      /** Internet transfer at list and negotiated, and the cost per participant-minute, when the estimate has them. */
      figures?: CostFigures;
    };

/** The cost model's estimate as the summary and the report show it, whatever of it is present. */
export function costOf(cost: unknown): CostView {
  const c = cost as Record<string, any> | undefined;
  if (c === undefined || c === null) return { available: false, why: "no cost estimate in the sizing output" };
  if (typeof c.unavailable === "string") return { available: false, why: c.unavailable };
  // The estimate itself, or a wrapper holding it (`{ estimate: {...} }`).
  const estimate = (c.estimate !== null && typeof c.estimate === "object" ? c.estimate : c) as Record<string, any>;
  if (typeof estimate.monthlyUsd !== "number")
    return { available: false, why: "the sizing output's cost has no monthlyUsd" };
  const lines = Array.isArray(estimate.lines) ? estimate.lines : [];
  const hasFigures =
    typeof estimate.dataTransferOut?.gib === "number" &&
    typeof estimate.participantMinutes === "number" &&
    Array.isArray(estimate.managed);
  return {
    available: true,
    monthlyUsd: estimate.monthlyUsd,
    estimate: estimate.estimate === true,
    byGroup: (estimate.byGroup ?? {}) as Record<string, number>,
    lines,
    ...(hasFigures ? { figures: estimate as unknown as CostFigures } : {}),
  };
}

export const usd = (x: number) => `USD ${x.toLocaleString("en-US", { maximumFractionDigits: 0 })}`;
const pct = (x: number) => `${Math.round(x * 100)}%`;
const cell = (n: number | null) => (n === null ? "-" : String(n));

/** The summary as terminal text. */
export function formatSummary(s: PlanSummary): string {
  const lines: string[] = ["", `Summary (${s.stack}, ${s.role}${s.awsRegion ? `, ${s.awsRegion}` : ""}):`];
  if (s.sizing) {
    const z = s.sizing;
    lines.push(
      `  Sizing: ${z.participants} participants in ${z.rooms} rooms at peak (mix ${z.mix}), on ${z.nodeType};` +
        ` binding resource ${z.binding} (CPU ${pct(z.utilisation.cpu)}, network ${pct(z.utilisation.network)} at peak)`,
    );
    lines.push(
      `    ${"pool".padEnd(8)} ${"floor".padStart(6)} ${"peak".padStart(6)} ${"ceiling".padStart(8)}  unit   what`,
    );
    for (const p of z.pools) {
      lines.push(
        `    ${p.pool.padEnd(8)} ${cell(p.floor).padStart(6)} ${cell(p.peak).padStart(6)} ${cell(p.ceiling).padStart(8)}  ${p.unit.padEnd(6)} ${p.kind}`,
      );
    }
  }
  if (s.role === "region" || s.cost !== undefined) {
    const cost = costOf(s.cost);
    if (!cost.available) lines.push(`  Cost: not available (${cost.why})`);
    else {
      lines.push(`  Cost: ${usd(cost.monthlyUsd)} a month${cost.estimate ? " (estimate)" : ""}`);
      if (cost.figures) {
        lines.push(
          `    ${transferSentence(cost.figures, "set cost.negotiatedDataTransferOutPerGiB to price it at your rate", usd)}`,
        );
        lines.push(`    ${perMinuteSentence(cost.figures)}`);
      }
      for (const [group, value] of Object.entries(cost.byGroup)) lines.push(`    ${group.padEnd(20)} ${usd(value)}`);
    }
  }
  if (s.global) {
    lines.push(`  Regions routed: ${s.global.routed.map((r) => `${r.stack} (${r.awsRegion})`).join(", ") || "none"}`);
    lines.push(`  Regions left out: ${s.global.leftOut.length === 0 ? "none" : ""}`.trimEnd());
    for (const r of s.global.leftOut) lines.push(`    ${r.stack}: ${r.why}`);
  }
  if (s.rooms) {
    lines.push(`  Global rooms mode: hub ${s.rooms.hub} (${s.rooms.hubAwsRegion}), its Redis shared by every region`);
    for (const m of s.rooms.members) {
      lines.push(
        `    member ${m.stack} (${m.awsRegion}): every join and relayed signalling message crosses to the hub, at least ${m.addedRoundTripFloorMs} ms a round trip (fibre floor; measure it)`,
      );
    }
    lines.push(
      `    recordings: made and stored in ${s.rooms.recordings.region} (${s.rooms.recordings.awsRegion}); members run no Egress`,
    );
  }
  lines.push(`  Internet exposure (open to 0.0.0.0/0 or ::/0): ${s.exposure.length === 0 ? "none" : ""}`.trimEnd());
  for (const e of s.exposure) {
    lines.push(`    ${e.protocol.padEnd(11)} ${e.ports.padEnd(12)} ${e.sources.join(", ").padEnd(20)} ${e.on}`);
  }
  lines.push(`  Capacity overrides: ${s.overrides.length === 0 ? "none" : ""}`.trimEnd());
  for (const o of s.overrides) lines.push(`    ${o}`);
  lines.push(`  Warnings: ${s.warnings.length === 0 ? "none" : s.warnings.length}`);
  return lines.join("\n");
}
