/**
 * The plan records the URNs a resource's `aliases` name, as `pulumi up` would look its state up
 * (tools/plan/aliases.ts), so `--diff` shows a moved resource as moved.
 */
import * as pulumi from "@pulumi/pulumi";
import { aliasUrn } from "../../../tools/plan/aliases";
import { runComponents } from "../../support/plan";

class Holder extends pulumi.ComponentResource {
  constructor(type: string, name: string) {
    super(type, name, {});
  }
}

class Thing extends pulumi.CustomResource {
  constructor(name: string, opts: pulumi.CustomResourceOptions = {}) {
    super("test:index:Thing", name, {}, opts);
  }
}

describe("aliases in the plan", () => {
  it("records the old URN of a child moved to another parent, and of a resource renamed, and none otherwise", async () => {
    const result = await runComponents(() => {
      // A URN names its parents' types, not their names: the old parent is of another type.
      const before = new Holder("test:index:Before", "before");
      const after = new Holder("test:index:After", "after");
      new Thing("moved", { parent: after, aliases: [{ parent: before }] });
      new Thing("renamed", { aliases: [{ name: "old-name" }] });
      new Thing("plain");
    });
    const byName = Object.fromEntries(result.resources.map((r) => [r.name, r]));
    // The old URN is the one the plan gave, or would give, a resource registered where the alias says.
    expect(byName.moved.urn).toBe("urn:pulumi:test::livekit-platform::test:index:After$test:index:Thing::moved");
    expect(byName.moved.aliases).toEqual([
      "urn:pulumi:test::livekit-platform::test:index:Before$test:index:Thing::moved",
    ]);
    expect(byName.renamed.aliases).toEqual([byName.renamed.urn.replace(/::renamed$/, "::old-name")]);
    expect(byName.renamed.aliases).toEqual([
      "urn:pulumi:test::livekit-platform::pulumi:pulumi:Stack$test:index:Thing::old-name",
    ]);
    expect(byName.plain.aliases).toBeUndefined();
  });

  it("names a resource moved under a component the way the plan named it there", async () => {
    const before = await runComponents(() => {
      const holder = new Holder("test:index:Before", "holder");
      new Thing("thing", { parent: holder });
    });
    const after = await runComponents(() => {
      const holder = new Holder("test:index:After", "holder");
      const formerParent = before.resources.find((r) => r.type === "test:index:Before")!.urn;
      new Thing("thing", { parent: holder, aliases: [{ parent: formerParent }] });
    });
    const thing = (plan: typeof before) => plan.resources.find((r) => r.name === "thing")!;
    expect(thing(after).aliases).toEqual([thing(before).urn]);
  });

  it("takes an alias given as a whole URN as it is", () => {
    const urn = "urn:pulumi:s::p::a:b:C::old";
    expect(aliasUrn({ type: "a:b:C", name: "new", parent: null }, { urn }, "s", "p")).toBe(urn);
  });
});
