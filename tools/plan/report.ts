/**
 * `report.html`: the plan as one self-contained page (inline CSS and SVG, no script, no external font or
 * image; its Content-Security-Policy forbids loading anything). The component tree, the internet exposure,
 * a sizing chart (participants vs SFU nodes for the region's mix, with this stack's point), the node pools,
 * the cost breakdown when the cost model gives one (groups by amount, each with a bar; lines by amount), for the
 * global stack its regions, DNS records, health checks and routing, and with `--diff` what changed. Built from the
 * masked plan, like the summary.
 */
import { formatChangeSummary, PlanDiff } from "./diff";
import { PlannedResource, PlanResult } from "./result";
import { dnsRecordsOf, healthChecksOf, loadBalancersOf } from "./routing";
import { costOf, PlanSummary, SizingPoint, usd } from "./summary";

const escape = (text: unknown): string =>
  String(text).replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!,
  );

/** Components nested by parent, each with the counts of the resources it creates. */
function componentTree(resources: PlannedResource[]): string {
  const children = new Map<string | null, PlannedResource[]>();
  for (const r of resources) children.set(r.parent, [...(children.get(r.parent) ?? []), r]);
  const node = (r: PlannedResource): string => {
    const kids = children.get(r.urn) ?? [];
    const counts = new Map<string, number>();
    for (const kid of kids) if (kid.custom) counts.set(kid.type, (counts.get(kid.type) ?? 0) + 1);
    const countItems = [...counts]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([type, n]) => `<li class="res"><span class="n">${n} ×</span> ${escape(type)}</li>`);
    const components = kids.filter((k) => !k.custom).map(node);
    return `<li><details open><summary><b>${escape(r.name)}</b> <span class="type">${escape(r.type)}</span></summary><ul>${[...countItems, ...components].join("")}</ul></details></li>`;
  };
  return `<ul class="tree">${(children.get(null) ?? []).map((r) => (r.custom ? `<li>${escape(r.type)} ${escape(r.name)}</li>` : node(r))).join("")}</ul>`;
}

/** Participants (x) vs SFU nodes at peak (y), a line over the curve and a dot at this stack's demand. */
export function sizingChart(curve: SizingPoint[], here: SizingPoint, mix: string): string {
  const width = 640;
  const height = 320;
  const pad = { left: 56, right: 32, top: 16, bottom: 44 };
  const maxX = Math.max(...curve.map((p) => p.participants), here.participants, 1);
  const maxY = Math.max(...curve.map((p) => p.sfuNodes), here.sfuNodes, 1);
  const x = (v: number) => pad.left + (v / maxX) * (width - pad.left - pad.right);
  const y = (v: number) => height - pad.bottom - (v / maxY) * (height - pad.top - pad.bottom);
  const ticks = (max: number) => [0, 0.25, 0.5, 0.75, 1].map((f) => Math.round(max * f));
  const points = curve.map((p) => `${x(p.participants).toFixed(1)},${y(p.sfuNodes).toFixed(1)}`).join(" ");
  return `<svg class="chart" id="sizing-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg">
  <title>Participants vs SFU nodes at peak, mix ${escape(mix)}</title>
  <rect x="0" y="0" width="${width}" height="${height}" fill="#fff"/>
  ${ticks(maxX)
    .map(
      (t) =>
        `<line x1="${x(t)}" y1="${pad.top}" x2="${x(t)}" y2="${height - pad.bottom}" stroke="#eee"/><text x="${x(t)}" y="${height - pad.bottom + 16}" text-anchor="middle" font-size="11">${t.toLocaleString("en-US")}</text>`,
    )
    .join("\n  ")}
  ${ticks(maxY)
    .map(
      (t) =>
        `<line x1="${pad.left}" y1="${y(t)}" x2="${width - pad.right}" y2="${y(t)}" stroke="#eee"/><text x="${pad.left - 6}" y="${y(t) + 4}" text-anchor="end" font-size="11">${t}</text>`,
    )
    .join("\n  ")}
  <line x1="${pad.left}" y1="${height - pad.bottom}" x2="${width - pad.right}" y2="${height - pad.bottom}" stroke="#333"/>
  <line x1="${pad.left}" y1="${pad.top}" x2="${pad.left}" y2="${height - pad.bottom}" stroke="#333"/>
  <polyline points="${points}" fill="none" stroke="#2563eb" stroke-width="2"/>
  <circle cx="${x(here.participants)}" cy="${y(here.sfuNodes)}" r="6" fill="#dc2626"><title>this stack: ${here.participants} participants, ${here.sfuNodes} SFU nodes</title></circle>
  <text x="${x(here.participants) + 9}" y="${y(here.sfuNodes) - 9}" font-size="12" fill="#dc2626">this stack: ${here.sfuNodes} nodes</text>
  <text x="${(pad.left + width - pad.right) / 2}" y="${height - 8}" text-anchor="middle" font-size="12">concurrent participants at peak</text>
  <text x="14" y="${(pad.top + height - pad.bottom) / 2}" text-anchor="middle" font-size="12" transform="rotate(-90 14 ${(pad.top + height - pad.bottom) / 2})">SFU nodes at peak</text>
</svg>`;
}

