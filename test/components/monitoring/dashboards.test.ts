import { renderAlertRules } from "../../../components/monitoring/alert-rules";
import {
  GrafanaDashboard,
  Panel,
  renderDashboards,
  renderLivekitOverviewDashboard,
  renderPlatformDashboard,
} from "../../../components/monitoring/dashboards";
import { dashboardQueries, expandGrafanaVariables } from "../../support/dashboards";
import { lookupMetric, metricCatalog, seriesSelectors, TARGET_LABELS } from "../../support/metrics";

const dashboards: GrafanaDashboard[] = [renderLivekitOverviewDashboard(), renderPlatformDashboard()];

const panelsOf = (d: GrafanaDashboard): Panel[] => d.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
const dataPanels = (d: GrafanaDashboard): Panel[] => panelsOf(d).filter((p) => p.type !== "row");

describe.each(dashboards.map((d) => [d.title, d] as const))("dashboard %s", (_title, d) => {
  it("has a stable uid, a Prometheus data-source variable and region and node variables", () => {
    expect(d.uid).toMatch(/^[a-z0-9-]{1,40}$/);
    const vars = Object.fromEntries(d.templating.list.map((v) => [v.name, v]));
    expect(vars.datasource).toMatchObject({ type: "datasource", query: "prometheus" });
    for (const name of ["region", "node"]) {
      expect(vars[name]).toMatchObject({
        type: "query",
        includeAll: true,
        allValue: ".*",
        multi: true,
        datasource: { uid: "${datasource}" },
      });
    }
  });

  it("queries the chosen data source from every panel and target", () => {
    for (const p of dataPanels(d)) {
      expect(p.datasource).toEqual({ type: "prometheus", uid: "${datasource}" });
      expect(p.targets?.length).toBeGreaterThan(0);
      for (const t of p.targets ?? []) expect(t.datasource.uid).toBe("${datasource}");
    }
  });

  it("filters every series by the region variable", () => {
    // all but the region variable's own `label_values(<metric>, region)` selector
    for (const q of dashboardQueries(d).filter((x) => !/^\w+$/.test(x))) {
      for (const s of seriesSelectors(q))
        expect({ q, metric: s.metric, region: s.matcherLabels.includes("region") }).toEqual({
          q,
          metric: s.metric,
          region: true,
        });
    }
  });

  // The node variable holds LiveKit node ids on the overview and Kubernetes node names on the platform
  // dashboard; a series carrying a label with such a name must follow the variable, or picking one node shows all.
  it("filters every series that names a node by the node variable", () => {
    const nodeLabels: readonly string[] = NODE_LABELS[d.uid as keyof typeof NODE_LABELS];
    // the panels' queries, not the variables' own selectors
    for (const q of dataPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr))) {
      for (const s of seriesSelectors(q)) {
        const named = lookupMetric(s.metric)!.labels.filter((l) => nodeLabels.includes(l));
        if (named.length === 0) continue;
        expect({ q, metric: s.metric, filtered: named.some((l) => s.matcherLabels.includes(l)) }).toEqual({
          q,
          metric: s.metric,
          filtered: true,
        });
      }
    }
  });

  // These metrics hold series of different kinds side by side (node-exporter's CPU seconds per mode, Karpenter's
  // resources per resource_type, LiveKit's CPU load of SFU and egress nodes per node_type): a sum over kinds is a
  // number of no meaning, so each selector picks one kind with an equality matcher.
  it("picks one kind of series from metrics that mix kinds", () => {
    for (const q of dataPanels(d).flatMap((p) => (p.targets ?? []).map((t) => t.expr))) {
      for (const m of q.matchAll(/\b(\w+)\{([^}]*)\}/g)) {
        const kind = KIND_LABEL[m[1] as keyof typeof KIND_LABEL];
        if (kind)
          expect({ q, metric: m[1], picked: new RegExp(`\\b${kind}="\\w+"`).test(m[2]) }).toEqual({
            q,
            metric: m[1],
            picked: true,
          });
      }
    }
  });

  it("uses only metrics from the catalog, with labels those metrics have", () => {
    const queries = dashboardQueries(d);
    expect(queries.length).toBeGreaterThan(15);
    for (const q of queries) {
      const selectors = seriesSelectors(q);
      expect(selectors.length).toBeGreaterThan(0);
      for (const s of selectors) {
        const info = lookupMetric(s.metric);
        expect({ q, metric: s.metric, known: Boolean(info) }).toEqual({ q, metric: s.metric, known: true });
        for (const label of s.matcherLabels) {
          expect({
            metric: s.metric,
            label,
            known: info!.labels.includes(label) || TARGET_LABELS.includes(label),
          }).toEqual({ metric: s.metric, label, known: true });
        }
      }
    }
  });

  it("lays panels out on the 24-column grid without overlaps", () => {
    const cells = new Set<string>();
    for (const p of d.panels) {
      const { x, y, w, h } = p.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let i = x; i < x + w; i++) {
        for (let j = y; j < y + h; j++) {
          const key = `${i},${j}`;
          expect(cells.has(key)).toBe(false);
          cells.add(key);
        }
      }
    }
    const ids = panelsOf(d).map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  // Grafana looks a panel's `type` up among its panel plugins ("Panel plugin not found" otherwise); a row, a
  // panel or a variable without a title shows a blank header or dropdown.
  it("names every row, panel and variable, each panel once, and draws each with a panel plugin Grafana has", () => {
    for (const p of panelsOf(d)) {
      expect(["row", "timeseries", "stat"]).toContain(p.type);
      expect({ id: p.id, title: p.title.trim().length > 0 }).toEqual({ id: p.id, title: true });
    }
    const titles = dataPanels(d).map((p) => p.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(d.title.trim()).not.toBe("");
    for (const v of d.templating.list)
      expect({ name: v.name, label: v.label.trim() !== "" }).toEqual({ name: v.name, label: true });
  });

  // A legend's {{label}} renders the series' value of that label, or nothing for a label the result lacks.
  // Each series of a panel must read differently: the legend names each label the query keeps (a node's or a
  // pod's name tells its region too), and the targets of one panel differ in their words.
  it("tells the series of each panel apart by their legends", () => {
    for (const p of dataPanels(d)) {
      const targets = p.targets ?? [];
      for (const t of targets) {
        const named = legendLabels(t.legendFormat);
        const kept = resultLabels(t.expr);
        const implied = new Set<string>(
          [...kept].flatMap((label) => IMPLIED_BY[label as keyof typeof IMPLIED_BY] ?? []),
        );
        expect({ panel: p.title, legend: t.legendFormat, unknown: named.filter((l) => !kept.has(l)) }).toEqual({
          panel: p.title,
          legend: t.legendFormat,
          unknown: [],
        });
        expect({
          panel: p.title,
          legend: t.legendFormat,
          unnamed: [...kept].filter((l) => !named.includes(l) && !implied.has(l)),
        }).toEqual({ panel: p.title, legend: t.legendFormat, unnamed: [] });
      }
      const words = targets.map((t) => t.legendFormat.replace(/\{\{\s*\w+\s*\}\}/g, "").trim());
      expect({ panel: p.title, distinct: new Set(words).size }).toEqual({ panel: p.title, distinct: targets.length });
    }
  });

  // Two targets of a panel that aggregate the same metric the same way must select different series (an equality
  // matcher on one label with two values), or one line counts the other's series again.
  it("never draws the same series twice in a panel", () => {
    for (const p of dataPanels(d)) {
      const targets = p.targets ?? [];
      for (let i = 0; i < targets.length; i++)
        for (let j = i + 1; j < targets.length; j++) {
          if (withoutMatchers(targets[i].expr) !== withoutMatchers(targets[j].expr)) continue;
          const a = equalityMatchers(targets[i].expr);
          const b = equalityMatchers(targets[j].expr);
          const disjoint = [...a].some(([label, value]) => b.has(label) && b.get(label) !== value);
          expect({ panel: p.title, targets: [i, j], disjoint }).toEqual({
            panel: p.title,
            targets: [i, j],
            disjoint: true,
          });
        }
    }
  });

  it("is plain JSON", () => {
    expect(JSON.parse(JSON.stringify(d))).toEqual(d);
  });
});

