/**
 * The attributes annotation the Endpoints component writes reads back, through the controller's own parsing
 * rules (policy/lb-attributes.ts), as exactly the attributes meant.
 */
import { auditAttributes, formatAttributes, LB_ATTRIBUTES } from "../../../components/endpoints/attributes";
import { controllerStringMap } from "../../../policy/lb-attributes";

describe("load balancer attributes", () => {
  it("read back as written, values with commas, backslashes and = included", () => {
    const attributes = {
      "idle_timeout.timeout_seconds": "3600",
      "odd.value": "a,b\\c=d",
      "empty.value": "",
    };
    expect(controllerStringMap(formatAttributes(attributes))).toEqual(attributes);
  });

  it("turn access logs on to the given bucket and prefix, and state deletion protection either way", () => {
    const logs = { bucket: "mumbai-audit-logs-abc1234", prefix: "alb/signalling" };
    expect(controllerStringMap(formatAttributes(auditAttributes(logs, true)))).toEqual({
      "deletion_protection.enabled": "true",
      "access_logs.s3.enabled": "true",
      "access_logs.s3.bucket": "mumbai-audit-logs-abc1234",
      "access_logs.s3.prefix": "alb/signalling",
    });
    expect(auditAttributes(logs, false)[LB_ATTRIBUTES.deletionProtection]).toBe("false");
  });
});
