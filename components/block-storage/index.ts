import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { placeOn } from "../shared/node-roles";
import { chartSource, versions } from "../../lib/versions";
import { PodIdentityRole } from "../shared/pod-identity-role";

/** The StorageClass persistent volumes in this platform use. */
export const GP3_STORAGE_CLASS = "gp3";

export interface BlockStorageArgs {
  clusterName: pulumi.Input<string>;
}

/**
 * EBS volumes for the few stateful pods (Prometheus, Alertmanager, Grafana). EKS ships no working
 * default StorageClass: volumes need the EBS CSI driver, which needs IAM permissions to create them.
 * Give it the cluster's Kubernetes provider (`providers`) and, in `dependsOn`, the Pod Identity agent and the
 * system node group the driver's controller runs on.
 */
export class BlockStorage extends pulumi.ComponentResource {
  readonly storageClassName = GP3_STORAGE_CLASS;

  constructor(name: string, args: BlockStorageArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:storage:BlockStorage", name, {}, opts);
    const namespace = "kube-system";
    const serviceAccount = "ebs-csi-controller-sa";
    const identity = new PodIdentityRole(
      `${name}-ebs-csi`,
      {
        clusterName: args.clusterName,
        namespace,
        serviceAccount,
        managedPolicyArns: { driver: "arn:aws:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy" },
      },
      { parent: this },
    );

    const driver = new k8s.helm.v3.Release(
      `${name}-ebs-csi`,
      {
        name: "aws-ebs-csi-driver",
        ...chartSource(versions.charts.awsEbsCsiDriver),
        namespace,
        values: {
          controller: {
            serviceAccount: { create: true, name: serviceAccount },
            // Nodes' IMDS answers no pod (hop limit 1): the controller cannot look its region up there.
            region: aws.getRegionOutput({}, { parent: this }).region,
            ...placeOn("system"),
          },
          // The node plugin must run wherever a volume may be mounted; it tolerates every taint by default.
          node: { tolerateAllTaints: true },
        },
      },
      // A controller started before its association and policy exist gets no credentials: PVCs stay Pending.
      { parent: this, dependsOn: [...dependenciesOf(opts), identity.association, ...identity.attachments] },
    );

    new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: GP3_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: "ebs.csi.aws.com",
        parameters: { type: "gp3", encrypted: "true" },
        // Create the volume in the AZ of the node the pod lands on, not in a random one.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
      },
      { parent: this, dependsOn: [driver] },
    );
    this.registerOutputs({});
  }
}