/** The labels whose values the node variable's names are, per dashboard (its `label_values` label and its kin). */
const NODE_LABELS = {
  "livekit-overview": ["node_id"],
  "livekit-platform": ["node", "node_name", "nodename"],
} as const;

/** Metrics whose series of one label's values are different quantities, and that label. */
const KIND_LABEL = {
  node_cpu_seconds_total: "mode",
  karpenter_nodepools_usage: "resource_type",
  karpenter_nodepools_limit: "resource_type",
  karpenter_nodes_allocatable: "resource_type",
  livekit_node_cpu_load: "node_type",
} as const;

/** The labels a legend format names: `{{node_id}} {{direction}}` -> node_id, direction. */
const legendLabels = (legend: string) => [...legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]);

/**
 * The labels a dashboard query's series keep, for the shapes these dashboards use: the first aggregation's
 * `by (...)` is the outermost one (a ratio keeps its left side's labels, a scalar factor changes none), none
 * for an aggregation without `by`; histogram_quantile drops `le`, label_replace adds its target label.
 */
function resultLabels(expr: string): Set<string> {
  const by = /\bby\s*\(([^)]*)\)/.exec(expr);
  const labels = new Set(
    (by?.[1] ?? "")
      .split(",")
      .map((l) => l.trim())
      .filter(Boolean),
  );
  if (/^\s*histogram_quantile\(/.test(expr)) labels.delete("le");
  const replaced = /^\s*label_replace\(.*,\s*"(\w+)",\s*"[^"]*",\s*"\w+",\s*"[^"]*"\)\s*$/.exec(expr);
  if (replaced) labels.add(replaced[1]);
  return labels;
}

