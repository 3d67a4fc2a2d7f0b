import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { dependenciesOf } from "../shared/dependencies";
import { workloadLabels } from "../shared/annotations";
import { ebsCsiDriverImages, type MirrorLocation, withImageValues } from "../shared/chart-images";
import type { ContainerImages } from "../shared/images";
import { kubectlLoopSpec } from "../shared/kubectl-pod";
import { placeOn } from "../shared/node-roles";
import { chartSource, versions } from "../../lib/versions";
import { PodIdentityRole } from "../shared/pod-identity-role";
import {
  EBS_CSI_DRIVER,
  VOLUME_GUARD_DELETE_TIMEOUT_SECONDS,
  VOLUME_GUARD_GRACE_SECONDS,
  VOLUME_GUARD_POLL_SECONDS,
  volumeGuardScript,
} from "./volume-guard";

/** The StorageClass persistent volumes in this platform use. */
export const GP3_STORAGE_CLASS = "gp3";

export interface BlockStorageArgs {
  clusterName: pulumi.Input<string>;
  /** Where the images come from (digest pins, the registry mirror): components/shared/images.ts. Shipped tags when omitted. */
  images?: ContainerImages;
  /** The registry mirror's locations: the driver chart's public.ecr.aws images go through it. */
  chartImages?: MirrorLocation;
}

/**
 * EBS volumes for the few stateful pods (Prometheus, Alertmanager, Grafana). EKS ships no working
 * default StorageClass: volumes need the EBS CSI driver, which needs IAM permissions to create them.
 * Give it the cluster's Kubernetes provider (`providers`) and, in `dependsOn`, the Pod Identity agent and the
 * system node group the driver's controller runs on. A component whose volume claims go on `pulumi destroy` lists
 * this one in its `dependsOn` (the SDK expands a component to its resources), so the volume guard, and after it
 * the driver, are deleted after those claims.
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
        managedPolicyArns: {
          driver: pulumi.interpolate`arn:${aws.getPartitionOutput({}, { parent: this }).partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
        },
      },
      { parent: this },
    );

    const driver = new k8s.helm.v3.Release(
      `${name}-ebs-csi`,
      {
        name: "aws-ebs-csi-driver",
        ...chartSource(versions.charts.awsEbsCsiDriver),
        namespace,
        values: withImageValues(
          {
            controller: {
              serviceAccount: { create: true, name: serviceAccount },
              // Nodes' IMDS answers no pod (hop limit 1): the controller cannot look its region up there.
              region: aws.getRegionOutput({}, { parent: this }).region,
              // Tags every volume it creates `kubernetes.io/cluster/<cluster>: owned`, `KubernetesCluster` and
              // `ebs.csi.aws.com/cluster-name` (aws-ebs-csi-driver v1.64.0 pkg/driver/controller.go, CreateVolume),
              // so a volume left behind names its cluster (docs/runbooks.md, "Teardown").
              k8sTagClusterId: args.clusterName,
              ...placeOn("system"),
            },
            // The node plugin must run wherever a volume may be mounted; it tolerates every taint by default.
            node: { tolerateAllTaints: true },
          },
          args.chartImages && ebsCsiDriverImages(args.chartImages),
        ),
      },
      // A controller started before its association and policy exist gets no credentials: PVCs stay Pending.
      { parent: this, dependsOn: [...dependenciesOf(opts), identity.association, ...identity.attachments] },
    );

    new k8s.storage.v1.StorageClass(
      `${name}-gp3`,
      {
        metadata: { name: GP3_STORAGE_CLASS, annotations: { "storageclass.kubernetes.io/is-default-class": "true" } },
        provisioner: EBS_CSI_DRIVER,
        parameters: { type: "gp3", encrypted: "true" },
        // Create the volume in the AZ of the node the pod lands on, not in a random one.
        volumeBindingMode: "WaitForFirstConsumer",
        allowVolumeExpansion: true,
        reclaimPolicy: "Delete",
      },
      { parent: this, dependsOn: [driver] },
    );

    this.createVolumeGuard(name, namespace, driver, args.images);
    this.registerOutputs({});
  }

  /**
   * The volume guard (volume-guard.ts): created after the driver, so `pulumi destroy` deletes it first and
   * deletes the driver only once the guard's pod has seen every released volume deleted. Its read-only access
   * is deleted after it.
   */
  private createVolumeGuard(
    name: string,
    namespace: string,
    driver: k8s.helm.v3.Release,
    images: ContainerImages | undefined,
  ): void {
    const guardName = "ebs-csi-volume-guard";
    const { labels, podLabels } = workloadLabels(guardName, "block-storage");
    const account = new k8s.core.v1.ServiceAccount(
      `${name}-volume-guard`,
      { metadata: { name: guardName, namespace, labels } },
      { parent: this },
    );
    const role = new k8s.rbac.v1.ClusterRole(
      `${name}-volume-guard`,
      {
        metadata: { name: guardName, labels },
        rules: [{ apiGroups: [""], resources: ["persistentvolumes", "persistentvolumeclaims"], verbs: ["list"] }],
      },
      { parent: this },
    );
    const binding = new k8s.rbac.v1.ClusterRoleBinding(
      `${name}-volume-guard`,
      {
        metadata: { name: guardName, labels },
        roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: role.metadata.name },
        subjects: [{ kind: "ServiceAccount", name: account.metadata.name, namespace }],
      },
      { parent: this },
    );
    new k8s.apps.v1.Deployment(
      `${name}-volume-guard`,
      {
        metadata: {
          name: guardName,
          namespace,
          labels,
          annotations: { "pulumi.com/timeoutSeconds": String(VOLUME_GUARD_DELETE_TIMEOUT_SECONDS) },
        },
        spec: kubectlLoopSpec({
          name: "guard",
          labels,
          podLabels,
          serviceAccountName: account.metadata.name,
          script: volumeGuardScript({ driver: EBS_CSI_DRIVER, pollSeconds: VOLUME_GUARD_POLL_SECONDS }),
          cpuRequest: "10m",
          images,
          terminationGracePeriodSeconds: VOLUME_GUARD_GRACE_SECONDS,
        }),
      },
      { parent: this, dependsOn: [driver, binding] },
    );
  }
}
