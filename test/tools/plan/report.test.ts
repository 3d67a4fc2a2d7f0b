/** report.html's content on small, made-up plans: cost by amount with bars, rounded numbers, the diff, global DNS. */
import { diffPlans, PlanSnapshot } from "../../../tools/plan/diff";
import type { PlanResult } from "../../../tools/plan/engine";
import { readable, renderReport } from "../../../tools/plan/report";
import { buildSummary } from "../../../tools/plan/summary";
import { plannedResource as resource } from "../../support/planned-resource";

/** The cells of each row of the table with this id. */
function rowsOf(html: string, id: string): string[][] {
  const table = new RegExp(`<table id="${id}">(.*?)</table>`, "s").exec(html)?.[1];
  if (table === undefined) throw new Error(`no table #${id}`);
  const body = /<tbody>(.*)<\/tbody>/s.exec(table)![1];
  return [...body.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) =>
    [...row[1].matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((cell) => cell[1]),
  );
}

const regionPlan = (): PlanResult => ({
  project: "p",
  stack: "mumbai",
  resources: [],
  outputs: {
    role: "region",
    sizing: {
      overrides: [],
      cost: {
        monthlyUsd: 578249.36,
        estimate: true,
        byGroup: {
          cloudwatchLogs: 16.12,
          dataTransferOut: 536386.86,
          ebs: 154.43,
          sfuNodes: 8687.95,
          interAz: 16195.51,
        },
        lines: [
          {
            group: "sfuNodes",
            item: "c6i.2xlarge node-hours",
            quantity: 25552.800000000003,
            unit: "node-hour",
            monthlyUsd: 8687.95,
          },
          {
            group: "dataTransferOut",
            item: "to the internet",
            quantity: 6695965.369570255,
            unit: "GB",
            monthlyUsd: 536386.86,
          },
          { group: "ebs", item: "gp3 GB-months", quantity: 1693.3333333333335, unit: "GB-month", monthlyUsd: 154.43 },
          {
            group: "cloudwatchLogs",
            item: "logs stored",
            quantity: 0.30420000000000003,
            unit: "GB-month",
            monthlyUsd: 0.91,
          },
        ],
      },
    },
  },
  warnings: [],
});

describe("report.html", () => {
  it("sorts cost groups by amount, each with its share and a bar as long as its amount", () => {
    const result = regionPlan();
    const html = renderReport(result, buildSummary(result));
    const groups = rowsOf(html, "cost-groups");
    expect(groups.map((g) => g[0])).toEqual(["dataTransferOut", "interAz", "sfuNodes", "ebs", "cloudwatchLogs"]);
    expect(groups[0].slice(1, 3)).toEqual(["USD 536,387", "93%"]);
    const widths = groups.map((g) => Number(/width:([\d.]+)%/.exec(g[3])![1]));
    expect(widths[0]).toBe(100);
    expect(widths[1]).toBeCloseTo((16195.51 / 536386.86) * 100, 1);
    expect([...widths].sort((a, b) => b - a)).toEqual(widths);
  });

  it("rounds the numbers it shows: no float noise in quantities or dollars", () => {
    const result = regionPlan();
    const html = renderReport(result, buildSummary(result));
    const lines = rowsOf(html, "cost-lines");
    expect(lines.map((l) => [l[0], l[2], l[4]])).toEqual([
      ["dataTransferOut", "6,695,965", "USD 536,387"],
      ["sfuNodes", "25,553", "USD 8,688"],
      ["ebs", "1,693", "USD 154"],
      ["cloudwatchLogs", "0.304", "USD 1"],
    ]);
    expect(html).not.toMatch(/\d\.\d{5,}/);
    expect([readable(12.345), readable(0.0123456), readable(1234.5), readable(7)]).toEqual([
      "12.3",
      "0.0123",
      "1,235",
      "7",
    ]);
  });

  it("shows the diff when there is one, and no diff section without", () => {
    const result = regionPlan();
    const snapshot = (maxReplicas: number): PlanSnapshot => ({
      resources: [
        {
          urn: "urn:hpa",
          type: "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
          name: "mumbai-livekit-server",
          inputs: {
            metadata: { namespace: "livekit" },
            spec: { scaleTargetRef: { name: "livekit-server" }, minReplicas: 20, maxReplicas },
          },
          parent: null,
          provider: null,
          dependencies: [],
        },
      ],
      outputs: {},
      warnings: [],
      files: new Map(),
    });
    const diff = diffPlans(snapshot(98), snapshot(117));
    const html = renderReport(result, buildSummary(result), diff);
    expect(html).toContain('<section id="diff">');
    expect(html).toContain("~ pods livekit/livekit-server (HPA): 20-98 → 20-117");
    expect(rowsOf(html, "diff-resources")).toEqual([
      [
        "update",
        "kubernetes:autoscaling/v2:HorizontalPodAutoscaler",
        "mumbai-livekit-server",
        "inputs.spec.maxReplicas",
      ],
    ]);
    expect(renderReport(result, buildSummary(result))).not.toContain('<section id="diff">');
  });

  it("gives the global stack its regions, DNS records, health checks and routing", () => {
    const check = (stack: string) =>
      resource("aws:route53/healthCheck:HealthCheck", `latency-${stack}-signalling`, {
        type: "HTTPS",
        fqdn: `${stack}.livekit.example.com`,
        port: 443,
        resourcePath: "/",
        requestInterval: 30,
        failureThreshold: 3,
        regions: ["ap-southeast-1", "eu-west-1"],
      });
    const record = (stack: string, region: string) =>
      resource("aws:route53/record:Record", `latency-${stack}-signalling`, {
        name: "livekit.example.com",
        type: "A",
        setIdentifier: stack,
        latencyRoutingPolicies: [{ region }],
        healthCheckId: `latency-${stack}-signalling-id`,
        aliases: [{ name: `k8s-${stack}.elb.amazonaws.com`, zoneId: "Z1", evaluateTargetHealth: true }],
      });
    const result: PlanResult = {
      project: "p",
      stack: "global",
      resources: [
        check("mumbai"),
        record("mumbai", "ap-south-1"),
        check("singapore"),
        record("singapore", "ap-southeast-1"),
      ],
      outputs: {
        regions: [
          { stack: "mumbai", regionLabel: "mumbai", awsRegion: "ap-south-1" },
          { stack: "singapore", regionLabel: "singapore", awsRegion: "ap-southeast-1" },
        ],
        notDeployed: [],
      },
      warnings: [],
    };
    const html = renderReport(result, buildSummary(result));
    expect(rowsOf(html, "routed").map((r) => r[0])).toEqual(["mumbai", "singapore"]);
    expect(rowsOf(html, "dns-records")).toEqual([
      [
        "livekit.example.com",
        "A",
        "alias k8s-mumbai.elb.amazonaws.com",
        "latency ap-south-1",
        "latency-mumbai-signalling-id",
      ],
      [
        "livekit.example.com",
        "A",
        "alias k8s-singapore.elb.amazonaws.com",
        "latency ap-southeast-1",
        "latency-singapore-signalling-id",
      ],
    ]);
    expect(rowsOf(html, "health-checks")[0]).toEqual([
      "latency-mumbai-signalling",
      "HTTPS mumbai.livekit.example.com:443/",
      "every 30 s, 3 failures; from ap-southeast-1, eu-west-1",
    ]);
    // A region's page has no DNS-and-routing section.
    const region = regionPlan();
    expect(renderReport(region, buildSummary(region))).not.toContain('id="routing"');
  });
});
