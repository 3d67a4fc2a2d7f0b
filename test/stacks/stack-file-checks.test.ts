/**
 * Stack file checks beyond this program's settings: provider keys, secrets never echoed, and the global plan's
 * view of every stack file of the project; and the checks of the settings' rules, through the schema.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { GlobalSettings, parseStackConfig } from "../../stacks/config";
import { checkRegionAgainstSiblings, checkRegionStacks, discoverRegionStacks } from "../../stacks/regions";
import {
  checkForeignKeys,
  defaultTagValues,
  editDistance,
  nearest,
  PROVIDER_KEYS,
  secureValueProblem,
} from "../../stacks/stack-file-checks";
import { readStackFile, stackFilePath } from "../../stacks/stack-files";
import { Unshown } from "../../lib/errors";
import { projectName, projectRoot, stackConfig } from "../support/stack-config";

const stackYaml = (stack: string): Record<string, any> =>
  parse(fs.readFileSync(stackFilePath(projectRoot, stack), "utf8")).config;

/** A project folder with these stack files (config maps, or raw text). */
function tempProject(files: Record<string, Record<string, unknown> | string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-checks-"));
  fs.writeFileSync(path.join(dir, "Pulumi.yaml"), stringify({ name: projectName, runtime: "nodejs" }));
  for (const [stack, config] of Object.entries(files)) {
    const text = typeof config === "string" ? config : stringify({ config });
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), text);
  }
  return dir;
}

/** Mumbai's file as another region. */
function region(stack: string, awsRegion: string, cidr: string, extra: Record<string, unknown> = {}) {
  const config = stackYaml("mumbai");
  config["aws:region"] = awsRegion;
  config["aws:defaultTags"].tags.stack = stack;
  config["livekit-platform:regionLabel"] = stack;
  config["livekit-platform:network"].cidr = cidr;
  // The once-per-deployment setting stays with mumbai.
  config["livekit-platform:dns"] = { ...config["livekit-platform:dns"], ownsGlobalNameValidation: stack === "mumbai" };
  return { ...config, ...extra };
}

const globalCfg = (raw = stackConfig("global")) => parseStackConfig(raw, "global") as GlobalSettings;
const errorOf = (f: () => unknown) => {
  try {
    f();
  } catch (e) {
    return (e as Error).message;
  }
  return "no error";
};

describe("provider keys", () => {
  it.each(Object.keys(PROVIDER_KEYS))("lists exactly the config variables of the pinned @pulumi/%s", (ns) => {
    const vars = fs.readFileSync(path.join(projectRoot, "node_modules", "@pulumi", ns, "config", "vars.d.ts"), "utf8");
    const names = [...vars.matchAll(/export declare const (\w+)/g)].map((m) => m[1]).sort();
    expect([...PROVIDER_KEYS[ns]].sort()).toEqual(names);
  });
});

describe("secrets", () => {
  it("never reports the plan's placeholder as the user's value", () => {
    const dir = tempProject({
      mumbai: `config:\n${Object.entries(stackYaml("mumbai"))
        .map(([k, v]) => `  ${k}: ${JSON.stringify(v)}`)
        .join("\n")}\n  livekit-platform:domain:\n    secure: v1:Zm9vYmFyYmF6:cXV4cXV4cXV4\n`.replace(
        / {2}livekit-platform:domain: "livekit.example.com"\n/,
        "",
      ),
    });
    const file = readStackFile(path.join(dir, "Pulumi.mumbai.yaml"));
    const message = errorOf(() => parseStackConfig(file.config, "mumbai", file.secretKeys));
    expect(message).toContain("livekit-platform:domain: is a secure: value");
    expect(message).toMatch(/got a secure: value \(not shown\)$/);
    expect(message).not.toMatch(/placeholder|Zm9v/);
  });

  it("accepts an encrypted credential and refuses a plain one without showing it", () => {
    const raw = stackConfig("global", { "cloudflare:apiToken": "secret-token-value" });
    expect(errorOf(() => parseStackConfig(raw, "global", ["cloudflare:apiToken"]))).toBe("no error");
    const message = errorOf(() => parseStackConfig(raw, "global"));
    expect(message).toContain("cloudflare:apiToken: is a credential");
    expect(message).not.toContain("secret-token-value");
  });
});

