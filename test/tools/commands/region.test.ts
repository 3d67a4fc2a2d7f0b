/**
 * `npm run region -- add <name> <aws-region>`: the file it writes (what changes from the region it starts from,
 * what is left out), the steps it prints, and each request it refuses with one line and nothing written. That
 * the file it writes plans, and the global plan then routes to it, is in test/stacks/global.e2e.test.ts.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseCidr } from "../../../lib/ip";
import { freeRange } from "../../../tools/commands/region/add";
import { main } from "../../../tools/commands/region";
import { listStackNames, readProjectName, stackFilePath } from "../../../stacks/stack-files";
import { projectRoot } from "../../support/stack-config";

/** A project folder holding the shipped stack files (and `extra` ones, as config maps). */
function project(extra: Record<string, Record<string, unknown>> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-region-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: readProjectName(projectRoot), runtime: "nodejs" }));
  for (const stack of listStackNames(projectRoot)) {
    fs.copyFileSync(stackFilePath(projectRoot, stack), path.join(dir, `Pulumi.${stack}.yaml`));
  }
  for (const [stack, config] of Object.entries(extra)) {
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  }
  return dir;
}

function run(dir: string, ...argv: string[]) {
  let out = "";
  let err = "";
  const code = main(argv, { log: (t) => (out += t), error: (t) => (err += t) }, dir);
  return { code, out, err };
}

const configOf = (dir: string, stack: string) =>
  parse(fs.readFileSync(path.join(dir, `Pulumi.${stack}.yaml`), "utf8")).config as Record<string, any>;

