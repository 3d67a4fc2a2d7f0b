/**
 * Reading a stack's config: the one line it gives for each bad input. How the plan command reports those lines
 * (exit code 2) is in test/stacks/config.e2e.test.ts.
 */
import { parseStackConfig } from "../../../stacks/config";
import { badInputs, stackConfig, stackYaml } from "../../support/stack-config";

describe("reading a stack's config", () => {
  it("returns settings only: sizing is the next step (stacks/sizing.ts)", () => {
    const mumbai = parseStackConfig(stackConfig("mumbai"), "mumbai");
    expect(mumbai).toMatchObject({ role: "region", stackName: "mumbai", capacity: { targetParticipants: 25_000 } });
    expect(mumbai).not.toHaveProperty("sizing");
  });

  it("names an unknown key inside a section like any other, and a section that is no object by its own words", () => {
    const cluster = (value: unknown) => () =>
      parseStackConfig(stackConfig("mumbai", { "livekit-platform:cluster": value }), "mumbai");
    expect(cluster({ publicAccessCidrs: [], sfuNode: {} })).toThrow(
      "livekit-platform:cluster.sfuNode: is not a setting this stack reads (a typo?), got {}",
    );
    expect(cluster("yes")).toThrow(
      'livekit-platform:cluster: must be set (at least cluster.publicAccessCidrs), got "yes"',
    );
  });

  it.each(badInputs)("rejects $what with one line naming key, problem and value", ({ stack, change, message }) => {
    const yaml = stackYaml(stack);
    change(yaml);
    const raw = Object.fromEntries(
      Object.entries(yaml).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    expect(() => parseStackConfig(raw, stack)).toThrow(message.replace(/^error: /, ""));
  });
});
