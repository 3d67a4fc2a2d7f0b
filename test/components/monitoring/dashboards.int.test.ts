/**
 * Every dashboard query is valid PromQL for the real promtool (each wrapped in a recording rule).
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { renderDashboards } from "../../../components/monitoring/dashboards";
import { dashboardQueries, expandGrafanaVariables } from "../../support/dashboards";
import { promtool, withPromtool } from "../../support/promtool";

const { it: itWithPromtool } = withPromtool("dashboards.int.test");

// Every dashboard the monitoring stack ships, as it renders them.
const dashboards = Object.values(renderDashboards());

describe("dashboard queries under promtool", () => {
  itWithPromtool("are all valid PromQL (each wrapped in a recording rule for promtool check rules)", () => {
    const rules = dashboards.flatMap((d) =>
      dashboardQueries(d).map((q, i) => ({
        record: `dashboard:${d.uid.replace(/-/g, "_")}:q${i}`,
        expr: expandGrafanaVariables(q),
      })),
    );
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "dashboards-"));
    try {
      fs.writeFileSync(
        path.join(dir, "queries.yaml"),
        YAML.stringify({ groups: [{ name: "dashboard-queries", rules }] }, { lineWidth: 0 }),
      );
      const { code, output } = promtool(["check", "rules", "queries.yaml"], dir);
      if (code !== 0) throw new Error(`promtool check rules failed:\n${output}`);
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
