/**
 * The Grafana dashboard JSON model, typed, and the small builders both dashboards are made of: a `Layout` that
 * fills rows of panels 24 columns wide, left to right; the data-source and label variables; the dashboard's frame.
 */
export interface DataSourceRef {
  type: "prometheus";
  uid: string;
}

export interface Target {
  refId: string;
  datasource: DataSourceRef;
  expr: string;
  legendFormat: string;
  range: true;
}

export interface Panel {
  id: number;
  type: "timeseries" | "stat" | "row";
  title: string;
  description?: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: DataSourceRef;
  targets?: Target[];
  fieldConfig?: { defaults: Record<string, unknown>; overrides: unknown[] };
  options?: Record<string, unknown>;
  collapsed?: boolean;
  panels?: Panel[];
}

export interface TemplateVariable {
  name: string;
  label: string;
  type: "datasource" | "query";
  query: string;
  definition?: string;
  datasource?: DataSourceRef;
  current: Record<string, unknown>;
  hide: 0;
  includeAll: boolean;
  allValue?: string;
  multi: boolean;
  refresh: 1 | 2;
  regex: string;
  sort: 0 | 1;
  options: unknown[];
}

export interface GrafanaDashboard {
  uid: string;
  title: string;
  description: string;
  tags: string[];
  editable: boolean;
  graphTooltip: 1;
  schemaVersion: number;
  version: number;
  refresh: string;
  time: { from: string; to: string };
  timezone: string;
  templating: { list: TemplateVariable[] };
  annotations: { list: unknown[] };
  links: unknown[];
  panels: Panel[];
}

const DS: DataSourceRef = { type: "prometheus", uid: "${datasource}" };
/** Grafana's rate window for `rate()` (`$__rate_interval`, at least four scrape intervals). */
export const RATE = "$__rate_interval";

// ---------------------------------------------------------------------------------------------------
// Small builders. Layout: rows of panels, 24 columns wide, filled left to right.

type Unit = "short" | "bps" | "pps" | "ops" | "percentunit" | "percent" | "ms" | "bytes" | "none";

interface PanelSpec {
  title: string;
  unit: Unit;
  targets: Array<[expr: string, legend: string]>;
  description?: string;
  /** Red line/colour from this value up (shown on the alert's metric). */
  threshold?: number;
  width?: number;
  kind?: "timeseries" | "stat";
}

export class Layout {
  readonly panels: Panel[] = [];
  private id = 1;
  private x = 0;
  private y = 0;
  private rowHeight = 0;

  row(title: string): void {
    this.newLine();
    this.panels.push({
      id: this.id++,
      type: "row",
      title,
      collapsed: false,
      panels: [],
      gridPos: { x: 0, y: this.y, w: 24, h: 1 },
    });
    this.y += 1;
  }

  add(spec: PanelSpec): void {
    const kind = spec.kind ?? "timeseries";
    const w = spec.width ?? (kind === "stat" ? 6 : 12);
    const h = kind === "stat" ? 4 : 8;
    if (this.x + w > 24) this.newLine();
    const steps: unknown[] = [{ color: "green", value: null }];
    if (spec.threshold !== undefined) steps.push({ color: "red", value: spec.threshold });
    const defaults: Record<string, unknown> = {
      unit: spec.unit,
      color: { mode: kind === "stat" ? "thresholds" : "palette-classic" },
      thresholds: { mode: "absolute", steps },
    };
    if (kind === "timeseries") {
      defaults.custom = {
        drawStyle: "line",
        lineWidth: 1,
        fillOpacity: 10,
        showPoints: "never",
        spanNulls: false,
        thresholdsStyle: { mode: spec.threshold === undefined ? "off" : "line" },
      };
    }
    this.panels.push({
      id: this.id++,
      type: kind,
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      datasource: DS,
      gridPos: { x: this.x, y: this.y, w, h },
      targets: spec.targets.map(([expr, legendFormat], i) => ({
        refId: String.fromCharCode(65 + i),
        datasource: DS,
        expr,
        legendFormat,
        range: true,
      })),
      fieldConfig: { defaults, overrides: [] },
      options:
        kind === "stat"
          ? {
              reduceOptions: { calcs: ["lastNotNull"], fields: "", values: false },
              colorMode: "value",
              graphMode: "area",
              textMode: "auto",
              justifyMode: "auto",
              orientation: "auto",
            }
          : {
              legend: { displayMode: "list", placement: "bottom", showLegend: true },
              tooltip: { mode: "multi", sort: "desc" },
            },
    });
    this.x += w;
    this.rowHeight = Math.max(this.rowHeight, h);
  }

  private newLine(): void {
    if (this.x > 0) this.y += this.rowHeight;
    this.x = 0;
    this.rowHeight = 0;
  }
}

const datasourceVariable = (): TemplateVariable => ({
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

/** A multi-value query variable over `label_values(<selector>, <label>)`, "All" = `.*`. */
export const labelVariable = (name: string, label: string, selector: string, labelName: string): TemplateVariable => {
  const query = `label_values(${selector}, ${labelName})`;
  return {
    name,
    label,
    type: "query",
    query,
    definition: query,
    datasource: DS,
    current: { selected: true, text: ["All"], value: ["$__all"] },
    hide: 0,
    includeAll: true,
    allValue: ".*",
    multi: true,
    refresh: 2,
    regex: "",
    sort: 1,
    options: [],
  };
};

export function dashboard(
  uid: string,
  title: string,
  description: string,
  variables: TemplateVariable[],
  layout: Layout,
): GrafanaDashboard {
  return {
    uid,
    title,
    description,
    tags: ["livekit"],
    editable: false, // provisioned from code: edits in the UI would be lost on the next sync
    graphTooltip: 1,
    schemaVersion: 39,
    version: 1,
    refresh: "30s",
    time: { from: "now-6h", to: "now" },
    timezone: "browser",
    templating: { list: [datasourceVariable(), ...variables] },
    annotations: { list: [] },
    links: [],
    panels: layout.panels,
  };
}
