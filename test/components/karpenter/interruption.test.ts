/**
 * The interruption queue's policy, evaluated by IAM's rules: EventBridge delivers the account's own events to it,
 * no other account's rule can, and nothing reaches it without TLS.
 */
import { INTERRUPTION_EVENTS, interruptionQueuePolicy } from "../../../components/karpenter/interruption";
import { evaluate } from "../../support/iam-evaluate";

const QUEUE = "arn:aws:sqs:ap-south-1:123456789012:livekit-mumbai-karpenter";
const policy = interruptionQueuePolicy(QUEUE, "123456789012");
const send = (service: string, account: string, secure = "true", action = "sqs:SendMessage") =>
  evaluate(policy, {
    principal: { Service: service },
    action,
    resource: QUEUE,
    context: { "aws:SourceAccount": account, "aws:SecureTransport": secure },
  });

describe("the interruption queue's policy", () => {
  it("lets EventBridge and SQS send the account's own events over TLS", () => {
    expect(send("events.amazonaws.com", "123456789012")).toBe("allowed");
    expect(send("sqs.amazonaws.com", "123456789012")).toBe("allowed");
  });

  it("lets no other account's rule, no other service and no other action in", () => {
    expect(send("events.amazonaws.com", "210987654321")).toBe("not allowed");
    expect(send("sns.amazonaws.com", "123456789012")).toBe("not allowed");
    expect(send("events.amazonaws.com", "123456789012", "true", "sqs:DeleteQueue")).toBe("not allowed");
  });

  it("denies anything without TLS, the account's own events included", () => {
    expect(send("events.amazonaws.com", "123456789012", "false")).toBe("denied");
  });

  it("is written in the policy language version whose condition keys it uses", () => {
    expect(policy.Version).toBe("2012-10-17");
  });

  it("names each event rule once", () => {
    const rules = INTERRUPTION_EVENTS.map((event) => event.rule);
    expect(new Set(rules).size).toBe(rules.length);
  });
});
