/**
 * IAM documents of the egress role (pure).
 */
import { denyInsecureTransport, policyDocument, type IamPolicyDocument } from "../shared/iam-document";

/**
 * What the egress role may do: upload recordings to one bucket, and nothing else. Egress only writes: its uploader
 * hands each file to the AWS SDK's upload manager (livekit/egress v1.14.1 pkg/pipeline/sink/uploader/uploader.go,
 * livekit/storage s3.go), whose PutObject, CreateMultipartUpload, UploadPart and CompleteMultipartUpload are all
 * s3:PutObject, and which aborts a failed multipart upload. No read, list or delete, so a compromised recorder
 * (it renders web pages in Chrome) cannot read the recordings already stored.
 */
export function recordingsPolicy(bucketArn: string): IamPolicyDocument {
  return policyDocument({
    Sid: "UploadRecordings",
    Effect: "Allow",
    Action: ["s3:PutObject", "s3:AbortMultipartUpload"],
    Resource: `${bucketArn}/*`,
  });
}

/** The recordings bucket's own policy: no access at all without TLS, for anyone. */
export function recordingsBucketPolicy(bucketArn: string): IamPolicyDocument {
  return policyDocument(denyInsecureTransport("s3:*", [bucketArn, `${bucketArn}/*`]));
}
