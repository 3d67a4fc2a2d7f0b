/**
 * Interruption handling: the EventBridge events Karpenter drains a node on, and the SQS queue's policy.
 */
import { denyInsecureTransport, type IamPolicyDocument } from "../shared/iam-document";

/**
 * The events Karpenter acts on before AWS takes a node away, exactly as EventBridge delivers them
 * (source and detail-type; aws/karpenter-provider-aws getting-started cloudformation.yaml, v1.14).
 */
export const INTERRUPTION_EVENTS = [
  { rule: "health", source: "aws.health", detailType: "AWS Health Event" },
  { rule: "spot-interruption", source: "aws.ec2", detailType: "EC2 Spot Instance Interruption Warning" },
  { rule: "rebalance", source: "aws.ec2", detailType: "EC2 Instance Rebalance Recommendation" },
  { rule: "state-change", source: "aws.ec2", detailType: "EC2 Instance State-change Notification" },
  {
    rule: "capacity-reservation",
    source: "aws.ec2",
    detailType: "EC2 Capacity Reservation Instance Interruption Warning",
  },
] as const;

/**
 * The interruption queue's policy: EventBridge (and SQS itself) may send, on behalf of this account only
 * (aws:SourceAccount, so another account's rule cannot feed it); nothing may use it without TLS.
 */
export function interruptionQueuePolicy(queueArn: string, accountId: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Id: "EC2InterruptionPolicy",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: ["events.amazonaws.com", "sqs.amazonaws.com"] },
        Action: "sqs:SendMessage",
        Resource: queueArn,
        Condition: { StringEquals: { "aws:SourceAccount": accountId } },
      },
      denyInsecureTransport("sqs:*", queueArn, "DenyHTTP"),
    ],
  };
}
