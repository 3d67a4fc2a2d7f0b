import * as aws from "@pulumi/aws";
import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { AlertRulesInput, renderAlertRules, RUNBOOKS_DOCUMENT } from "./alert-rules";
import { chartSource, versions } from "../../lib/versions";
import { kubePrometheusStackImages, type MirrorLocation, withImageValues } from "../shared/chart-images";
import { dependenciesOf } from "../shared/dependencies";
import { podSecurityLabels } from "../shared/pod-security";
import { PodIdentityRole } from "../shared/pod-identity-role";
import { alertmanagerConfig } from "./alertmanager-config";
import { alertTopicKeyPolicy, alertTopicPolicy, alertTopicPublisherPolicy } from "./alert-topic";
import { renderDashboards } from "./dashboards";
import {
  HEARTBEAT_ALARM_KIND,
  heartbeatAlarmSpec,
  PAGE_DELIVERY_ALARM_KIND,
  pageDeliveryAlarmSpec,
  pagerDutyCloudWatchEndpoint,
} from "./heartbeat";
import { podMonitorSpec, ScrapeTarget } from "./pod-monitors";
import { ALERTMANAGER_SERVICE_ACCOUNT, kubePrometheusStackValues, operatorCrdsValues } from "./values";

export type { ScrapeTarget } from "./pod-monitors";
export { ALERTMANAGER_SERVICE_ACCOUNT };

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
  /**
   * Where alerts go: an SNS topic of the stack's own, and optional chat/paging URLs (secrets); the Watchdog
   * heartbeat goes to a topic of its own, watched by a CloudWatch alarm, and optionally to a URL (a secret).
   */
  alerting: {
    /** EKS cluster (Alertmanager publishes to SNS with a Pod Identity role). */
    clusterName: pulumi.Input<string>;
    /** Email addresses subscribed to the topic (each confirms by email). */
    emailSubscriptions: string[];
    slackWebhookUrl?: pulumi.Input<string>;
    pagerDutyRoutingKey?: pulumi.Input<string>;
    /** A PagerDuty Amazon CloudWatch integration's key (a secret): the heartbeat alarm pages it too. */
    pagerDutyCloudWatchIntegrationKey?: pulumi.Input<string>;
    heartbeatUrl?: pulumi.Input<string>;
  };
  /** The registry mirror's locations: the chart's Docker Hub, quay.io and registry.k8s.io images go through it. */
  chartImages?: MirrorLocation;
  /** Grafana's admin password, a secret: the region's Credentials make it (`grafanaAdminPassword`). */
  grafanaAdminPassword: pulumi.Input<string>;
}

const MONITORING_NAMESPACE = "monitoring";
const RELEASE = "kube-prometheus-stack";
/** The release of the operator's CRDs (the prometheus-operator-crds chart). */
const CRDS_RELEASE = "prometheus-operator-crds";
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
export { MONITORING_NAMESPACE };

export class Monitoring extends pulumi.ComponentResource {
  readonly namespace = MONITORING_NAMESPACE;
  /** Every alert of the region is published here. */
  readonly alertTopicArn: pulumi.Output<string>;

