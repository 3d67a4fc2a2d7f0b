/**
 * The capacity model: from target concurrency and room shape to SFU and egress node counts, node-group
 * bounds, Karpenter limits and HPA bounds. Pure functions, no Pulumi.
 *
 * How a region is sized:
 *   1. Each room kind's load per room (CPU, egress and ingress Mbps) comes from its shape: who publishes,
 *      who receives what (`roomTraffic`), priced with CPU costs derived from LiveKit's benchmark
 *      (`SFU_CPU_COSTS`).
 *   2. A room never spans nodes, so a room larger than one node is an error, and rooms pack onto nodes
 *      in whole numbers.
 *   3. Nodes are added until neither CPU nor internet bandwidth exceeds the target utilisation; the
 *      dimension that needs more nodes is the binding constraint.
 *   4. The node-group, Karpenter and HPA bounds follow from the peak node count (`sizeBounds`).
 */
export * from "./traffic";
export * from "./cpu-costs";
export * from "./rules";
export * from "./types";
export * from "./input";
export * from "./plan";
export * from "./regions";
export * from "./prices";
export * from "./cost";
export * from "./managed";
export * from "./cost-text";
export * from "./bounds";