describe("npm run region -- add", () => {
  it("writes the new region from the first region file, with its own region, label, tags and a free VPC range", () => {
    const dir = project();
    const { code, out, err } = run(dir, "add", "frankfurt", "eu-central-1");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const mumbai = configOf(dir, "mumbai");
    const frankfurt = configOf(dir, "frankfurt");
    expect(frankfurt["aws:region"]).toBe("eu-central-1");
    expect(frankfurt["livekit-platform:regionLabel"]).toBe("frankfurt");
    expect(frankfurt["aws:defaultTags"].tags).toEqual({ ...mumbai["aws:defaultTags"].tags, stack: "frankfurt" });
    // The global stack's domain and zone; the once-only setting stays with mumbai.
    const global = configOf(dir, "global");
    expect(frankfurt["livekit-platform:domain"]).toBe(global["livekit-platform:domain"]);
    expect(frankfurt["livekit-platform:dns"]).toEqual({
      provider: global["livekit-platform:dns"].provider,
      zoneId: global["livekit-platform:dns"].zoneId,
    });
    // A VPC range no region file uses.
    const cidr = parseCidr(frankfurt["livekit-platform:network"].cidr)!;
    for (const other of ["mumbai", "singapore"]) {
      const taken = parseCidr(configOf(dir, other)["livekit-platform:network"].cidr)!;
      const end = (c: typeof cidr) => c.base + 2 ** (32 - c.prefix) - 1;
      expect(cidr.base > end(taken) || taken.base > end(cidr)).toBe(true);
    }
    // The rest as mumbai's; the secret a placeholder (mumbai's ciphertext would not decrypt in frankfurt).
    expect(frankfurt["livekit-platform:capacity"]).toEqual(mumbai["livekit-platform:capacity"]);
    expect(frankfurt["livekit-platform:cluster"]).toEqual(mumbai["livekit-platform:cluster"]);
    expect(frankfurt["livekit-platform:applicationKeys"].signing).toBe(
      mumbai["livekit-platform:applicationKeys"].signing,
    );
    expect(JSON.stringify(frankfurt)).not.toContain(JSON.stringify(mumbai["livekit-platform:applicationKeys"].keys));
    expect(out.split("\n")).toEqual([
      `Wrote Pulumi.frankfurt.yaml: eu-central-1, frankfurt.livekit.example.com and turn-frankfurt.livekit.example.com, VPC ${frankfurt["livekit-platform:network"].cidr}, the other settings as mumbai's.`,
      "Still to do:",
      "  pulumi stack init frankfurt",
      "  npm run keys -- copy mumbai frankfurt",
      "  npm run plan -- --stack frankfurt && npm run plan -- --stack global",
      "  pulumi up --stack frankfurt && pulumi up --stack global",
      "",
    ]);
  });

  it("keeps to the zones the region has, leaves out the other region's VPC and quota, and copies other secrets through Pulumi", () => {
    const singapore = parse(fs.readFileSync(stackFilePath(projectRoot, "singapore"), "utf8")).config;
    const dir = project({
      singapore: {
        ...singapore,
        "livekit-platform:network": {
          availabilityZones: 3,
          existingVpc: {
            vpcId: "vpc-0abc12345def67890",
            publicSubnetIds: ["subnet-0aaa1111", "subnet-0bbb2222"],
            privateSubnetIds: ["subnet-0ccc3333", "subnet-0ddd4444"],
          },
        },
        "livekit-platform:capacity": { ...singapore["livekit-platform:capacity"], vcpuQuota: 5000 },
        "livekit-platform:turn": { sharedSecret: { current: "1" } },
        "aws:secretKey": { secure: "v1:Zm9vYmFyYmF6:cXV4cXV4cXV4" },
        "aws:accessKey": { secure: "v1:Zm9vYmFyYmF6:cXV4cXV4cXV5" },
      },
    });
    const { code, out, err } = run(dir, "add", "calif", "us-west-1", "--from", "singapore");
    expect({ code, err }).toEqual({ code: 0, err: "" });
    const calif = configOf(dir, "calif");
    expect(calif["livekit-platform:network"]).toEqual({ availabilityZones: 2, cidr: expect.any(String) });
    expect(calif["livekit-platform:capacity"]).not.toHaveProperty("vcpuQuota");
    expect(calif["aws:secretKey"]).toEqual({ secure: expect.stringMatching(/^v1:REPLACE-ME/) });
    expect(out).toContain(
      "pulumi config get --stack singapore --path 'aws:secretKey' | pulumi config set --stack calif --path --secret 'aws:secretKey'",
    );
    expect(out).toContain("npm run keys -- copy singapore calif");
  });

  it.each([
    [
      ["add", "mumbai", "eu-central-1"],
      'error: name: is a stack of this project already (Pulumi.mumbai.yaml), got "mumbai"',
    ],
    [
      ["add", "frankfurt", "eu-central-9"],
      'error: aws-region: unknown AWS region, expected one such as eu-central-1 or us-east-1, got "eu-central-9"',
    ],
    [
      ["add", "bombay", "ap-south-1"],
      'error: aws-region: is the region of Pulumi.mumbai.yaml already; one region stack per AWS region, got "ap-south-1"',
    ],
    [
      ["add", "Frank_furt", "eu-central-1"],
      'error: name: must be a DNS label (lowercase letters, digits and hyphens, at most 25), got "Frank_furt"',
    ],
    [
      ["add", "frankfurt", "eu-central-1", "--from", "global"],
      'error: --from: must be a region stack of this project (mumbai, singapore), got "global"',
    ],
    [["add", "frankfurt"], "error: usage: npm run region -- add <name> <aws-region> [--from <region stack>]"],
    [
      ["remove", "mumbai", "ap-south-1"],
      "error: usage: npm run region -- add <name> <aws-region> [--from <region stack>]",
    ],
  ])("refuses %j with one line, writing nothing", (argv, line) => {
    const dir = project();
    const before = fs.readdirSync(dir).sort();
    const { code, out, err } = run(dir, ...argv);
    expect({ code, out, err }).toEqual({ code: 2, out: "", err: `${line}\n` });
    expect(fs.readdirSync(dir).sort()).toEqual(before);
  });
});

describe("a free VPC range", () => {
  const cidr = (text: string) => parseCidr(text)!;
  it("is the first round /16 no region uses, then any free one", () => {
    expect(freeRange([cidr("10.20.0.0/16"), cidr("10.30.0.0/16")])).toEqual(cidr("10.10.0.0/16"));
    expect(freeRange([cidr("10.0.0.0/12")])).toEqual(cidr("10.20.0.0/16"));
    const allRound = Array.from({ length: 25 }, (_, i) => cidr(`10.${(i + 1) * 10}.0.0/16`));
    expect(freeRange(allRound)).toEqual(cidr("10.0.0.0/16"));
    expect(freeRange([cidr("10.0.0.0/8")])).toBeUndefined();
  });
});
