import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { workloadLabels } from "../shared/annotations";
import { platformNetworkPolicies, PlatformNetworkInput } from "./policies";

export { platformNetworkPolicies } from "./policies";
export type { PlatformNetworkInput, NetworkPolicyDocument } from "./policies";

/**
 * The region's NetworkPolicies (./policies.ts): default deny in the platform's namespaces, then what each workload
 * off the host network uses. Created after the namespaces they live in and the VPC CNI that enforces them.
 *
 * Options: the cluster's Kubernetes provider (`providers`); in `dependsOn`, the namespaces.
 */
export class NetworkPolicies extends pulumi.ComponentResource {
  constructor(name: string, args: PlatformNetworkInput, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:network-policy:NetworkPolicies", name, {}, opts);
    const { labels } = workloadLabels("network-policy");
    for (const policy of platformNetworkPolicies(args)) {
      new k8s.networking.v1.NetworkPolicy(
        `${name}-${policy.namespace}-${policy.name}`,
        { metadata: { name: policy.name, namespace: policy.namespace, labels }, spec: policy.spec },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }
}
