/**
 * Scale-in takes idle egress pods first (pure: Pulumi types only). The ReplicaSet controller removes the pods with
 * the lowest deletion cost first; one small updater on the system nodes keeps each egress pod's cost current from
 * its `livekit_egress_available` metric (idle 0, busy 1000), read through the API server's pod proxy, so the
 * egress pods themselves keep no Kubernetes credentials. What it may change is narrowed further by
 * `deletionCostPolicy` (components/shared/deletion-cost-policy.ts).
 */
import type * as k8s from "@pulumi/kubernetes";
import { POD_DELETION_COST_ANNOTATION } from "../shared/deletion-cost-policy";

export { POD_DELETION_COST_ANNOTATION };
/** Deletion cost of an idle pod (removed first) and of a pod with a recording. */
export const IDLE_POD_DELETION_COST = 0;
export const BUSY_POD_DELETION_COST = 1000;
/** How often the updater refreshes every pod's deletion cost. */
export const DELETION_COST_REFRESH_SECONDS = 15;

/** A kubectl label selector, `k1=v1,k2=v2`, in the labels' own order. */
export function labelSelector(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([k, v]) => `${k}=${v}`)
    .join(",");
}

/**
 * The deletion-cost updater's loop (busybox sh + kubectl): every DELETION_COST_REFRESH_SECONDS, read each
 * egress pod's `livekit_egress_available` through the API server's pod proxy and set the pod's
 * deletion cost to IDLE_POD_DELETION_COST when idle, BUSY_POD_DELETION_COST otherwise, writing only on a
 * change (Kubernetes asks not to update the annotation on every metric change; this changes it only when
 * a pod starts or ends its recordings). A pod whose metrics cannot be read keeps its cost.
 */
export function deletionCostScript(a: { namespace: string; selector: string; metricsPort: number }): string {
  const ann = POD_DELETION_COST_ANNOTATION.replace(/\./g, "\\.");
  return [
    "set -u",
    "while true; do",
    `  kubectl -n ${a.namespace} get pods -l '${a.selector}' --field-selector=status.phase=Running \\`,
    `    -o jsonpath='{range .items[*]}{.metadata.name}{" "}{.metadata.annotations.${ann}}{"\\n"}{end}' |`,
    "  while read -r pod cost; do",
    `    idle=$(kubectl get --raw "/api/v1/namespaces/${a.namespace}/pods/$pod:${a.metricsPort}/proxy/metrics" 2>/dev/null |`,
    "      awk '/^livekit_egress_available[{ ]/ { print $NF; exit }')",
    '    [ -n "$idle" ] || continue',
    `    want=${BUSY_POD_DELETION_COST}; [ "$idle" = "1" ] && want=${IDLE_POD_DELETION_COST}`,
    `    [ "$cost" = "$want" ] || kubectl -n ${a.namespace} annotate --overwrite pod "$pod" "${POD_DELETION_COST_ANNOTATION}=$want" >/dev/null`,
    "  done",
    `  sleep ${DELETION_COST_REFRESH_SECONDS}`,
    "done",
  ].join("\n");
}

/**
 * The updater's Role: read pods and their metrics, write their annotations, in the workload namespace only. RBAC
 * cannot narrow a patch to one field of some pods: the admission policy does (only this annotation, only on
 * egress pods).
 */
export const DELETION_COST_UPDATER_RULES: k8s.types.input.rbac.v1.PolicyRule[] = [
  { apiGroups: [""], resources: ["pods"], verbs: ["get", "list", "patch"] },
  { apiGroups: [""], resources: ["pods/proxy"], verbs: ["get"] },
];
