/**
 * What the cluster controllers (Karpenter, the load balancer controller, the storage driver) take from the
 * cluster, in their options as the region stack gives it: the cluster's Kubernetes provider (`providers`), the
 * Pod Identity agent add-on and the system node group (`dependsOn`). Call inside runComponents.
 */
import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";

export const TEST_CLUSTER = "livekit-test";

export function clusterDependencies() {
  const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
  const podIdentityAgent = new aws.eks.Addon("agent", {
    clusterName: TEST_CLUSTER,
    addonName: "eks-pod-identity-agent",
  });
  const systemNodes = new aws.eks.NodeGroup("system", {
    clusterName: TEST_CLUSTER,
    nodeRoleArn: "arn:aws:iam::123456789012:role/nodes",
    subnetIds: ["subnet-0prv00001"],
    scalingConfig: { minSize: 2, maxSize: 2, desiredSize: 2 },
  });
  const options: pulumi.ComponentResourceOptions = {
    providers: [provider],
    dependsOn: [podIdentityAgent, systemNodes],
  };
  return { provider, podIdentityAgent, systemNodes, options };
}
