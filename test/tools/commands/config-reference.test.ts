/**
 * docs/config.md is generated from the config schemas (tools/commands/config-reference.ts): it must list what the
 * program validates today, and every key must say what it is for.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import {
  CONFIG_REFERENCE,
  CONFIG_REFERENCE_COMMAND,
  configKeys,
  main,
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
    // Its pattern refuses an empty label: only the maximum is a length rule.
    expect(byKey("livekit-platform:regionLabel")).toMatchObject({
      default: "default: the stack's name",
      constraints: ["at most 25 characters", "matches `^[a-z0-9]([a-z0-9-]*[a-z0-9])?$`"],
    });
    expect(byKey("livekit-platform:network.existingVpc")).toMatchObject({ type: "object", default: "optional" });
  });
});

describe("npm run docs:config", () => {
  const run = (argv: string[], root: string) => {
    const out = { log: "", error: "" };
    const code = main(argv, { log: (t) => (out.log += t), error: (t) => (out.error += t) }, root);
    return { code, ...out };
  };
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => fs.rmSync(root, { recursive: true, force: true })));
  const staleRoot = () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "lk-config-reference-"));
    roots.push(root);
    fs.mkdirSync(path.join(root, "docs"));
    fs.writeFileSync(path.join(root, CONFIG_REFERENCE), "stale\n");
    return root;
  };

  it("with --check writes nothing and exits 1 on a stale reference, 0 on a current one", () => {
    const root = staleRoot();
    expect(run(["--check"], root)).toEqual({
      code: 1,
      log: "",
      error: `${CONFIG_REFERENCE} is stale: run \`${CONFIG_REFERENCE_COMMAND}\` and commit the result\n`,
    });
    expect(fs.readFileSync(path.join(root, CONFIG_REFERENCE), "utf8")).toBe("stale\n");
    expect(run(["--check"], projectRoot).code).toBe(0);
  });

  it("refuses a flag it does not know with one line and exit 2, writing nothing (a misspelt --check never writes)", () => {
    const root = staleRoot();
    expect(run(["--chek"], root)).toEqual({
      code: 2,
      log: "",
      error: "error: unknown argument --chek; usage: npm run docs:config [-- --check]\n",
    });
    expect(fs.readFileSync(path.join(root, CONFIG_REFERENCE), "utf8")).toBe("stale\n");
  });

  it("without a flag writes the reference; --help prints the usage and writes nothing", () => {
    const root = staleRoot();
    expect(run(["--help"], root)).toMatchObject({ code: 0, log: expect.stringMatching(/^usage: npm run docs:config/) });
    expect(fs.readFileSync(path.join(root, CONFIG_REFERENCE), "utf8")).toBe("stale\n");
    expect(run([], root)).toEqual({ code: 0, log: `wrote ${CONFIG_REFERENCE}\n`, error: "" });
    expect(fs.readFileSync(path.join(root, CONFIG_REFERENCE), "utf8")).toBe(renderConfigReference());
  });
});
