/**
 * Reading a stack's config: the one line it gives for each bad input. How the plan command reports those lines
 * (exit code 2) is in test/stacks/config.e2e.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig, RegionSettings } from "../../../stacks/config";
import { readStackFile, stackFilePath } from "../../../stacks/stack-files";
import { badInputs, projectRoot, stackConfig, stackYaml } from "../../support/stack-config";

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

  it("reads a section with nothing under it (YAML null, or an empty string) as absent", () => {
    const shipped = fs.readFileSync(stackFilePath(projectRoot, "mumbai"), "utf8");
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "lk-empty-")), "Pulumi.mumbai.yaml");
    // What "remove the once-only settings" leaves behind: the key, and nothing under it.
    fs.writeFileSync(
      file,
      `${shipped}  livekit-platform:karpenter:\n  livekit-platform:redis: ""\n  livekit-platform:rtc: ~\n`,
    );
    const { config, secretKeys } = readStackFile(file, "mumbai");
    // As the Pulumi CLI passes a YAML null: an empty string.
    expect(config["livekit-platform:karpenter"]).toBe("");
    const withEmpty = parseStackConfig(config, "mumbai", secretKeys);
    const shippedFile = readStackFile(stackFilePath(projectRoot, "mumbai"), "mumbai");
    expect(withEmpty).toEqual(parseStackConfig(shippedFile.config, "mumbai", shippedFile.secretKeys));
  });

  it.each(badInputs)("rejects $what with one line naming key, problem and value", ({ stack, change, message }) => {
    const yaml = stackYaml(stack);
    change(yaml);
    const raw = Object.fromEntries(
      Object.entries(yaml).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    expect(() => parseStackConfig(raw, stack)).toThrow(message.replace(/^error: /, ""));
  });

  /** The line parsing `raw` as `stack` gives, or "ok". */
  const lineFor = (raw: Record<string, string>, stack = "mumbai", secretKeys: string[] = []) => {
    try {
      parseStackConfig(raw, stack, secretKeys);
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };
  const mumbai = stackConfig("mumbai");
  const without = (key: string, raw = mumbai) => Object.fromEntries(Object.entries(raw).filter(([k]) => k !== key));

  it("says what a section holds when it is given a scalar or a list, and reads JSON with blanks around it", () => {
    for (const [text, shown] of [
      ["yes", '"yes"'],
      ["[1]", "[1]"],
      ['{"targetParticipants": 500', JSON.stringify('{"targetParticipants": 500')],
    ]) {
      expect(lineFor({ ...mumbai, "livekit-platform:capacity": text })).toBe(
        `livekit-platform:capacity: must be a map of settings, or nothing under it for the defaults, got ${shown}`,
      );
    }
    const padded = parseStackConfig(
      { ...mumbai, "livekit-platform:capacity": '  {"targetParticipants": 500}  ' },
      "mumbai",
    ) as RegionSettings;
    expect(padded.capacity.targetParticipants).toBe(500);
  });

  it("says a setting must be a string or a list when it has no words of its own for a value of the wrong type", () => {
    const monitoring = (change: Record<string, unknown>) =>
      lineFor({ ...mumbai, "livekit-platform:monitoring": JSON.stringify(change) });
    expect(monitoring({ retentionSize: 90 })).toBe(
      "livekit-platform:monitoring.retentionSize: must be a string, got 90",
    );
    expect(lineFor({ ...mumbai, "livekit-platform:alerting": '{"emailSubscriptions": "ops@example.com"}' })).toBe(
      'livekit-platform:alerting.emailSubscriptions: must be a list, got "ops@example.com"',
    );
    // A number or a boolean setting words its own.
    expect(lineFor({ ...mumbai, "livekit-platform:protect": '{"x": 1}' })).toBe(
      'livekit-platform:protect: must be true or false, got {"x":1}',
    );
  });

  it("names a removed setting with what replaced it, and a misspelt one with its nearest setting", () => {
    expect(lineFor({ ...mumbai, "livekit-platform:karpenter": '{"createSpotServiceLinkedRole": true}' })).toBe(
      "livekit-platform:karpenter.createSpotServiceLinkedRole: was removed: a region creates the account's EC2 Spot service-linked role itself when the account has none; delete the line, got true",
    );
    expect(lineFor({ ...mumbai, "livekit-platform:cost": '{"turnShare": 0.1}' })).toBe(
      "livekit-platform:cost.turnShare: was removed: the relay share sizes the nodes' relay traffic and the bill alike; set livekit-platform:capacity.turnRelayShare instead, got 0.1",
    );
    expect(lineFor({ ...mumbai, "livekit-platform:capacty": "{}" })).toBe(
      "livekit-platform:capacty: is not a setting this stack reads (did you mean livekit-platform:capacity?), got {}",
    );
    expect(lineFor({ ...mumbai, "livekit-platform:zzzzzzzz": "1" })).toBe(
      'livekit-platform:zzzzzzzz: is not a setting this stack reads (a typo?), got "1"',
    );
    // A key without a namespace is the project's (as Pulumi reads it).
    const bare = parseStackConfig({ ...mumbai, capacity: '{"targetParticipants": 700}' }, "mumbai") as RegionSettings;
    expect(bare.capacity.targetParticipants).toBe(700);
  });

  it("refuses a secure: value where a setting is checked, never showing it", () => {
    const secureRefused =
      "is a secure: value, which the offline plan cannot decrypt to check; keep this setting in plain text (it is not a secret) or check it with pulumi preview, got a secure: value (not shown)";
    expect(
      lineFor({ ...mumbai, "livekit-platform:capacity": '{"targetParticipants": "plan-placeholder-for-x"}' }),
    ).toBe(`livekit-platform:capacity.targetParticipants: ${secureRefused}`);
    expect(lineFor({ ...mumbai, "livekit-platform:capacity": "plan-placeholder-for-x" })).toBe(
      `livekit-platform:capacity: ${secureRefused}`,
    );
  });

  it("names a misspelt setting holding a secure: value as a misspelling, not as a secure value", () => {
    expect(lineFor({ ...mumbai, "livekit-platform:capacty": "plan-placeholder-for-x" })).toBe(
      "livekit-platform:capacty: is not a setting this stack reads (did you mean livekit-platform:capacity?), got a secure: value (not shown)",
    );
  });

  it("reads a section of blanks as absent", () => {
    expect(lineFor({ ...mumbai, "livekit-platform:karpenter": "   " })).toBe("ok");
  });

  it("suggests the setting a misspelt namespace was meant for, never the AWS region (aws:region sets it)", () => {
    expect(lineFor({ ...mumbai, "livekit-platfrom:capacity": "{}" })).toBe(
      "livekit-platfrom:capacity: is in no namespace this program reads (livekit-platform, aws, cloudflare) (did you mean livekit-platform:capacity?), got {}",
    );
    expect(lineFor({ ...mumbai, "livekit-platfor:awsRegion": "x" })).not.toContain("livekit-platform:awsRegion");
  });

  it("refuses a key of another namespace, showing its value only when it is not a secret", () => {
    expect(lineFor({ ...mumbai, "foo:bar": "plain" })).toBe(
      'foo:bar: is in no namespace this program reads (livekit-platform, aws, cloudflare), got "plain"',
    );
    expect(lineFor({ ...mumbai, "foo:bar": "s3cret" }, "mumbai", ["foo:bar"])).toBe(
      "foo:bar: is in no namespace this program reads (livekit-platform, aws, cloudflare), got a secure: value (not shown)",
    );
    expect(lineFor({ ...mumbai, "aws:secretKey": "s3cret" })).toBe(
      "aws:secretKey: is a credential: set it with `pulumi config set --secret aws:secretKey <value>` so the stack file holds it encrypted, got a plain-text value (not shown)",
    );
    expect(lineFor({ ...mumbai, "aws:secretKey": "s3cret" }, "mumbai", ["aws:secretKey"])).toBe("ok");
  });

  it("requires a role, names a misspelt one, and refuses a role the file's settings do not fit", () => {
    const noRole = without("livekit-platform:role");
    expect(lineFor(noRole)).toBe('livekit-platform:role: is required, expected "region" or "global", got nothing');
    expect(lineFor({ ...noRole, "livekit-platform:rol": "region" })).toBe(
      'livekit-platform:rol: is not a setting (did you mean livekit-platform:role?), got "region"',
    );
    expect(lineFor({ ...mumbai, "livekit-platform:role": "hub" })).toBe(
      'livekit-platform:role: unknown stack role, expected "region" or "global", got "hub"',
    );
    expect(lineFor({ ...mumbai, "livekit-platform:role": "global" })).toBe(
      'livekit-platform:role: is global, but the file sets livekit-platform:regionLabel, a setting of a region stack (wrong role?), got "global"',
    );
    expect(
      lineFor({
        ...stackConfig("global"),
        "livekit-platform:role": "region",
        "livekit-platform:stackReferences": "{}",
      }),
    ).toBe(
      'livekit-platform:role: is region, but the file sets livekit-platform:stackReferences, a setting of the global stack (wrong role?), got "region"',
    );
  });

  it("labels a region by its stack's name unless the file names it, and takes its AWS region from aws:region", () => {
    const named = parseStackConfig(mumbai, "mumbai") as RegionSettings;
    expect(named.regionLabel).toBe(mumbai["livekit-platform:regionLabel"]);
    const unnamed = parseStackConfig(without("livekit-platform:regionLabel"), "mumbai") as RegionSettings;
    expect(unnamed.regionLabel).toBe("mumbai");
    expect(
      (parseStackConfig({ ...mumbai, "livekit-platform:regionLabel": "bombay" }, "mumbai") as RegionSettings)
        .regionLabel,
    ).toBe("bombay");
    expect(named.awsRegion).toBe("ap-south-1");
    expect(lineFor(without("aws:region"))).toBe("aws:region: is required, got nothing");
  });
});