/** Floor, peak and ceiling of each node pool as grouped bars. */
function poolChart(summary: PlanSummary): string {
  const pools = (summary.sizing?.pools ?? []).filter((p) => p.unit === "nodes");
  const width = 640;
  const rowHeight = 54;
  const height = pools.length * rowHeight + 28;
  const max = Math.max(1, ...pools.flatMap((p) => [p.floor ?? 0, p.peak ?? 0, p.ceiling ?? 0]));
  const scale = (v: number) => (v / max) * (width - 200);
  const colours: [keyof (typeof pools)[number], string][] = [
    ["floor", "#93c5fd"],
    ["peak", "#2563eb"],
    ["ceiling", "#1e3a8a"],
  ];
  const rows = pools
    .map((p, i) => {
      const top = 8 + i * rowHeight;
      const bars = colours
        .map(([field, colour], j) => {
          const v = (p[field] as number | null) ?? 0;
          return `<rect x="90" y="${top + j * 15}" width="${Math.max(1, scale(v)).toFixed(1)}" height="12" fill="${colour}"/><text x="${96 + scale(v)}" y="${top + j * 15 + 10}" font-size="11">${field} ${p[field] ?? "-"}</text>`;
        })
        .join("");
      return `<text x="0" y="${top + 24}" font-size="12">${escape(p.pool)}</text>${bars}`;
    })
    .join("\n  ");
  return `<svg class="chart" id="pool-chart" role="img" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" xmlns="http://www.w3.org/2000/svg"><title>Nodes per pool: floor, peak, ceiling</title>
  ${rows}
</svg>`;
}

/** A number as people read it: whole above 100, else at most 3 significant digits; thousands separated. */
export function readable(x: number): string {
  if (!Number.isFinite(x)) return String(x);
  if (Math.abs(x) >= 100 || Number.isInteger(x)) return Math.round(x).toLocaleString("en-US");
  return Number(x.toPrecision(3)).toLocaleString("en-US", { maximumSignificantDigits: 3 });
}

/** Cost by group, largest first, each with its share and a bar; then every line, largest first. */
function costSection(cost: Extract<ReturnType<typeof costOf>, { available: true }>): string {
  const byGroup = { ...cost.byGroup };
  if (Object.keys(byGroup).length === 0)
    for (const l of cost.lines) byGroup[l.group] = (byGroup[l.group] ?? 0) + l.monthlyUsd;
  const groups = Object.entries(byGroup).sort(([, a], [, b]) => b - a);
  const total = cost.monthlyUsd > 0 ? cost.monthlyUsd : 1;
  const largest = Math.max(1, ...groups.map(([, v]) => v));
  const groupRows = groups
    .map(
      ([group, value]) =>
        `<tr><td>${escape(group)}</td><td class="num">${escape(usd(value))}</td><td class="num">${Math.round((value / total) * 100)}%</td><td class="barcell"><span class="bar" style="width:${((value / largest) * 100).toFixed(1)}%"></span></td></tr>`,
    )
    .join("");
  const lines = [...cost.lines].sort((a, b) => b.monthlyUsd - a.monthlyUsd);
  return `<table id="cost-groups"><thead><tr><th>group</th><th>USD a month</th><th>share</th><th></th></tr></thead><tbody>${groupRows}</tbody></table>${
    lines.length > 0
      ? `<details><summary>Every line (${lines.length})</summary>${table(
          ["group", "item", "quantity", "unit", "USD a month"],
          lines.map((l) => [l.group, l.item, readable(l.quantity), l.unit, usd(l.monthlyUsd)]),
          "cost-lines",
        )}</details>`
      : ""
  }`;
}

