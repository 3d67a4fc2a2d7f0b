/**
 * `npm ci` on the Node the project names installs without an engine warning. npm checks every package of the
 * tree (the project itself too) with `semver.satisfies(node, engines.node, { includePrerelease: true })` and warns
 * EBADENGINE when it fails (npm-install-checks 8.0.0 lib/index.js:5-21, called for each node of the tree by
 * @npmcli/arborist lib/arborist/build-ideal-tree.js, #checkEngineAndPlatform). Here the Node is every release of
 * the major that package.json's `engines` starts at, from that version on; docs/deploy.md names the same.
 */
import * as fs from "fs";
import * as path from "path";
import * as semver from "semver";
import { projectRoot } from "../support/stack-config";

const read = (file: string) => fs.readFileSync(path.join(projectRoot, file), "utf8");
const lock = JSON.parse(read("package-lock.json")) as {
  packages: Record<string, { version?: string; engines?: { node?: string } | string[] }>;
};
const projectEngines = (JSON.parse(read("package.json")) as { engines: { node: string } }).engines.node;

/** The oldest Node the project accepts, and every release of its major from there: the Node users install with. */
const floor = semver.minVersion(projectEngines)!;
const namedNode = `>=${floor.version} <${floor.major + 1}.0.0-0`;

/** Packages whose `engines.node` leaves out some Node of `nodeRange`, as `name@version requires <range>`. */
function enginesExcluding(packages: typeof lock.packages, nodeRange: string): string[] {
  return Object.entries(packages).flatMap(([location, pkg]) => {
    // npm reads `engines.node` only: the old array form (`["node >= 0.2.0"]`) is not checked.
    const required = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
    if (required === undefined) return [];
    const included =
      semver.validRange(required, { includePrerelease: true }) !== null &&
      semver.subset(nodeRange, required, { includePrerelease: true });
    const name = location === "" ? "(this project)" : location.replace(/^.*node_modules\//, "");
    return included ? [] : [`${name}@${pkg.version} requires ${required}`];
  });
}

describe("engines", () => {
  it("the project names Node 20 from 20.19 (require of ES modules, which the tests load), and the deploy guide says so", () => {
    expect(namedNode).toBe(">=20.19.0 <21.0.0-0");
    expect(read("docs/deploy.md")).toContain(`Node.js ${floor.major}.${floor.minor} or later`);
  });

  it("every installed package accepts every Node the project names: npm ci prints no EBADENGINE", () => {
    expect(enginesExcluding(lock.packages, namedNode)).toEqual([]);
  });

  it("a package that needs a newer Node is caught, whatever form its range takes", () => {
    const packages = {
      "": { version: "1.0.0", engines: { node: projectEngines } },
      "node_modules/old": { version: "1.0.0", engines: { node: ">=14" } },
      "node_modules/either": { version: "1.0.0", engines: { node: "^20.17.0 || >=22.9.0" } },
      "node_modules/array-form": { version: "1.0.0", engines: ["node >= 0.2.0"] },
      "node_modules/@kubernetes-models/karpenter": { version: "2.0.0", engines: { node: ">=22" } },
      "node_modules/a/node_modules/late-20": { version: "3.0.0", engines: { node: "^20.20.0 || >=22" } },
      "node_modules/garbled": { version: "0.1.0", engines: { node: "node 20" } },
    };
    expect(enginesExcluding(packages, namedNode)).toEqual([
      "@kubernetes-models/karpenter@2.0.0 requires >=22",
      "late-20@3.0.0 requires ^20.20.0 || >=22",
      "garbled@0.1.0 requires node 20",
    ]);
  });
});
