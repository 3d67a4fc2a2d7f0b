/**
 * Grafana dashboards built in code: "LiveKit overview" (media plane) and "LiveKit platform" (nodes,
 * Karpenter, egress, TURN). Each function returns the dashboard JSON model, ready to be shipped in a
 * ConfigMap labelled `grafana_dashboard: "1"` for kube-prometheus-stack's Grafana sidecar.
 *
 * Every dashboard has a Prometheus data-source variable and `region` + `node` variables. `region` comes
 * from the Prometheus external label (present when regions are federated or remote-written to one place);
 * in a single region's own Grafana the series carry no `region` label, the variable has no values, and
 * its "All" value `.*` matches them anyway. The quality panels use the same PromQL builders as the alerts.
 */
import type { GrafanaDashboard } from "./layout";
import { renderLivekitOverviewDashboard } from "./livekit-overview";
import { DashboardOptions, renderPlatformDashboard } from "./platform";

export type { DataSourceRef, GrafanaDashboard, Panel, Target, TemplateVariable } from "./layout";
export type { DashboardOptions } from "./platform";
export { renderLivekitOverviewDashboard, renderPlatformDashboard };

/** Both dashboards by ConfigMap key (file name). */
export function renderDashboards(options: DashboardOptions = {}): Record<string, GrafanaDashboard> {
  return {
    "livekit-overview.json": renderLivekitOverviewDashboard(),
    "livekit-platform.json": renderPlatformDashboard(options),
  };
}
