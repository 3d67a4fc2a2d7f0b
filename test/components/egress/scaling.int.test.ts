/**
 * The query KEDA scales the egress pool on, evaluated by the real promtool over synthetic egress series.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { busyEgressPodsQuery, desiredEgressPodsQuery } from "../../../components/egress/scaling";
import { promtool, withPromtool } from "../../support/promtool";

const { describe: describeWithPromtool } = withPromtool("scaling.int.test");

describeWithPromtool("the egress scaling query under promtool", () => {
  let dir: string;
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "egress-scaling-"));
    const rules = {
      groups: [
        {
          name: "egress",
          rules: [
            {
              record: "egress:desired_pods",
              expr: desiredEgressPodsQuery({ namespace: "livekit", idlePods: 4, idleShare: 0.1 }),
            },
            { record: "egress:busy_pods", expr: busyEgressPodsQuery("livekit") },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, "rules.yaml"), YAML.stringify(rules));
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Pods: [available, terminating]; returns desired pods and busy pods at 1m. */
  function expectDesired(name: string, pods: Array<[number, number]>, desired: number, busy: number): void {
    const series = pods.flatMap(([available, terminating], i) => {
      const labels = `namespace="livekit",pod="livekit-egress-${i}",node_id="EG_${i}",cluster_id=""`;
      return [
        { series: `livekit_egress_available{${labels}}`, values: `${available}x5` },
        { series: `livekit_egress_is_terminating{${labels}}`, values: `${terminating}x5` },
      ];
    });
    // A pod of another namespace never counts.
    series.push({ series: 'livekit_egress_available{namespace="other",pod="x"}', values: "0x5" });
    const test = {
      rule_files: ["rules.yaml"],
      evaluation_interval: "1m",
      tests: [
        {
          interval: "1m",
          input_series: series,
          promql_expr_test: [
            {
              expr: "egress:desired_pods",
              eval_time: "1m",
              exp_samples: [{ labels: "egress:desired_pods", value: desired }],
            },
            { expr: "egress:busy_pods", eval_time: "1m", exp_samples: [{ labels: "egress:busy_pods", value: busy }] },
          ],
        },
      ],
    };
    fs.writeFileSync(path.join(dir, `${name}.test.yaml`), YAML.stringify(test));
    const r = promtool(["test", "rules", `${name}.test.yaml`], dir);
    if (r.code !== 0) throw new Error(`promtool test rules ${name} failed:\n${r.output}`);
  }

  it("keeps the idle pool when nothing records", () => {
    expectDesired("idle", [], 4, 0);
    expectDesired(
      "all-idle",
      [
        [1, 0],
        [1, 0],
      ],
      4,
      0,
    );
  });

  it("adds busy pods to the idle pool, and does not count draining pods", () => {
    // 3 busy, 1 idle, 1 busy but draining after SIGTERM (no longer in the Deployment's count).
    expectDesired(
      "busy",
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      3 + 4,
      3,
    );
  });

  it("keeps 10% of all pods idle once that exceeds the pool", () => {
    // 90 busy: 10% of 100 pods is 10 idle, more than 4.
    expectDesired(
      "large",
      Array.from({ length: 90 }, () => [0, 0] as [number, number]),
      100,
      90,
    );
  });
});
