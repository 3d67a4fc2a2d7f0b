/**
 * The egress deletion-cost updater's loop and rights (components/egress/deletion-cost.ts); the pod it runs in is
 * components/shared/kubectl-pod.ts. The admission policy that narrows its writes, as the component wires it, is in
 * egress.plan.test.ts.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  DELETION_COST_REFRESH_SECONDS,
  DELETION_COST_UPDATER_RULES,
  deletionCostScript,
  labelSelector,
} from "../../../components/egress/deletion-cost";
import { EGRESS_APP } from "../../../components/egress/pod";
import { workloadLabels } from "../../../components/shared/annotations";

const egressPods = workloadLabels(EGRESS_APP, "egress").podLabels;
const script = deletionCostScript({ namespace: "livekit", selector: labelSelector(egressPods), metricsPort: 9090 });

describe("the egress deletion-cost updater", () => {
  it("sets each pod's cost from its activity: busy 1000, idle 0, read from its metrics", () => {
    expect(script).toContain("/proxy/metrics");
    expect(script).toContain("livekit_egress_available");
    expect(script).toContain("controller.kubernetes.io/pod-deletion-cost=$want");
    expect(script).toMatch(/want=1000; \[ "\$idle" = "1" \] && want=0/);
    expect(script).toContain("-l 'app.kubernetes.io/name=livekit-egress,app.kubernetes.io/component=egress'");
  });

  it("may read pods and their metrics and patch pods, nothing more", () => {
    expect(DELETION_COST_UPDATER_RULES).toEqual([
      { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch"] },
      { apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] },
    ]);
  });
});

/**
 * A stand-in kubectl for the loop: four egress pods and their metrics. It prints a pod's deletion cost only when
 * the jsonpath names the annotation with its dots escaped, as kubectl's jsonpath reads a key with dots (its
 * reference, kubernetes.io/docs/reference/kubectl/jsonpath: `{.items[*].metadata.labels.kubernetes\.io/hostname}`);
 * unescaped, the dots split the key, nothing is found and the cost prints empty, as kubectl prints a missing key.
 */
const FAKE_KUBECTL = `#!/bin/sh
echo "kubectl $*" >> "$LOG"
case "$*" in
  *"get pods"*)
    case "$*" in
      *'{.metadata.annotations.controller\\.kubernetes\\.io/pod-deletion-cost}'*) costs="1000 1000 0 0" ;;
      *) costs="" ;;
    esac
    set -- $costs
    for pod in busy-a idle-b busy-c gone-d; do echo "$pod \${1:-}"; [ $# -gt 0 ] && shift; done ;;
  *"busy-a:9090"*) echo 'livekit_egress_available 0' ;;
  *"idle-b:9090"*) printf '# TYPE livekit_egress_available gauge\\nlivekit_egress_available 1\\n' ;;
  *"busy-c:9090"*) echo 'livekit_egress_available{node="x"} 0' ;;
  *"gone-d:9090"*) exit 1 ;;
esac
`;
/** A stand-in sleep: logs, and ends the loop at its second round. */
const FAKE_SLEEP = `#!/bin/sh
echo "sleep $*" >> "$LOG"
[ "$(grep -c '^sleep' "$LOG")" -lt 2 ] || kill -TERM $PPID
`;

describe("the egress deletion-cost updater's loop, run by sh", () => {
  it("writes a pod's cost only when its activity changed it, skips a pod it cannot read, and goes round every 15 s", async () => {
    const dir = mkdtempSync(join(tmpdir(), "egress-deletion-cost-"));
    const log = join(dir, "log");
    writeFileSync(log, "");
    for (const [name, body] of [
      ["kubectl", FAKE_KUBECTL],
      ["sleep", FAKE_SLEEP],
    ]) {
      writeFileSync(join(dir, name), body);
      chmodSync(join(dir, name), 0o755);
    }
    try {
      const child = spawn("sh", ["-c", script], {
        env: { PATH: `${dir}:${process.env.PATH}`, LOG: log },
        stdio: "ignore",
      });
      await new Promise((resolve) => child.on("close", resolve));
      const lines = readFileSync(log, "utf8").trim().split("\n");
      const annotate = (pod: string, cost: number) =>
        `kubectl -n livekit annotate --overwrite pod ${pod} controller.kubernetes.io/pod-deletion-cost=${cost}`;
      const round = [annotate("idle-b", 0), annotate("busy-c", 1000), `sleep ${DELETION_COST_REFRESH_SECONDS}`];
      expect(lines.filter((l) => / annotate |^sleep/.test(l))).toEqual([...round, ...round]);
      // Every pod's metrics were asked for, through the API server's proxy, in both rounds.
      expect(lines.filter((l) => l.includes("/proxy/metrics"))).toHaveLength(8);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10000);
});
