/**
 * Every Kubernetes object the region stacks create is valid for the API server that receives it: each
 * object of the mumbai and singapore plans validates against its model or its CRD's schema (values and
 * validation rules included), and carries no field it does not declare (a misspelt field would otherwise be
 * dropped or rejected only at `pulumi up`).
 * Helm releases are not objects (their values are the charts' business) and are left out.
 */
import { inputsOf, PlanResult } from "../../tools/plan/engine";
import { KubernetesObject, StrictValidator, validatorFor } from "../support/kubernetes-schemas";
import { shippedStackPlan } from "../support/plan";

const HELM_RELEASE = "kubernetes:helm.sh/v3:Release";

function kubernetesObjects(plan: PlanResult): { name: string; object: KubernetesObject }[] {
  return plan.resources
    .filter((r) => r.custom && r.type.startsWith("kubernetes:") && r.type !== HELM_RELEASE)
    .map((r) => ({ name: `${r.type} ${r.name}`, object: inputsOf<KubernetesObject>(r) }));
}

describe.each(["mumbai", "singapore"])("Kubernetes objects of the %s plan", (stack) => {
  let objects: { name: string; object: KubernetesObject }[];
  let validator: StrictValidator;
  beforeAll(async () => {
    objects = kubernetesObjects(await shippedStackPlan(stack));
    validator = validatorFor(objects.map((o) => o.object));
  });

  it("include the Karpenter node classes and pools, the Redis secret and the admission policies", () => {
    const kinds = new Set(objects.map((o) => `${o.object.apiVersion}/${o.object.kind}`));
    for (const kind of [
      "karpenter.sh/v1/NodePool",
      "karpenter.k8s.aws/v1/EC2NodeClass",
      "v1/Secret",
      "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy",
      "admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding",
    ])
      expect(kinds).toContain(kind);
  });

  it("all validate against their models or CRD schemas, with no unknown field", () => {
    const problems = objects.flatMap(({ name, object }) => validator.check(object).map((p) => `${name}: ${p}`));
    expect(problems).toEqual([]);
  });
});

/** An EC2NodeClass of the public pool's shape with the given AMI selector terms (and any other spec fields). */
const ec2NodeClass = (amiSelectorTerms: object[], more: object = {}) => ({
  apiVersion: "karpenter.k8s.aws/v1",
  kind: "EC2NodeClass",
  metadata: { name: "public" },
  spec: {
    role: "node-role",
    amiSelectorTerms,
    subnetSelectorTerms: [{ tags: { "karpenter.sh/discovery": "livekit-mumbai" } }],
    securityGroupSelectorTerms: [{ id: "sg-0123abcd" }],
    ...more,
  },
});