  constructor(name: string, args: MonitoringArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:monitoring:Monitoring", name, {}, opts);

    // Everything of the component lives in this namespace, so on `pulumi destroy` it is deleted after the chart's
    // release and before what the component depends on (the storage driver). The Kubernetes provider deletes it
    // with foreground propagation and waits until it is gone (pulumi-kubernetes provider/pkg/await/await.go,
    // `Deletion`), that is until the namespace controller has removed every object in it, the Prometheus,
    // Alertmanager and Grafana PVCs included; a PVC goes only once no pod mounts it. The volumes behind them are
    // deleted next by the driver, which BlockStorage keeps running until they are (its volume guard).
    const namespace = new k8s.core.v1.Namespace(
      `${name}-ns`,
      // Privileged: node-exporter, a DaemonSet of this release, runs on the host network with hostPID and hostPath;
      // warned and audited at baseline, so whatever else a pod of the chart asks for shows up.
      { metadata: { name: MONITORING_NAMESPACE, labels: podSecurityLabels("privileged", "baseline") } },
      { parent: this, dependsOn: dependenciesOf(opts) },
    );
    const crds = this.createOperatorCrds(name, namespace);
    const grafanaAdmin = this.grafanaAdmin(name, namespace, args.grafanaAdminPassword);
    const alerting = this.alertDelivery(name, args);
    this.alertTopicArn = alerting.topicArn;

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
        values: withImageValues(
          kubePrometheusStackValues({
            region: args.region,
            storageClassName: args.storageClassName,
            retention: args.retention,
            alertmanagerConfig: pulumi.secret(alerting.config),
            grafanaAdminSecret: grafanaAdmin.metadata.name,
          }),
          args.chartImages && kubePrometheusStackImages(args.chartImages),
        ),
      },
      { parent: this, dependsOn: [...dependenciesOf(opts), crds, ...alerting.identity] },
    );

    // The custom resources need the CRDs and the operator's admission webhook.
    this.rulesAndMonitors(name, args, namespace, { parent: this, dependsOn: [crds, stack] });
    this.dashboards(name, namespace);
    this.registerOutputs({});
  }

  /** Grafana's admin user and its password, in a Secret the chart reads. */
  private grafanaAdmin(
    name: string,
    namespace: k8s.core.v1.Namespace,
    password: pulumi.Input<string>,
  ): k8s.core.v1.Secret {
    return new k8s.core.v1.Secret(
      `${name}-grafana-admin`,
      {
        metadata: { name: "grafana-admin", namespace: namespace.metadata.name },
        stringData: { "admin-user": "admin", "admin-password": password },
      },
      { parent: this },
    );
  }

  /**
   * Alert delivery: an SNS topic of the region, encrypted with a key CloudWatch may use (./alert-topic.ts), its
   * email subscriptions, and Alertmanager's config and role to publish to it through Pod Identity (what the
   * chart's release waits for). CloudWatch alarms (the Redis nodes') publish to it directly.
   */
  private alertDelivery(name: string, args: MonitoringArgs) {
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
    // What lets this account's CloudWatch alarms publish to a topic: the alert topic, and the heartbeat's paging topic.
    const alarmTopicPolicy = (arn: pulumi.Output<string>) =>
      pulumi
        .all([arn, caller.accountId, aws.getRegionOutput({}, { parent: this }).region, partition])
        .apply(([topicArn, accountId, awsRegion, p]) => alertTopicPolicy(topicArn, accountId, awsRegion, p));
    new aws.sns.TopicPolicy(
      `${name}-alerts`,
      { arn: topic.arn, policy: alarmTopicPolicy(topic.arn) },
      { parent: this },
    );
    for (const email of args.alerting.emailSubscriptions) {
      new aws.sns.TopicSubscription(
        `${name}-alerts-${email.replace(/[^a-zA-Z0-9]/g, "-")}`,
        { topic: topic.arn, protocol: "email", endpoint: email },
        { parent: this },
      );
    }
    const heartbeat = this.deadMansSwitch(name, args, topicKey, topic, alarmTopicPolicy);
    const identity = new PodIdentityRole(
      `${name}-alertmanager`,
      {
        clusterName: args.alerting.clusterName,
        namespace: MONITORING_NAMESPACE,
        serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
        description: "Alertmanager: publish alerts and the Watchdog heartbeat to the region's SNS topics",
        inlinePolicy: pulumi
          .all([topic.arn, heartbeat.arn, topicKey.arn])
          .apply(([arn, heartbeatArn, keyArn]) => alertTopicPublisherPolicy([arn, heartbeatArn], keyArn)),
      },
      { parent: this },
    );
    const config = pulumi
      .all([
        topic.arn,
        heartbeat.arn,
        aws.getRegionOutput({}, { parent: this }).region,
        args.alerting.slackWebhookUrl,
        args.alerting.pagerDutyRoutingKey,
        args.alerting.heartbeatUrl,
      ])
      .apply(([snsTopicArn, heartbeatTopicArn, awsRegion, slackWebhookUrl, pagerDutyRoutingKey, heartbeatUrl]) =>
        alertmanagerConfig({
          snsTopicArn,
          heartbeatTopicArn,
          awsRegion,
          slackWebhookUrl,
          pagerDutyRoutingKey,
          heartbeatUrl,
        }),
      );
    return { topicArn: topic.arn, config, identity: [identity.association, ...identity.attachments] };
  }

  /**
   * The dead man's switch (./heartbeat.ts): the topic Alertmanager sends the Watchdog to, encrypted with the alert
   * topic's key, and the alarm that publishes to the alert topic when it goes quiet, and again when it recovers;
   * with PagerDuty, to the paging topic too. `alarmTopicPolicy` is the policy that lets CloudWatch publish.
   */
  private deadMansSwitch(
    name: string,
    args: MonitoringArgs,
    key: aws.kms.Key,
    alertTopic: aws.sns.Topic,
    alarmTopicPolicy: (topicArn: pulumi.Output<string>) => pulumi.Output<string>,
  ) {
    const heartbeat = new aws.sns.Topic(
      `${name}-heartbeat`,
      { displayName: `LiveKit alerting heartbeat (${args.region})`, kmsMasterKeyId: key.arn },
      { parent: this },
    );
    const runbookBase = args.alerts.runbookBase ?? RUNBOOKS_DOCUMENT;
    const alarmTopics = [alertTopic.arn];
    const integrationKey = args.alerting.pagerDutyCloudWatchIntegrationKey;
    if (integrationKey !== undefined) {
      const page = new aws.sns.Topic(
        `${name}-heartbeat-page`,
        { displayName: `LiveKit alerting heartbeat page (${args.region})`, kmsMasterKeyId: key.arn },
        { parent: this },
      );
      new aws.sns.TopicPolicy(
        `${name}-heartbeat-page`,
        { arn: page.arn, policy: alarmTopicPolicy(page.arn) },
        { parent: this },
      );
      new aws.sns.TopicSubscription(
        `${name}-heartbeat-pagerduty`,
        {
          topic: page.arn,
          protocol: "https",
          // The key is in the URL: secret in the state and the plan, whatever the caller passed.
          endpoint: pulumi.secret(pulumi.output(integrationKey).apply(pagerDutyCloudWatchEndpoint)),
          // PagerDuty confirms the subscription itself: the provider then waits for the confirmation and can delete
          // the subscription on destroy; an https subscription left pending it could not (@pulumi/aws 7.48.0,
          // sns/topicSubscription.d.ts, `endpointAutoConfirms` and the note on pending confirmation).
          endpointAutoConfirms: true,
        },
        { parent: this },
      );
      alarmTopics.push(page.arn);
      new aws.cloudwatch.MetricAlarm(
        `${name}-heartbeat-page-undelivered`,
        {
          name: pulumi.interpolate`${heartbeat.name}-${PAGE_DELIVERY_ALARM_KIND}`,
          ...pageDeliveryAlarmSpec(page.name, runbookBase),
          alarmActions: [alertTopic.arn],
        },
        { parent: this },
      );
    }
    new aws.cloudwatch.MetricAlarm(
      `${name}-heartbeat`,
      {
        name: pulumi.interpolate`${heartbeat.name}-${HEARTBEAT_ALARM_KIND}`,
        ...heartbeatAlarmSpec(heartbeat.name, runbookBase),
        alarmActions: alarmTopics,
        // The OK resolves PagerDuty's incident as well.
        okActions: alarmTopics,
      },
      { parent: this },
    );
    return heartbeat;
  }

  /** A PodMonitor per scrape target, and the alert table (a PrometheusRule). */
  private rulesAndMonitors(
    name: string,
    args: MonitoringArgs,
    namespace: k8s.core.v1.Namespace,
    afterCrds: pulumi.CustomResourceOptions,
  ): void {
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
  }

  /** The dashboards, one ConfigMap each, labelled for the Grafana sidecar (`grafana_dashboard: "1"`). */
  private dashboards(name: string, namespace: k8s.core.v1.Namespace): void {
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
        values: operatorCrdsValues(),
      },
      // `pulumi destroy` and a removal from the program drop the release from the state without uninstalling it.
      { parent: this, retainOnDelete: true },
    );
  }
}
