import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Monitoring, ALERTMANAGER_SERVICE_ACCOUNT } from "../../../components/monitoring";
import { findResource, inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { runComponents, runStack } from "../../support/plan";

const HELM = "kubernetes:helm.sh/v3:Release";

function monitoring(alerting: Record<string, unknown>) {
  return runComponents(() => {
    const provider = new k8s.Provider("k8s", { kubeconfig: "{}" });
    const target = { namespace: "livekit", podLabels: { app: "x" }, port: "metrics" };
    new Monitoring(
      "monitoring",
      {
        region: "mumbai",
        storageClassName: "gp3",
        alerts: {
          capacity: { maxRooms: 1000, maxParticipants: 20000 },
          sfu: { namespace: "livekit", deployment: "livekit-server" },
          turn: { totalQuota: 8000 },
        } as never,
        scrapeTargets: { livekit: target, egress: target, coturn: target },
        retention: { time: "15d", size: "90GB", volumeSize: "100Gi" },
        alerting: { clusterName: "livekit-mumbai", emailSubscriptions: [], ...alerting },
        grafanaAdminPassword: "GrafanaAdmin0123456789abcdefghij",
      },
      { providers: [provider] },
    );
  });
}

describe("Monitoring: alert delivery and volumes", () => {
  let plan: PlanResult;
  let values: Record<string, any>;
  beforeAll(async () => {
    plan = await monitoring({
      emailSubscriptions: ["oncall@example.com"],
      slackWebhookUrl: pulumi.secret("https://hooks.slack.com/services/T/B/x"),
      heartbeatUrl: pulumi.secret("https://hc-ping.com/uuid"),
    });
    values = inputsOf(findResource(plan, HELM, "monitoring-stack")).values;
  });

  it("sends every alert to the region's SNS topic (encrypted), with Slack when configured, and subscribes the emails", () => {
    const topic = findResource(plan, "aws:sns/topic:Topic", "monitoring-alerts");
    // Its own key, which CloudWatch alarms may use (the AWS managed alias/aws/sns key refuses them).
    const key = findResource(plan, "aws:kms/key:Key", "monitoring-alerts");
    expect(inputsOf(topic).kmsMasterKeyId).not.toBe("alias/aws/sns");
    expect(topic.dependencies).toContain(key.urn);
    const keyPolicy = JSON.parse(inputsOf(key).policy);
    expect(keyPolicy.Statement[1]).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
    });
    const topicPolicy = JSON.parse(
      inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-alerts")).policy,
    );
    expect(topicPolicy.Statement[0]).toMatchObject({
      Principal: { Service: "cloudwatch.amazonaws.com" },
      Action: "sns:Publish",
    });
    const config = values.alertmanager.config;
    expect(config.route.receiver).toBe("platform");
    const platform = config.receivers.find((r: any) => r.name === "platform");
    expect(platform.sns_configs).toEqual([
      expect.objectContaining({
        topic_arn: expect.stringMatching(/^arn:aws:sns:ap-south-1:/),
        sigv4: { region: "ap-south-1" },
      }),
    ]);
    expect(platform.slack_configs).toEqual([
      { api_url: "https://hooks.slack.com/services/T/B/x", send_resolved: true },
    ]);
    expect(platform.pagerduty_configs).toBeUndefined();
    expect(
      inputsOf(
        findResource(plan, "aws:sns/topicSubscription:TopicSubscription", "monitoring-alerts-oncall-example-com"),
      ),
    ).toMatchObject({
      protocol: "email",
      endpoint: "oncall@example.com",
    });
  });

  it("sends the always-firing Watchdog to the heartbeat topic and URL every minute, never to the people", () => {
    const route = values.alertmanager.config.route.routes.find((r: any) =>
      r.matchers.includes('alertname = "Watchdog"'),
    );
    expect(route).toMatchObject({ receiver: "heartbeat", group_interval: "1m", repeat_interval: "1m" });
    const heartbeat = values.alertmanager.config.receivers.find((r: any) => r.name === "heartbeat");
    expect(heartbeat.webhook_configs).toEqual([{ url: "https://hc-ping.com/uuid", send_resolved: false }]);
    expect(heartbeat.sns_configs).toEqual([
      expect.objectContaining({
        topic_arn: expect.stringMatching(/^arn:aws:sns:ap-south-1:\d{12}:monitoring-heartbeat-/),
        sigv4: { region: "ap-south-1" },
        send_resolved: false,
      }),
    ]);
    // The topic the dead man's switch watches.
    const alarm = inputsOf(findResource(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-heartbeat"));
    expect(heartbeat.sns_configs[0].topic_arn.split(":").pop()).toBe(alarm.dimensions.TopicName);
  });

  it("pages through the alert topic when the heartbeat topic has had no message for 15 minutes", () => {
    const heartbeat = findResource(plan, "aws:sns/topic:Topic", "monitoring-heartbeat");
    const alertTopic = findResource(plan, "aws:sns/topic:Topic", "monitoring-alerts");
    // Encrypted with the alert topic's key, which Alertmanager's role may use.
    expect(inputsOf(heartbeat).kmsMasterKeyId).toBe(inputsOf(alertTopic).kmsMasterKeyId);
    const alarm = inputsOf(findResource(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-heartbeat"));
    const alertTopicArn = values.alertmanager.config.receivers[1].sns_configs[0].topic_arn;
    expect(alarm).toMatchObject({
      namespace: "AWS/SNS",
      metricName: "NumberOfMessagesPublished",
      dimensions: { TopicName: expect.stringMatching(/^monitoring-heartbeat-/) },
      statistic: "Sum",
      comparisonOperator: "LessThanThreshold",
      threshold: 1,
      treatMissingData: "breaching",
      alarmActions: [alertTopicArn],
      okActions: [alertTopicArn],
    });
    expect(alertTopicArn).toMatch(/:monitoring-alerts-/);
    expect(alarm.period).toBe(300); // SNS's metric period
    expect(alarm.period * alarm.evaluationPeriods).toBe(15 * 60);
    expect(alarm.datapointsToAlarm).toBe(alarm.evaluationPeriods);
    expect(alarm.alarmDescription).toContain("docs/runbooks.md#dead-mans-switch-livekitalertingheartbeatmissing");
  });

  it("keeps the receivers' URLs secret in the release values", () => {
    const raw = findResource(plan, HELM, "monitoring-stack").inputs.values as Record<string, any>;
    expect(isSecret(raw) || isSecret(raw.alertmanager) || isSecret(raw.alertmanager?.config)).toBe(true);
  });

  it("lets Alertmanager publish to that topic and the heartbeat topic only, through Pod Identity, before the release starts it", () => {
    expect(values.alertmanager.serviceAccount).toEqual({ create: true, name: ALERTMANAGER_SERVICE_ACCOUNT });
    const association = findResource(
      plan,
      "aws:eks/podIdentityAssociation:PodIdentityAssociation",
      "monitoring-alertmanager",
    );
    expect(inputsOf(association)).toMatchObject({
      namespace: "monitoring",
      serviceAccount: ALERTMANAGER_SERVICE_ACCOUNT,
    });
    const policy = JSON.parse(
      inputsOf(findResource(plan, "aws:iam/rolePolicy:RolePolicy", "monitoring-alertmanager")).policy,
    );
    const topic = inputsOf(findResource(plan, "aws:sns/topic:Topic", "monitoring-alerts"));
    const receivers = values.alertmanager.config.receivers;
    expect(policy.Statement).toEqual([
      {
        Effect: "Allow",
        Action: "sns:Publish",
        Resource: [receivers[1].sns_configs[0].topic_arn, receivers[2].sns_configs[0].topic_arn],
      },
      // The topic's key: publishing to an encrypted topic encrypts with it.
      { Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: topic.kmsMasterKeyId },
    ]);
    expect(topic).toBeDefined();
    expect(findResource(plan, HELM, "monitoring-stack").options.dependsOn).toContain(association.urn);
  });

  it("deletes the Prometheus and Alertmanager volumes with the stack, and replaces Grafana rather than rolling it", () => {
    for (const spec of [values.prometheus.prometheusSpec, values.alertmanager.alertmanagerSpec]) {
      expect(spec.persistentVolumeClaimRetentionPolicy).toEqual({ whenDeleted: "Delete", whenScaled: "Retain" });
    }
    expect(values.grafana.deploymentStrategy).toEqual({ type: "Recreate" });
  });

  it("without a heartbeat URL, sends the Watchdog to the heartbeat topic only; without Slack or PagerDuty, SNS only", async () => {
    const bare = await monitoring({});
    const config = inputsOf(findResource(bare, HELM, "monitoring-stack")).values.alertmanager.config;
    expect(config.route.routes[0]).toMatchObject({ receiver: "heartbeat", matchers: ['alertname = "Watchdog"'] });
    expect(config.receivers.map((r: any) => r.name)).toEqual(["null", "platform", "heartbeat"]);
    expect(Object.keys(config.receivers[1]).sort()).toEqual(["name", "sns_configs"]);
    expect(Object.keys(config.receivers[2]).sort()).toEqual(["name", "sns_configs"]);
    expect(resourcesOfType(bare, "aws:sns/topicSubscription:TopicSubscription")).toEqual([]);
    // No PagerDuty: the heartbeat alarm pages through the alert topic alone.
    const alarm = inputsOf(findResource(bare, "aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-heartbeat"));
    expect(alarm.alarmActions).toEqual([config.receivers[1].sns_configs[0].topic_arn]);
    expect(resourcesOfType(bare, "aws:cloudwatch/metricAlarm:MetricAlarm").map((a) => a.name)).toEqual([
      "monitoring-heartbeat",
    ]);
    expect(resourcesOfType(bare, "aws:sns/topic:Topic").map((t) => t.name)).toEqual([
      "monitoring-alerts",
      "monitoring-heartbeat",
    ]);
  });
});

describe("Monitoring: the dead man's switch pages PagerDuty where Alertmanager does", () => {
  const ROUTING_KEY = "R".repeat(32);
  const INTEGRATION_KEY = "c0ffee00c0ffee00c0ffee00c0ffee00";
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await monitoring({
      pagerDutyRoutingKey: pulumi.secret(ROUTING_KEY),
      pagerDutyCloudWatchIntegrationKey: pulumi.secret(INTEGRATION_KEY),
    });
  });

  it("the heartbeat alarm publishes its ALARM and OK to a paging topic besides the alert topic", () => {
    const alarm = inputsOf(findResource(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-heartbeat"));
    const alertTopic = inputsOf(findResource(plan, "aws:sns/topic:Topic", "monitoring-alerts"));
    const page = findResource(plan, "aws:sns/topic:Topic", "monitoring-heartbeat-page");
    const alertTopicArn = inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-alerts")).arn;
    const pageArn = inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-heartbeat-page")).arn;
    expect(pageArn).toMatch(/^arn:aws:sns:ap-south-1:\d{12}:monitoring-heartbeat-page-/);
    expect(alarm.alarmActions).toEqual([alertTopicArn, pageArn]);
    expect(alarm.okActions).toEqual([alertTopicArn, pageArn]);
    // CloudWatch may encrypt with the topic's key (the alert topic's) and publish to it.
    expect(inputsOf(page).kmsMasterKeyId).toBe(alertTopic.kmsMasterKeyId);
    const policy = JSON.parse(
      inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-heartbeat-page")).policy,
    );
    expect(policy.Statement).toEqual([
      expect.objectContaining({
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: pageArn,
      }),
    ]);
  });

  it("PagerDuty's Amazon CloudWatch integration is the paging topic's one subscriber, its URL a secret", () => {
    const subscriptions = resourcesOfType(plan, "aws:sns/topicSubscription:TopicSubscription");
    expect(subscriptions.map((s) => s.name)).toEqual(["monitoring-heartbeat-pagerduty"]);
    const [subscription] = subscriptions;
    const pageArn = inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-heartbeat-page")).arn;
    expect(inputsOf(subscription)).toEqual({
      topic: pageArn,
      protocol: "https",
      endpoint: `https://events.pagerduty.com/integration/${INTEGRATION_KEY}/enqueue`,
      endpointAutoConfirms: true,
    });
    expect(isSecret(subscription.inputs.endpoint)).toBe(true);
    // Not the Events API v2 routing key, which Alertmanager keeps using for every alert.
    const values = inputsOf(findResource(plan, HELM, "monitoring-stack")).values;
    const platform = values.alertmanager.config.receivers.find((r: any) => r.name === "platform");
    expect(platform.pagerduty_configs).toEqual([{ routing_key: ROUTING_KEY, send_resolved: true }]);
  });

  it("an alarm tells the alert topic (email) when SNS cannot deliver a page to PagerDuty", () => {
    const alarm = inputsOf(
      findResource(plan, "aws:cloudwatch/metricAlarm:MetricAlarm", "monitoring-heartbeat-page-undelivered"),
    );
    const alertTopicArn = inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-alerts")).arn;
    const pageArn = inputsOf(findResource(plan, "aws:sns/topicPolicy:TopicPolicy", "monitoring-heartbeat-page")).arn;
    expect(pageArn.endsWith(`:${alarm.dimensions.TopicName}`)).toBe(true);
    expect(alarm).toMatchObject({
      namespace: "AWS/SNS",
      metricName: "NumberOfNotificationsFailed",
      dimensions: { TopicName: expect.stringMatching(/^monitoring-heartbeat-page-/) },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
      treatMissingData: "notBreaching",
      alarmActions: [alertTopicArn],
    });
    expect(alarm.name).toMatch(/-LiveKitHeartbeatPageUndelivered$/);
  });

  it("keeps the URL secret when the caller passes the key in the clear", async () => {
    const plain = await monitoring({ pagerDutyCloudWatchIntegrationKey: INTEGRATION_KEY });
    const subscription = findResource(
      plain,
      "aws:sns/topicSubscription:TopicSubscription",
      "monitoring-heartbeat-pagerduty",
    );
    expect(isSecret(subscription.inputs.endpoint)).toBe(true);
  });

  it("a region stack with PagerDuty configured wires its CloudWatch integration key through, secret", async () => {
    const region = await runStack("mumbai", {
      "livekit-platform:alerting": {
        pagerDutyRoutingKey: ROUTING_KEY,
        pagerDutyCloudWatchIntegrationKey: INTEGRATION_KEY,
      },
    });
    const subscription = findResource(
      region,
      "aws:sns/topicSubscription:TopicSubscription",
      "mumbai-monitoring-heartbeat-pagerduty",
    );
    expect(isSecret(subscription.inputs.endpoint)).toBe(true);
    expect(inputsOf(subscription).endpoint).toBe(`https://events.pagerduty.com/integration/${INTEGRATION_KEY}/enqueue`);
  });
});
