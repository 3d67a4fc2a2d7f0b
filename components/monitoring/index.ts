import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import * as random from "@pulumi/random";
import { AlertRulesInput, renderAlertRules } from "./alert-rules";
import { alertTopicKeyPolicy, alertTopicPolicy, alertTopicPublisherPolicy } from "./alert-topic";
import { renderDashboards } from "./dashboards";
import { podMonitorSpec, ScrapeTarget } from "./pod-monitors";

export type { ScrapeTarget } from "./pod-monitors";
import { dependenciesOf } from "../shared/dependencies";
import { placeOn } from "../shared/node-roles";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { alertmanagerConfig } from "./alertmanager-config";
import { chartSource, versions } from "../../lib/versions";

export interface MonitoringArgs {
  /** Region label: Prometheus' external label `region`, and the alerts' `region` label. */
  region: string;
  /** StorageClass for Prometheus, Alertmanager and Grafana volumes. */
  storageClassName: pulumi.Input<string>;
  /** What the alerts measure against: the region's planned capacity, where the SFU runs, TURN quota. */
  alerts: Omit<AlertRulesInput, "region">;
  /** `egress` absent where the region runs no recorders (a global-rooms member). */
  scrapeTargets: { livekit: ScrapeTarget; egress?: ScrapeTarget; coturn: ScrapeTarget };
  /** How long and how much Prometheus keeps, and its volume size. */
  retention: { time: string; size: string; volumeSize: string };
  /** Where alerts go: an SNS topic of the stack's own, and optional chat/paging/heartbeat URLs (secrets). */
  alerting: {
    /** EKS cluster (Alertmanager publishes to SNS with a Pod Identity role). */
    clusterName: pulumi.Input<string>;
    /** Email addresses subscribed to the topic (each confirms by email). */
    emailSubscriptions: string[];
    slackWebhookUrl?: pulumi.Input<string>;
    pagerDutyRoutingKey?: pulumi.Input<string>;
    heartbeatUrl?: pulumi.Input<string>;
  };
}

/** Alertmanager's service account (kube-prometheus-stack `alertmanager.serviceAccount.name`). */
export const ALERTMANAGER_SERVICE_ACCOUNT = "alertmanager";

const MONITORING_NAMESPACE = "monitoring";
const RELEASE = "kube-prometheus-stack";
/** The release of the operator's CRDs (the prometheus-operator-crds chart). */
const CRDS_RELEASE = "prometheus-operator-crds";
/** Helm's per-object annotation that keeps an object on uninstall and upgrade (`keep`). */
const HELM_RESOURCE_POLICY = "helm.sh/resource-policy";
/** Prometheus's query API inside the cluster (the chart's `<release>-prometheus` Service), e.g. for KEDA. */
export const PROMETHEUS_URL = `http://${RELEASE}-prometheus.${MONITORING_NAMESPACE}.svc.cluster.local:9090`;

/**
 * Prometheus, Alertmanager and Grafana (kube-prometheus-stack), the scrape configuration for LiveKit,
 * Egress and Coturn, the media-quality alert table and the dashboards, all on system nodes.
 *
 * Options: the cluster's Kubernetes provider (`providers`); in `dependsOn`, what its volumes need first (the
 * storage driver and StorageClass, `BlockStorage`), which `pulumi destroy` then removes only after the
 * namespace, and with it every volume claim, is gone.
 */
export class Monitoring extends pulumi.ComponentResource {
  readonly namespace = MONITORING_NAMESPACE;
  /** Every alert of the region is published here. */
  readonly alertTopicArn: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:monitoring:Monitoring", name, {}, opts);
    const system = placeOn("system");

