import * as pulumi from "@pulumi/pulumi";
import { Keda } from "../../../components/keda";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { versions } from "../../../lib/versions";
import { inputsOf, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { k8sProvider } from "../../support/media-plane";
import { runComponents } from "../../support/plan";

describe("KEDA", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await runComponents(() => {
      const systemNodes = new pulumi.ComponentResource("test:index:SystemNodes", "system");
      new Keda("mumbai-keda", {}, { providers: [k8sProvider()], dependsOn: [systemNodes] });
    });
  });

  const release = () => inputsOf(resourcesOfType(result, "kubernetes:helm.sh/v3:Release")[0]);

  it("installs the pinned official chart with its CRDs", () => {
    expect(resourcesOfType(result, "kubernetes:helm.sh/v3:Release")).toHaveLength(1);
    expect(release()).toMatchObject({
      chart: "keda",
      version: versions.charts.keda.version,
      repositoryOpts: { repo: "https://kedacore.github.io/charts" },
      namespace: "keda",
    });
    expect(release().values.crds).toEqual({ install: true });
  });

  it("runs every KEDA pod on system nodes, the operator with a standby", () => {
    expect(release().values.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "system" });
    expect(release().values.operator.replicaCount).toBe(2);
  });
});
