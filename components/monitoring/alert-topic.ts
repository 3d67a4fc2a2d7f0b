/**
 * What lets CloudWatch alarms publish to the stack's alert topic. The topic is encrypted; CloudWatch cannot use
 * the AWS managed key `alias/aws/sns` (its key policy is fixed and does not name cloudwatch.amazonaws.com), so
 * the topic has a key of its own whose policy lets CloudWatch encrypt, and a topic policy that lets CloudWatch
 * publish, both only for alarms of this account (AWS SNS, "Enable compatibility between event sources from AWS
 * services and encrypted topics"). Pure: IAM documents for components/monitoring/index.ts.
 */

/** The key's policy: the account administers it through IAM; CloudWatch may encrypt alarm messages with it. */
export function alertTopicKeyPolicy(accountId: string, partition: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "AccountAdministersTheKeyThroughIam",
        Effect: "Allow",
        Principal: { AWS: `arn:${partition}:iam::${accountId}:root` },
        Action: "kms:*",
        Resource: "*",
      },
      {
        Sid: "CloudWatchAlarmsEncryptAlertMessages",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: "*",
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
    ],
  });
}

/** The topic's policy: CloudWatch alarms of this account and region may publish to it. */
export function alertTopicPolicy(topicArn: string, accountId: string, awsRegion: string, partition: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "CloudWatchAlarmsPublish",
        Effect: "Allow",
        Principal: { Service: "cloudwatch.amazonaws.com" },
        Action: "sns:Publish",
        Resource: topicArn,
        Condition: {
          StringEquals: { "aws:SourceAccount": accountId },
          ArnLike: { "aws:SourceArn": `arn:${partition}:cloudwatch:${awsRegion}:${accountId}:alarm:*` },
        },
      },
    ],
  });
}

/**
 * What a publisher of the encrypted topics (the alert topic and the heartbeat topic, one key) needs
 * (Alertmanager's role).
 */
export function alertTopicPublisherPolicy(topicArns: string[], keyArn: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Action: "sns:Publish", Resource: topicArns },
      { Effect: "Allow", Action: ["kms:GenerateDataKey*", "kms:Decrypt"], Resource: keyArn },
    ],
  });
}
