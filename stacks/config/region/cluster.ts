/**
 * `livekit-platform:cluster` and `livekit-platform:karpenter`: the EKS cluster, its system and SFU node groups,
 * and the vCPUs Karpenter may add beside them.
 */
import { z } from "zod";
import { CAPACITY_DEFAULTS, SYSTEM_NODE_GROUP } from "../../../lib/capacity";
import { nodeCount, wholeNumber } from "../../../lib/schema";
import { eksAddonsFor, PINNED_KUBERNETES_MINORS, versions } from "../../../lib/versions";
import { cloudWatchRetentionDays, instanceType, ipv4Cidr, nodeGroup } from "../fields";

/** A NodePool's `limits.cpu`: it must leave room for at least one node, or the pool can never launch one. */
const cpuLimit = wholeNumber(8, 100_000, "a whole number of vCPUs, at least 8 (one 8-vCPU node)");

/**
 * Why a Kubernetes minor cannot be planned, or undefined: every add-on of the cluster is pinned per minor
 * (lib/versions.ts eksAddons), and a minor without its builds would let EKS choose them.
 */
export function kubernetesMinorProblem(minor: string): string | undefined {
  if (eksAddonsFor(minor) !== undefined) return undefined;
  return `has no EKS add-on builds pinned in lib/versions.ts eksAddons (pinned: ${PINNED_KUBERNETES_MINORS.join(", ")}); pin vpc-cni, kube-proxy, coredns and eks-pod-identity-agent for it there first`;
}

export const cluster = z
  .strictObject(
    {
      kubernetesVersion: z
        .string()
        .regex(/^1\.\d{2}$/, { error: 'must be a Kubernetes minor version such as "1.35"' })
        .default(versions.kubernetes)
        .describe("EKS Kubernetes minor version; keep it in EKS standard support. Default from lib/versions.ts."),
      publicAccessCidrs: z
        .array(ipv4Cidr(0, 32), {
          error: "must be set: a list of CIDRs allowed to reach the Kubernetes API, or [] for a private endpoint only",
        })
        .describe(
          "Who may reach the Kubernetes API endpoint from the internet; no default, so exposing it is a choice. `[]`: private endpoint only (Pulumi and kubectl then run from inside the VPC or over a VPN).",
        ),
      systemNodes: nodeGroup(SYSTEM_NODE_GROUP).describe(
        "Managed node group for cluster add-ons, Karpenter and monitoring, in private subnets: at least one node per availability zone.",
      ),
      logRetentionDays: cloudWatchRetentionDays
        .default(30)
        .describe("Days CloudWatch keeps the control-plane logs (a value CloudWatch accepts)."),
      adminRoleArns: z
        .array(
          // The string's error words its pattern's failure too (zod 4: a check without its own takes the schema's).
          z
            .string({ error: "must be an IAM role ARN such as arn:aws:iam::123456789012:role/platform-admin" })
            .regex(/^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/),
        )
        .default([])
        .describe(
          "IAM roles of the team's admins and CI, given cluster-admin access (besides the creator of the cluster).",
        ),
      sfuNodes: z
        .strictObject({
          instanceType: instanceType
            .default(CAPACITY_DEFAULTS.nodeType)
            .describe(
              "EC2 instance type of the SFU nodes, x86_64 with at least 16 GiB (a LiveKit and a Coturn pod per node); the capacity model sizes the region for it.",
            ),
          min: nodeCount.optional().meta({
            description: "Fewest SFU nodes, overriding the capacity model (the plan reports it); must not exceed max.",
            defaultText: "from the capacity model",
          }),
          max: nodeCount.optional().meta({
            description:
              "Most SFU nodes, overriding the capacity model (the plan reports it): at least the nodes the model plans at peak.",
            defaultText: "from the capacity model",
          }),
        })
        .prefault({})
        .superRefine((group, ctx) => {
          if (group.min !== undefined && group.max !== undefined && group.min > group.max) {
            ctx.addIssue({
              code: "custom",
              path: ["min"],
              input: group.min,
              message: `must not exceed max (${group.max})`,
            });
          }
        })
        .describe(
          "LiveKit SFU nodes: public subnets, one LiveKit pod per node, launched by Karpenter's `sfu` NodePool.",
        ),
    },
    // Only for the object itself: a key it does not know is worded like every other (parseSettings).
    {
      error: (issue) =>
        issue.code === "invalid_type" ? "must be set (at least cluster.publicAccessCidrs)" : undefined,
    },
  )
  .describe("The EKS cluster and its system node group.");

export const karpenter = z
  .strictObject({
    sfuCpuLimit: cpuLimit.optional().meta({
      description:
        "vCPUs of the `sfu` NodePool (on-demand, public subnets), overriding the capacity model: at least the SFU floor's (min nodes x vCPU per node).",
      defaultText: "from the capacity model",
    }),
    egressCpuLimit: cpuLimit.optional().meta({
      description:
        "vCPUs of the `egress` NodePool (LiveKit Egress recorders), overriding the capacity model: at least the idle recorders' nodes.",
      defaultText: "from the capacity model",
    }),
    generalCpuLimit: cpuLimit
      .default(32)
      .describe("vCPUs of the `general` NodePool: anything that does not fit on system nodes (spot allowed)."),
  })
  .prefault({})
  .describe("Karpenter adds nodes beside the node groups, up to these vCPU totals per NodePool (each at least 8).");
