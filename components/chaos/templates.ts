/**
 * The chaos drills as data (pure: Pulumi types only): what each AWS FIS experiment template targets and does.
 * The component adds what every template shares (the role, the stop conditions, the logs, the tags).
 */
import type * as aws from "@pulumi/aws";
import type { Input } from "@pulumi/pulumi";
import { invariant } from "../shared/invariant";
import { FIS_SERVICE_ACCOUNT, KARPENTER_CLUSTER_TAG, NODE_POOL_TAG } from "./iam";

export type DrillId = "sfu-nodes" | "turn-nodes" | "livekit-pods";

export interface DrillSettings {
  /** EKS cluster: the instance tag of its SFU nodes, and the pod drill's cluster. */
  clusterName: Input<string>;
  /** Karpenter NodePool of the SFU nodes (every SFU node, and so every TURN node, is in it). */
  sfuNodePoolName: string;
  /** Namespace and label selector (`labelSelector`) of the LiveKit pods. */
  namespace: Input<string>;
  podSelector: string;
  /** Shares, 1-100: SFU nodes, TURN nodes (the same nodes), LiveKit pods. */
  sfuNodeTerminationPercent: number;
  turnNodeTerminationPercent: number;
  livekitPodDeletePercent: number;
  /** Grace period of the deleted pods, seconds. */
  podDeleteGraceSeconds: number;
}

export interface DrillTemplate {
  description: string;
  /** What the drill does: the experiment template's targets, actions and options. */
  spec: Required<Pick<aws.fis.ExperimentTemplateArgs, "targets" | "actions" | "experimentOptions">>;
  /** The drill acts inside the cluster (aws:eks:pod actions): it needs FIS's access entry and RBAC first. */
  inCluster: boolean;
}

/** The pod drill's label selector: `k1=v1,k2=v2`, sorted. */
export function labelSelector(labels: Record<string, string>): string {
  const entries = Object.entries(labels).sort(([a], [b]) => a.localeCompare(b));
  invariant(
    entries.length > 0,
    "chaos livekitPodLabels",
    "must not be empty (the pod drill would select every pod in the namespace)",
    labels,
  );
  return entries.map(([k, v]) => `${k}=${v}`).join(",");
}

/** Terminate `percent` of the running SFU-pool instances of this cluster. An empty pool must not fail the drill. */
function nodeDrill(s: DrillSettings, percent: number, description: string): DrillTemplate {
  return {
    description,
    spec: {
      targets: [
        {
          name: "sfu-node-pool",
          resourceType: "aws:ec2:instance",
          resourceTags: [
            { key: NODE_POOL_TAG, value: s.sfuNodePoolName },
            { key: KARPENTER_CLUSTER_TAG, value: s.clusterName },
          ],
          filters: [{ path: "State.Name", values: ["running"] }],
          selectionMode: `PERCENT(${percent})`,
        },
      ],
      actions: [
        {
          name: "terminate-node-pool-instances",
          actionId: "aws:ec2:terminate-instances",
          target: { key: "Instances", value: "sfu-node-pool" },
        },
      ],
      experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "skip" },
    },
    inCluster: false,
  };
}

/** The three drills: SFU nodes, TURN nodes (Coturn runs on the SFU nodes: same nodes, own drill), LiveKit pods. */
export function drillTemplates(s: DrillSettings): Record<DrillId, DrillTemplate> {
  return {
    "sfu-nodes": nodeDrill(
      s,
      s.sfuNodeTerminationPercent,
      `LiveKit drill: terminate ${s.sfuNodeTerminationPercent}% of the SFU nodes; rooms elsewhere must carry on.`,
    ),
    "turn-nodes": nodeDrill(
      s,
      s.turnNodeTerminationPercent,
      `TURN drill: terminate ${s.turnNodeTerminationPercent}% of the nodes running Coturn (the SFU nodes); TURN clients must reallocate elsewhere.`,
    ),
    "livekit-pods": {
      description: `LiveKit drill: delete ${s.livekitPodDeletePercent}% of the LiveKit SFU pods (grace ${s.podDeleteGraceSeconds} s); clients must reconnect to other nodes.`,
      spec: {
        targets: [
          {
            name: "livekit-pods",
            resourceType: "aws:eks:pod",
            // Pods are found by parameters only (FIS refuses tags and ARNs for aws:eks:pod).
            parameters: {
              clusterIdentifier: s.clusterName,
              namespace: s.namespace,
              selectorType: "labelSelector",
              selectorValue: s.podSelector,
            },
            selectionMode: `PERCENT(${s.livekitPodDeletePercent})`,
          },
        ],
        actions: [
          {
            name: "delete-livekit-pods",
            actionId: "aws:eks:pod-delete",
            target: { key: "Pods", value: "livekit-pods" },
            parameters: [
              { key: "kubernetesServiceAccount", value: FIS_SERVICE_ACCOUNT },
              { key: "gracePeriodSeconds", value: String(s.podDeleteGraceSeconds) },
            ],
          },
        ],
        // No LiveKit pod to delete means something is already wrong: fail loudly.
        experimentOptions: { accountTargeting: "single-account", emptyTargetResolutionMode: "fail" },
      },
      inCluster: true,
    },
  };
}
