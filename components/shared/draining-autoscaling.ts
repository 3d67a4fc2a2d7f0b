import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { invariant } from "./invariant";

export interface CpuAutoscaling {
  minReplicas: number;
  maxReplicas: number;
  /** Target average CPU utilisation, percent of the request (1-100). */
  targetCpuUtilizationPercent: number;
}

/** An autoscaling/v2 metric: average CPU utilisation of the pods' requests. */
export function cpuUtilization(percent: number) {
  return { type: "Resource", resource: { name: "cpu", target: { type: "Utilization", averageUtilization: percent } } };
}

export function checkAutoscaling(what: string, a: CpuAutoscaling): void {
  invariant(
    Number.isInteger(a.minReplicas) && a.minReplicas >= 1,
    `${what}.minReplicas`,
    "must be an integer of at least 1",
    a.minReplicas,
  );
  invariant(
    Number.isInteger(a.maxReplicas) && a.maxReplicas >= a.minReplicas,
    `${what}.maxReplicas`,
    `must be an integer of at least minReplicas (${a.minReplicas})`,
    a.maxReplicas,
  );
  const t = a.targetCpuUtilizationPercent;
  invariant(
    Number.isInteger(t) && t >= 1 && t <= 100,
    `${what}.targetCpuUtilizationPercent`,
    "must be a percentage from 1 to 100",
    t,
  );
}

export interface DrainingScalingArgs {
  /** Name, namespace and labels of the budget and the autoscaler (the Deployment's own). */
  metadata: { name: string; namespace: pulumi.Input<string>; labels: Record<string, string> };
  podLabels: Record<string, string>;
  deploymentName: pulumi.Input<string>;
  autoscaling: CpuAutoscaling;
  /** The autoscaler removes at most one pod per this many seconds: each removed pod drains first. */
  scaleInEverySeconds: number;
}

/**
 * For workloads whose pods drain for a long time after SIGTERM (rooms, recordings): a disruption budget
 * that lets voluntary evictions take one pod at a time, and a CPU autoscaler that scales in gently.
 */
export function drainingScaling(name: string, args: DrainingScalingArgs, opts: pulumi.CustomResourceOptions): void {
  new k8s.policy.v1.PodDisruptionBudget(
    name,
    {
      metadata: args.metadata,
      spec: { maxUnavailable: 1, selector: { matchLabels: args.podLabels } },
    },
    opts,
  );
  new k8s.autoscaling.v2.HorizontalPodAutoscaler(
    name,
    {
      metadata: args.metadata,
      spec: {
        scaleTargetRef: { apiVersion: "apps/v1", kind: "Deployment", name: args.deploymentName },
        minReplicas: args.autoscaling.minReplicas,
        maxReplicas: args.autoscaling.maxReplicas,
        metrics: [cpuUtilization(args.autoscaling.targetCpuUtilizationPercent)],
        behavior: {
          scaleDown: {
            stabilizationWindowSeconds: 600,
            policies: [{ type: "Pods", value: 1, periodSeconds: args.scaleInEverySeconds }],
          },
        },
      },
    },
    opts,
  );
}
