import {
  agreedApplicationKeyId,
  API_KEY_FINGERPRINTS_OUTPUT,
  checkApiKeysAgree,
  readRegionOutputs,
  REGION_OUTPUT_KEYS,
  RegionApiKeys,
  RegionApplicationKey,
  regionHostnames,
  signallingUrl,
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

describe("readRegionOutputs", () => {
  const lb = (name: string) => ({ dnsName: `${name}.elb.ap-south-1.amazonaws.com`, zoneId: "ZP97RAFLXTNZK" });
  const mumbai = {
    awsRegion: "ap-south-1",
    regionLabel: "mumbai",
    signallingHostname: "mumbai.rtc.example.com",
    turnHostname: "turn-mumbai.rtc.example.com",
    signallingLoadBalancer: lb("k8s-signal"),
    turnLoadBalancer: lb("k8s-turn"),
  };

  it("reads a deployed region's outputs as the routing contract, and nothing beyond it", () => {
    expect(readRegionOutputs("mumbai", mumbai)).toEqual({ deployed: true, outputs: mumbai });
    const extra = { ...mumbai, signallingLoadBalancer: { ...lb("k8s-signal"), arn: "arn:aws:x" } };
    expect(readRegionOutputs("mumbai", extra)).toEqual({ deployed: true, outputs: mumbai });
  });

  it("takes a region without some outputs (or with null ones, as a StackReference may give) as not deployed yet", () => {
    expect(readRegionOutputs("x", {})).toEqual({ deployed: false, missing: [...REGION_OUTPUT_KEYS] });
    expect(readRegionOutputs("mumbai", { ...mumbai, turnHostname: undefined, turnLoadBalancer: null })).toEqual({
      deployed: false,
      missing: ["turnHostname", "turnLoadBalancer"],
    });
  });

  it("refuses an output that breaks the contract, naming the stack, the output, what it expects and the value", () => {
    expect(() => readRegionOutputs("mumbai", { ...mumbai, awsRegion: "" })).toThrow(
      new Error(
        'region stack mumbai: output awsRegion does not follow the region output contract (stacks/region-outputs.ts): expected a non-empty string, got ""',
      ),
    );
    expect(() => readRegionOutputs("mumbai", { ...mumbai, turnLoadBalancer: "k8s-turn.elb.amazonaws.com" })).toThrow(
      /: output turnLoadBalancer does not follow .*: expected \{ dnsName, zoneId \}, got "k8s-turn\.elb\.amazonaws\.com"$/,
    );
    // A field of a load balancer is a string, named by its path.
    expect(() =>
      readRegionOutputs("mumbai", { ...mumbai, signallingLoadBalancer: { dnsName: "k8s-signal", zoneId: 7 } }),
    ).toThrow(/: output signallingLoadBalancer\.zoneId does not follow .*: expected a non-empty string, got 7$/);
    expect(() => readRegionOutputs("mumbai", { ...mumbai, regionLabel: 42 })).toThrow(
      /: output regionLabel does not .*: expected a non-empty string, got 42$/,
    );
  });
});

describe("a region's names", () => {
  it("answers signalling on <label>.<domain> and TURN on turn-<label>.<domain>", () => {
    expect(regionHostnames("mumbai", "rtc.example.com")).toEqual({
      signalling: "mumbai.rtc.example.com",
      turn: "turn-mumbai.rtc.example.com",
    });
  });

  it("hands participants a secure WebSocket (wss:) URL on the signalling name", () => {
    expect(signallingUrl({ signallingHostname: "mumbai.rtc.example.com" })).toBe("wss://mumbai.rtc.example.com");
  });
});

describe("the errors across regions", () => {
  it("name the odd region out wherever it is listed, with the whole remedy", () => {
    const regions = [region("frankfurt", "APPb"), region("mumbai", "APPa"), region("singapore", "APPa")];
    expect(() => agreedApplicationKeyId(regions)).toThrow(
      new Error(
        "Pulumi.frankfurt.yaml livekit-platform:applicationKeys.signing: region stack frankfurt signs with another " +
          "application key than mumbai, singapore (APPa); every region must sign with the same key: set the same " +
          'applicationKeys in every region file and `pulumi up` it, got "APPb"',
      ),
    );
  });

  const keys = (stack: string, fingerprints: Record<string, string>, applicationKeyIds = ["APPa"]): RegionApiKeys => ({
    stack,
    file: `Pulumi.${stack}.yaml`,
    fingerprints,
    applicationKeyIds,
  });

  it("name the application's keys setting for an application key, even one named like a service's", () => {
    // Application key ids are any 3-64 letters and digits (stacks/config/region/credentials.ts), EGRESS... included.
    const app = ["EGRESSapp1"];
    expect(() =>
      checkApiKeysAgree([keys("mumbai", { EGRESSapp1: "f1" }, app), keys("tokyo", { EGRESSapp1: "f2" }, app)], false),
    ).toThrow(
      new Error(
        "Pulumi.tokyo.yaml livekit-platform:applicationKeys.keys: region stack tokyo holds another secret for API key " +
          "EGRESSapp1 than mumbai; a token signed with it in one region fails in the other: set the same secret in " +
          'every region file and `pulumi up` each region, got "EGRESSapp1"',
      ),
    );
  });

  it("say why every region must hold every key in global rooms mode, and in which order to fix it", () => {
    expect(() => checkApiKeysAgree([keys("mumbai", { APPa: "f" }), keys("tokyo", {})], true)).toThrow(
      new Error(
        "Pulumi.tokyo.yaml livekit-platform:applicationKeys.keys: region stack tokyo does not accept API key APPa, " +
          "which mumbai holds; in global rooms mode livekit-server refreshes participants' tokens with any key of its " +
          "key file and they reconnect through any region, so every region must hold the same keys: set them in every " +
          'region file and `pulumi up` every region, the hub first, got "APPa"',
      ),
    );
  });

  it("read the fingerprints from an output of their own, beside the routing contract's", () => {
    // The region stack exports both from one object: a shared name would lose one of them.
    expect(API_KEY_FINGERPRINTS_OUTPUT).toMatch(/^[A-Za-z][A-Za-z0-9]*$/);
    expect(REGION_OUTPUT_KEYS).not.toContain(API_KEY_FINGERPRINTS_OUTPUT);
  });
});
