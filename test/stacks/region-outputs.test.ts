import {
  agreedApplicationKeyId,
  checkApiKeysAgree,
  RegionApiKeys,
  RegionApplicationKey,
} from "../../stacks/region-outputs";

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

describe("checkApiKeysAgree", () => {
  const keys = (stack: string, fingerprints: Record<string, string>): RegionApiKeys => ({
    stack,
    file: `Pulumi.${stack}.yaml`,
    fingerprints,
    applicationKeyIds: ["APPa"],
  });
  const shared = { APPa: "f-app", EGRESSx1: "f-egress", LOADTESTx1: "f-load" };

  it("accepts regions holding the same keys, and in regional mode keys of their own", () => {
    expect(() => checkApiKeysAgree([keys("mumbai", shared), keys("singapore", shared)], true)).not.toThrow();
    const own = keys("singapore", { APPa: "f-app", EGRESSy1: "f-other" });
    expect(() => checkApiKeysAgree([keys("mumbai", shared), own], false)).not.toThrow();
    expect(() => checkApiKeysAgree([], true)).not.toThrow();
  });

  it("names the region holding another secret under a key id, in either mode", () => {
    for (const everywhere of [false, true]) {
      expect(() =>
        checkApiKeysAgree(
          [keys("mumbai", shared), keys("singapore", { ...shared, EGRESSx1: "f-changed" })],
          everywhere,
        ),
      ).toThrow(
        /^Pulumi\.singapore\.yaml livekit-platform:serviceKeys\.egress: region stack singapore holds another secret for API key EGRESSx1 than mumbai;/,
      );
    }
  });

  it("in global rooms mode, names the region that lacks a key, whichever side holds it", () => {
    const { LOADTESTx1: _, ...withoutLoadTest } = shared;
    expect(() => checkApiKeysAgree([keys("mumbai", shared), keys("tokyo", withoutLoadTest)], true)).toThrow(
      /^Pulumi\.tokyo\.yaml livekit-platform:serviceKeys\.loadTest: region stack tokyo does not accept API key LOADTESTx1, which mumbai holds;/,
    );
    expect(() => checkApiKeysAgree([keys("mumbai", withoutLoadTest), keys("tokyo", shared)], true)).toThrow(
      /^Pulumi\.mumbai\.yaml livekit-platform:serviceKeys\.loadTest: region stack mumbai does not accept API key LOADTESTx1, which tokyo holds;/,
    );
    expect(() =>
      checkApiKeysAgree([keys("mumbai", shared), keys("tokyo", { ...shared, APPb: "f-new" })], true),
    ).toThrow(
      /^Pulumi\.mumbai\.yaml livekit-platform:applicationKeys\.keys: region stack mumbai does not accept API key APPb, which tokyo holds;/,
    );
  });
});
