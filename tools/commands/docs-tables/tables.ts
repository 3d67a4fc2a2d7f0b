/**
 * The docs' tables of sizing and cost, each printed by the command that computes its numbers: the capacity command
 * (`npm run capacity`, run in process with `--json`). A table takes the capacity command's own flags
 * (`--participants`, `--regions`, `--mix`, ...) plus, for two, one flag of its own (`--mixes`). Pure: no Pulumi
 * (the tables read from the stack files are in stack-tables.ts).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { CapacityPlan, CostEstimate, CostGroup, COST_GROUPS, PINNED_PRICES, unitPrice } from "../../../lib/capacity";
import {
  AUDIO_ROOM_COMPOSITE_CPU_COST,
  ROOM_COMPOSITE_CPU_COST,
  TRACK_COMPOSITE_CPU_COST,
} from "../../../lib/capacity/rules";
import { withClientDefaults } from "../../../lib/capacity/room-mix";
import { main as capacity } from "../capacity";
import { Alignment, markdownTable } from "./markdown";

/** A table's flags cannot make a table: exit 2 with this line. */
export class TableInputError extends Error {}

/** One region of `npm run capacity -- --json`. */
interface RegionReport {
  name: string;
  awsRegion: string;
  plan: CapacityPlan;
  cost: CostEstimate;
}

/** What `npm run -s capacity -- ... --json` prints. */
interface CapacityReport {
  participants: number;
  monthlyUsd: number;
  regions: RegionReport[];
}

export interface DocTable {
  /** What it shows, and the flags of its own (the capacity command's flags come after them). */
  help: string;
  render(args: string[]): string[];
}

export const int = (n: number) => Math.round(n).toLocaleString("en-US");
const pct = (f: number) => `${Math.round(f * 100)}%`;
const usd = (n: number) => `$${int(n)}`;
const signedUsd = (n: number) => `${n < 0 ? "-" : "+"}${usd(Math.abs(n))}`;
const code = (text: string) => `\`${text}\``;

/** The capacity command's answer for these flags, or its error line. */
export function capacityReport(argv: string[]): CapacityReport {
  let json = "";
  const errors: string[] = [];
  const exit = capacity([...argv, "--json"], {
    log: (line) => (json += `${line}\n`),
    error: (line) => errors.push(line),
  });
  if (exit !== 0)
    throw new TableInputError(
      `npm run capacity -- ${argv.join(" ")}: ${errors.map((e) => e.replace(/^error: /, "")).join("; ")}`,
    );
  return JSON.parse(json) as CapacityReport;
}

/** The single region a per-region table describes. */
function oneRegion(report: CapacityReport, table: string): RegionReport {
  if (report.regions.length !== 1)
    throw new TableInputError(`${table}: describes one region: give --regions with one name`);
  return report.regions[0];
}

/** A flag of the table's own, taken out of the flags passed on to the capacity command. */
export function takeFlag(args: string[], flag: string, table: string): { value: string; rest: string[] } {
  const at = args.indexOf(flag);
  const value = args[at + 1];
  if (at < 0 || value === undefined || value.startsWith("--"))
    throw new TableInputError(`${table}: ${flag} <value> is required`);
  return { value, rest: [...args.slice(0, at), ...args.slice(at + 2)] };
}

export const list = (value: string) => value.split(",").filter((v) => v !== "");