/** A series of one LiveKit node or Kubernetes node or pod belongs to one region (and a pod to its namespace's workload). */
const IMPLIED_BY = { node_id: ["region"], nodename: ["region"], pod: ["region", "namespace"] } as const;

/** The query with its selectors' matchers left out: what it computes, not which series. */
const withoutMatchers = (expr: string) => expr.replace(/\{[^{}]*\}/g, "");

/** The `label="value"` matchers of a query (label -> value). */
const equalityMatchers = (expr: string) =>
  new Map([...expr.matchAll(/(\w+)="([^"$]*)"/g)].map((m) => [m[1], m[2]] as [string, string]));

describe("dashboard content", () => {
  const titles = (d: GrafanaDashboard) => dataPanels(d).map((p) => p.title);

  it("covers what the overview promises: rooms, participants, tracks, bitrate, loss, jitter, RTT, join latency", () => {
    const t = titles(renderLivekitOverviewDashboard()).join("\n");
    for (const want of [
      "Rooms",
      "Participants",
      "tracks",
      "Bitrate",
      "Packet loss",
      "Jitter",
      "Round-trip time",
      "Join latency",
    ])
      expect(t).toContain(want);
  });

  it("covers nodes, Karpenter, egress and TURN on the platform dashboard", () => {
    const t = titles(renderPlatformDashboard()).join("\n");
    for (const want of [
      "Nodes by NodePool",
      "NodeClaims disrupted",
      "Interruption",
      "egress",
      "TURN allocations",
      "TURN relayed traffic",
    ])
      expect(t).toContain(want);
  });

  it("shows jitter in milliseconds from the microsecond histogram, with the alert's 30 ms line", () => {
    const jitter = dataPanels(renderLivekitOverviewDashboard()).find((p) => p.title === "Jitter p95")!;
    expect(jitter.targets![0].expr).toMatch(/^histogram_quantile\(0\.95, .*livekit_jitter_us_bucket.*\/ 1000$/);
    expect(jitter.fieldConfig!.defaults.unit).toBe("ms");
    expect(JSON.stringify(jitter.fieldConfig)).toContain('"value":30');
  });

  it("filters pod panels by the workload namespaces it is given", () => {
    const q = dashboardQueries(renderPlatformDashboard({ workloadNamespaces: ["livekit", "turn"] })).join("\n");
    expect(q).toContain('namespace=~"livekit|turn"');
    expect(() => renderPlatformDashboard({ workloadNamespaces: ["Bad_NS"] })).toThrow(/workloadNamespaces/);
    // By default, the media plane's namespace and the recorders' own (stacks/region.ts).
    expect(dashboardQueries(renderPlatformDashboard()).join("\n")).toContain('namespace=~"livekit|livekit-egress"');
  });

  // The panels' `namespace=~"a|b"` matcher is a regex: only Kubernetes namespace names (DNS-1123 labels) keep
  // it matching exactly the namespaces listed.
  it("takes workload namespaces as Kubernetes names them, refusing any other with one line", () => {
    for (const good of ["a", "lk-2", "0a"])
      expect(() => renderPlatformDashboard({ workloadNamespaces: [good] })).not.toThrow();
    for (const bad of ["-lk", "lk-", "Lk", "lk.egress", "lk|x", ""])
      expect(() => renderPlatformDashboard({ workloadNamespaces: ["livekit", bad] })).toThrow(
        new RegExp(
          `^dashboards workloadNamespaces: must be DNS-1123 labels, got ${JSON.stringify(bad).replace(/[|.]/g, "\\$&")}$`,
        ),
      );
  });

  // node-exporter's netdev collector reports every interface; a node's own traffic is its ENA interfaces
  // (eth*, ens*), while lo, the pods' veth pairs, the VPC CNI's branch interfaces and Calico's are counted again.
  it("counts each node's traffic on its physical interfaces only", () => {
    const network = dataPanels(renderPlatformDashboard()).find((p) => p.title === "Node network")!;
    for (const t of network.targets!) {
      const excluded = /device!~"([^"]*)"/.exec(t.expr);
      expect(excluded).not.toBeNull();
      const counted = (device: string) => !new RegExp(`^(?:${excluded![1]})$`).test(device);
      expect(["eth0", "ens5", "eth1"].filter(counted)).toEqual(["eth0", "ens5", "eth1"]);
      expect(["lo", "veth1a2b3c", "eni0a1b2c3d4e5", "cali12ab34cd56e"].filter(counted)).toEqual([]);
    }
  });

  // Prometheus' label_replace(v, dst, replacement, src, regex) anchors the regex: "" matches an empty source only.
  it("names the nodes of no NodePool (the managed node group) instead of leaving them blank", () => {
    const pools = dataPanels(renderPlatformDashboard()).find((p) => p.title === "Nodes by NodePool")!;
    const m = /label_replace\(.*, "nodepool", "([^"]*)", "nodepool", "([^"]*)"\)$/.exec(pools.targets![0].expr);
    expect(m).not.toBeNull();
    const poolOf = (nodepool: string) => (new RegExp(`^(?:${m![2]})$`).test(nodepool) ? m![1] : nodepool);
    expect(poolOf("sfu")).toBe("sfu");
    expect(poolOf("")).not.toBe("");
  });

  it("names the ConfigMap keys", () => {
    expect(Object.keys(renderDashboards())).toEqual(["livekit-overview.json", "livekit-platform.json"]);
  });

  it("expands Grafana variables into plain PromQL", () => {
    expect(expandGrafanaVariables('rate(x{region=~"$region",node=~"${node}"}[$__rate_interval])')).toBe(
      'rate(x{region=~".*",node=~".*"}[5m])',
    );
  });
});

