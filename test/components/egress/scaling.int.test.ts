/**
 * The query KEDA scales the egress pool on, evaluated by the real promtool over synthetic egress series.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import YAML from "yaml";
import { busyEgressPodsQuery, desiredEgressPodsQuery } from "../../../components/egress/scaling";
import { PromtoolFileResult, promtoolPerFile, withPromtool } from "../../support/promtool";

const { describe: describeWithPromtool } = withPromtool("scaling.int.test");

describeWithPromtool("the egress scaling query under promtool", () => {
  let dir: string;
  /** Cases registered while jest collects the tests (`itExpects`), run by one `promtool test rules` in beforeAll. */
  const cases = new Map<string, string>();
  let results: Map<string, PromtoolFileResult>;
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
    for (const [name, test] of cases) fs.writeFileSync(path.join(dir, `${name}.test.yaml`), test);
    results = promtoolPerFile(
      "test",
      [...cases.keys()].map((name) => `${name}.test.yaml`),
      dir,
    );
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Pods: [available, terminating]; the test file expecting `desired` pods and `busy` pods at 1m. */
  function desiredTest(pods: Array<[number, number]>, desired: number, busy: number): string {
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
    return YAML.stringify(test);
  }

  /** A test that passes when promtool passes each of its cases (file name -> [pods, desired, busy]). */
  function itExpects(title: string, named: Record<string, Parameters<typeof desiredTest>>): void {
    for (const [name, args] of Object.entries(named)) {
      if (cases.has(name)) throw new Error(`two cases named ${name}`);
      cases.set(name, desiredTest(...args));
    }
    it(title, () => {
      for (const name of Object.keys(named)) {
        const result = results.get(`${name}.test.yaml`)!;
        if (!result.passed) throw new Error(`promtool test rules ${name} failed:\n${result.output}`);
      }
    });
  }

  itExpects("keeps the idle pool when nothing records", {
    idle: [[], 4, 0],
    "all-idle": [
      [
        [1, 0],
        [1, 0],
      ],
      4,
      0,
    ],
  });

  // 3 busy, 1 idle, 1 busy but draining after SIGTERM (no longer in the Deployment's count).
  itExpects("adds busy pods to the idle pool, and does not count draining pods", {
    busy: [
      [
        [0, 0],
        [0, 0],
        [0, 0],
        [1, 0],
        [0, 1],
      ],
      3 + 4,
      3,
    ],
  });

  // 90 busy: 10% of 100 pods is 10 idle, more than 4.
  itExpects("keeps 10% of all pods idle once that exceeds the pool", {
    large: [Array.from({ length: 90 }, () => [0, 0] as [number, number]), 100, 90],
  });
});
