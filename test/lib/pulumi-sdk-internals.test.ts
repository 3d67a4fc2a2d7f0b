/**
 * lib/pulumi-sdk-internals.js: every place the project reaches past @pulumi/pulumi's public API, read from one
 * version of the SDK. Whether each still works is held where it is used (test/tools/plan/engine.plan.test.ts,
 * test/lib/errors.plan.test.ts, test/lib/pulumi-sdk-internals.plan.test.ts, test/tools/run.e2e.test.ts); this
 * file stops an SDK upgrade until someone has read them again.
 */
import * as fs from "fs";
import * as path from "path";
import * as internals from "../../lib/pulumi-sdk-internals";
import { SDK_VERSION_READ } from "../../lib/pulumi-sdk-internals";

const projectRoot = path.join(__dirname, "..", "..");
const SECTION = "SDK internals we depend on";

describe("the SDK internals the project depends on", () => {
  it("were read from the installed @pulumi/pulumi", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the installed SDK's version, by path
    const installed: string = require("@pulumi/pulumi/package.json").version;
    if (installed !== SDK_VERSION_READ) {
      throw new Error(
        `@pulumi/pulumi is ${installed}, but lib/pulumi-sdk-internals.js was read from ${SDK_VERSION_READ}: check ` +
          `each entry of docs/ARCHITECTURE.md, "SDK internals we depend on", against ${installed}'s sources, then set SDK_VERSION_READ`,
      );
    }
  });

  it(`are each named in docs/ARCHITECTURE.md, "SDK internals we depend on"`, () => {
    const architecture = fs.readFileSync(path.join(projectRoot, "docs", "ARCHITECTURE.md"), "utf8");
    const section = architecture.split(/^## /m).find((s) => s.startsWith(`${SECTION}\n`));
    expect(section).toBeDefined();
    // (`default` is the transform's CommonJS interop, not an export)
    const exported = Object.keys(internals).filter((name) => name !== "default");
    const unnamed = exported.filter((name) => !section!.includes(`\`${name}\``));
    expect(unnamed).toEqual([]);
  });
});
