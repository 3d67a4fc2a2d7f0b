import { NODE_ROLE_LABEL, NodeRole, nodeRoles, NodeTaint, placeOn } from "../../../components/shared/node-roles";
import { isLabelKey, isLabelValue } from "../../support/kubernetes-names";

const ROLES: NodeRole[] = ["system", "sfu", "egress", "general"];

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}

/**
 * Whether a toleration tolerates a taint, as the scheduler decides it: kubernetes v1.35
 * staging/src/k8s.io/api/core/v1/toleration.go `ToleratesTaint` (an empty effect matches every effect, an empty key
 * with Exists every key; Equal, the default operator, compares values).
 */
function tolerates(t: Toleration, taint: NodeTaint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  if (t.operator === "Exists") return true;
  // An empty operator is Equal; Go's zero value makes an absent value "".
  return (t.operator || "Equal") === "Equal" && (t.value ?? "") === taint.value;
}

/**
 * Whether a pod with `placement` may run on a node of `role`: its nodeSelector is a subset of the node's labels and
 * every NoSchedule or NoExecute taint is tolerated (the scheduler's NodeAffinity and TaintToleration filter plugins;
 * TaintToleration filters on those two effects only, pkg/scheduler/framework/plugins/tainttoleration).
 */
function schedulable(placement: ReturnType<typeof placeOn>, role: NodeRole): boolean {
  const node = nodeRoles[role];
  const selected = Object.entries(placement.nodeSelector).every(([k, v]) => node.labels[k] === v);
  const filtering = node.taints.filter((taint) => ["NoSchedule", "NoExecute"].includes(taint.effect));
  return selected && filtering.every((taint) => placement.tolerations.some((t) => tolerates(t, taint)));
}

describe("node roles", () => {
  it.each(ROLES)("put a %s workload on its own kind of node and on no other", (role) => {
    expect(ROLES.filter((nodeRole) => schedulable(placeOn(role), nodeRole))).toEqual([role]);
  });

  it("keep every other workload off the SFU and recorder nodes: a pod with no placement lands on untainted kinds only", () => {
    const none = { nodeSelector: {}, tolerations: [] };
    expect(ROLES.filter((role) => schedulable(none, role))).toEqual(["system", "general"]);
  });

  it("label each kind with its role under one key, the one selectors and NodePools read", () => {
    for (const role of ROLES) expect(nodeRoles[role].labels).toEqual({ [NODE_ROLE_LABEL]: role });
  });

  it("use label and taint keys and values the API server takes", () => {
    const keys = ROLES.flatMap((role) => [
      ...Object.keys(nodeRoles[role].labels),
      ...nodeRoles[role].taints.map((t) => t.key),
    ]);
    const values = ROLES.flatMap((role) => [
      ...Object.values(nodeRoles[role].labels),
      ...nodeRoles[role].taints.map((t) => t.value),
    ]);
    expect(keys.filter((key) => !isLabelKey(key))).toEqual([]);
    expect(values.filter((value) => !isLabelValue(value))).toEqual([]);
  });

  it("taint with a key of the role's own, so one toleration admits one kind only", () => {
    const keys = ROLES.flatMap((role) => nodeRoles[role].taints.map((t) => t.key));
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("hand out copies: a caller's edit to a selector leaves the role as it was", () => {
    const placement = placeOn("sfu");
    placement.nodeSelector[NODE_ROLE_LABEL] = "general";
    expect(nodeRoles.sfu.labels[NODE_ROLE_LABEL]).toBe("sfu");
  });
});
