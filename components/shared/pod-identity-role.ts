import * as aws from "@pulumi/aws";
import * as pulumi from "@pulumi/pulumi";

export interface PodIdentityRoleArgs {
  /** EKS cluster whose pods assume the role. */
  clusterName: pulumi.Input<string>;
  /** The Kubernetes service account (namespace and name) the role is bound to. */
  namespace: pulumi.Input<string>;
  serviceAccount: pulumi.Input<string>;
  /**
   * While the service account moves to `namespace`: the namespace it leaves, where pods started before the move
   * may still run. The role keeps trusting the account there and its association stays (under the name the
   * association always had; the one in `namespace` needs `associationName`), so those pods keep renewing their
   * credentials until they end. The Pod Identity agent renews a pod's credentials with AssumeRoleForPodIdentity
   * for as long as it runs, and that call needs both the association and the role's trust.
   */
  formerNamespace?: pulumi.Input<string>;
  /**
   * Resource name of the association in `namespace`, when it is not the role's: one that moved gets its own name,
   * kept whether or not a former namespace is still drained, so dropping that namespace later deletes only what
   * was left there (one association per service account and namespace, and Pulumi deletes last).
   */
  associationName?: string;
  /** Managed policies to attach, by a short name that names the attachment. */
  managedPolicyArns?: Record<string, pulumi.Input<string>>;
  /** An inline policy document (JSON text), for permissions scoped to this deployment's resources. */
  inlinePolicy?: pulumi.Input<string>;
  description?: string;
  tags?: Record<string, string>;
}

/**
 * Trust of a Pod Identity role: the EKS Pod Identity service, only for this account, this cluster and this
 * one service account (the agent passes them as session tags; AWS EKS user guide, "Create IAM role with trust
 * policy required by EKS Pod Identity"). Anyone able to create an association elsewhere cannot use the role.
 */
export function podIdentityTrustPolicy(s: {
  accountId: string;
  clusterName: string;
  /** The account's namespace, or during a move every namespace it is trusted in. */
  namespace: string | string[];
  serviceAccount: string;
}) {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        // TagSession lets the agent attach the cluster, namespace and service account as session tags.
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": s.accountId,
            "aws:RequestTag/eks-cluster-name": s.clusterName,
            "aws:RequestTag/kubernetes-namespace": s.namespace,
            "aws:RequestTag/kubernetes-service-account": s.serviceAccount,
          },
        },
      },
    ],
  };
}

/**
 * An IAM role a Kubernetes service account assumes through EKS Pod Identity: the role trusts the
 * Pod Identity agent (pods.eks.amazonaws.com), and the association binds it to one service account.
 */
export class PodIdentityRole extends pulumi.ComponentResource {
  readonly role: aws.iam.Role;
  readonly roleArn: pulumi.Output<string>;
  /** Pods started before it exists get no credentials: depend on it from the workload. */
  readonly association: aws.eks.PodIdentityAssociation;
  /** The policy attachments, for workloads that must not start before their permissions exist. */
  readonly attachments: pulumi.Resource[] = [];

  constructor(name: string, args: PodIdentityRoleArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:iam:PodIdentityRole", name, {}, opts);
    this.role = new aws.iam.Role(
      name,
      {
        description: args.description,
        assumeRolePolicy: pulumi
          .all([
            aws.getCallerIdentityOutput({}, { parent: this }).accountId,
            args.clusterName,
            args.namespace,
            args.formerNamespace,
            args.serviceAccount,
          ])
          .apply(([accountId, clusterName, namespace, formerNamespace, serviceAccount]) =>
            JSON.stringify(
              podIdentityTrustPolicy({
                accountId,
                clusterName,
                // Several values of one key in one condition match any of them (IAM user guide, "Condition with multiple
                // context keys or values").
                namespace: formerNamespace === undefined ? namespace : [namespace, formerNamespace],
                serviceAccount,
              }),
            ),
          ),
        tags: args.tags,
      },
      { parent: this },
    );
    for (const [key, policyArn] of Object.entries(args.managedPolicyArns ?? {})) {
      this.attachments.push(
        new aws.iam.RolePolicyAttachment(`${name}-${key}`, { role: this.role.name, policyArn }, { parent: this }),
      );
    }
    if (args.inlinePolicy !== undefined) {
      this.attachments.push(
        new aws.iam.RolePolicy(name, { role: this.role.id, policy: args.inlinePolicy }, { parent: this }),
      );
    }
    const associate = (associationName: string, namespace: pulumi.Input<string>) =>
      new aws.eks.PodIdentityAssociation(
        associationName,
        {
          clusterName: args.clusterName,
          namespace,
          serviceAccount: args.serviceAccount,
          roleArn: this.role.arn,
          tags: args.tags,
        },
        { parent: this },
      );
    // EKS keeps one association per service account and namespace, and Pulumi deletes what a replacement leaves
    // only at the end of an update: the association of the namespace left keeps its name (and its place) instead.
    if (args.formerNamespace !== undefined) associate(name, args.formerNamespace);
    this.association = associate(args.associationName ?? name, args.namespace);
    this.roleArn = this.role.arn;
    this.registerOutputs({ roleArn: this.roleArn });
  }
}
