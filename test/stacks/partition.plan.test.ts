/**
 * ARNs come from the provider's partition, never a literal `arn:aws:`, so a region stack deploys in AWS China
 * (`aws-cn`) and GovCloud (`aws-us-gov`) too: planned in an account of each, no input of any resource, and no
 * document inside one (IAM, bucket and key policies are JSON strings), names the `aws` partition.
 */
import { plain, PlanResult } from "../../tools/plan/engine";
import { runStack } from "../support/plan";

/** Every string in `value`, and in the JSON documents among them, each with where it was found. */
function stringsIn(value: unknown, at: string, found: { at: string; value: string }[] = []) {
  if (typeof value === "string") {
    found.push({ at, value });
    if (/^\s*[[{]/.test(value)) {
      try {
        stringsIn(JSON.parse(value), `${at} (JSON)`, found);
      } catch {
        // Not JSON after all (a YAML flow map, say): the string itself is checked above.
      }
    }
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => stringsIn(v, `${at}[${i}]`, found));
  } else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) stringsIn(v, `${at}.${k}`, found);
  }
  return found;
}

const arnsOf = (plan: PlanResult) =>
  plan.resources
    .flatMap((r) => stringsIn(plain(r.inputs), `${r.type} ${r.name}`))
    .concat(stringsIn(plain(plan.outputs), "outputs"))
    .filter((s) => /\barn:aws[a-z-]*:/.test(s.value));

describe.each(["aws-cn", "aws-us-gov"])("a region stack in the %s partition", (partition) => {
  let arns: { at: string; value: string }[];
  beforeAll(async () => {
    // Chaos drills on: their IAM documents are the ones with most ARNs.
    const plan = await runStack("mumbai", { "livekit-platform:chaos": { enabled: true } }, { partition });
    arns = arnsOf(plan);
  }, 60_000);

  it("builds every ARN in that partition", () => {
    expect(arns.filter((a) => a.value.includes("arn:aws:"))).toEqual([]);
  });

  it("has ARNs to check: IAM policies, the ELB log writer, managed policies", () => {
    const inPartition = arns.filter((a) => a.value.includes(`arn:${partition}:`));
    expect(inPartition.length).toBeGreaterThan(20);
    for (const expected of [
      `arn:${partition}:iam::aws:policy/service-role/AmazonEBSCSIDriverPolicy`,
      `arn:${partition}:iam::718504428378:root`,
      `arn:${partition}:ec2:ap-south-1:123456789012:vpc-flow-log/*`,
    ]) {
      expect(inPartition.some((a) => a.value.includes(expected))).toBe(true);
    }
  });
});
