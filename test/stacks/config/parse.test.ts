/**
 * Reading a stack's config: the one line it gives for each bad input. How the plan command reports those lines
 * (exit code 2) is in test/stacks/config.e2e.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../../../stacks/config";
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
});
