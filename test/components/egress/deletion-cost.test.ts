/**
 * The egress deletion-cost updater's loop and rights (components/egress/deletion-cost.ts); the pod it runs in is
 * components/shared/kubectl-pod.ts. The admission policy that narrows its writes, as the component wires it, is in
 * egress.plan.test.ts.
 */
import {
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
