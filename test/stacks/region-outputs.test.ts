import { agreedApplicationKeyId, RegionApplicationKey } from "../../stacks/region-outputs";

const region = (stack: string, keyId: string | undefined): RegionApplicationKey => ({
  stack,
  file: `Pulumi.${stack}.yaml`,
  keyId,
});

describe("agreedApplicationKeyId", () => {
  it("returns the key id every region signs with", () => {
    expect(agreedApplicationKeyId([region("mumbai", "APPa"), region("singapore", "APPa")])).toBe("APPa");
  });

  it("returns nothing while no region exports one, and ignores regions that do not yet", () => {
    expect(agreedApplicationKeyId([region("mumbai", undefined)])).toBeUndefined();
    expect(agreedApplicationKeyId([region("mumbai", undefined), region("singapore", "APPa")])).toBe("APPa");
  });

  it("names the region that differs from the others", () => {
    const regions = [region("frankfurt", "APPa"), region("mumbai", "APPb"), region("singapore", "APPa")];
    expect(() => agreedApplicationKeyId(regions)).toThrow(
      "Pulumi.mumbai.yaml livekit-platform:applicationKeys.signing: region stack mumbai signs with another " +
        "application key than frankfurt, singapore (APPa)",
    );
  });

  it("on a tie, names the later region by stack name", () => {
    expect(() => agreedApplicationKeyId([region("mumbai", "APPa"), region("singapore", "APPb")])).toThrow(
      /^Pulumi\.singapore\.yaml .* got "APPb"$/,
    );
  });
});
