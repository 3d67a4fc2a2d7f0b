/**
 * IAM documents of the egress role (pure).
 */
import type { IamPolicyDocument } from "../shared/iam-document";

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
