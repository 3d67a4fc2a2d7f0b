/**
 * The EC2 role of Kubernetes nodes, shared by the managed node groups and Karpenter's nodes.
 */
import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

/**
 * AWS managed policies every node role carries: Karpenter's getting-started set, without
 * AmazonEKS_CNI_Policy. The VPC CNI (`kube-system/aws-node`) gets that through Pod Identity instead (see
 * Cluster), so a process on a node that reaches instance metadata cannot create or move network interfaces.
 */
export const NODE_ROLE_POLICIES = [
  "AmazonEKSWorkerNodePolicy",
  "AmazonEC2ContainerRegistryPullOnly",
  // Session Manager instead of SSH keys or an open port 22.
  "AmazonSSMManagedInstanceCore",
];

/** An EC2 role for Kubernetes nodes with the node policies attached; `attachments` must exist before nodes boot. */
export function createNodeRole(name: string, parent: pulumi.Resource) {
  const partition = aws.getPartitionOutput({}, { parent }).partition;
  const role = new aws.iam.Role(
    name,
    {
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
    },
    { parent },
  );
  const attachments = NODE_ROLE_POLICIES.map(
    (policy) =>
      new aws.iam.RolePolicyAttachment(
        `${name}-${policy}`,
        {
          role: role.name,
          policyArn: pulumi.interpolate`arn:${partition}:iam::aws:policy/${policy}`,
        },
        { parent },
      ),
  );
  return { role, attachments };
}
