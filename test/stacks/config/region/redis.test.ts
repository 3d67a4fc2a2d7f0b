/** ElastiCache's settings: a node type by its API name, refused with one line otherwise. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("Redis's settings", () => {
  const redis = (settings: Record<string, unknown>) =>
    parseStackConfig(stackConfig("mumbai", { "livekit-platform:redis": settings }), "mumbai");

  it("takes a node type by its ElastiCache API name", () => {
    expect((redis({ nodeType: "cache.r7g.xlarge" }) as RegionSettings).redis.nodeType).toBe("cache.r7g.xlarge");
  });

  it.each([
    ["an EC2 name without cache.", "r7g.large", '"r7g.large"'],
    ["a number", 7, "7"],
  ])("refuses %s as a node type, naming the form it takes", (_what, nodeType, shown) => {
    expect(() => redis({ nodeType })).toThrow(
      `livekit-platform:redis.nodeType: must be an ElastiCache node type such as cache.r7g.large, got ${shown}`,
    );
  });
});
