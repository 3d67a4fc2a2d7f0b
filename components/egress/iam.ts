/**
 * IAM documents of the egress role (pure).
 */
import { denyInsecureTransport, policyDocument, type IamPolicyDocument } from "../shared/iam-document";

/** What the egress role may do: write recordings to (and list) one bucket. */
export function recordingsPolicy(bucketArn: string): IamPolicyDocument {
  return {
    Version: "2012-10-17",
    Statement: [
      {
        Sid: "WriteRecordings",
        Effect: "Allow",
        Action: ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload", "s3:ListMultipartUploadParts"],
        Resource: `${bucketArn}/*`,
      },
      { Sid: "ListRecordings", Effect: "Allow", Action: "s3:ListBucket", Resource: bucketArn },
    ],
  };
}

/** The recordings bucket's own policy: no access at all without TLS, for anyone. */
export function recordingsBucketPolicy(bucketArn: string): IamPolicyDocument {
  return policyDocument(denyInsecureTransport("s3:*", [bucketArn, `${bucketArn}/*`]));
}