/** What the plan publishes in DNS and how it routes between regions. */
function routingSection(resources: PlannedResource[]): string {
  const records = dnsRecordsOf(resources);
  const checks = healthChecksOf(resources);
  const balancers = loadBalancersOf(resources);
  const parts = [
    `<h3>DNS records</h3>${
      records.length === 0
        ? "<p>none</p>"
        : table(
            ["name", "type", "answer", "routing", "health check"],
            records.map((r) => [r.name, r.type, r.answer, r.routing || "simple", r.healthCheck || "-"]),
            "dns-records",
          )
    }`,
    `<h3>Health checks</h3>${
      checks.length === 0
        ? "<p>none</p>"
        : table(
            ["check", "probes", "how"],
            checks.map((c) => [c.key, c.target, c.how]),
            "health-checks",
          )
    }`,
  ];
  if (balancers.length > 0) {
    parts.push(
      `<h3>Load balancers</h3>${table(
        ["hostname", "steering", "pools"],
        balancers.map((b) => [b.hostname, b.steering, b.pools]),
        "load-balancers",
      )}`,
    );
  }
  return `<section id="routing"><h2>DNS and routing</h2>${parts.join("\n")}</section>`;
}

/** The diff against another plan: its summary, then the resources that change. */
function diffSection(diff: PlanDiff): string {
  const summary = formatChangeSummary(diff).map((l) => escape(l.replace(/^ {2}/, "")));
  const rows = [
    ...diff.added.map((r) => ["add", r.type, r.name, ""]),
    ...diff.removed.map((r) => ["remove", r.type, r.name, ""]),
    ...diff.changed.map((r) => [
      r.replacedBy.length > 0 ? "replace" : "update",
      r.type,
      r.formerly ? `${r.formerly.name} → ${r.name}` : r.name,
      r.changes
        .slice(0, 4)
        .map((c) => c.path)
        .join(", ") + (r.changes.length > 4 ? `, ... ${r.changes.length - 4} more` : ""),
    ]),
  ];
  return `<section id="diff"><h2>Changes</h2><pre id="diff-summary">${summary.join("\n")}</pre>${
    rows.length === 0 ? "<p>No resource changes.</p>" : table(["what", "type", "name", "paths"], rows, "diff-resources")
  }${
    diff.files.length === 0
      ? ""
      : `<p>Files that differ (line diffs in diff.txt): ${diff.files.map((f) => `<code>${escape(f.path)}</code>`).join(", ")}</p>`
  }</section>`;
}

function table(headers: string[], rows: unknown[][], id?: string): string {
  return `<table${id ? ` id="${id}"` : ""}><thead><tr>${headers.map((h) => `<th>${escape(h)}</th>`).join("")}</tr></thead><tbody>${rows
    .map((r) => `<tr>${r.map((c) => `<td>${escape(c ?? "-")}</td>`).join("")}</tr>`)
    .join("")}</tbody></table>`;
}