describe("the global plan reads every stack file", () => {
  const mumbai = region("mumbai", "ap-south-1", "10.20.0.0/16");
  const singapore = region("singapore", "ap-southeast-1", "10.30.0.0/16");

  it("finds the regions of a sound project", () => {
    const dir = tempProject({ mumbai, singapore, global: stackYaml("global") });
    const regions = discoverRegionStacks(dir, "global");
    expect(regions.map((r) => r.file)).toEqual(["Pulumi.mumbai.yaml", "Pulumi.singapore.yaml"]);
    expect(() => checkRegionStacks(regions, globalCfg())).not.toThrow();
  });

  it.each([
    [
      "a region file without a role",
      { "livekit-platform:role": undefined },
      'Pulumi.singapore.yaml livekit-platform:role: is required, expected "region" or "global", got nothing',
    ],
    [
      "a region file with a misspelt role",
      { "livekit-platform:role": "regions" },
      'Pulumi.singapore.yaml livekit-platform:role: unknown stack role, expected "region" or "global", got "regions"',
    ],
    [
      "a region file whose role is global",
      { "livekit-platform:role": "global" },
      'Pulumi.singapore.yaml livekit-platform:role: is global, but the file sets livekit-platform:regionLabel, a setting of a region stack (wrong role?), got "global"',
    ],
  ])("refuses %s instead of leaving its region out", (_what, change, message) => {
    const broken = { ...singapore, ...change };
    for (const [k, v] of Object.entries(change)) if (v === undefined) delete (broken as Record<string, unknown>)[k];
    const dir = tempProject({ mumbai, singapore: broken, global: stackYaml("global") });
    expect(errorOf(() => discoverRegionStacks(dir, "global"))).toContain(message);
  });

  it("names the file and line of a YAML error in another stack file", () => {
    const dir = tempProject({ mumbai, singapore: "config:\n  aws:region: ap-southeast-1\n\tbad: tab\n" });
    expect(errorOf(() => discoverRegionStacks(dir, "global"))).toMatch(
      /^Pulumi\.singapore\.yaml line 3: is not valid YAML: Tabs are not allowed as indentation, got "\\tbad: tab"$/,
    );
  });

  const cloudflare = {
    provider: "cloudflare",
    zoneId: "fedcba9876543210fedcba9876543210",
    cloudflareAccountId: "0123456789abcdef0123456789abcdef",
  };
  it.each([
    [
      "a global stack on Cloudflare with its regions on Route53",
      { mumbai, singapore },
      { "livekit-platform:dns": cloudflare },
      'Pulumi.mumbai.yaml livekit-platform:dns.provider: must be the global stack\'s DNS provider cloudflare (regional names and certificate validation live in the same zone), got "route53"',
    ],
    [
      "a region in another zone",
      {
        mumbai,
        singapore: { ...singapore, "livekit-platform:dns": { provider: "route53", zoneId: "Z0OTHERZONE000000000" } },
      },
      {},
      "Pulumi.singapore.yaml livekit-platform:dns.zoneId: must be the global stack's zone Z0EXAMPLEZONE00000000 (every region serves the global stack's domain), got \"Z0OTHERZONE000000000\"",
    ],
    [
      "overlapping VPC ranges",
      { mumbai, singapore: region("singapore", "ap-southeast-1", "10.20.128.0/17") },
      {},
      'Pulumi.singapore.yaml livekit-platform:network.cidr: overlaps 10.20.0.0/16 of Pulumi.mumbai.yaml; keep the regions\' VPC ranges distinct, got "10.20.128.0/17"',
    ],
    [
      "a copied file whose region tag names the region it was copied from",
      {
        mumbai,
        singapore: {
          ...singapore,
          "aws:defaultTags": { tags: { project: "livekit-platform", stack: "singapore", owner: "mumbai" } },
        },
      },
      {},
      'Pulumi.singapore.yaml aws:defaultTags.tags.owner: names the region of Pulumi.mumbai.yaml (a file copied from it?); tag this region\'s resources with its own name, got "mumbai"',
    ],
  ])("refuses %s, naming the file", (_what, files, globalOverrides, message) => {
    const dir = tempProject(files);
    const regions = discoverRegionStacks(dir, "global");
    expect(errorOf(() => checkRegionStacks(regions, globalCfg(stackConfig("global", globalOverrides))))).toBe(message);
  });

  it("checks a region planned on its own against the other region files", () => {
    const dir = tempProject({ mumbai, singapore, global: stackYaml("global") });
    // The application key in the clear: this raw config skips the `secure:` decoding a stack file gets.
    const frankfurt = region("frankfurt", "eu-central-1", "10.30.0.0/20", {
      "livekit-platform:applicationKeys": { signing: "APPexamplekey0001", keys: { APPexamplekey0001: "a".repeat(48) } },
    });
    const raw = Object.fromEntries(
      Object.entries(frankfurt).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, raw, []))).toContain(
      "Pulumi.frankfurt.yaml livekit-platform:network.cidr: overlaps 10.30.0.0/16 of Pulumi.singapore.yaml",
    );
    raw["livekit-platform:network"] = JSON.stringify({ cidr: "10.40.0.0/16" });
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, raw, []))).toBe("no error");
  });

  /** Frankfurt's raw config as the plan hands it to the checks, with `extra` laid over it. */
  const frankfurtRaw = (extra: Record<string, unknown> = {}) =>
    Object.fromEntries(
      Object.entries(
        region("frankfurt", "eu-central-1", "10.40.0.0/16", {
          "livekit-platform:applicationKeys": {
            signing: "APPexamplekey0001",
            keys: { APPexamplekey0001: "a".repeat(48) },
          },
          ...extra,
        }),
      ).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]),
    );

  it.each([
    [
      "another domain",
      { "livekit-platform:domain": "livekit.example.org" },
      "Pulumi.frankfurt.yaml livekit-platform:domain: must be the global stack's domain livekit.example.com",
    ],
    [
      "another DNS zone",
      { "livekit-platform:dns": { provider: "route53", zoneId: "Z0OTHERZONE000000000" } },
      "Pulumi.frankfurt.yaml livekit-platform:dns.zoneId: must be the global stack's zone Z0EXAMPLEZONE00000000",
    ],
    [
      "the once-only setting copied",
      {
        "livekit-platform:dns": {
          provider: "route53",
          zoneId: "Z0EXAMPLEZONE00000000",
          ownsGlobalNameValidation: true,
        },
      },
      "Pulumi.frankfurt.yaml livekit-platform:dns.ownsGlobalNameValidation: is also true in Pulumi.mumbai.yaml",
    ],
    [
      "global rooms mode among regional regions",
      {
        "livekit-platform:rooms": { mode: "global", hub: "mumbai" },
        "livekit-platform:serviceKeys": {
          egress: { id: "EGRESSkey1", secret: "e".repeat(48) },
          loadTest: { id: "LOADTESTkey1", secret: "l".repeat(48) },
        },
      },
      // The first file by stack name sets the mode; the line names both.
      "Pulumi.mumbai.yaml livekit-platform:rooms.mode: must be the same in every region file: Pulumi.frankfurt.yaml is global with hub mumbai",
    ],
  ])("stops a region's own plan on %s, as the global plan would", (_what, extra, message) => {
    const dir = tempProject({ mumbai, singapore, global: stackYaml("global") });
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, frankfurtRaw(extra), []))).toContain(
      message,
    );
  });

  it("leaves a problem between the other files to their own plans", () => {
    // Singapore on another domain: its plan and the global plan stop; frankfurt's has nothing to do with it.
    const otherDomain = { ...singapore, "livekit-platform:domain": "livekit.example.org" };
    const dir = tempProject({ mumbai, singapore: otherDomain, global: stackYaml("global") });
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, frankfurtRaw(), []))).toBe("no error");
  });

  it("checks a region planned on its own against the other regions alone when there is no global stack file", () => {
    const dir = tempProject({ mumbai, singapore });
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    const check = (extra: Record<string, unknown>) =>
      errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, frankfurtRaw(extra), []));
    expect(check({})).toBe("no error");
    expect(check({ "aws:region": "ap-southeast-1" })).toBe(
      'Pulumi.frankfurt.yaml aws:region: is also the region of Pulumi.singapore.yaml; one region stack per AWS region, got "ap-southeast-1"',
    );
    expect(check({ "livekit-platform:network": { cidr: "10.20.0.0/20" } })).toContain(
      "Pulumi.frankfurt.yaml livekit-platform:network.cidr: overlaps 10.20.0.0/16 of Pulumi.mumbai.yaml",
    );
  });

  it("leaves a sibling file that does not validate, and its own invalid settings, to their own plans", () => {
    const broken = { ...singapore, "livekit-platform:role": "regions" };
    const dir = tempProject({ mumbai, singapore: broken, global: stackYaml("global") });
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, frankfurtRaw(), []))).toBe("no error");
    const invalid = frankfurtRaw({ "livekit-platform:network": { cidr: "10.20.0.0/33" } });
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, invalid, []))).toBe("no error");
  });

  it("refuses a second global stack file, naming both, in the global and in a region's plan", () => {
    const dir = tempProject({ mumbai, singapore, global: stackYaml("global"), routing: stackYaml("global") });
    expect(errorOf(() => discoverRegionStacks(dir, "global"))).toBe(
      'Pulumi.routing.yaml livekit-platform:role: is global, as is Pulumi.global.yaml; a project has one global stack (make this file a region, or delete it), got "global"',
    );
    const file = path.join(dir, "Pulumi.frankfurt.yaml");
    expect(errorOf(() => checkRegionAgainstSiblings(dir, "frankfurt", file, frankfurtRaw(), []))).toContain(
      "Pulumi.routing.yaml livekit-platform:role: is global, as is Pulumi.global.yaml",
    );
  });
});

