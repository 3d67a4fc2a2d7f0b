/** The names a region serves. */
import { parseStackConfig, RegionSettings } from "../../../../stacks/config";
import { stackConfig } from "../../../support/stack-config";

describe("the region's names", () => {
  it("names a region after its stack when regionLabel is not set", () => {
    const cfg = parseStackConfig(
      stackConfig("mumbai", { "livekit-platform:regionLabel": undefined, "aws:defaultTags": undefined }),
      "bom",
    ) as RegionSettings;
    expect(cfg.regionLabel).toBe("bom");
  });
});

describe("the region's names, refused with one line", () => {
  const parse = (overrides: Record<string, unknown>) => parseStackConfig(stackConfig("mumbai", overrides), "mumbai");
  const label = (regionLabel: string) => parse({ "livekit-platform:regionLabel": regionLabel });

  it("takes a region label of up to 25 characters, the most every AWS name derived from it fits", () => {
    // ElastiCache's replication group id `livekit-<label>` may have 40 (CreateReplicationGroup, ReplicationGroupId).
    expect((label("a".repeat(25)) as RegionSettings).regionLabel).toBe("a".repeat(25));
    expect(() => label("a".repeat(26))).toThrow(
      `livekit-platform:regionLabel: must be at most 25 characters (AWS names are derived from it), got "${"a".repeat(26)}"`,
    );
  });

  it('refuses "--" in a region label, which ElastiCache refuses in an id', () => {
    expect(() => label("south--1")).toThrow(
      'livekit-platform:regionLabel: must not contain "--" (ElastiCache ids refuse consecutive hyphens), got "south--1"',
    );
  });

  it("refuses an ownsGlobalNameValidation that is not a boolean", () => {
    const dns = JSON.parse(stackConfig("mumbai")["livekit-platform:dns"]);
    expect(() => parse({ "livekit-platform:dns": { ...dns, ownsGlobalNameValidation: "yes" } })).toThrow(
      'livekit-platform:dns.ownsGlobalNameValidation: must be true or false, got "yes"',
    );
  });
});
