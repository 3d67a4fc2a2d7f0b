import { dashboard, labelVariable, Layout, Panel } from "../../../../components/monitoring/dashboards/layout";

/** Where each panel sits: [title, x, y, w, h]. */
const grid = (panels: Panel[]) => panels.map((p) => [p.title, p.gridPos.x, p.gridPos.y, p.gridPos.w, p.gridPos.h]);
const series = (expr = "up"): Array<[string, string]> => [[expr, "{{pod}}"]];

/**
 * The colour Grafana gives a value by a panel's thresholds (Grafana docs, "Configure thresholds"): the steps in
 * ascending order, the first with value null standing for minus infinity; a value takes the colour of the last
 * step at or below it.
 */
function colourAt(panel: Panel, value: number): string | undefined {
  const { mode, steps } = panel.fieldConfig!.defaults.thresholds as {
    mode: string;
    steps: { color: string; value: number | null }[];
  };
  if (mode !== "absolute")
    throw new Error(`thresholds in ${mode} mode are a share of min..max, not the metric's value`);
  let colour: string | undefined;
  for (const step of steps) if (step.value === null || value >= step.value) colour = step.color;
  return colour;
}

describe("Layout", () => {
  it("fills rows 24 columns wide, left to right: two time series per line, four stats, then the next line", () => {
    const layout = new Layout();
    layout.add({ title: "a", unit: "short", targets: series() });
    layout.add({ title: "b", unit: "short", targets: series() });
    layout.add({ title: "c", unit: "short", targets: series(), kind: "stat" });
    layout.add({ title: "d", unit: "short", targets: series(), kind: "stat" });
    layout.add({ title: "e", unit: "short", targets: series(), width: 12 });
    layout.add({ title: "f", unit: "short", targets: series(), width: 24 });
    expect(grid(layout.panels)).toEqual([
      ["a", 0, 0, 12, 8],
      ["b", 12, 0, 12, 8],
      ["c", 0, 8, 6, 4],
      ["d", 6, 8, 6, 4],
      ["e", 12, 8, 12, 8],
      // The next line starts below the tallest panel of the last one.
      ["f", 0, 16, 24, 8],
    ]);
    expect(layout.panels.map((p) => p.type)).toEqual([
      "timeseries",
      "timeseries",
      "stat",
      "stat",
      "timeseries",
      "timeseries",
    ]);
  });

  it("starts a row on a line of its own, one unit high, open so that the panels after it show", () => {
    const layout = new Layout();
    layout.row("Rooms");
    layout.add({ title: "a", unit: "short", targets: series() });
    layout.row("Nodes");
    layout.add({ title: "b", unit: "short", targets: series(), kind: "stat" });
    expect(grid(layout.panels)).toEqual([
      ["Rooms", 0, 0, 24, 1],
      ["a", 0, 1, 12, 8],
      ["Nodes", 0, 9, 24, 1],
      ["b", 0, 10, 6, 4],
    ]);
    // A collapsed row shows only the panels inside it (its `panels`); these follow it at the top level.
    expect(layout.panels.filter((p) => p.type === "row").map((p) => [p.collapsed, p.panels])).toEqual([
      [false, []],
      [false, []],
    ]);
    // Grafana keys a panel's state by its id: unique, from 1.
    expect(layout.panels.map((p) => p.id)).toEqual([1, 2, 3, 4]);
  });

  it("turns a panel red from its threshold up, in the metric's own unit, and green below or without one", () => {
    const layout = new Layout();
    layout.add({ title: "jitter", unit: "ms", targets: series(), threshold: 30 });
    layout.add({ title: "rooms", unit: "short", targets: series() });
    layout.add({ title: "cpu", unit: "percentunit", targets: series(), threshold: 0.8, kind: "stat" });
    const [jitter, rooms, cpu] = layout.panels;
    expect([colourAt(jitter, 29.9), colourAt(jitter, 30), colourAt(jitter, 1000)]).toEqual(["green", "red", "red"]);
    expect([colourAt(rooms, -1), colourAt(rooms, 1e9)]).toEqual(["green", "green"]);
    // Without a threshold there is no red step at all (one without a value would colour from minus infinity).
    expect(JSON.parse(JSON.stringify(rooms.fieldConfig!.defaults.thresholds))).toEqual({
      mode: "absolute",
      steps: [{ color: "green", value: null }],
    });
    expect([colourAt(cpu, 0.5), colourAt(cpu, 0.9)]).toEqual(["green", "red"]);
    // A time series draws the threshold as a line, and only where there is one.
    const custom = (p: Panel) => p.fieldConfig!.defaults.custom as Record<string, any>;
    expect([custom(jitter).thresholdsStyle, custom(rooms).thresholdsStyle]).toEqual([
      { mode: "line" },
      { mode: "off" },
    ]);
    // A stat colours its value by the thresholds; time series give each series a colour of its own.
    expect([jitter, rooms, cpu].map((p) => p.fieldConfig!.defaults.color)).toEqual([
      { mode: "palette-classic" },
      { mode: "palette-classic" },
      { mode: "thresholds" },
    ]);
    // The unit and thresholds hold for every series of the panel.
    expect([jitter, rooms, cpu].map((p) => [p.fieldConfig!.defaults.unit, p.fieldConfig!.overrides])).toEqual([
      ["ms", []],
      ["short", []],
      ["percentunit", []],
    ]);
  });

  it("draws time series as lines that break where scrapes are missing, and shows stats as their latest value", () => {
    const layout = new Layout();
    layout.add({ title: "a", unit: "short", targets: series() });
    layout.add({ title: "b", unit: "short", targets: series(), kind: "stat" });
    const [timeseries, stat] = layout.panels;
    expect(timeseries.fieldConfig!.defaults.custom).toEqual({
      drawStyle: "line",
      lineWidth: 1,
      fillOpacity: 10,
      showPoints: "never",
      spanNulls: false,
      thresholdsStyle: { mode: "off" },
    });
    // Every series in the hover tooltip, the largest first; the legend as a list under the graph.
    expect(timeseries.options).toEqual({
      legend: { displayMode: "list", placement: "bottom", showLegend: true },
      tooltip: { mode: "multi", sort: "desc" },
    });
    expect(stat.fieldConfig!.defaults.custom).toBeUndefined();
    // The last non-null value of each series (not its mean over the range), with a sparkline behind it.
    expect(stat.options).toEqual({
      reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
      colorMode: "value",
      graphMode: "area",
      textMode: "auto",
      justifyMode: "auto",
      orientation: "auto",
    });
  });

  it("runs each query as a range query on the chosen data source, named A, B, C within the panel", () => {
    const layout = new Layout();
    layout.add({
      title: "a",
      unit: "short",
      description: "what it shows",
      targets: [
        ["x", "x"],
        ["y", "y"],
        ["z", "z"],
      ],
    });
    layout.add({ title: "b", unit: "short", targets: series() });
    const [a, b] = layout.panels;
    const ds = { type: "prometheus", uid: "${datasource}" };
    expect(a.targets).toEqual([
      { refId: "A", datasource: ds, expr: "x", legendFormat: "x", range: true },
      { refId: "B", datasource: ds, expr: "y", legendFormat: "y", range: true },
      { refId: "C", datasource: ds, expr: "z", legendFormat: "z", range: true },
    ]);
    expect([a.description, "description" in b]).toEqual(["what it shows", false]);
  });
});