describe("the checks, through the schema", () => {
  it.each([
    [{ "livekit-platform:dns": { provider: "route53", zoneId: "livekit.example.com" } }, "livekit-platform:dns.zoneId"],
    [{ "livekit-platform:rtc": { tcpPort: 7880 } }, "livekit-platform:rtc.tcpPort"],
    [{ "livekit-platform:turn": { totalQuota: 20000 } }, "livekit-platform:turn.totalQuota"],
    [
      { "livekit-platform:cluster": { publicAccessCidrs: [], kubernetesVersion: "1.99" } },
      "livekit-platform:cluster.kubernetesVersion",
    ],
    [{ "aws:defaultTag": { tags: {} } }, "aws:defaultTag"],
    [{ "livekit-platfrom:capacity": {} }, "livekit-platfrom:capacity"],
  ])("refuses %j with one line naming %s", (overrides, key) => {
    expect(errorOf(() => parseStackConfig(stackConfig("mumbai", overrides), "mumbai"))).toMatch(
      new RegExp(`^${key.replace(/[.]/g, "\\.")}: .+, got .+$`),
    );
  });
});

describe("checkForeignKeys", () => {
  const ctx = {
    project: "livekit-platform",
    stackName: "mumbai",
    secretKeys: [],
    projectSettings: ["role", "capacity"],
  };
  const check = (raw: Record<string, string>, secretKeys: string[] = []) =>
    checkForeignKeys(raw, { ...ctx, secretKeys });

  it("leaves the program's own keys, with or without its namespace, and the Pulumi CLI's to others", () => {
    expect(check({ "livekit-platform:capcity": "{}", capcity: "{}", "pulumi:tags": "{}" })).toBeUndefined();
  });

  it("refuses a key in no namespace the program reads, guessing the one meant, its value decoded", () => {
    expect(check({ "livekit-platfrom:capacity": '{"a": 1}' })).toEqual({
      key: "livekit-platfrom:capacity",
      problem:
        "is in no namespace this program reads (livekit-platform, aws, cloudflare) (did you mean livekit-platform:capacity?)",
      value: { a: 1 },
      hideValue: false,
    });
    expect(check({ "foo:bar": "plain" }, ["foo:bar"])).toEqual({
      key: "foo:bar",
      problem: "is in no namespace this program reads (livekit-platform, aws, cloudflare)",
      value: "plain",
      hideValue: true,
    });
    // An empty namespace is none of them either.
    expect(check({ ":capacity": "{}" })).toMatchObject({ key: ":capacity", value: {} });
    // A value is read as JSON only when it is a map or a list, and shown as written when it is no JSON.
    expect(check({ "foo:bar": '"{quoted}"' })?.value).toBe('"{quoted}"');
    expect(check({ "foo:bar": "{oops" })?.value).toBe("{oops");
  });

  it("refuses a key the provider does not have, guessing the one meant", () => {
    expect(check({ "aws:regoin": "ap-south-1" })).toEqual({
      key: "aws:regoin",
      problem: "is not a setting of the aws provider (did you mean aws:region?)",
      value: "ap-south-1",
      hideValue: false,
    });
    expect(check({ "cloudflare:zone": "x" }, ["cloudflare:zone"])).toMatchObject({
      problem: expect.stringMatching(/^is not a setting of the cloudflare provider/),
      hideValue: true,
    });
  });

  it("takes a credential only encrypted, and never shows the plain one", () => {
    for (const key of [
      "aws:accessKey",
      "aws:secretKey",
      "aws:token",
      "cloudflare:apiToken",
      "cloudflare:apiKey",
      "cloudflare:apiUserServiceKey",
    ]) {
      expect(check({ [key]: "AKIAEXAMPLE" }, [key])).toBeUndefined();
      const issue = check({ [key]: "AKIAEXAMPLE" });
      expect(issue).toMatchObject({
        key,
        problem: `is a credential: set it with \`pulumi config set --secret ${key} <value>\` so the stack file holds it encrypted`,
        hideValue: true,
      });
      expect(JSON.stringify(issue)).not.toContain("AKIAEXAMPLE");
      // The line's `got` says what was there without showing it.
      expect(issue?.value).toEqual(new Unshown("a plain-text value (not shown)"));
    }
    expect(check({ "aws:region": "ap-south-1", "aws:profile": "ops" })).toBeUndefined();
  });

  describe("aws:defaultTags", () => {
    const tags = (value: unknown, extra: Record<string, string> = {}) =>
      check({ "aws:defaultTags": typeof value === "string" ? value : JSON.stringify(value), ...extra });
    const region = { "livekit-platform:role": "region" };

    it("is a map with one key, tags, of strings", () => {
      for (const [text, value] of [
        ["plain", "plain"],
        ["[1]", [1]],
        ['  {"tags": {}', '  {"tags": {}'],
      ])
        expect(tags(text)).toEqual({ key: "aws:defaultTags", problem: "must be a map with one key, tags", value });
      expect(tags({ tag: { a: "b" } })).toEqual({
        key: "aws:defaultTags.tag",
        problem: "is not a field of aws:defaultTags (did you mean tags?)",
        value: { a: "b" },
      });
      for (const value of [["a"], "x", null])
        expect(tags({ tags: value })).toEqual({
          key: "aws:defaultTags.tags",
          problem: "must be a map of tag names to strings",
          value,
        });
      expect(tags({ tags: { cost: 12 } })).toEqual({
        key: "aws:defaultTags.tags.cost",
        problem: "must be a string (quote numbers and booleans)",
        value: 12,
      });
      expect(tags({})).toBeUndefined();
      // JSON after blanks is still JSON.
      expect(tags('  {"tags": {"cost": "12"}}')).toBeUndefined();
      expect(tags({ tags: {} })).toBeUndefined();
    });

    it("names this stack in every stack tag", () => {
      for (const key of ["stack", "Stack", "pulumi-stack"]) {
        expect(tags({ tags: { [key]: "singapore" } })).toEqual({
          key: `aws:defaultTags.tags.${key}`,
          problem: "must name this stack, mumbai (a stack file copied from another stack?)",
          value: "singapore",
        });
        expect(tags({ tags: { [key]: "mumbai" } })).toBeUndefined();
      }
    });

    it("names this region in a region's label tags: its label, else the stack's name, or its AWS region", () => {
      for (const key of ["region", "Region", "regionLabel", "region-label", "label"]) {
        expect(tags({ tags: { [key]: "singapore" } }, region)).toEqual({
          key: `aws:defaultTags.tags.${key}`,
          problem: "must name this region, mumbai (a stack file copied from another region?)",
          value: "singapore",
        });
        expect(tags({ tags: { [key]: "mumbai" } }, region)).toBeUndefined();
      }
      expect(tags({ tags: { region: "ap-south-1" } }, { ...region, "aws:region": "ap-south-1" })).toBeUndefined();
      const labelled = { ...region, "livekit-platform:regionLabel": "bom" };
      expect(tags({ tags: { region: "bom" } }, labelled)).toBeUndefined();
      expect(tags({ tags: { region: "mumbai" } }, labelled)).toMatchObject({
        problem: "must name this region, bom (a stack file copied from another region?)",
      });
      // The global stack has no region to name.
      expect(tags({ tags: { region: "singapore" } }, { "livekit-platform:role": "global" })).toBeUndefined();
    });
  });
});

