/**
 * Recording in a shipped region plan, end to end: the maximum recording length in the stack config reaches
 * egress's session limits, the egress pods' grace period and the egress NodePool's, in that order; the pool
 * scales through KEDA; recorders and load testers sit on public-IP nodes.
 */
import { parse } from "yaml";
import { inputsOf, PlannedResource, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { runStack, shippedStackPlan } from "../support/plan";

/** Go duration in seconds ("6h30m" -> 23400). */
const seconds = (d: string) =>
  [...d.matchAll(/([0-9]+)(h|m|s)/g)].reduce((t, [, n, u]) => t + Number(n) * { h: 3600, m: 60, s: 1 }[u]!, 0);

describe.each([
  ["mumbai", {}, 6],
  ["mumbai", { "livekit-platform:egress": { maxRecordingHours: 10 } }, 10],
] as const)("recording in the %s plan (%j)", (stack, overrides, hours) => {
  let plan: PlanResult;
  const named = (type: string, name: string): PlannedResource =>
    resourcesOfType(plan, type).find((r) => inputsOf(r).metadata?.name === name)!;
  beforeAll(async () => {
    plan = Object.keys(overrides).length === 0 ? await shippedStackPlan(stack) : await runStack(stack, overrides);
  });

  it("ends every recording at the configured length, and lets pods and nodes drain longer than that", () => {
    const secret = resourcesOfType(plan, "kubernetes:core/v1:Secret").find((r) =>
      String(inputsOf(r).metadata.name).startsWith("livekit-egress-config-"),
    )!;
    const config = parse(inputsOf(secret).stringData["config.yaml"]);
    expect(seconds(config.session_limits.file_output_max_duration)).toBe(hours * 3600);
    expect(seconds(config.session_limits.segment_output_max_duration)).toBe(hours * 3600);
    const pod = inputsOf(named("kubernetes:apps/v1:Deployment", "livekit-egress")).spec.template.spec;
    expect(pod.terminationGracePeriodSeconds).toBeGreaterThan(hours * 3600);
    const pool = inputsOf(named("kubernetes:karpenter.sh/v1:NodePool", "egress")).spec;
    expect(seconds(pool.template.spec.terminationGracePeriod)).toBeGreaterThan(pod.terminationGracePeriodSeconds);
  });

  it("scales egress through KEDA, created after KEDA's chart", () => {
    const scaled = named("kubernetes:keda.sh/v1alpha1:ScaledObject", "livekit-egress");
    const keda = resourcesOfType(plan, "kubernetes:helm.sh/v3:Release").find((r) => inputsOf(r).chart === "keda")!;
    expect(scaled.dependencies).toContain(keda.urn);
    expect(
      resourcesOfType(plan, "kubernetes:autoscaling/v2:HorizontalPodAutoscaler").map((r) => inputsOf(r).metadata.name),
    ).not.toContain("livekit-egress");
  });

  it("puts recorders and load testers on public-IP nodes that admit nothing from the internet", () => {
    const outbound = inputsOf(named("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "outbound")).spec;
    const sfuClass = inputsOf(named("kubernetes:karpenter.k8s.aws/v1:EC2NodeClass", "public")).spec;
    expect(outbound.associatePublicIPAddress).toBe(true);
    // Only the cluster security group: the SFU's group (WebRTC and TURN from the internet) stays on SFU nodes.
    expect(outbound.securityGroupSelectorTerms).toHaveLength(1);
    expect(sfuClass.securityGroupSelectorTerms).toHaveLength(2);
    expect(sfuClass.securityGroupSelectorTerms).toEqual(expect.arrayContaining(outbound.securityGroupSelectorTerms));
    for (const pool of ["egress", "load-test"]) {
      expect(inputsOf(named("kubernetes:karpenter.sh/v1:NodePool", pool)).spec.template.spec.nodeClassRef.name).toBe(
        "outbound",
      );
    }
  });
});