/**
 * The unit a Grafana panel must show for a query, inferred from the metrics' own units (their names) and what
 * the query does to them; undefined where the query carries no physical unit this can tell.
 *   bytes counter, rate()   -> bytes/s: "Bps"; times 8 -> bits/s: "bps"
 *   bytes gauge             -> "bytes"
 *   *_ms histogram quantile -> "ms"; *_us -> "µs", divided by 1000 -> "ms"; *_seconds -> "s", times 1000 -> "ms"
 */
function inferredUnit(expr: string): string | undefined {
  const metrics = seriesSelectors(expr).map((s) => s.metric);
  const isBytes = (m: string) => /_bytes(_total)?$/.test(m) || /^turn_.*_(rcv|sent)b$/.test(m);
  const times8 = /^\s*8\s*\*/.test(expr) || /\*\s*8\s*$/.test(expr);
  if (metrics.some(isBytes)) {
    if (/\b(i?rate)\(/.test(expr)) return times8 ? "bps" : "Bps";
    if (/\bincrease\(/.test(expr)) return times8 ? "decbits" : "bytes";
    return times8 ? "decbits" : "bytes";
  }
  const quantileOf = /histogram_quantile\([^,]+,.*?(\w+?)_(ms|us|seconds)_bucket/.exec(expr);
  if (quantileOf) {
    const unit = quantileOf[2];
    if (unit === "ms") return "ms";
    if (unit === "us") return /\/\s*1000\s*$/.test(expr) ? "ms" : "µs";
    return /\*\s*1000\s*$/.test(expr) ? "ms" : "s";
  }
  return undefined;
}

/**
 * The unit of a query without a physical one (inferredUnit leaves it undefined), from what it counts:
 *   a quantile of a *_percent histogram -> "percent"; of a score -> "none" (no unit)
 *   a ratio of two aggregations, `1 - ` a ratio, a 0..1 gauge -> "percentunit"
 *   rate() of packets or datagrams -> "pps"; of CPU seconds -> cores, "short"; of other events -> "ops"
 *   counts (gauges, increase() over the window) -> "short"
 */
function dimensionlessUnit(expr: string): string {
  if (/^\s*histogram_quantile\(.*_percent_bucket\b/.test(expr)) return "percent";
  if (/^\s*histogram_quantile\(.*_score_bucket\b/.test(expr)) return "none";
  // An `_info` series joined in only adds labels (its value is 1).
  const metrics = seriesSelectors(expr)
    .map((s) => lookupMetric(s.metric)!)
    .filter((m) => !m.base.endsWith("_info"));
  if (/\)\s*\/\s*sum\b/.test(expr) || /^\s*1\s*-/.test(expr) || metrics.some((m) => m.help.includes("0..1")))
    return "percentunit";
  if (/\brate\(/.test(expr)) {
    if (metrics.every((m) => /packet|datagram/i.test(`${m.base} ${m.help}`))) return "pps";
    if (metrics.every((m) => m.base.endsWith("_cpu_usage_seconds_total"))) return "short";
    return "ops";
  }
  return "short";
}

describe("dashboard units", () => {
  const panels = dashboards.flatMap((d) => dataPanels(d).map((p) => ({ dashboard: d.title, panel: p })));

  it.each(panels.map(({ dashboard, panel }) => [`${dashboard}: ${panel.title}`, panel] as const))(
    "%s shows its queries in the unit they compute",
    (_name, panel) => {
      for (const t of panel.targets ?? []) {
        const unit = inferredUnit(t.expr);
        if (unit !== undefined)
          expect({ expr: t.expr, unit: panel.fieldConfig!.defaults.unit }).toEqual({ expr: t.expr, unit });
      }
    },
  );

  // Grafana formats a value by its panel's unit; an empty one shows the bare number (a ratio as 0.02, not 2%).
  it.each(panels.map(({ dashboard, panel }) => [`${dashboard}: ${panel.title}`, panel] as const))(
    "%s shows a count, rate or ratio in the unit Grafana formats it by",
    (_name, panel) => {
      for (const t of panel.targets ?? []) {
        const unit = inferredUnit(t.expr) ?? dimensionlessUnit(t.expr);
        expect({ expr: t.expr, unit: panel.fieldConfig!.defaults.unit }).toEqual({ expr: t.expr, unit });
      }
    },
  );

  it("tells counts, rates and ratios apart", () => {
    expect(dimensionlessUnit('sum(livekit_room_total{region=~"$region"})')).toBe("short");
    expect(dimensionlessUnit("sum by (region) (increase(karpenter_nodeclaims_created_total[5m]))")).toBe("short");
    expect(dimensionlessUnit("sum(rate(livekit_packet_total[5m]))")).toBe("pps");
    expect(dimensionlessUnit("sum(rate(livekit_nack_total[5m]))")).toBe("ops");
    expect(dimensionlessUnit("sum(rate(livekit_nack_total[5m])) / sum(rate(livekit_packet_total[5m]))")).toBe(
      "percentunit",
    );
    expect(dimensionlessUnit("histogram_quantile(0.5, sum by (le) (rate(livekit_quality_score_bucket[5m])))")).toBe(
      "none",
    );
  });

  it("infers the units it is meant to (bits from bytes, milliseconds from microseconds)", () => {
    expect(inferredUnit('8 * sum(rate(livekit_packet_bytes{region="a"}[5m]))')).toBe("bps");
    expect(inferredUnit('sum(rate(livekit_packet_bytes{region="a"}[5m]))')).toBe("Bps");
    expect(inferredUnit("8 * sum(rate(turn_total_traffic_sentb[5m]))")).toBe("bps");
    expect(inferredUnit("sum(container_memory_working_set_bytes)")).toBe("bytes");
    expect(inferredUnit("histogram_quantile(0.95, sum by (le) (rate(livekit_jitter_us_bucket[5m]))) / 1000")).toBe(
      "ms",
    );
    expect(inferredUnit("histogram_quantile(0.95, sum by (le) (rate(livekit_jitter_us_bucket[5m])))")).toBe("µs");
    expect(inferredUnit("histogram_quantile(0.5, sum by (le) (rate(livekit_rtt_ms_bucket[5m])))")).toBe("ms");
    expect(inferredUnit("sum(livekit_room_total)")).toBeUndefined();
  });

  it("checks every bitrate panel (each shows bits per second)", () => {
    const bitrate = panels.filter(({ panel }) => /bitrate|traffic/i.test(panel.title));
    expect(bitrate.length).toBeGreaterThanOrEqual(3);
    for (const { panel } of bitrate) {
      for (const t of panel.targets ?? [])
        expect({ title: panel.title, unit: inferredUnit(t.expr) }).toEqual({ title: panel.title, unit: "bps" });
    }
  });
});

describe("metric catalog", () => {
  it("lists exactly the metrics the alert rules and dashboards use", () => {
    const rules = renderAlertRules({
      region: "r",
      capacity: { maxRooms: 1, maxParticipants: 1 },
      turn: { totalQuota: 1 },
    }).groups.flatMap((g) => g.rules.map((r) => r.expr));
    const used = new Set(
      [...rules, ...dashboards.flatMap(dashboardQueries)].flatMap((q) =>
        seriesSelectors(q).map((s) => lookupMetric(s.metric)!.base),
      ),
    );
    expect([...metricCatalog.keys()].filter((m) => !used.has(m))).toEqual([]);
  });

  it("documents each metric's type and upstream source", () => {
    for (const [name, info] of metricCatalog) {
      expect(name).toMatch(/^[a-zA-Z_:][a-zA-Z0-9_:]*$/);
      expect(["counter", "gauge", "histogram", "untyped"]).toContain(info.type);
      expect(info.source).toMatch(/^[\w.-]+\/[\w.-]+ \S+/);
      if (info.type === "counter") expect(name).not.toMatch(/_bucket$/);
    }
  });
});
