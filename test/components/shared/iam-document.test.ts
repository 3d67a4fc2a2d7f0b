import { denyInsecureTransport, policyDocument } from "../../../components/shared/iam-document";
import { insecureTransportGaps } from "../../support/iam-policy";

const BUCKET = "arn:aws:s3:::recordings";
const OBJECTS = `${BUCKET}/*`;

describe("policyDocument", () => {
  it("is in the current policy language, the one IAM substitutes policy variables in", () => {
    // IAM JSON policy reference, "Version": 2012-10-17 is the current version; policy variables such as
    // ${aws:username} are text under the older 2008-10-17 or with no Version.
    expect(policyDocument()).toEqual({ Version: "2012-10-17", Statement: [] });
  });
});

describe("denyInsecureTransport", () => {
  it("leaves nothing of the resource reachable without TLS, whoever asks", () => {
    const policy = policyDocument(denyInsecureTransport("s3:*", [BUCKET, OBJECTS]));
    expect(insecureTransportGaps(policy, "s3", [BUCKET, OBJECTS])).toEqual([]);
    expect(policy.Statement[0].Sid).toBe("DenyInsecureTransport");
    expect(denyInsecureTransport("sqs:*", "arn:aws:sqs:ap-south-1:1:q", "DenyHTTP").Sid).toBe("DenyHTTP");
  });

  // The property test must fail for each way a statement can leave a gap.
  it.each([
    ["an Allow", { Effect: "Allow" }],
    ["one principal only", { Principal: { AWS: "arn:aws:iam::123456789012:root" } }],
    ["some actions only", { Action: "s3:GetObject" }],
    ["another service's actions", { Action: "sqs:*" }],
    ["the bucket without its objects", { Resource: BUCKET }],
    ["requests over TLS", { Condition: { Bool: { "aws:SecureTransport": "true" } } }],
    [
      "a narrower condition",
      { Condition: { Bool: { "aws:SecureTransport": "false" }, StringEquals: { "aws:SourceVpc": "vpc-1" } } },
    ],
    ["a NotPrincipal", { NotPrincipal: { AWS: "arn:aws:iam::123456789012:root" } }],
  ])("finds the gap a statement denying %s leaves", (_what, change) => {
    const policy = policyDocument({ ...denyInsecureTransport("s3:*", [BUCKET, OBJECTS]), ...change } as never);
    expect(insecureTransportGaps(policy, "s3", [BUCKET, OBJECTS])).not.toEqual([]);
  });
});
