/**
 * The egress pool's scaling rules: the ScaledObject KEDA scales by, and the grace period against the maximum
 * recording length. The query it scales on is evaluated by promtool in scaling.int.test.ts.
 */
import { deletionCostScript } from "../../../components/egress/deletion-cost";
import {
  desiredEgressPodsQuery,
  egressScaledObjectSpec,
  egressTerminationGraceSeconds,
} from "../../../components/egress/scaling";

describe("egress drain", () => {
  it("lets a pod that took a recording just before SIGTERM finish it and upload", () => {
    for (const hours of [1, 6, 24]) {
      expect(egressTerminationGraceSeconds(hours * 3600) - hours * 3600).toBeGreaterThanOrEqual(10 * 60);
    }
  });
});

describe("egress ScaledObject spec", () => {
  const base = { namespace: "livekit", idlePods: 4, idleShare: 0.1, deploymentName: "d", prometheusUrl: "http://p" };

  it("refuses a floor below the idle pool and a ceiling below the floor", () => {
    expect(() => egressScaledObjectSpec({ ...base, minReplicas: 3, maxReplicas: 10 })).toThrow("minReplicas");
    expect(() => egressScaledObjectSpec({ ...base, minReplicas: 4, maxReplicas: 3 })).toThrow("maxReplicas");
    expect(() => egressScaledObjectSpec({ ...base, minReplicas: 4, maxReplicas: 10 })).not.toThrow();
    expect(() => desiredEgressPodsQuery({ ...base, idleShare: 1 })).toThrow("idleShare");
  });

  it("aims at busy pods plus the warm pool, read from Prometheus, falling back to the current count", () => {
    const spec = egressScaledObjectSpec({ ...base, idlePods: 3, minReplicas: 3, maxReplicas: 12 }) as any;
    expect(spec).toMatchObject({
      scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: "d" },
      minReplicaCount: 3,
      maxReplicaCount: 12,
      fallback: { failureThreshold: 3, replicas: 3, behavior: "currentReplicasIfHigher" },
    });
    expect(spec.triggers).toHaveLength(1);
    const [trigger] = spec.triggers;
    expect(trigger).toMatchObject({ type: "prometheus", metricType: "AverageValue" });
    expect(trigger.metadata).toMatchObject({ serverAddress: "http://p", threshold: "1" });
    expect(trigger.metadata.query).toContain('livekit_egress_available{namespace="livekit"} == 0');
    expect(trigger.metadata.query).toContain("livekit_egress_is_terminating");
    // The warm pool and the 10% share: busy + max(3, busy / 9).
    expect(trigger.metadata.query).toMatch(/clamp_min\(vector\(.* \* 0\.111111\), 3\)/);
  });

  it("refuses an idle pool that is no whole number of pods, and takes an empty one", () => {
    for (const idlePods of [-1, 1.5]) {
      expect(() => egressScaledObjectSpec({ ...base, idlePods, minReplicas: 4, maxReplicas: 10 })).toThrow(
        `idlePods: must be an integer of at least 0, got ${idlePods}`,
      );
    }
    expect(() => egressScaledObjectSpec({ ...base, idlePods: 0, minReplicas: 0, maxReplicas: 10 })).not.toThrow();
  });

  it("names the bound a floor or ceiling misses, and takes a floor equal to the ceiling", () => {
    expect(() => egressScaledObjectSpec({ ...base, minReplicas: 3, maxReplicas: 10 })).toThrow(
      "minReplicas: must be an integer of at least idlePods (4), got 3",
    );
    expect(() => egressScaledObjectSpec({ ...base, minReplicas: 5, maxReplicas: 4 })).toThrow(
      "maxReplicas: must be an integer of at least minReplicas (5), got 4",
    );
    const fixed = egressScaledObjectSpec({ ...base, minReplicas: 6, maxReplicas: 6 }) as any;
    expect([fixed.minReplicaCount, fixed.maxReplicaCount]).toEqual([6, 6]);
  });

  it("takes an idle share from 0 (the pool alone) up to, not including, 1", () => {
    expect(desiredEgressPodsQuery({ ...base, idleShare: 0 })).toMatch(/\* 0\), 4\)/);
    for (const idleShare of [-0.1, 1]) {
      expect(() => desiredEgressPodsQuery({ ...base, idleShare })).toThrow(
        `idleShare: must be a fraction in [0, 1), got ${idleShare}`,
      );
    }
  });

  it("scales up at once: twice the pods per 15 s, by rules the API server accepts", () => {
    const { scaleUp } = (egressScaledObjectSpec({ ...base, minReplicas: 4, maxReplicas: 10 }) as any).advanced
      .horizontalPodAutoscalerConfig.behavior;
    // kubernetes pkg/apis/autoscaling/validation/validation.go validateScalingRules and validateScalingPolicy:
    // at least one policy, each of type Pods or Percent with a value above 0 and a period of 1-1800 s.
    expect(scaleUp.policies.length).toBeGreaterThan(0);
    for (const policy of scaleUp.policies) {
      expect(["Pods", "Percent"]).toContain(policy.type);
      expect(policy.value).toBeGreaterThan(0);
      expect(policy.periodSeconds).toBeGreaterThanOrEqual(1);
      expect(policy.periodSeconds).toBeLessThanOrEqual(1800);
    }
    // pkg/controller/podautoscaler/horizontal.go calculateScaleUpLimitWithScalingRules: the most any policy allows
    // (selectPolicy Max, the default) from the count at the period's start; Percent rounds up.
    const limit = (current: number) =>
      Math.max(
        ...scaleUp.policies
          .filter((p: { periodSeconds: number }) => p.periodSeconds <= 15)
          .map((p: { type: string; value: number }) =>
            p.type === "Pods" ? current + p.value : Math.ceil(current * (1 + p.value / 100)),
          ),
      );
    expect(limit(4)).toBe(8);
    expect(limit(25)).toBe(50);
    expect(scaleUp.stabilizationWindowSeconds).toBe(0);
  });

  it("scales in one pod at a time, slowly, and never ignores a shortfall of idle pods", () => {
    const spec = egressScaledObjectSpec({ ...base, minReplicas: 4, maxReplicas: 10 }) as any;
    const behavior = spec.advanced.horizontalPodAutoscalerConfig.behavior;
    expect(behavior.scaleDown).toEqual({
      stabilizationWindowSeconds: 600,
      tolerance: "0",
      policies: [{ type: "Pods", value: 1, periodSeconds: 300 }],
    });
    expect(behavior.scaleUp.tolerance).toBe("0");
  });

  it("makes the idle-pod updater write only on a change of activity", () => {
    const script = deletionCostScript({ namespace: "livekit", selector: "app=egress", metricsPort: 9090 });
    expect(script).toContain('[ "$cost" = "$want" ] || kubectl');
    expect(script).toContain("/api/v1/namespaces/livekit/pods/$pod:9090/proxy/metrics");
  });
});
