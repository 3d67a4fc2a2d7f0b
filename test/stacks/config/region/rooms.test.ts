/** Rooms per region or across regions: the hub is named exactly when rooms are global. */
import { parseStackConfig } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

const rooms = (settings: Record<string, unknown>) => () =>
  parseStackConfig(stackConfig("mumbai", { "livekit-platform:rooms": settings }), "mumbai");

describe("the rooms setting", () => {
  it("needs a hub with mode global: every region shares that region's Redis", () => {
    expect(rooms({ mode: "global" })).toThrow(
      "livekit-platform:rooms.hub: is required with mode global (the stack name of the region whose Redis every region shares), got nothing",
    );
    // With its hub, global rooms get as far as the rules they need beside it (the shared service keys).
    expect(rooms({ mode: "global", hub: "mumbai" })).toThrow(
      /^livekit-platform:serviceKeys: is required with rooms\.mode global/,
    );
  });

  it("refuses a hub with mode regional, where no Redis is shared", () => {
    expect(rooms({ mode: "regional", hub: "mumbai" })).toThrow(
      'livekit-platform:rooms.hub: is only read with mode global (set mode: global, or remove hub), got "mumbai"',
    );
    expect(rooms({ hub: "mumbai" })).toThrow("livekit-platform:rooms.hub: is only read with mode global");
  });

  it.each([
    ["mode", { mode: "both" }, 'must be "regional" or "global", got "both"'],
    [
      "hub",
      { mode: "global", hub: "-mumbai" },
      'must be the stack name of the hub region, such as mumbai, got "-mumbai"',
    ],
    ["hub", { mode: "global", hub: 7 }, "must be the stack name of the hub region, such as mumbai, got 7"],
  ])("refuses a bad %s with one line (%j)", (key, settings, problem) => {
    expect(rooms(settings)).toThrow(`livekit-platform:rooms.${key}: ${problem}`);
  });
});
