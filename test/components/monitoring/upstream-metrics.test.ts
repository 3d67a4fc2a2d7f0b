/**
 * The metric names the alert rules and dashboards query, checked against an independent catalogue: the
 * names (and types) livekit-server, Egress and Coturn register, read from their sources at the releases
 * lib/versions.ts pins and kept as test data in test/fixtures/upstream-metrics.json with the repository,
 * tag, commit and file each came from. The project's own list (test/support/metrics.ts) only
 * documents; a name it shares with a dashboard by mistake fails here.
 */
import * as fs from "fs";
import * as path from "path";
import { renderAlertRules } from "../../../components/monitoring/alert-rules";
import { renderLivekitOverviewDashboard, renderPlatformDashboard } from "../../../components/monitoring/dashboards";
import { dashboardQueries } from "../../support/dashboards";
import { metricsByExporter, seriesSelectors } from "../../support/metrics";
import { versions } from "../../../lib/versions";

interface UpstreamSource {
  exporter: "livekit-server" | "egress" | "coturn";
  image: string;
  repository: string;
  tag: string;
  commit: string;
  files: Record<string, { name: string; type: string }[]>;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "../../fixtures/upstream-metrics.json"), "utf8")) as {
  sources: UpstreamSource[];
};

/** Upstream name -> type and where it came from. */
const upstream = new Map<string, { type: string; exporter: string; from: string }>();
for (const source of fixture.sources) {
  for (const [file, metrics] of Object.entries(source.files)) {
    for (const m of metrics) {
      upstream.set(m.name, { type: m.type, exporter: source.exporter, from: `${source.repository} ${file}` });
    }
  }
}

/**
 * Exporters the catalogue does not cover (no pinned release of ours serves them: chart-managed Karpenter,
 * kube-state-metrics, node-exporter, cAdvisor). Their names must not look like LiveKit's or Coturn's.
 */
const OTHER_EXPORTERS = /^(karpenter_|kube_|node_|container_)/;
/** Prefixes of the names the three pinned exporters serve: such a name must be in the catalogue. */
const CATALOGUED = /^(livekit_|turn_|stun_)/;

const queries = [
  ...renderAlertRules({
    region: "r",
    capacity: { maxRooms: 1, maxParticipants: 1 },
    turn: { totalQuota: 1 },
  }).groups.flatMap((g) => g.rules.map((r) => r.expr)),
  ...[renderLivekitOverviewDashboard(), renderPlatformDashboard()].flatMap(dashboardQueries),
];
const used = [...new Set(queries.flatMap((q) => seriesSelectors(q).map((s) => s.metric)))].sort();

/** A queried series in upstream terms: the metric itself, or the histogram whose `_bucket|_sum|_count` it is. */
function resolve(series: string): { base: string; type: string; from: string } | undefined {
  const direct = upstream.get(series);
  if (direct) return { base: series, ...direct };
  const m = /^(.*)_(bucket|sum|count)$/.exec(series);
  const histogram = m && upstream.get(m[1]);
  if (histogram?.type === "histogram") return { base: m![1], ...histogram };
  return undefined;
}

describe("the upstream metric catalogue (test/fixtures/upstream-metrics.json)", () => {
  it("was read at the releases lib/versions.ts pins, each with its tag, commit and files", () => {
    const image = {
      "livekit-server": versions.images.livekitServer,
      egress: versions.images.livekitEgress,
      coturn: versions.images.coturn,
    };
    for (const source of fixture.sources) {
      expect(source.image).toBe(image[source.exporter]);
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      expect(Object.keys(source.files).length).toBeGreaterThan(0);
    }
    const tagOf = (exporter: string, repository: string) =>
      fixture.sources.find((s) => s.exporter === exporter && s.repository === repository)?.tag;
    // The image tag is the source tag (coturn's image adds a revision: 4.17.0-r0 is built from 4.17.0).
    expect(versions.images.livekitServer).toBe(`livekit/livekit-server:${tagOf("livekit-server", "livekit/livekit")}`);
    expect(versions.images.livekitEgress).toBe(`livekit/egress:${tagOf("egress", "livekit/egress")}`);
    expect(versions.images.coturn).toMatch(new RegExp(`^coturn/coturn:${tagOf("coturn", "coturn/coturn")}-r\\d+$`));
    expect(upstream.size).toBeGreaterThan(50);
  });

  it("has every LiveKit, Egress and Coturn metric the alerts and dashboards query", () => {
    expect(used.length).toBeGreaterThan(20);
    const missing = used.filter((name) => CATALOGUED.test(name) && !resolve(name));
    expect(missing).toEqual([]);
  });

  it("leaves only metrics of the other exporters unchecked", () => {
    const unchecked = used.filter((name) => !resolve(name));
    expect(unchecked.filter((name) => !OTHER_EXPORTERS.test(name) || CATALOGUED.test(name))).toEqual([]);
  });

  it("reads histograms only through their _bucket, _sum or _count series", () => {
    for (const q of queries) {
      for (const { metric } of seriesSelectors(q)) {
        const found = resolve(metric);
        if (!found) continue;
        if (metric.endsWith("_bucket")) expect({ metric, type: found.type }).toEqual({ metric, type: "histogram" });
        if (found.base === metric && found.type === "histogram")
          throw new Error(`${metric} is a histogram: query its _bucket, _sum or _count`);
      }
    }
  });

  it("agrees with the project's own list (test/support/metrics.ts) on names, types and source files", () => {
    const ours = { livekitServer: "livekit-server", egress: "egress", coturn: "coturn" } as const;
    const disagreements: string[] = [];
    for (const [key, exporter] of Object.entries(ours)) {
      for (const [name, info] of Object.entries(metricsByExporter[key as keyof typeof ours])) {
        const theirs = upstream.get(name);
        if (!theirs) disagreements.push(`${name}: not registered by ${exporter} at the pinned release`);
        else {
          if (theirs.exporter !== exporter)
            disagreements.push(`${name}: served by ${theirs.exporter}, listed under ${exporter}`);
          if (theirs.type !== info.type)
            disagreements.push(`${name}: ${theirs.type} upstream, ${info.type} in our list`);
          if (!info.source.startsWith(theirs.from))
            disagreements.push(`${name}: registered in ${theirs.from}, our list says ${info.source}`);
        }
      }
    }
    expect(disagreements).toEqual([]);
  });
});