/** Runs `use` with a folder for the what-if files a table writes, and removes it. */
function withScratch<T>(use: (write: (name: string, content: unknown) => string) => T): T {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "docs-tables-"));
  try {
    return use((name, content) => {
      const file = path.join(dir, name);
      fs.writeFileSync(file, JSON.stringify(content));
      return file;
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const GROUP_LABELS: Record<CostGroup, string> = {
  dataTransferOut: "data transfer out to the internet",
  sfuNodes: "SFU nodes",
  egressNodes: "egress nodes (recorders)",
  systemNodes: "system nodes",
  eksControlPlane: "EKS control plane",
  natGateways: "NAT gateways (private nodes only)",
  publicIpv4: "public IPv4 addresses",
  loadBalancers: "load balancers (ALB, TURN NLB)",
  elasticache: "ElastiCache Redis",
  ebs: "EBS volumes",
  s3Recordings: "S3 recordings",
  cloudwatchLogs: "CloudWatch Logs (control plane, VPC flow log)",
  interAz: "in-region hops (recorders, TURN relay)",
};

const groupTotal = (regions: RegionReport[], group: CostGroup) =>
  regions.reduce((sum, r) => sum + r.cost.byGroup[group], 0);

/** The pinned internet transfer price of the top volume tier in a region. */
const listTransferPrice = (awsRegion: string) => PINNED_PRICES.regions[awsRegion].dataTransferOutTiers.at(-1)!;

/** What a change of one input does to one region's bill: each lever is a set of capacity flags. */
interface Lever {
  lever: string;
  how: string;
  flags(base: RegionReport, write: (name: string, content: unknown) => string): string[];
}

const LEVERS: Lever[] = [
  { lever: "as given", how: "", flags: () => [] },
  {
    lever: "clients on livekit-client's defaults (no adaptive stream, no dynacast)",
    how: "`--mix` file: each room kind through `withClientDefaults`",
    flags: (base, write) => [
      "--mix",
      write("client-defaults-mix.json", {
        name: `${base.plan.mix.name}, livekit-client defaults`,
        kinds: base.plan.mix.kinds.map((kind) => ({ ...withClientDefaults(kind), share: kind.share })),
      }),
    ],
  },
  {
    lever: "internet transfer negotiated to $0.03/GiB",
    how: "`--prices` file: one `dataTransferOutTiers` tier at 0.03",
    flags: (base, write) => [
      "--prices",
      write("negotiated-transfer.json", {
        regions: {
          [base.awsRegion]: {
            dataTransferOutTiers: [
              // A what-if, not a price anyone read: dated as the list price it stands in for.
              { upToGB: null, usd: 0.03, source: "a what-if", read: listTransferPrice(base.awsRegion).read },
            ],
          },
        },
      }),
    ],
  },
  {
    lever: "4 h a day at peak, 10% of peak otherwise",
    how: code("--peak-hours 4 --off-peak-share 0.1"),
    flags: () => ["--peak-hours", "4", "--off-peak-share", "0.1"],
  },
  {
    lever: "weekends at 30% of a weekday",
    how: code("--weekend-share 0.3"),
    flags: () => ["--weekend-share", "0.3"],
  },
  { lever: "no recording", how: code("--recording 0"), flags: () => ["--recording", "0"] },
  {
    lever: "recordings stay in AWS (no downloads)",
    how: code("--recording-downloads 0"),
    flags: () => ["--recording-downloads", "0"],
  },
  { lever: "a 30% savings plan on EC2", how: code("--savings-plan 0.3"), flags: () => ["--savings-plan", "0.3"] },
  {
    lever: "c7a.2xlarge SFU nodes (its CPU factor is an estimate)",
    how: code("--node c7a.2xlarge"),
    flags: () => ["--node", "c7a.2xlarge"],
  },
];

/**
 * One region's cost per participant-minute beside the managed services' for the calls alone: self-hosted with
 * every line, without recording, and without recording under `--negotiated-transfer` when given; then each
 * service (an estimate marked *), and self-hosted without recording against the cheapest of them.
 */
function perMinuteTable(rows: { label: string; region: RegionReport }[], first: string): string[] {
  const negotiated = rows[0].region.cost.dataTransferOut.negotiated;
  const services = rows[0].region.cost.managed;
  const body = rows.map(({ label, region }) => {
    const c = region.cost;
    const p = c.perParticipantMinute;
    const cheapest = [...c.managed].sort((a, b) => a.monthlyUsd - b.monthlyUsd)[0];
    const against = (c.monthlyUsd - c.recordingUsd) / cheapest.monthlyUsd - 1;
    return [
      label,
      `${(c.participantMinutes / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} M`,
      unitPrice(p.usd),
      unitPrice(p.withoutRecordingUsd),
      ...(negotiated ? [unitPrice(p.negotiated!.withoutRecordingUsd)] : []),
      ...c.managed.map((m) => `${unitPrice(m.usdPerParticipantMinute)}${m.estimate ? "*" : ""}`),
      `${against < 0 ? "" : "+"}${pct(against)} against ${cheapest.name}`,
    ];
  });
  return markdownTable(
    [
      first,
      "participant-minutes a month",
      "self-hosted",
      "without recording",
      ...(negotiated ? [`without recording, transfer at ${unitPrice(negotiated.usdPerGiB)}/GiB`] : []),
      ...services.map((m) => m.name),
      "self-hosted without recording, at list",
    ],
    body,
    ["left", ...body[0].slice(1, -1).map((): Alignment => "right"), "left"],
  );
}

/** The tables whose numbers come from the capacity command. */
export const CAPACITY_TABLES: Record<string, DocTable> = {
  sizing: {
    help: "one region's SFU and egress sizes for each mix: --mixes <a,b,...>",
    render(args) {
      const { value, rest } = takeFlag(args, "--mixes", "sizing");
      const rows = list(value).map((mix) => {
        const { plan } = oneRegion(capacityReport([...rest, "--mix", mix]), "sizing");
        const { sfu, egress } = plan;
        return [
          mix,
          int(sfu.peakNodes),
          sfu.binding,
          `${pct(sfu.utilisation.cpu)} / ${pct(sfu.utilisation.network)}`,
          `${int(sfu.minNodes)} / ${int(sfu.maxNodes)}`,
          int(egress.recordings),
          `${int(egress.pods)} + ${int(egress.idlePods)}`,
          int(egress.peakNodes),
        ];
      });
      return markdownTable(
        [
          "mix",
          "SFU nodes at peak",
          "binds",
          "CPU / network at peak",
          "SFU nodes min / max",
          "recordings",
          "egress pods, busy + idle",
          "egress nodes at peak",
        ],
        rows,
        ["left", "right", "left", "right", "right", "right", "right", "right"],
      );
    },
  },

  "cost-by-region": {
    help: "the monthly cost of each region and the total, by item, largest first",
    render(args) {
      const { regions, monthlyUsd } = capacityReport(args);
      const several = regions.length > 1;
      const groups = COST_GROUPS.filter((g) => groupTotal(regions, g) > 0).sort(
        (a, b) => groupTotal(regions, b) - groupTotal(regions, a),
      );
      const row = (label: string, amounts: number[], total: number) => [
        label,
        ...amounts.map(usd),
        ...(several ? [usd(total)] : []),
        pct(total / monthlyUsd),
      ];
      return markdownTable(
        ["item", ...regions.map((r) => `${r.name} (${r.awsRegion})`), ...(several ? ["total"] : []), "share"],
        [
          ...groups.map((g) =>
            row(
              GROUP_LABELS[g],
              regions.map((r) => r.cost.byGroup[g]),
              groupTotal(regions, g),
            ),
          ),
          row(
            "total a month",
            regions.map((r) => r.cost.monthlyUsd),
            monthlyUsd,
          ),
        ],
        ["left", ...regions.map((): Alignment => "right"), ...(several ? ["right" as const] : []), "right"],
      );
    },
  },

  "cost-by-mix": {
    help: "the monthly cost of all the regions together for each mix, and its largest items: --mixes <a,b,...>",
    render(args) {
      const { value, rest } = takeFlag(args, "--mixes", "cost-by-mix");
      const rows = list(value).map((mix) => {
        const { regions, monthlyUsd } = capacityReport([...rest, "--mix", mix]);
        const share = (g: CostGroup) => pct(groupTotal(regions, g) / monthlyUsd);
        return [mix, usd(monthlyUsd), share("dataTransferOut"), share("sfuNodes"), share("egressNodes")];
      });
      return markdownTable(["mix", "a month", "data transfer out", "SFU nodes", "egress nodes"], rows, [
        "left",
        "right",
        "right",
        "right",
        "right",
      ]);
    },
  },

  "cost-levers": {
    help: "what each lever does to one region's monthly cost",
    render(args) {
      const base = oneRegion(capacityReport(args), "cost-levers");
      const rows = withScratch((write) =>
        LEVERS.map(({ lever, how, flags }) => {
          const region = oneRegion(capacityReport([...args, ...flags(base, write)]), "cost-levers");
          const change = region.cost.monthlyUsd - base.cost.monthlyUsd;
          return [
            lever,
            how,
            int(region.plan.sfu.peakNodes),
            usd(region.cost.monthlyUsd),
            how === "" ? "" : `${signedUsd(change)} (${change < 0 ? "" : "+"}${pct(change / base.cost.monthlyUsd)})`,
          ];
        }),
      );
      return markdownTable(["lever", "capacity flags", "SFU nodes at peak", "a month", "change"], rows, [
        "left",
        "left",
        "right",
        "right",
        "right",
      ]);
    },
  },

  "per-minute-by-mix": {
    help: "one region's cost per participant-minute beside the managed services', for each mix: --mixes <a,b,...>",
    render(args) {
      const { value, rest } = takeFlag(args, "--mixes", "per-minute-by-mix");
      const rows = list(value).map((mix) => ({
        label: mix,
        region: oneRegion(capacityReport([...rest, "--mix", mix]), "per-minute-by-mix"),
      }));
      return perMinuteTable(rows, "mix");
    },
  },

  "per-minute-by-scale": {
    help: "one region's cost per participant-minute beside the managed services', for each demand: --scales <n,n,...>",
    render(args) {
      const { value, rest } = takeFlag(args, "--scales", "per-minute-by-scale");
      const rows = list(value).map((participants) => ({
        label: int(Number(participants)),
        region: oneRegion(capacityReport([...rest, "--participants", participants]), "per-minute-by-scale"),
      }));
      return perMinuteTable(rows, "participants at peak");
    },
  },

  "egress-pool": {
    help: "one region's recorder pool at peak: recordings, pods, nodes and the autoscaler's and NodePool's bounds",
    render(args) {
      const { plan } = oneRegion(capacityReport(args), "egress-pool");
      const e = plan.egress;
      return markdownTable(
        ["recorder pool", "at peak"],
        [
          ["concurrent recordings", int(e.recordings)],
          ["busy pods", int(e.pods)],
          ["idle pool (the autoscaler's floor)", int(e.idlePods)],
          [`pods, busy and idle, on ${e.nodeType} nodes`, `${int(e.peakPods)} on ${int(e.peakNodes)}`],
          ["the autoscaler's ceiling", `${int(e.hpa.maxReplicas)} pods on ${int(e.maxNodes)} nodes`],
          [
            "the egress NodePool's CPU limit",
            `${int(plan.karpenter.egressCpuLimit)} vCPU (${int(e.limitNodes)} nodes)`,
          ],
        ],
        ["left", "right"],
      );
    },
  },

  "egress-per-node": {
    help: "recordings one egress pod and one egress node admit, by kind",
    render(args) {
      const { egress } = oneRegion(capacityReport(args), "egress-per-node").plan;
      const kinds: [string, number, keyof typeof egress.recordingsPerPod][] = [
        ["room composite, video", ROOM_COMPOSITE_CPU_COST, "roomComposite"],
        ["track composite", TRACK_COMPOSITE_CPU_COST, "trackComposite"],
        ["audio-only room composite", AUDIO_ROOM_COMPOSITE_CPU_COST, "audioOnly"],
      ];
      return markdownTable(
        ["recording", "egress CPU cost", "per pod", `per ${egress.nodeType} (${egress.podsPerNode} pods)`],
        kinds.map(([name, cost, key]) => [
          name,
          String(cost),
          int(egress.recordingsPerPod[key]),
          int(egress.recordingsPerNode[key]),
        ]),
        ["left", "right", "right", "right"],
      );
    },
  },

  "server-limits": {
    help: "what one region's LiveKit and Coturn enforce, from the capacity model",
    render(args) {
      const { plan } = oneRegion(capacityReport(args), "server-limits");
      const { hpa, livekitServer, turn } = plan;
      return markdownTable(
        ["setting", "value"],
        [
          ["LiveKit pod's CPU request (each SFU node's share for LiveKit)", `${plan.sfuPod.cpuRequestMillicores}m`],
          [
            "LiveKit HPA: min / max pods, CPU target",
            `${hpa.minReplicas} / ${hpa.maxReplicas}, ${hpa.targetCpuUtilizationPercent}%`,
          ],
          [`livekit ${code("node_selector.cpu_load_limit")}`, String(livekitServer.placement.cpuLoadLimit)],
          [`livekit ${code("limit.num_tracks")}`, int(livekitServer.placement.numTracks)],
          [`livekit ${code("limit.bytes_per_sec")}`, int(livekitServer.placement.bytesPerSec)],
          [`livekit ${code("room.max_participants")}`, int(livekitServer.maxParticipants)],
          ["Coturn: participants per node at peak", int(turn.participantsPerNode)],
          ["Coturn: allocations per node at peak", int(turn.allocationsPerNode)],
          [`Coturn ${code("total-quota")}`, int(turn.totalQuota)],
          [`Coturn ${code("max-bps")} (bytes a second per session)`, int(turn.maxBytesPerSecond)],
          ["Coturn: relay traffic per node at peak, Mbps each way", turn.relayMbpsPerNode.toFixed(1)],
        ],
        ["left", "right"],
      );
    },
  },
};