describe("the strict validator", () => {
  const nodePool = {
    apiVersion: "karpenter.sh/v1",
    kind: "NodePool",
    metadata: { name: "sfu" },
    spec: {
      template: {
        spec: {
          nodeClassRef: { group: "karpenter.k8s.aws", kind: "EC2NodeClass", name: "public" },
          requirements: [{ key: "karpenter.sh/capacity-type", operator: "In", values: ["on-demand"] }],
          terminationGracePeriod: "5h15m",
        },
      },
      disruption: { consolidationPolicy: "WhenEmpty", consolidateAfter: "10m" },
      limits: { cpu: "160" },
    },
  };
  const secret = {
    apiVersion: "v1",
    kind: "Secret",
    metadata: { name: "s", namespace: "livekit", labels: { a: "b" } },
    stringData: { password: "x" },
  };
  const podMonitor = {
    apiVersion: "monitoring.coreos.com/v1",
    kind: "PodMonitor",
    metadata: { name: "livekit" },
    spec: { selector: { matchLabels: { app: "livekit" } }, podMetricsEndpoints: [{ port: "metrics" }] },
  };
  const validator = validatorFor([nodePool, secret, podMonitor] as KubernetesObject[]);

  it("accepts valid objects of core, Karpenter and Prometheus Operator kinds", () => {
    expect([nodePool, secret, podMonitor].flatMap((o) => validator.check(o as KubernetesObject))).toEqual([]);
  });

  it("rejects a field the model does not declare, however deep", () => {
    const misspelt = structuredClone(nodePool) as any;
    misspelt.spec.template.spec.terminationGracePeriodSeconds = 18000;
    misspelt.spec.template.spec.requirements[0].minValue = 2;
    expect(validator.check(misspelt).sort()).toEqual([
      "spec.template.spec.requirements[0].minValue: unknown field",
      "spec.template.spec.terminationGracePeriodSeconds: unknown field",
    ]);
    expect(validator.check({ ...secret, strinData: { password: "x" } } as KubernetesObject)).toEqual([
      "strinData: unknown field",
    ]);
  });

  it("rejects a value of the wrong type", () => {
    const bad = structuredClone(podMonitor) as any;
    bad.spec.podMetricsEndpoints = "metrics";
    expect(validator.check(bad)).toEqual(["spec.podMetricsEndpoints: expected an array"]);
    expect(validator.check({ ...secret, stringData: "x" }).join("\n")).toMatch(/^schema: /);
  });

  it("checks Karpenter's kinds against their CRD schemas at v1.14.1: patterns, enums, ranges, lengths", () => {
    const pool = structuredClone(nodePool) as any;
    pool.spec.disruption.consolidateAfter = "10min";
    pool.spec.template.spec.requirements[0].operator = "Equals";
    pool.spec.disruption.budgets = [{ nodes: "110%" }];
    expect(validator.check(pool).sort()).toEqual([
      'spec.disruption.budgets[0].nodes: "110%" does not match ^((100|[0-9]{1,2})%|[0-9]+)$',
      'spec.disruption.consolidateAfter: "10min" does not match ^(([0-9]+(s|m|h))+|Never)$',
      'spec.template.spec.requirements[0].operator: "Equals" is not one of Gte, Lte, In, NotIn, Exists, DoesNotExist, Gt, Lt',
    ]);
    const nodeClass = ec2NodeClass([{ alias: "al2023@v20250101" }], {
      metadataOptions: { httpTokens: "required", httpPutResponseHopLimit: 1 },
    });
    const classes = validatorFor([nodeClass]);
    expect(classes.check(nodeClass)).toEqual([]);
    const bad = structuredClone(nodeClass) as any;
    bad.spec.metadataOptions.httpPutResponseHopLimit = 0;
    bad.spec.amiSelectorTerms[0].alias = `al2023@${"v".repeat(30)}`;
    delete bad.spec.subnetSelectorTerms;
    expect(classes.check(bad).sort()).toEqual([
      "spec.amiSelectorTerms[0].alias: longer than 30 characters",
      "spec.metadataOptions.httpPutResponseHopLimit: less than 1",
      "spec.subnetSelectorTerms: required",
    ]);
  });

  it("evaluates the CRDs' validation rules (CEL) on the defaulted object, as the API server does on create", () => {
    const pool = structuredClone(nodePool) as any;
    pool.spec.template.spec.requirements.push(
      { key: "karpenter.sh/fast", operator: "Exists" },
      { key: "karpenter.k8s.aws/instance-generation", operator: "Gt", values: ["5", "6"] },
      { key: "node.kubernetes.io/instance-type", operator: "In", values: [] },
    );
    expect(validator.check(pool)).toEqual([
      "spec.template.spec.requirements: requirements with operator 'In' must have a value defined",
      "spec.template.spec.requirements: requirements operator 'Gt', 'Lt', 'Gte', or 'Lte' must have a single positive integer value",
      'spec.template.spec.requirements[1].key: label domain "karpenter.sh" is restricted',
    ]);
    // A budget's `nodes` is required and defaults to 10%: the API server fills it in before it validates.
    const defaulted = structuredClone(nodePool) as any;
    defaulted.spec.disruption.budgets = [{ nodes: "0", reasons: ["Drifted"] }, { reasons: ["Empty"] }];
    expect(validator.check(defaulted)).toEqual([]);
    const nodeClass = ec2NodeClass([{ alias: "al2023" }, { id: "ami-0123" }]);
    expect(validatorFor([nodeClass]).check(nodeClass)).toEqual([
      "spec.amiSelectorTerms: 'alias' is mutually exclusive, cannot be set with a combination of other amiSelectorTerms",
      "spec.amiSelectorTerms[0].alias: 'alias' is improperly formatted, must match the format 'family@version'",
    ]);
  });

  it("fails for a kind it has no model for, instead of skipping it", () => {
    const unknown = { apiVersion: "example.com/v1", kind: "Widget", metadata: { name: "w" } };
    expect(validatorFor([unknown]).check(unknown)).toEqual([
      "example.com/v1/Widget: no validator for this apiVersion and kind",
    ]);
  });
});
