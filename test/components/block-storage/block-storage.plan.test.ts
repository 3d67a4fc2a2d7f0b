import { BlockStorage } from "../../../components/block-storage";
import {
  VOLUME_GUARD_DELETE_TIMEOUT_SECONDS,
  VOLUME_GUARD_GRACE_SECONDS,
} from "../../../components/block-storage/volume-guard";
import { versions } from "../../../lib/versions";
import { findResource, inputsOf, PlanResult } from "../../../tools/plan/engine";
import { chartKeys, unreadValuePaths } from "../../support/chart-values";
import { clusterDependencies } from "../../support/cluster-fixture";
import { runComponents } from "../../support/plan";

describe("BlockStorage", () => {
  let plan: PlanResult;
  beforeAll(async () => {
    plan = await runComponents(() => {
      new BlockStorage("storage", { clusterName: "livekit-test" }, clusterDependencies().options);
    });
  });
  const driver = () => findResource(plan, "kubernetes:helm.sh/v3:Release", "storage-ebs-csi");
  const guard = () => findResource(plan, "kubernetes:apps/v1:Deployment", "storage-volume-guard");

  it("installs the EBS CSI driver only after its Pod Identity association and policy exist", () => {
    const association = findResource(plan, "aws:eks/podIdentityAssociation:PodIdentityAssociation", "storage-ebs-csi");
    const attachment = findResource(
      plan,
      "aws:iam/rolePolicyAttachment:RolePolicyAttachment",
      "storage-ebs-csi-driver",
    );
    expect(driver().options.dependsOn).toEqual(expect.arrayContaining([association.urn, attachment.urn]));
  });

  it("has the driver tag every volume with the cluster it belongs to", () => {
    expect(inputsOf(driver()).values.controller.k8sTagClusterId).toBe("livekit-test");
  });

  it("passes the driver's chart only values it reads", () => {
    const release = inputsOf(driver());
    const pinned = versions.charts.awsEbsCsiDriver;
    expect(release).toMatchObject({ chart: pinned.chart, version: pinned.version });
    expect(unreadValuePaths(release.values, chartKeys(pinned.chart, pinned.version))).toEqual([]);
  });

  // pulumi destroy deletes in reverse dependency order: the guard goes before the driver, its access after it.
  it("removes the driver only after the volume guard, and the guard's access only after the guard", () => {
    const binding = findResource(
      plan,
      "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding",
      "storage-volume-guard",
    );
    const account = findResource(plan, "kubernetes:core/v1:ServiceAccount", "storage-volume-guard");
    expect(guard().dependencies).toEqual(expect.arrayContaining([driver().urn, binding.urn, account.urn]));
  });

  it("lets the stopping guard wait out its grace period, within the time Pulumi waits for its deletion", () => {
    const deployment = inputsOf(guard());
    expect(deployment.spec.template.spec.terminationGracePeriodSeconds).toBe(VOLUME_GUARD_GRACE_SECONDS);
    const timeout = Number(deployment.metadata.annotations["pulumi.com/timeoutSeconds"]);
    expect(timeout).toBe(VOLUME_GUARD_DELETE_TIMEOUT_SECONDS);
    expect(timeout).toBeGreaterThan(VOLUME_GUARD_GRACE_SECONDS);
    expect(deployment.spec.template.spec.nodeSelector).toEqual({ "livekit-platform/node-role": "system" });
  });

  it("gives the guard a read-only view of volumes and claims, nothing more", () => {
    const role = inputsOf(
      findResource(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRole", "storage-volume-guard"),
    );
    expect(role.rules).toEqual([
      { apiGroups: [""], resources: ["persistentvolumes", "persistentvolumeclaims"], verbs: ["list"] },
    ]);
    const binding = inputsOf(
      findResource(plan, "kubernetes:rbac.authorization.k8s.io/v1:ClusterRoleBinding", "storage-volume-guard"),
    );
    expect(binding.subjects).toEqual([
      { kind: "ServiceAccount", name: "ebs-csi-volume-guard", namespace: "kube-system" },
    ]);
    expect(inputsOf(guard()).spec.template.spec.serviceAccountName).toBe("ebs-csi-volume-guard");
  });
});
