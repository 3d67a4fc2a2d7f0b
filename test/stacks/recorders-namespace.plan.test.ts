/**
 * The recorders' move from the media plane's namespace to their own, judged on what the mumbai plan sends: what
 * `pulumi up` does with each object, and what the pods started before the move keep until their recordings end.
 *
 * A namespace change replaces a Kubernetes object (the field is immutable): Pulumi creates the new one, and deletes
 * the old one at the end of the update unless `deleteBeforeReplace` says otherwise. The old egress pods then get
 * SIGTERM, stop taking jobs and finish their recordings within their grace period. Until then they still renew
 * their S3 credentials (the Pod Identity agent calls AssumeRoleForPodIdentity for as long as a pod runs, which
 * needs their service account's association and the role's trust) and still talk to LiveKit, Redis and S3 (the
 * namespace's default deny would cut them off without their policy).
 */
import { EGRESS_UPLOAD_MARGIN_SECONDS } from "../../components/egress";
import type { IamPolicyDocument } from "../../components/shared/iam-document";
import { inputsOf, PlanResult, PlannedResource } from "../../tools/plan/engine";
import { evaluate } from "../support/iam-evaluate";
import { runStack } from "../support/plan";

let plan: PlanResult;
beforeAll(async () => {
  plan = await runStack("mumbai");
});

const byUrnEnd = (suffix: string): PlannedResource => {
  const found = plan.resources.find((r) => r.urn.endsWith(suffix));
  if (!found) throw new Error(`no resource ${suffix} in the plan`);
  return found;
};
const kubernetes = (type: string, namespace: string, name: string): PlannedResource[] =>
  plan.resources.filter(
    (r) => r.type === type && inputsOf(r).metadata?.namespace === namespace && inputsOf(r).metadata?.name === name,
  );

describe("the recorders' Deployment in its own namespace", () => {
  it("is created before the old one is deleted, which Pulumi deletes in the background", () => {
    const [deployment] = kubernetes("kubernetes:apps/v1:Deployment", "livekit-egress", "livekit-egress");
    expect(deployment.urn).toMatch(/Egress\$kubernetes:apps\/v1:Deployment::mumbai-egress-egress$/);
    expect(deployment.options.deleteBeforeReplace).toBe(false);
    // pulumi-kubernetes reads this from the inputs of the object it deletes (provider/pkg/metadata/overrides.go
    // DeletionPropagation): the delete returns at once and the pods drain on their own.
    expect(inputsOf(deployment).metadata.annotations["pulumi.com/deletionPropagationPolicy"]).toBe("background");
    expect(kubernetes("kubernetes:apps/v1:Deployment", "livekit", "livekit-egress")).toEqual([]);
  });

  it("gives each pod longer than the longest recording and its upload to finish after SIGTERM", () => {
    const [deployment] = kubernetes("kubernetes:apps/v1:Deployment", "livekit-egress", "livekit-egress");
    const spec = inputsOf(deployment).spec;
    // mumbai records for up to 6 hours (egress.maxRecordingHours, default); egress ends each recording there.
    expect(spec.template.spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(
      6 * 3600 + EGRESS_UPLOAD_MARGIN_SECONDS,
    );
    expect(spec.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });
});

describe("what the pods started in the media plane's namespace keep while they drain", () => {
  it("their service account and its Pod Identity association, under the URNs they had", () => {
    const account = byUrnEnd("Egress$kubernetes:core/v1:ServiceAccount::mumbai-egress-egress");
    expect(inputsOf(account).metadata).toMatchObject({ name: "livekit-egress", namespace: "livekit" });
    const association = byUrnEnd(
      "PodIdentityRole$aws:eks/podIdentityAssociation:PodIdentityAssociation::mumbai-egress-egress",
    );
    expect(inputsOf(association)).toMatchObject({ namespace: "livekit", serviceAccount: "livekit-egress" });
    // The new namespace's account and association are new resources, created beside them.
    const moved = byUrnEnd(
      "PodIdentityRole$aws:eks/podIdentityAssociation:PodIdentityAssociation::mumbai-egress-egress-moved",
    );
    expect(inputsOf(moved)).toMatchObject({ namespace: "livekit-egress", serviceAccount: "livekit-egress" });
    expect(inputsOf(moved).roleArn).toBe(inputsOf(association).roleArn);
  });

  it("the role's trust, for the account in either namespace and no other", () => {
    const role = byUrnEnd("PodIdentityRole$aws:iam/role:Role::mumbai-egress-egress");
    const trust = JSON.parse(inputsOf(role).assumeRolePolicy) as IamPolicyDocument;
    const assume = (namespace: string, serviceAccount = "livekit-egress") =>
      evaluate(trust, {
        principal: { Service: "pods.eks.amazonaws.com" },
        action: "sts:AssumeRole",
        context: {
          "aws:SourceAccount": "123456789012",
          "aws:RequestTag/eks-cluster-name": "livekit-mumbai",
          "aws:RequestTag/kubernetes-namespace": namespace,
          "aws:RequestTag/kubernetes-service-account": serviceAccount,
        },
      });
    expect(assume("livekit-egress")).toBe("allowed");
    expect(assume("livekit")).toBe("allowed");
    expect(assume("monitoring")).toBe("not allowed");
    expect(assume("livekit", "livekit-server")).toBe("not allowed");
  });

  it("their NetworkPolicy, under the URN it had", () => {
    const policy = byUrnEnd(
      "NetworkPolicies$kubernetes:networking.k8s.io/v1:NetworkPolicy::mumbai-network-policy-livekit-recorders",
    );
    const moved = kubernetes("kubernetes:networking.k8s.io/v1:NetworkPolicy", "livekit-egress", "recorders")[0];
    expect(inputsOf(policy).metadata.namespace).toBe("livekit");
    expect(inputsOf(policy).spec).toEqual(inputsOf(moved).spec);
  });
});
