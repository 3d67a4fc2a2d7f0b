import { dependenciesOf } from "../../../components/shared/dependencies";

// Stand-ins: dependenciesOf only passes them on, it never looks inside.
const a = { name: "a" } as never;
const b = { name: "b" } as never;

describe("a component's dependencies, for its children", () => {
  it("is empty without options or without dependsOn", () => {
    // Strictly empty: toEqual would also take [undefined], a member no child should inherit.
    expect(dependenciesOf(undefined)).toStrictEqual([]);
    expect(dependenciesOf({})).toStrictEqual([]);
  });

  it("lists an array's members in order, in a copy a child may extend", () => {
    const dependsOn = [a, b];
    const deps = dependenciesOf({ dependsOn });
    expect(deps).toEqual([a, b]);
    deps.push(a);
    expect(dependsOn).toEqual([a, b]);
  });

  it("wraps a single resource, or an Output or Promise of a list, which the SDK flattens", () => {
    expect(dependenciesOf({ dependsOn: a })).toEqual([a]);
    const later = Promise.resolve([a, b]);
    expect(dependenciesOf({ dependsOn: later })).toEqual([later]);
  });
});
