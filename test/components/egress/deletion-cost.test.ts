/**
 * The egress deletion-cost updater as its builders make it (components/egress/deletion-cost.ts). The admission
 * policy that narrows its writes, as the component wires it, is in egress.plan.test.ts.
 */
import {
  DELETION_COST_UPDATER_RULES,
  deletionCostScript,
  deletionCostUpdaterSpec,
  labelSelector,
} from "../../../components/egress/deletion-cost";
import { EGRESS_APP } from "../../../components/egress/pod";
import { workloadLabels } from "../../../components/shared/annotations";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { KubernetesObject, validatorFor } from "../../support/kubernetes-schemas";
import { plain } from "../../support/plain";

const egressPods = workloadLabels(EGRESS_APP, "egress").podLabels;
const script = deletionCostScript({ namespace: "livekit", selector: labelSelector(egressPods), metricsPort: 9090 });
const updater = plain(
  deletionCostUpdaterSpec({
    ...workloadLabels(`${EGRESS_APP}-deletion-cost`, "egress"),
    serviceAccountName: `${EGRESS_APP}-deletion-cost`,
    script,
  }),
);

describe("the egress deletion-cost updater", () => {
  it("is one Deployment the Kubernetes API accepts", () => {
    const object: KubernetesObject = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: `${EGRESS_APP}-deletion-cost`, namespace: "livekit" },
      spec: updater,
    };
    expect(validatorFor([object]).check(object)).toEqual([]);
    expect(updater.replicas).toBe(1);
  });

  it("runs kubectl on the system nodes, non-root with a read-only root", () => {
    const pod = updater.template.spec;
    expect(pod.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "system" });
    expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534 });
    expect(pod.containers[0].image).toBe(versions.images.kubectl);
    expect(pod.containers[0].securityContext).toMatchObject({
      readOnlyRootFilesystem: true,
      capabilities: { drop: ["ALL"] },
    });
    expect(pod.containers[0].args).toEqual([script]);
  });

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
