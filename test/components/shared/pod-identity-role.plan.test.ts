import { PodIdentityRole } from "../../../components/shared/pod-identity-role";
import { findResource, inputsOf } from "../../../tools/plan/engine";
import { MOCK_ACCOUNT_ID } from "../../../tools/plan/mock-cloud";
import { runComponents } from "../../support/plan";

describe("PodIdentityRole", () => {
  it("is assumable only by Pod Identity, in this account, for this cluster's one service account", async () => {
    const plan = await runComponents(() => {
      new PodIdentityRole("controller", {
        clusterName: "livekit-test",
        namespace: "kube-system",
        serviceAccount: "sa",
      });
    });
    const trust = JSON.parse(inputsOf(findResource(plan, "aws:iam/role:Role", "controller")).assumeRolePolicy);
    expect(trust.Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "pods.eks.amazonaws.com" },
        Action: ["sts:AssumeRole", "sts:TagSession"],
        Condition: {
          StringEquals: {
            "aws:SourceAccount": MOCK_ACCOUNT_ID,
            "aws:RequestTag/eks-cluster-name": "livekit-test",
            "aws:RequestTag/kubernetes-namespace": "kube-system",
            "aws:RequestTag/kubernetes-service-account": "sa",
          },
        },
      },
    ]);
  });
});
