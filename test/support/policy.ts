/**
 * Runs the policy pack's policies without the Pulumi CLI (and without `new PolicyPack`, whose constructor
 * starts a gRPC server): each policy's validateResource / validateStack is called with arguments built
 * the way @pulumi/policy's analyzer builds them (props behind its unknown-checking proxy, secrets revealed).
 */
import type {
  Policy,
  PolicyResource,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { unknownCheckingProxy } from "@pulumi/policy";
import { PlanResult, plain } from "../../tools/plan/engine";

/** A resource as a policy test describes it. */
export interface TestResource {
  type: string;
  name: string;
  props: Record<string, unknown>;
  urn?: string;
  parent?: string;
  dependencies?: string[];
  propertyDependencies?: Record<string, string[]>;
}

export interface Violation {
  policy: string;
  message: string;
  urn?: string;
}

const urnOf = (r: TestResource) => r.urn ?? `urn:pulumi:test::livekit-platform::${r.type}::${r.name}`;

const notApplicable = (reason?: string): never => {
  throw new Error(`notApplicable(${reason ?? ""})`);
};

/** The resources of a plan, in the form the CLI hands policies (inputs, secrets revealed). */
export function resourcesOfPlan(plan: PlanResult): TestResource[] {
  return plan.resources.map((r) => ({
    type: r.type,
    name: r.name,
    urn: r.urn,
    parent: r.parent ?? undefined,
    props: plain<Record<string, unknown>>(r.inputs),
    dependencies: r.dependencies,
    propertyDependencies: plan.propertyDependencies?.[r.urn],
  }));
}

export function resourceArgs(r: TestResource, config: object = {}): ResourceValidationArgs {
  const props = unknownCheckingProxy(r.props) as Record<string, any>;
  return {
    type: r.type,
    props,
    urn: urnOf(r),
    name: r.name,
    opts: {
      protect: false,
      ignoreChanges: [],
      aliases: [],
      customTimeouts: { createSeconds: 0, updateSeconds: 0, deleteSeconds: 0 },
      additionalSecretOutputs: [],
    },
    stackTags: new Map(),
    isType: (cls: any) => cls.__pulumiType === r.type,
    asType: (cls: any) => (cls.__pulumiType === r.type ? props : undefined) as any,
    getConfig: <T extends object>() => config as T,
    notApplicable,
  };
}

export function stackArgs(resources: TestResource[], config: object = {}): StackValidationArgs {
  const byUrn = new Map<string, PolicyResource>();
  const built = resources.map((r) => {
    const props = unknownCheckingProxy(r.props) as Record<string, any>;
    const resource: PolicyResource = {
      type: r.type,
      props,
      urn: urnOf(r),
      name: r.name,
      opts: resourceArgs(r).opts,
      dependencies: [],
      propertyDependencies: {},
      isType: (cls: any) => cls.__pulumiType === r.type,
      asType: (cls: any) => (cls.__pulumiType === r.type ? props : undefined) as any,
    };
    byUrn.set(resource.urn, resource);
    return resource;
  });
  resources.forEach((r, i) => {
    const resolve = (urns: string[] = []) =>
      urns.map((u) => byUrn.get(u)).filter((d): d is PolicyResource => d !== undefined);
    built[i].parent = r.parent ? byUrn.get(r.parent) : undefined;
    built[i].dependencies = resolve(r.dependencies);
    for (const [key, urns] of Object.entries(r.propertyDependencies ?? {}))
      built[i].propertyDependencies[key] = resolve(urns);
  });
  return { resources: built, stackTags: new Map(), getConfig: <T extends object>() => config as T, notApplicable };
}

const isStackPolicy = (p: Policy): p is StackValidationPolicy => "validateStack" in p;

/** Every violation `policies` report for `resources`, as `pulumi preview --policy-pack` would list them. */
export async function violations(
  policies: readonly Policy[],
  resources: TestResource[],
  config: Record<string, object> = {},
): Promise<Violation[]> {
  const found: Violation[] = [];
  for (const policy of policies) {
    const cfg = config[policy.name] ?? {};
    if (isStackPolicy(policy)) {
      await policy.validateStack(stackArgs(resources, cfg), (message, urn) =>
        found.push({ policy: policy.name, message, urn }),
      );
      continue;
    }
    const validations = [(policy as ResourceValidationPolicy).validateResource ?? []].flat();
    for (const r of resources) {
      for (const validate of validations) {
        await validate(resourceArgs(r, cfg), (message) => found.push({ policy: policy.name, message, urn: urnOf(r) }));
      }
    }
  }
  return found;
}

/** The policies whose violation stops `pulumi up` (the advisory ones only warn). */
export const mandatory = (policies: readonly Policy[]) => policies.filter((p) => p.enforcementLevel === "mandatory");

/** Violations of one policy for one resource. */
export async function check(
  policy: Policy,
  resource: TestResource | TestResource[],
  config: object = {},
): Promise<string[]> {
  const list = Array.isArray(resource) ? resource : [resource];
  return (await violations([policy], list, { [policy.name]: config })).map((v) => v.message);
}
