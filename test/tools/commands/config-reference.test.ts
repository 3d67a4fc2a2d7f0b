/**
 * docs/config.md is generated from the config schemas (tools/commands/config-reference.ts): it must list what the
 * program validates today, and every key must say what it is for.
 */
import * as fs from "fs";
import * as path from "path";
import {
  CONFIG_REFERENCE,
  CONFIG_REFERENCE_COMMAND,
  configKeys,
  renderConfigReference,
} from "../../../tools/commands/config-reference";
import { globalSchema, regionSchema } from "../../../stacks/config";

const projectRoot = path.join(__dirname, "..", "..", "..");

describe("the configuration reference", () => {
  it("is up to date with the schemas in stacks/config/", () => {
    const file = path.join(projectRoot, CONFIG_REFERENCE);
    const committed = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (committed !== renderConfigReference()) {
      throw new Error(`${CONFIG_REFERENCE} is stale: run \`${CONFIG_REFERENCE_COMMAND}\` and commit the result`);
    }
  });

  it("describes every key of the region and global stacks", () => {
    const undescribed = [...configKeys(regionSchema), ...configKeys(globalSchema)]
      .filter((k) => !k.description)
      .map((k) => k.key);
    expect(undescribed).toEqual([]);
  });

  it("lists keys as they are written in a stack file, with their defaults and constraints", () => {
    const region = configKeys(regionSchema);
    const byKey = (key: string) => region.find((k) => k.key === key);
    expect(byKey("aws:region")).toMatchObject({ type: "string", default: "required" });
    expect(byKey("livekit-platform:network.availabilityZones")).toMatchObject({
      type: "integer",
      default: "default `3`",
      constraints: ["from 2 to 4"],
    });
    expect(byKey("livekit-platform:cluster.sfuNodes.min")).toMatchObject({
      default: "default: from the capacity model",
    });
    expect(byKey("livekit-platform:regionLabel")).toMatchObject({ default: "default: the stack's name" });
    expect(byKey("livekit-platform:network.existingVpc")).toMatchObject({ type: "object", default: "optional" });
  });
});