describe("defaultTagValues", () => {
  it("are the string tags of aws:defaultTags, none without it", () => {
    expect(defaultTagValues({ "aws:defaultTags": JSON.stringify({ tags: { a: "1", b: 2 } }) })).toEqual({ a: "1" });
    expect(defaultTagValues({ "aws:defaultTags": JSON.stringify({}) })).toEqual({});
    expect(defaultTagValues({})).toEqual({});
  });
});

describe("nearest and editDistance", () => {
  it("count the single-character edits between two words", () => {
    expect(editDistance("kitten", "sitting")).toBe(3);
    expect(editDistance("", "abc")).toBe(3);
    expect(editDistance("abc", "")).toBe(3);
    expect(editDistance("flaw", "lawn")).toBe(2);
    expect(editDistance("same", "same")).toBe(0);
  });

  it("guess the closest candidate, whatever its case, only when it is close enough to be a typo", () => {
    expect(nearest("Capacty", ["capacity", "cluster"])).toBe("capacity");
    expect(nearest("rol", ["role", "roles"])).toBe("role");
    // At most 2 edits, or a third of the candidate's length.
    expect(nearest("ab", ["abcd"])).toBe("abcd");
    expect(nearest("a", ["abcd"])).toBeUndefined();
    expect(nearest("abcdefghi", ["abcdefxyz"])).toBe("abcdefxyz");
    expect(nearest("abcdefghi", ["abcdwxyzi"])).toBeUndefined();
    expect(nearest("anything", [])).toBeUndefined();
    expect(nearest("ABCDEF", ["abcdef"])).toBe("abcdef");
    expect(nearest("abcdef", ["ABCDEF"])).toBe("ABCDEF");
    // Of two as close, the first.
    expect(nearest("cat", ["bat", "cot"])).toBe("bat");
  });
});

describe("secureValueProblem", () => {
  it("takes the ciphertext `pulumi config set --secret` writes", () => {
    expect(secureValueProblem("v1:Zm9vYmFyYmF6:cXV4cXV4cXV4")).toBeUndefined();
    expect(secureValueProblem("AAABAHg+/=_.-x")).toBeUndefined();
    expect(secureValueProblem("abcdefgh")).toBeUndefined();
  });

  it("refuses an empty value, and a plain value under secure:", () => {
    for (const value of [undefined, 12, "", "   "])
      expect(secureValueProblem(value)).toBe("must be the ciphertext `pulumi config set --secret` writes, not empty");
    for (const value of ["abcdefg", "my password", "v1:abc:d€f-long"])
      expect(secureValueProblem(value)).toBe(
        "is not a ciphertext `pulumi config set --secret` writes (a plain value under secure:?); set it again with `pulumi config set --secret`",
      );
  });
});
