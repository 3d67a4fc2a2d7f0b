/**
 * From a region's stated demand to its sizes. The stack file says how many participants the region
 * carries at peak and what rooms they are in; the capacity model (lib/capacity/index.ts) turns that into the
 * SFU node group's bounds, the Karpenter limits and the autoscalers' bounds. A size set by hand in the
 * stack file wins, and is reported, so a reviewer sees where the stack departs from the model.
 */
import { CapacityError, CapacityPlan, MixSpec, planCapacity } from "../lib/capacity";

/** What the sizing reads from a region's (already validated) config. */
export interface SizingSettings {
  capacity: {
    targetParticipants: number;
    mix: MixSpec;
    targetUtilisation: number;
    recordingShare: number;
    egressNodeType: string;
    cpuEfficiency: number;
  };
  sfuNodes: { instanceType: string; min?: number; max?: number };
  karpenter: { sfuCpuLimit?: number; egressCpuLimit?: number };
}

export interface RegionSizing {
  /** The model's whole answer, for the plan output and the README table. */
  plan: CapacityPlan;
  /** The `sfu` managed node group (desired = min). */
  sfuNodes: { min: number; max: number };
  /** LiveKit's HPA: one pod per SFU node. */
  sfuAutoscaling: { minReplicas: number; maxReplicas: number; targetCpuUtilizationPercent: number };
  /** LiveKit's CPU request: the node's CPU left after DaemonSets (the HPA target is relative to it). */
  sfuPodCpuMillis: number;
  /** The egress pool's autoscaler: floor, ceiling and the idle pods it keeps. */
  egressAutoscaling: { minReplicas: number; maxReplicas: number; idlePods: number };
  /** Karpenter NodePool CPU limits (vCPU). */
  karpenterCpuLimits: { sfu: number; egress: number };
  /** What the region is planned for: the capacity alerts fire at 80% of these. */
  planned: { rooms: number; participants: number };
  /** One line per size set by hand in the stack file rather than by the model. */
  overrides: string[];
}

/** Maps a model input field to the stack config key users write. */
function configKeyOf(modelKey: string): string {
  if (modelKey === "nodeType") return "cluster.sfuNodes.instanceType";
  return `capacity.${modelKey}`;
}

export class SizingError extends Error {
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly value: unknown,
  ) {
    super(problem);
  }
}

export function sizeRegion(settings: SizingSettings): RegionSizing {
  let plan: CapacityPlan;
  try {
    plan = planCapacity({
      targetParticipants: settings.capacity.targetParticipants,
      mix: settings.capacity.mix,
      nodeType: settings.sfuNodes.instanceType,
      targetUtilisation: settings.capacity.targetUtilisation,
      recordingShare: settings.capacity.recordingShare,
      egressNodeType: settings.capacity.egressNodeType,
      cpuEfficiency: settings.capacity.cpuEfficiency,
    });
  } catch (e) {
    if (e instanceof CapacityError) throw new SizingError(configKeyOf(e.key), e.problem, e.value);
    throw e;
  }

  const overrides: string[] = [];
  const pick = (key: string, given: number | undefined, modelled: number): number => {
    if (given === undefined || given === modelled) return modelled;
    overrides.push(`${key} = ${given} (the capacity model says ${modelled})`);
    return given;
  };
  const sfuMin = pick("cluster.sfuNodes.min", settings.sfuNodes.min, plan.managedNodeGroup.minSize);
  const sfuMax = pick("cluster.sfuNodes.max", settings.sfuNodes.max, plan.managedNodeGroup.maxSize);
  if (sfuMin > sfuMax) {
    const key = settings.sfuNodes.min !== undefined ? "cluster.sfuNodes.min" : "cluster.sfuNodes.max";
    throw new SizingError(
      key,
      `must leave min (${sfuMin}) at or below max (${sfuMax})`,
      settings.sfuNodes.min ?? settings.sfuNodes.max,
    );
  }
  const nodeVcpu = plan.node.vcpu;
  return {
    plan,
    sfuNodes: { min: sfuMin, max: sfuMax },
    // One LiveKit pod per node: the autoscaler's bounds are the node group's.
    sfuAutoscaling: {
      minReplicas: sfuMin,
      maxReplicas: sfuMax,
      targetCpuUtilizationPercent: plan.hpa.targetCpuUtilizationPercent,
    },
    sfuPodCpuMillis: plan.sfuPod.cpuRequestMillicores,
    egressAutoscaling: { ...plan.egress.hpa, idlePods: plan.egress.idlePods },
    karpenterCpuLimits: {
      sfu: pick("karpenter.sfuCpuLimit", settings.karpenter.sfuCpuLimit, sfuMax * nodeVcpu),
      egress: pick("karpenter.egressCpuLimit", settings.karpenter.egressCpuLimit, plan.karpenter.egressCpuLimit),
    },
    planned: {
      rooms: plan.kinds.reduce((sum, kind) => sum + kind.rooms, 0),
      participants: plan.targetParticipants,
    },
    overrides,
  };
}
