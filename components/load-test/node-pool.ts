/**
 * The testers' own nodes, as a pure, typed NodePool spec. Testers run in public subnets: simulated participants
 * send and receive media to and from the SFUs' public addresses, which from a private subnet would all pass the
 * NAT gateway (tens of Gbps at a full-size test). A dedicated Karpenter NodePool on the outbound node class
 * (public IPs, no inbound rule), tainted so nothing else lands there; it has nodes only while the Job runs.
 */
import type { NodePoolSpec } from "../shared/karpenter-specs";
import { NODE_ROLE_LABEL } from "../shared/node-roles";
import { LOAD_TEST_NODE_EXPIRY_HOURS, loadTestPoolCpu } from "./defaults";

export const LOAD_TEST_NODE_POOL = "load-test";
export const LOAD_TEST_TAINT = { key: "livekit-platform/load-test", value: "true", effect: "NoSchedule" } as const;

export interface LoadTestNodePoolInput {
  /** Tester pods the Job runs at once (one per room), and the CPUs of each. */
  rooms: number;
  cpusPerTester: number;
  /** Karpenter's EC2NodeClass for public subnets (nodes with public IPs). */
  nodeClassName: string;
}

export function loadTestNodePoolSpec(input: LoadTestNodePoolInput): NodePoolSpec {
  return {
    template: {
      metadata: { labels: { [NODE_ROLE_LABEL]: LOAD_TEST_NODE_POOL } },
      spec: {
        nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: input.nodeClassName },
        taints: [LOAD_TEST_TAINT],
        requirements: [
          // A drill: spot is fine (a reclaimed tester shows as a failed index).
          { key: "karpenter.sh/capacity-type", operator: "In", values: ["spot", "on-demand"] },
          { key: "karpenter.k8s.aws/instance-category", operator: "In", values: ["c", "m"] },
          { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5"] },
          { key: "kubernetes.io/arch", operator: "In", values: ["amd64"] },
          { key: "kubernetes.io/os", operator: "In", values: ["linux"] },
        ],
        expireAfter: `${LOAD_TEST_NODE_EXPIRY_HOURS}h`,
      },
    },
    disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "1m" },
    limits: { cpu: String(loadTestPoolCpu(input.rooms, input.cpusPerTester)) },
  };
}
