import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { loadBalancerControllerImages, type MirrorLocation, withImageValues } from "../shared/chart-images";
import { dependenciesOf } from "../shared/dependencies";
import { placeOn } from "../shared/node-roles";
import { chartSource, versions } from "../../lib/versions";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { loadBalancerControllerPolicy } from "./iam";

export const LOAD_BALANCER_CONTROLLER_NAMESPACE = "kube-system";
export const LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT = "aws-load-balancer-controller";

export interface LoadBalancerControllerArgs {
  clusterName: pulumi.Input<string>;
  /** The controller reads it instead of asking the instance metadata service (hop limit 1 on Karpenter nodes). */
  vpcId: pulumi.Input<string>;
  /** The registry mirror's locations: the controller's public.ecr.aws image goes through it. */
  chartImages?: MirrorLocation;
}

/**
 * The AWS Load Balancer Controller: it turns the signalling Ingress into an ALB and the TURN/TLS Service
 * into an NLB, and manages those load balancers' security-group rules itself.
 *
 * Options: the cluster's Kubernetes provider (`providers`); in `dependsOn`, the Pod Identity agent add-on (the
 * controller gets its AWS credentials through it) and the node group the controller runs on (the chart waits
 * for it: Helm gives pods 5 minutes to start).
 */
export class LoadBalancerController extends pulumi.ComponentResource {
  readonly release: k8s.helm.v3.Release;

  constructor(name: string, args: LoadBalancerControllerArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:ingress:LoadBalancerController", name, {}, opts);

    const policy = new aws.iam.Policy(
      `${name}-controller`,
      {
        description: `AWS Load Balancer Controller ${versions.charts.awsLoadBalancerController.version}`,
        policy: aws
          .getPartitionOutput({}, { parent: this })
          .partition.apply((partition) => JSON.stringify(loadBalancerControllerPolicy(partition))),
      },
      { parent: this },
    );
    const identity = new PodIdentityRole(
      `${name}-controller`,
      {
        clusterName: args.clusterName,
        namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE,
        serviceAccount: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT,
        managedPolicyArns: { controller: policy.arn },
      },
      { parent: this },
    );
    const [attachment] = identity.attachments;
    const podIdentity = identity.association;

    this.release = new k8s.helm.v3.Release(
      name,
      {
        name: "aws-load-balancer-controller",
        ...chartSource(versions.charts.awsLoadBalancerController),
        namespace: LOAD_BALANCER_CONTROLLER_NAMESPACE,
        values: withImageValues(
          {
            clusterName: args.clusterName,
            region: aws.getRegionOutput({}, { parent: this }).region,
            vpcId: args.vpcId,
            serviceAccount: { create: true, name: LOAD_BALANCER_CONTROLLER_SERVICE_ACCOUNT },
            replicaCount: 2,
            nodeSelector: placeOn("system").nodeSelector,
            // The chart's mservice.elbv2.k8s.aws webhook (failurePolicy Fail, every Service in every namespace)
            // rejects Services until the controller is ready, racing the other releases on first install
            // (eks-charts stable/aws-load-balancer-controller 3.5.0 templates/webhook.yaml;
            // kubernetes-sigs/aws-load-balancer-controller#4140). The TURN Service names its loadBalancerClass.
            enableServiceMutatorWebhook: false,
          },
          args.chartImages && loadBalancerControllerImages(args.chartImages),
        ),
      },
      { parent: this, dependsOn: [podIdentity, attachment, ...dependenciesOf(opts)] },
    );

    this.registerOutputs({});
  }
}
