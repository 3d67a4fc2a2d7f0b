/**
 * How the egress pool scales and drains (pure: no Pulumi). Egress admits jobs by its own CPU accounting, not
 * by measured load (egress v1.14.1 pkg/stats/monitor.go), so CPU says nothing about whether another
 * recording can start. Egress exports whether each instance is idle, `livekit_egress_available` (1 when it
 * has no active request; pkg/stats/monitor_prom.go promIsIdle), and with this platform's costs only an idle
 * pod takes a room composite. So the pool keeps a number of idle pods: the autoscaler aims at busy pods plus
 * the idle pool, and scale-in removes idle pods first.
 */
import { invariant } from "../shared/invariant";

/** Seconds egress gets after the maximum recording length to stop its pipeline and upload the file. */
export const EGRESS_UPLOAD_MARGIN_SECONDS = 15 * 60;

/** Default maximum recording length (`egress.maxRecordingHours`). */
export const DEFAULT_MAX_RECORDING_HOURS = 6;

/**
 * The pod's terminationGracePeriodSeconds: on SIGTERM egress takes no new job and exits once its recordings
 * end (cmd/server/main.go: "finishing recording then shutting down"). A recording ends at the latest at the
 * session limit, then uploads; the grace period covers both, so no drain ever cuts a recording.
 */
export function egressTerminationGraceSeconds(maxRecordingSeconds: number): number {
  return maxRecordingSeconds + EGRESS_UPLOAD_MARGIN_SECONDS;
}

/** Scale-in: at most one pod per this many seconds, after the desired count has stayed lower this long. */
export const EGRESS_SCALE_IN_PERIOD_SECONDS = 300;
export const EGRESS_SCALE_IN_STABILIZATION_SECONDS = 600;
/** How often KEDA evaluates the query (its pollingInterval). */
export const EGRESS_POLLING_SECONDS = 15;

export interface EgressPoolScaling {
  /** Namespace of the egress pods (the `namespace` label Prometheus gives their series). */
  namespace: string;
  /** Idle pods kept at least (the warm pool); also the floor. */
  idlePods: number;
  /** Share of all pods kept idle at least, in [0, 1). */
  idleShare: number;
  minReplicas: number;
  maxReplicas: number;
}

/** PromQL: egress pods running at least one request, not counting pods that are draining after SIGTERM. */
export function busyEgressPodsQuery(namespace: string): string {
  const sel = `{namespace="${namespace}"}`;
  return (
    `count((livekit_egress_available${sel} == 0) unless on (pod) (livekit_egress_is_terminating${sel} == 1))` +
    " or vector(0)"
  );
}

/**
 * PromQL: the pods the pool should have, busy + max(idlePods, idleShare of all pods). With I idle of B + I
 * pods, I >= share x (B + I) is I >= B x share / (1 - share).
 */
export function desiredEgressPodsQuery(s: Pick<EgressPoolScaling, "namespace" | "idlePods" | "idleShare">): string {
  invariant(s.idleShare >= 0 && s.idleShare < 1, "idleShare", "must be a fraction in [0, 1)", s.idleShare);
  const busy = `scalar(${busyEgressPodsQuery(s.namespace)})`;
  const perBusy = Number((s.idleShare / (1 - s.idleShare)).toFixed(6));
  return `ceil(clamp_min(vector(${busy} * ${perBusy}), ${s.idlePods}) + ${busy})`;
}

/**
 * The KEDA ScaledObject's spec. KEDA's Prometheus scaler with `AverageValue` 1 makes the HPA's desired
 * replicas exactly the query's value (external metric total / target); tolerance 0 so a shortfall of a
 * few idle pods is acted on (the default 10% tolerance would ignore it). Scale-in is slow (one pod per
 * 5 minutes after 10 minutes lower) and, with the deletion-cost updater, takes idle pods first.
 */
export function egressScaledObjectSpec(
  s: EgressPoolScaling & { deploymentName: string; prometheusUrl: string },
): Record<string, unknown> {
  invariant(
    Number.isInteger(s.idlePods) && s.idlePods >= 0,
    "idlePods",
    "must be an integer of at least 0",
    s.idlePods,
  );
  invariant(
    Number.isInteger(s.minReplicas) && s.minReplicas >= s.idlePods,
    "minReplicas",
    `must be an integer of at least idlePods (${s.idlePods})`,
    s.minReplicas,
  );
  invariant(
    Number.isInteger(s.maxReplicas) && s.maxReplicas >= s.minReplicas,
    "maxReplicas",
    `must be an integer of at least minReplicas (${s.minReplicas})`,
    s.maxReplicas,
  );
  return {
    scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: s.deploymentName },
    pollingInterval: EGRESS_POLLING_SECONDS,
    minReplicaCount: s.minReplicas,
    maxReplicaCount: s.maxReplicas,
    // Prometheus unreachable for 3 polls: hold the current count (at least the floor), never scale in blind.
    fallback: { failureThreshold: 3, replicas: s.minReplicas, behavior: "currentReplicasIfHigher" },
    advanced: {
      horizontalPodAutoscalerConfig: {
        behavior: {
          scaleUp: {
            stabilizationWindowSeconds: 0,
            tolerance: "0",
            policies: [{ type: "Percent", value: 100, periodSeconds: 15 }],
          },
          scaleDown: {
            stabilizationWindowSeconds: EGRESS_SCALE_IN_STABILIZATION_SECONDS,
            tolerance: "0",
            policies: [{ type: "Pods", value: 1, periodSeconds: EGRESS_SCALE_IN_PERIOD_SECONDS }],
          },
        },
      },
    },
    triggers: [
      {
        type: "prometheus",
        metricType: "AverageValue",
        metadata: {
          serverAddress: s.prometheusUrl,
          query: desiredEgressPodsQuery(s),
          threshold: "1",
        },
      },
    ],
  };
}
