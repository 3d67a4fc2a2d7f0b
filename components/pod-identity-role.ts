import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PodIdentityRoleArgs {
  /** EKS cluster whose pods assume the role. */
  clusterName: pulumi.Input<string>;
  /** The Kubernetes service account (namespace and name) the role is bound to. */
  namespace: string;
  serviceAccount: string;
  /** AWS managed policies to attach. */
  managedPolicyArns?: string[];
  /** An inline policy document (JSON text), for permissions scoped to this deployment's resources. */
  inlinePolicy?: pulumi.Input<string>;
}

/**
 * An IAM role a Kubernetes service account assumes through EKS Pod Identity: the role trusts the
 * Pod Identity agent (pods.eks.amazonaws.com), and the association binds it to one service account.
 */
export class PodIdentityRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;

  constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:iam:PodIdentityRole", name, {}, opts);
    this.role = new aws.iam.Role(name, {
      description: `Pod Identity role for ${args.namespace}/${args.serviceAccount}`,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{
          Effect: "Allow",
          Principal: { Service: "pods.eks.amazonaws.com" },
          // TagSession lets the agent attach the cluster, namespace and service account as session tags.
          Action: ["sts:AssumeRole", "sts:TagSession"],
        }],
      }),
    }, { parent: this });
    for (const [i, policyArn] of (args.managedPolicyArns ?? []).entries()) {
      new aws.iam.RolePolicyAttachment(`${name}-${i}`, { role: this.role.name, policyArn }, { parent: this });
    }
    if (args.inlinePolicy !== undefined) {
      new aws.iam.RolePolicy(name, { role: this.role.id, policy: args.inlinePolicy }, { parent: this });
    }
    new aws.eks.PodIdentityAssociation(name, {
      clusterName: args.clusterName,
      namespace: args.namespace,
      serviceAccount: args.serviceAccount,
      roleArn: this.role.arn,
    }, { parent: this });
    this.roleArn = this.role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