export function renderReport(result: PlanResult, summary: PlanSummary, diff?: PlanDiff): string {
  const title = `${result.project}/${result.stack}`;
  const sections: string[] = [];
  const facts: [string, unknown][] = [
    ["stack", summary.stack],
    ["role", summary.role],
    ["AWS region", summary.awsRegion ?? "-"],
    ["resources to create", summary.counts.create],
    ["read", summary.counts.read],
  ];
  if (summary.regionLabel) facts.splice(2, 0, ["region", summary.regionLabel]);
  sections.push(
    `<section id="facts"><dl>${facts.map(([k, v]) => `<dt>${escape(k)}</dt><dd data-fact="${escape(k)}">${escape(v)}</dd>`).join("")}</dl></section>`,
  );
  if (diff !== undefined) sections.push(diffSection(diff));

  const z = summary.sizing;
  if (z) {
    const sfu = z.pools.find((p) => p.pool === "sfu");
    sections.push(`<section id="sizing"><h2>Sizing</h2>
<p>${z.participants.toLocaleString("en-US")} participants in ${z.rooms.toLocaleString("en-US")} rooms at peak, mix <b>${escape(z.mix)}</b>, on ${escape(z.nodeType)}; the binding resource is <b>${escape(z.binding)}</b> (CPU ${Math.round(z.utilisation.cpu * 100)}%, network ${Math.round(z.utilisation.network * 100)}% at peak).</p>
${table(
  ["pool", "floor", "peak", "ceiling", "unit", "what"],
  z.pools.map((p) => [p.pool, p.floor, p.peak, p.ceiling, p.unit, p.kind]),
  "pools",
)}
<figure>${sizingChart(z.curve, { participants: z.participants, sfuNodes: sfu?.peak ?? 0 }, z.mix)}<figcaption>SFU nodes at peak for mix ${escape(z.mix)} on ${escape(z.nodeType)}, by participants; the dot is this stack.</figcaption></figure>
<figure>${poolChart(summary)}<figcaption>Nodes per pool at floor, peak and ceiling.</figcaption></figure>
</section>`);
  }

  if (summary.role === "region" || summary.cost !== undefined) {
    const cost = costOf(summary.cost);
    sections.push(
      `<section id="cost"><h2>Cost</h2>${
        cost.available
          ? `<p>${escape(usd(cost.monthlyUsd))} a month${cost.estimate ? " (estimate: some prices are estimates)" : ""}.</p>${costSection(cost)}`
          : `<p>Cost: not available (${escape(cost.why)}).</p>`
      }</section>`,
    );
  }

  if (summary.global) {
    sections.push(`<section id="regions"><h2>Regions</h2>
${table(
  ["stack", "region label", "AWS region"],
  summary.global.routed.map((r) => [r.stack, r.regionLabel, r.awsRegion]),
  "routed",
)}
<h3>Left out</h3>${
      summary.global.leftOut.length === 0
        ? "<p>none</p>"
        : table(
            ["stack", "why"],
            summary.global.leftOut.map((r) => [r.stack, r.why]),
            "left-out",
          )
    }
</section>`);
  }

  if (summary.global) sections.push(routingSection(result.resources));

  sections.push(`<section id="exposure"><h2>Internet exposure</h2><p>Every port range open to 0.0.0.0/0 or ::/0.</p>
${
  summary.exposure.length === 0
    ? "<p>none</p>"
    : table(
        ["protocol", "ports", "open to", "on"],
        summary.exposure.map((e) => [e.protocol, e.ports, e.sources.join(", "), e.on]),
        "exposure-table",
      )
}
</section>`);

  sections.push(`<section id="overrides"><h2>Capacity overrides and warnings</h2>
<ul>${summary.overrides.map((o) => `<li>override: ${escape(o)}</li>`).join("") || "<li>no capacity overrides</li>"}${summary.warnings.map((w) => `<li>warning: ${escape(w)}</li>`).join("")}</ul>
</section>`);

  sections.push(`<section id="components"><h2>Components</h2>${componentTree(result.resources)}</section>`);

  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Plan: ${escape(title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #111; max-width: 1100px; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.2rem; margin-top: 2rem; border-bottom: 1px solid #ddd; }
dl { display: grid; grid-template-columns: max-content auto; gap: .2rem 1rem; } dt { font-weight: 600; }
table { border-collapse: collapse; margin: .5rem 0; } th, td { border: 1px solid #ddd; padding: .25rem .5rem; text-align: left; font-size: .9rem; }
th { background: #f5f5f5; } .type { color: #666; font-size: .85rem; } .n { display: inline-block; min-width: 3em; text-align: right; }
ul.tree, ul.tree ul { list-style: none; padding-left: 1.2rem; } li.res { font-size: .85rem; color: #333; }
svg.chart { display: block; border: 1px solid #eee; max-width: 100%; height: auto; }
td.num { text-align: right; font-variant-numeric: tabular-nums; } td.barcell { width: 320px; }
.bar { display: inline-block; height: .8rem; background: #2563eb; min-width: 1px; } pre { background: #f8f8f8; padding: .5rem; }
</style>
</head>
<body>
<h1>Plan of ${escape(title)}</h1>
${sections.join("\n")}
</body>
</html>
`;
}
