/**
 * Reading the Grafana dashboards (components/monitoring/dashboards/) as Prometheus sees them: every query they
 * run, with Grafana's variables replaced by values Prometheus tools can parse.
 */
import { invariant } from "../../components/shared/invariant";
import type { GrafanaDashboard, Panel } from "../../components/monitoring/dashboards";

/**
 * Every PromQL expression a dashboard runs, in panel order: each target's `expr`, plus the series
 * selector inside each `label_values(<selector>, <label>)` variable query. Grafana variables are left in.
 */
export function dashboardQueries(d: GrafanaDashboard): string[] {
  const out: string[] = [];
  for (const v of d.templating.list) {
    if (v.type !== "query") continue;
    const m = /^label_values\((.*),\s*\w+\)$/.exec(v.query);
    invariant(m, `dashboard ${d.uid} variable ${v.name}`, "must query label_values(selector, label)", v.query);
    out.push(m[1]);
  }
  const walk = (panels: Panel[]) => {
    for (const p of panels) {
      for (const t of p.targets ?? []) out.push(t.expr);
      if (p.panels) walk(p.panels);
    }
  };
  walk(d.panels);
  return out;
}

/** Replace Grafana's variables with plain values so a dashboard query can be parsed by Prometheus tools. */
export function expandGrafanaVariables(expr: string): string {
  return expr
    .replace(/\$__rate_interval|\$\{__rate_interval\}/g, "5m")
    .replace(/\$__interval|\$\{__interval\}/g, "1m")
    .replace(/\$__range|\$\{__range\}/g, "1h")
    .replace(/\$\{?\w+\}?/g, ".*");
}