    // Everything of the component lives in this namespace, so on `pulumi destroy` it is deleted after the chart's
    // release and before what the component depends on (the storage driver). The Kubernetes provider deletes it
    // with foreground propagation and waits until it is gone (pulumi-kubernetes provider/pkg/await/await.go,
    // `Deletion`), that is until the namespace controller has removed every object in it, the Prometheus,
    // Alertmanager and Grafana PVCs included; a PVC goes only once no pod mounts it. The volumes behind them are
    // deleted next by the driver, which BlockStorage keeps running until they are (its volume guard).
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      { metadata: { name: MONITORING_NAMESPACE } },
      { parent: this, dependsOn: dependenciesOf(opts) },
    );

    const crds = this.createOperatorCrds(name, namespace);

    const grafanaPassword = new random.RandomPassword(
      `${name}-grafana-admin`,
      { length: 32, special: false },
      { parent: this },
    );
    const grafanaAdmin = new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: namespace.metadata.name },
        stringData: { "admin-user": "admin", "admin-password": grafanaPassword.result },
      },
      { parent: this },
    );

    // --- Alert delivery: an SNS topic Alertmanager publishes to through Pod Identity, and CloudWatch alarms
    // (the Redis nodes') directly; encrypted with a key CloudWatch may use (./alert-topic.ts).
    const caller = aws.getCallerIdentityOutput({}, { parent: this });
    const partition = aws.getPartitionOutput({}, { parent: this }).partition;
    const topicKey = new aws.kms.Key(
      `${name}-alerts`,
      {
        description: `LiveKit alerts (${args.region}): the alert topic's messages`,
        enableKeyRotation: true,
        policy: pulumi.all([caller.accountId, partition]).apply(([accountId, p]) => alertTopicKeyPolicy(accountId, p)),
      },
      { parent: this },
    );
    const topic = new aws.sns.Topic(
      `${name}-alerts`,
      { displayName: `LiveKit alerts (${args.region})`, kmsMasterKeyId: topicKey.arn },
      { parent: this },
    );
    new aws.sns.TopicPolicy(
      `${name}-alerts`,
      {
        arn: topic.arn,
        policy: pulumi
          .all([topic.arn, caller.accountId, aws.getRegionOutput({}, { parent: this }).region, partition])
          .apply(([arn, accountId, awsRegion, p]) => alertTopicPolicy(arn, accountId, awsRegion, p)),
      },
      { parent: this },
    );
    this.alertTopicArn = topic.arn;
    for (const email of args.alerting.emailSubscriptions) {
      new aws.sns.TopicSubscription(
        `${name}-alerts-${email.replace(/[^a-zA-Z0-9]/g, "-")}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    }
    const alertmanagerIdentity = new PodIdentityRole(
      `${name}-alertmanager`,
      {
        clusterName: args.alerting.clusterName,
        namespace: MONITORING_NAMESPACE,
        serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
        description: "Alertmanager: publish alerts to the region's SNS topic",
        inlinePolicy: pulumi
          .all([topic.arn, topicKey.arn])
          .apply(([arn, keyArn]) => alertTopicPublisherPolicy(arn, keyArn)),
      },
      { parent: this },
    );
    const alerting = pulumi
      .all([
        topic.arn,
        aws.getRegionOutput({}, { parent: this }).region,
        args.alerting.slackWebhookUrl,
        args.alerting.pagerDutyRoutingKey,
        args.alerting.heartbeatUrl,
      ])
      .apply(([snsTopicArn, awsRegion, slackWebhookUrl, pagerDutyRoutingKey, heartbeatUrl]) =>
        alertmanagerConfig({ snsTopicArn, awsRegion, slackWebhookUrl, pagerDutyRoutingKey, heartbeatUrl }),
      );

    const volume = (size: string) => ({
      volumeClaimTemplate: {
        spec: {
          storageClassName: args.storageClassName,
          accessModes: ["ReadWriteOnce"],
          resources: { requests: { storage: size } },
        },
      },
    });
    const stack = new k8s.helm.v3.Release(
      `${name}-stack`,
      {
        name: RELEASE,
        ...chartSource(versions.charts.kubePrometheusStack),
        namespace: namespace.metadata.name,
        // The operator's CRDs are the release above. The chart's own copy is its `crds` subchart's crds/ folder,
        // which Helm would install once and never upgrade: `crds.enabled` (the subchart's condition in the
        // chart's Chart.yaml at kube-prometheus-stack-88.5.3) drops the subchart, and skipCrds drops every crds/
        // folder. Neither deletes CRDs that are there: Helm never records crds/ in a release's manifest.
        skipCrds: true,
        values: {
          crds: { enabled: false },
          // EKS runs the control plane: etcd, the scheduler, the controller manager and kube-proxy metrics are not reachable.
          kubeEtcd: { enabled: false },
          kubeControllerManager: { enabled: false },
          kubeScheduler: { enabled: false },
          kubeProxy: { enabled: false },
          defaultRules: {
            rules: {
              etcd: false,
              kubeControllerManager: false,
              kubeSchedulerAlerting: false,
              kubeSchedulerRecording: false,
              kubeProxy: false,
            },
          },
          prometheusOperator: { ...system, admissionWebhooks: { patch: { ...system } } },
          prometheus: {
            prometheusSpec: {
              // Select every PodMonitor, ServiceMonitor and PrometheusRule, not only those labelled with this release.
              serviceMonitorSelectorNilUsesHelmValues: false,
              podMonitorSelectorNilUsesHelmValues: false,
              ruleSelectorNilUsesHelmValues: false,
              probeSelectorNilUsesHelmValues: false,
              scrapeConfigSelectorNilUsesHelmValues: false,
              externalLabels: { region: args.region },
              retention: args.retention.time,
              retentionSize: args.retention.size,
              storageSpec: volume(args.retention.volumeSize),
              // Helm uninstall leaves the operator's PVCs (and their EBS volumes) behind unless told otherwise.
              persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
              resources: { requests: { cpu: "1", memory: "4Gi" }, limits: { memory: "8Gi" } },
              ...system,
            },
          },
          alertmanager: {
            serviceAccount: { create: true, name: ALERTMANAGER_SERVICE_ACCOUNT },
            // Holds webhook URLs and keys: the chart writes it to a Secret.
            config: pulumi.secret(alerting),
            alertmanagerSpec: {
              storage: volume("10Gi"),
              persistentVolumeClaimRetentionPolicy: { whenDeleted: "Delete", whenScaled: "Retain" },
              ...system,
            },
          },
          grafana: {
            ...system,
            admin: { existingSecret: grafanaAdmin.metadata.name, userKey: "admin-user", passwordKey: "admin-password" },
            persistence: { enabled: true, storageClassName: args.storageClassName, size: "10Gi" },
            // Its ReadWriteOnce volume cannot attach to a second pod on another node: replace, do not roll.
            deploymentStrategy: { type: "Recreate" },
            sidecar: {
              dashboards: { enabled: true, label: "grafana_dashboard", labelValue: "1", searchNamespace: "ALL" },
            },
          },
          "kube-state-metrics": { ...system },
          // Node metrics from every node, the tainted SFU and egress nodes included.
          "prometheus-node-exporter": { tolerations: [{ operator: "Exists" }] },
        },
      },
      {
        parent: this,
        dependsOn: [
          ...dependenciesOf(opts),
          crds,
          alertmanagerIdentity.association,
          ...alertmanagerIdentity.attachments,
        ],
      },
    );

    // The custom resources need the CRDs and the operator's admission webhook.
    const afterCrds = { parent: this, dependsOn: [crds, stack] };
    for (const [target, spec] of Object.entries(args.scrapeTargets)) {
      new k8s.apiextensions.CustomResource(
        `${name}-${target}`,
        {
          apiVersion: "monitoring.coreos.com/v1",
          kind: "PodMonitor",
          metadata: { name: target, namespace: namespace.metadata.name },
          spec: podMonitorSpec(spec),
        },
        afterCrds,
      );
    }

    new k8s.apiextensions.CustomResource(
      `${name}-alerts`,
      {
        apiVersion: "monitoring.coreos.com/v1",
        kind: "PrometheusRule",
        metadata: { name: "livekit-platform", namespace: namespace.metadata.name },
        spec: renderAlertRules({ ...args.alerts, region: args.region }),
      },
      afterCrds,
    );

    for (const [file, dashboard] of Object.entries(renderDashboards())) {
      new k8s.core.v1.ConfigMap(
        `${name}-dashboard-${file.replace(/\.json$/, "")}`,
        {
          metadata: {
            name: `dashboard-${file.replace(/\.json$/, "")}`,
            namespace: namespace.metadata.name,
            labels: { grafana_dashboard: "1" },
          },
          data: { [file]: JSON.stringify(dashboard, null, 1) },
        },
        { parent: this },
      );
    }
    this.registerOutputs({});
  }

  /**
   * The prometheus-operator CRDs, as a release of their own: the prometheus-operator-crds chart ships them as
   * templates, so a version bump upgrades them like any other object. Installed before the stack chart, and never
   * deleted: removing a CRD deletes every object of its kind, Prometheus and its volume claims included.
   */
  private createOperatorCrds(name: string, namespace: k8s.core.v1.Namespace): k8s.helm.v3.Release {
    return new k8s.helm.v3.Release(
      `${name}-crds`,
      {
        name: CRDS_RELEASE,
        ...chartSource(versions.charts.prometheusOperatorCrds),
        namespace: namespace.metadata.name,
        // A cluster first deployed with the CRDs from the stack chart's crds/ folder has them without Helm's
        // ownership label and annotations; a plain install refuses such objects ("exists and cannot be imported
        // into the current release", helm v3.20.2 pkg/action/validate.go existingResourceConflict, called from
        // pkg/action/install.go). takeOwnership is Helm's --take-ownership: the install adopts them
        // (validate.go requireAdoption, then a three-way-merge update that writes the release's metadata).
        takeOwnership: true,
        values: {
          // `helm uninstall` of this release, or a later chart without one of them, leaves the CRDs in place
          // (helm pkg/action/resource_policy.go). The chart's values.yaml at prometheus-operator-crds-31.0.1
          // has `crds.annotations` for this.
          crds: { annotations: { [HELM_RESOURCE_POLICY]: "keep" } },
        },
      },
      // `pulumi destroy` and a removal from the program drop the release from the state without uninstalling it.
      { parent: this, retainOnDelete: true },
    );
  }
}
