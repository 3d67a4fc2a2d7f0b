/**
 * The alert topic's key and topic policies and Alertmanager's publisher policy, evaluated by IAM's rules: CloudWatch
 * alarms of this account and region publish to the encrypted topic (AWS SNS developer guide, "Enable
 * compatibility between event sources from AWS services and encrypted topics": the service needs
 * kms:GenerateDataKey* and kms:Decrypt on the topic's key), Alertmanager publishes to both topics, and nothing else
 * gets in.
 */
import {
  alertTopicKeyPolicy,
  alertTopicPolicy,
  alertTopicPublisherPolicy,
} from "../../../components/monitoring/alert-topic";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { evaluate, IamRequest } from "../../support/iam-evaluate";

const ACCOUNT = "123456789012";
const OTHER_ACCOUNT = "210987654321";
const TOPIC = "arn:aws:sns:ap-south-1:123456789012:livekit-mumbai-alerts";
const HEARTBEAT = "arn:aws:sns:ap-south-1:123456789012:livekit-mumbai-heartbeat";
const KEY = "arn:aws:kms:ap-south-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const alarm = (region: string, account: string) => `arn:aws:cloudwatch:${region}:${account}:alarm:redis-memory`;
const CLOUDWATCH = { Service: "cloudwatch.amazonaws.com" };

const parse = (json: string) => JSON.parse(json) as IamPolicyDocument;

describe("the alert topic's key policy", () => {
  const policy = parse(alertTopicKeyPolicy(ACCOUNT, "aws"));
  const asCloudWatch = (action: string, account = ACCOUNT) =>
    evaluate(policy, { principal: CLOUDWATCH, action, resource: KEY, context: { "aws:SourceAccount": account } });

  it("lets the account administer the key through IAM, in its own partition", () => {
    const root = (partition: string) => ({ AWS: `arn:${partition}:iam::${ACCOUNT}:root` });
    expect(evaluate(policy, { principal: root("aws"), action: "kms:PutKeyPolicy", resource: KEY })).toBe("allowed");
    const china = parse(alertTopicKeyPolicy(ACCOUNT, "aws-cn"));
    expect(evaluate(china, { principal: root("aws-cn"), action: "kms:Decrypt", resource: KEY })).toBe("allowed");
    expect(
      evaluate(policy, {
        principal: { AWS: `arn:aws:iam::${OTHER_ACCOUNT}:root` },
        action: "kms:Decrypt",
        resource: KEY,
      }),
    ).toBe("not allowed");
  });

  it("lets CloudWatch alarms of this account encrypt alert messages, and nothing more", () => {
    expect(asCloudWatch("kms:GenerateDataKey")).toBe("allowed");
    expect(asCloudWatch("kms:GenerateDataKeyWithoutPlaintext")).toBe("allowed");
    expect(asCloudWatch("kms:Decrypt")).toBe("allowed");
    expect(asCloudWatch("kms:GenerateDataKey", OTHER_ACCOUNT)).toBe("not allowed");
    expect(asCloudWatch("kms:ScheduleKeyDeletion")).toBe("not allowed");
    expect(asCloudWatch("kms:PutKeyPolicy")).toBe("not allowed");
  });

  it("is written in the policy language version whose condition keys it uses", () => {
    expect(policy.Version).toBe("2012-10-17");
  });
});

describe("the alert topic's policy", () => {
  const policy = parse(alertTopicPolicy(TOPIC, ACCOUNT, "ap-south-1", "aws"));
  const publish = (source: string, account = ACCOUNT, resource = TOPIC, action = "sns:Publish") =>
    evaluate(policy, {
      principal: CLOUDWATCH,
      action,
      resource,
      context: { "aws:SourceAccount": account, "aws:SourceArn": source },
    });

  it("lets CloudWatch alarms of this account and region publish to the topic", () => {
    expect(publish(alarm("ap-south-1", ACCOUNT))).toBe("allowed");
  });

  it("lets no alarm of another region or account, no other service and no other action in", () => {
    expect(publish(alarm("ap-southeast-1", ACCOUNT))).toBe("not allowed");
    expect(publish(alarm("ap-south-1", OTHER_ACCOUNT), OTHER_ACCOUNT)).toBe("not allowed");
    expect(publish(alarm("ap-south-1", ACCOUNT), ACCOUNT, HEARTBEAT)).toBe("not allowed");
    expect(publish(alarm("ap-south-1", ACCOUNT), ACCOUNT, TOPIC, "sns:Subscribe")).toBe("not allowed");
    const fromEvents: IamRequest = {
      principal: { Service: "events.amazonaws.com" },
      action: "sns:Publish",
      resource: TOPIC,
      context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": alarm("ap-south-1", ACCOUNT) },
    };
    expect(evaluate(policy, fromEvents)).toBe("not allowed");
  });

  it("names alarms in the stack's partition", () => {
    const china = parse(alertTopicPolicy(TOPIC, ACCOUNT, "cn-north-1", "aws-cn"));
    const source = `arn:aws-cn:cloudwatch:cn-north-1:${ACCOUNT}:alarm:redis-memory`;
    expect(
      evaluate(china, {
        principal: CLOUDWATCH,
        action: "sns:Publish",
        resource: TOPIC,
        context: { "aws:SourceAccount": ACCOUNT, "aws:SourceArn": source },
      }),
    ).toBe("allowed");
  });

  it("is written in the policy language version whose condition keys it uses", () => {
    expect(policy.Version).toBe("2012-10-17");
  });
});

describe("Alertmanager's publisher policy", () => {
  const ROLE = { AWS: `arn:aws:iam::${ACCOUNT}:role/livekit-mumbai-alertmanager` };
  // An identity policy applies to its own role: evaluate it as the role's.
  const document = parse(alertTopicPublisherPolicy([TOPIC, HEARTBEAT], KEY));
  const policy: IamPolicyDocument = {
    ...document,
    Statement: document.Statement.map((s) => ({ ...s, Principal: ROLE })),
  };
  const may = (action: string, resource: string) => evaluate(policy, { principal: ROLE, action, resource });

  it("publishes to the alert and heartbeat topics with their key, and to nothing else", () => {
    expect(may("sns:Publish", TOPIC)).toBe("allowed");
    expect(may("sns:Publish", HEARTBEAT)).toBe("allowed");
    expect(may("kms:GenerateDataKey", KEY)).toBe("allowed");
    expect(may("kms:Decrypt", KEY)).toBe("allowed");
    expect(may("sns:Publish", "arn:aws:sns:ap-south-1:123456789012:other")).toBe("not allowed");
    expect(may("kms:Decrypt", "arn:aws:kms:ap-south-1:123456789012:key/other")).toBe("not allowed");
    expect(may("sns:DeleteTopic", TOPIC)).toBe("not allowed");
  });

  it("is written in the current policy language version", () => {
    expect(document.Version).toBe("2012-10-17");
  });
});