describe("the dashboard and its variables", () => {
  const layout = new Layout();
  layout.add({ title: "a", unit: "short", targets: series() });
  const region = labelVariable("region", "Region", "livekit_node_start_time", "region");
  const d = dashboard("uid-1", "LiveKit", "about it", [region], layout);

  it("picks one Prometheus data source, listed when the dashboard loads", () => {
    expect(d.templating.list[0]).toEqual({
      name: "datasource",
      label: "Data source",
      type: "datasource",
      query: "prometheus",
      current: {},
      hide: 0,
      includeAll: false,
      multi: false,
      refresh: 1,
      regex: "",
      sort: 0,
      options: [],
    });
  });

  it("offers each label's values, all of them chosen at first, matching any value as `.*`", () => {
    expect(d.templating.list[1]).toEqual({
      name: "region",
      label: "Region",
      type: "query",
      query: "label_values(livekit_node_start_time, region)",
      definition: "label_values(livekit_node_start_time, region)",
      datasource: { type: "prometheus", uid: "${datasource}" },
      current: { selected: true, text: ["All"], value: ["$__all"] },
      hide: 0,
      includeAll: true,
      allValue: ".*",
      multi: true,
      refresh: 2,
      regex: "",
      sort: 1,
      options: [],
    });
  });

  it("is read-only (provisioned from code), shows the last six hours in the browser's time zone, refreshed every 30 s", () => {
    expect(d).toMatchObject({
      uid: "uid-1",
      title: "LiveKit",
      description: "about it",
      tags: ["livekit"],
      editable: false,
      refresh: "30s",
      time: { from: "now-6h", to: "now" },
      timezone: "browser",
      annotations: { list: [] },
      links: [],
      panels: layout.panels,
    });
  });
});
