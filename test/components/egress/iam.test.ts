/**
 * The egress role's policy and the recordings bucket's, evaluated together by IAM's rules (one account: a request
 * passes if either allows it and neither denies it) against what the pinned egress (livekit/egress v1.14.1,
 * lib/versions.ts) sends to S3 for a recording. Its uploader (pkg/pipeline/sink/uploader/uploader.go 199-229) calls
 * livekit/storage's S3 UploadFile, which hands the file to the AWS SDK's upload manager (storage s3.go `upload`;
 * aws-sdk-go-v2 feature/s3/manager/upload.go): PutObject for a small file, otherwise CreateMultipartUpload,
 * UploadPart, CompleteMultipartUpload and, when a part fails, AbortMultipartUpload. Nothing in that path reads,
 * lists or deletes; the region is configured, so no GetBucketLocation (storage s3.go `NewS3`), and neither object
 * tagging nor presigned URLs are (components/egress/config.ts).
 * The permission each operation needs: Amazon S3 API Reference, each operation's "Permissions"
 * (CreateMultipartUpload, UploadPart and CompleteMultipartUpload need s3:PutObject).
 */
import { recordingsBucketPolicy, recordingsPolicy } from "../../../components/egress/iam";
import type { IamPolicyDocument } from "../../../components/shared/iam-document";
import { evaluate, type IamRequest } from "../../support/iam-evaluate";

const BUCKET = "arn:aws:s3:::livekit-mumbai-recordings-0123abcd";
const OTHER_BUCKET = "arn:aws:s3:::livekit-mumbai-audit-logs-0123abcd";
const RECORDING = `${BUCKET}/recordings/RM_abc123/EG_def456.mp4`;
const EGRESS_ROLE = "arn:aws:iam::111122223333:role/livekit-mumbai-egress";

/** The role's policy as its holder's: every statement applies to whoever holds the role. */
const asHolder = (document: IamPolicyDocument): IamPolicyDocument => ({
  ...document,
  Statement: document.Statement.map((s) => ({ ...s, Principal: "*" })),
});

/** One account's evaluation of the role's identity policy with the bucket's resource policy. */
function egress(action: string, resource: string, secure = true, bucket = BUCKET) {
  const request: IamRequest = {
    principal: { AWS: EGRESS_ROLE },
    action,
    resource,
    context: { "aws:SecureTransport": String(secure) },
  };
  const results = [
    evaluate(asHolder(recordingsPolicy(bucket)), request),
    evaluate(recordingsBucketPolicy(BUCKET), request),
  ];
  if (results.includes("denied")) return "denied";
  return results.includes("allowed") ? "allowed" : "not allowed";
}

/** The S3 operations of an upload and the IAM action each is authorized as. */
const MULTIPART_UPLOAD: [operation: string, action: string][] = [
  ["CreateMultipartUpload", "s3:PutObject"],
  ["UploadPart", "s3:PutObject"],
  ["CompleteMultipartUpload", "s3:PutObject"],
];

describe("the egress role uploads a recording", () => {
  it.each(MULTIPART_UPLOAD)("calls %s on the recording's key over TLS", (_operation, action) => {
    expect(egress(action, RECORDING)).toBe("allowed");
  });

  it("uploads a small file (a playlist, a manifest) in one PutObject, and aborts a failed multipart upload", () => {
    expect(egress("s3:PutObject", `${BUCKET}/recordings/RM_abc123/EG_def456.json`)).toBe("allowed");
    expect(egress("s3:AbortMultipartUpload", RECORDING)).toBe("allowed");
  });

  it("uploads nothing without TLS", () => {
    for (const [, action] of MULTIPART_UPLOAD) expect(egress(action, RECORDING, false)).toBe("denied");
    expect(egress("s3:AbortMultipartUpload", RECORDING, false)).toBe("denied");
  });
});

describe("the egress role does nothing else", () => {
  it("reads no recording back, lists nothing and deletes nothing: egress never does", () => {
    for (const [action, resource] of [
      ["s3:GetObject", RECORDING],
      ["s3:ListBucket", BUCKET],
      ["s3:ListMultipartUploadParts", RECORDING],
      ["s3:ListBucketMultipartUploads", BUCKET],
      ["s3:DeleteObject", RECORDING],
      ["s3:PutObjectAcl", RECORDING],
      ["s3:PutObjectTagging", RECORDING],
      ["s3:PutBucketPolicy", BUCKET],
      ["s3:PutObject", BUCKET],
    ]) {
      expect({ action, result: egress(action, resource) }).toEqual({ action, result: "not allowed" });
    }
  });

  it("writes to and reads from no other bucket", () => {
    for (const action of ["s3:PutObject", "s3:GetObject", "s3:AbortMultipartUpload"]) {
      expect(egress(action, `${OTHER_BUCKET}/AWSLogs/111122223333/x.log`)).toBe("not allowed");
    }
    // A bucket whose name starts with the recordings bucket's is another bucket.
    expect(egress("s3:PutObject", `${BUCKET}-copy/recordings/x.mp4`)).toBe("not allowed");
    expect(egress("s3:ListBucket", OTHER_BUCKET)).toBe("not allowed");
  });

  it("is written in the current policy language", () => {
    expect(recordingsPolicy(BUCKET).Version).toBe("2012-10-17");
  });
});

describe("the recordings bucket's policy", () => {
  const anyone = (action: string, resource: string, secure: boolean) =>
    evaluate(recordingsBucketPolicy(BUCKET), {
      principal: { AWS: "arn:aws:iam::111122223333:role/admin" },
      action,
      resource,
      context: { "aws:SecureTransport": String(secure) },
    });

  it("refuses every request without TLS, to the bucket and to each object, whoever sends it", () => {
    for (const [action, resource] of [
      ["s3:GetObject", RECORDING],
      ["s3:PutObject", RECORDING],
      ["s3:ListBucket", BUCKET],
      ["s3:PutBucketPolicy", BUCKET],
    ]) {
      expect(anyone(action, resource, false)).toBe("denied");
      // Over TLS it decides nothing: who may act is the callers' own policies' business.
      expect(anyone(action, resource, true)).toBe("not allowed");
    }
    expect(anyone("s3:GetObject", `${OTHER_BUCKET}/x`, false)).toBe("not allowed");
  });
});
