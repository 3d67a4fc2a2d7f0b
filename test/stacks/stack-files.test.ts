/**
 * Reading the project's and the stacks' files as the Pulumi CLI hands them to a program: config values as strings
 * (anything structured as JSON text), `secure:` values never read, and a broken file stopped with one line naming
 * the file and the line.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { InputError } from "../../lib/errors";
import {
  findProjectRoot,
  listStackNames,
  readProjectName,
  readStackFile,
  secretPlaceholder,
  stackFilePath,
} from "../../stacks/stack-files";

const CIPHERTEXT = "v1:Zm9vYmFyYmF6:c2VjcmV0IGNpcGhlcg==";

function project(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-stack-files-"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}
const stackFile = (text: string, name = "Pulumi.mumbai.yaml") => path.join(project({ [name]: text }), name);
const errorOf = (read: () => unknown): string => {
  try {
    read();
  } catch (error) {
    if (error instanceof InputError) return error.message;
    throw error;
  }
  throw new Error("read without an error");
};

describe("a stack file's config", () => {
  it("is handed over as the CLI does: strings as they are, numbers, booleans and maps as JSON, a bare key as empty", () => {
    const file = stackFile(
      [
        "config:",
        "  aws:region: ap-south-1",
        "  livekit-platform:capacity:",
        "    targetParticipants: 25000",
        "  livekit-platform:chaos: true",
        "  livekit-platform:zones: [a, b]",
        "  livekit-platform:empty:",
      ].join("\n"),
    );
    expect(readStackFile(file)).toEqual({
      stackName: "mumbai",
      path: file,
      config: {
        "aws:region": "ap-south-1",
        "livekit-platform:capacity": '{"targetParticipants":25000}',
        "livekit-platform:chaos": "true",
        "livekit-platform:zones": '["a","b"]',
        "livekit-platform:empty": "",
      },
      secretKeys: [],
    });
  });

  it("takes the stack's name from the file's, or the one given", () => {
    const file = stackFile("config: {}\n", "Pulumi.singapore.yml");
    expect(readStackFile(file).stackName).toBe("singapore");
    expect(readStackFile(file, "other").stackName).toBe("other");
    for (const odd of ["settings.yaml", "old-Pulumi.mumbai.yaml", "Pulumi.mumbai.yaml.orig"]) {
      expect(() => readStackFile(stackFile("config: {}\n", odd))).toThrow(
        /is not named Pulumi\.<stack>\.yaml; pass the stack name/,
      );
    }
  });

  it("is empty for an empty file or an empty config", () => {
    expect(readStackFile(stackFile("")).config).toEqual({});
    expect(readStackFile(stackFile("config:\n")).config).toEqual({});
  });

  it("replaces each secure: value, nested or not, by its key's placeholder and lists the top-level key as secret", () => {
    const file = stackFile(
      [
        "config:",
        "  livekit-platform:apiKeys:",
        `    secure: ${CIPHERTEXT}`,
        "  livekit-platform:serviceKeys:",
        "    egress:",
        "      id: EGRESSkey",
        `      secret: { secure: "${CIPHERTEXT}" }`,
        "    list:",
        `      - secure: ${CIPHERTEXT}`,
        "  aws:region: ap-south-1",
      ].join("\n"),
    );
    const { config, secretKeys } = readStackFile(file);
    expect(config["livekit-platform:apiKeys"]).toBe(secretPlaceholder("livekit-platform:apiKeys"));
    expect(JSON.parse(config["livekit-platform:serviceKeys"])).toEqual({
      egress: { id: "EGRESSkey", secret: secretPlaceholder("livekit-platform:serviceKeys.egress.secret") },
      list: [secretPlaceholder("livekit-platform:serviceKeys.list[0]")],
    });
    expect(secretKeys).toEqual(["livekit-platform:apiKeys", "livekit-platform:serviceKeys"]);
    // Never the ciphertext, anywhere.
    expect(JSON.stringify(config)).not.toContain(CIPHERTEXT);
  });

  it("names a placeholder by its key with every run of other characters as one dash", () => {
    expect(secretPlaceholder("livekit-platform:serviceKeys.list[0].secret")).toBe(
      "plan-placeholder-for-livekit-platform-serviceKeys-list-0-secret",
    );
  });

  it("refuses a secure: with other keys beside it, or no ciphertext, never showing the value", () => {
    const beside = stackFile(`config:\n  livekit-platform:apiKeys:\n    secure: ${CIPHERTEXT}\n    plain: x\n`);
    expect(errorOf(() => readStackFile(beside))).toBe(
      "Pulumi.mumbai.yaml livekit-platform:apiKeys: must hold only secure: <ciphertext> (no other keys beside secure:), got a secure: value (not shown)",
    );
    const empty = stackFile('config:\n  livekit-platform:apiKeys:\n    secure: ""\n');
    expect(errorOf(() => readStackFile(empty))).toMatch(
      /^Pulumi\.mumbai\.yaml livekit-platform:apiKeys: must be the ciphertext .*, got a secure: value \(not shown\)$/,
    );
  });
});

describe("a broken stack file", () => {
  it("is named with its line: YAML that does not parse", () => {
    const file = stackFile("config:\n  aws:region: [ap-south-1\n");
    expect(errorOf(() => readStackFile(file))).toBe(
      'Pulumi.mumbai.yaml line 3: is not valid YAML: Flow sequence in block collection must be sufficiently indented and end with a ], got ""',
    );
  });

  it("is named with its line: a key given twice, which the CLI refuses too", () => {
    const file = stackFile("config:\n  aws:region: ap-south-1\n  aws:region: ap-southeast-1\n");
    expect(errorOf(() => readStackFile(file))).toBe(
      'Pulumi.mumbai.yaml line 3: is not valid YAML: Map keys must be unique, got "  aws:region: ap-southeast-1"',
    );
  });

  it("has a top-level key a stack file has not, with a guess for a misspelt config", () => {
    expect(errorOf(() => readStackFile(stackFile("confg:\n  aws:region: x\n")))).toBe(
      'Pulumi.mumbai.yaml confg: is not a key of a stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment); did you mean config?, got {"aws:region":"x"}',
    );
    expect(errorOf(() => readStackFile(stackFile("secrets: x\n")))).toBe(
      'Pulumi.mumbai.yaml secrets: is not a key of a stack file (config, secretsprovider, encryptedkey, encryptionsalt, environment), got "x"',
    );
  });

  it("takes Pulumi's other top-level keys", () => {
    const file = stackFile("secretsprovider: awskms://alias/x\nencryptedkey: abc\nconfig:\n  aws:region: x\n");
    expect(readStackFile(file).config).toEqual({ "aws:region": "x" });
  });

  it("is not a map, or its config is not one", () => {
    expect(errorOf(() => readStackFile(stackFile("- config\n")))).toBe(
      'Pulumi.mumbai.yaml: must be a YAML map with a config: key, got ["config"]',
    );
    expect(errorOf(() => readStackFile(stackFile("config: [a]\n")))).toBe(
      'Pulumi.mumbai.yaml config: must be a map of config keys to values, got ["a"]',
    );
    expect(errorOf(() => readStackFile(stackFile("config: text\n")))).toBe(
      'Pulumi.mumbai.yaml config: must be a map of config keys to values, got "text"',
    );
  });
});

describe("the project's files", () => {
  it("lists every Pulumi.<stack>.yaml or .yml by stack name, sorted, and not Pulumi.yaml itself", () => {
    const dir = project({
      "Pulumi.yaml": "name: livekit-platform\n",
      "Pulumi.singapore.yaml": "",
      "Pulumi.mumbai.yml": "",
      "Pulumi.global.yaml": "",
      "README.md": "",
      "Pulumi.notes.txt": "",
      "old-Pulumi.tokyo.yaml": "",
      "Pulumi.tokyo.yaml.bak": "",
    });
    expect(listStackNames(dir)).toEqual(["global", "mumbai", "singapore"]);
  });

  it("finds a stack's file as .yml when that exists, as .yaml otherwise", () => {
    const dir = project({ "Pulumi.mumbai.yml": "", "Pulumi.singapore.yaml": "" });
    expect(stackFilePath(dir, "mumbai")).toBe(path.join(dir, "Pulumi.mumbai.yml"));
    expect(stackFilePath(dir, "singapore")).toBe(path.join(dir, "Pulumi.singapore.yaml"));
    expect(stackFilePath(dir, "frankfurt")).toBe(path.join(dir, "Pulumi.frankfurt.yaml"));
  });

  it("finds the project root from any folder below it, and stops at the file system's root", () => {
    const dir = project({ "Pulumi.yaml": "name: p\n" });
    const below = path.join(dir, "a", "b");
    fs.mkdirSync(below, { recursive: true });
    expect(findProjectRoot(below)).toBe(dir);
    expect(findProjectRoot(dir)).toBe(dir);
    expect(() => findProjectRoot(os.tmpdir())).toThrow(`no Pulumi.yaml above ${os.tmpdir()}`);
  });

  it("reads the project's name, and refuses a Pulumi.yaml without one", () => {
    expect(readProjectName(project({ "Pulumi.yaml": "name: livekit-platform\nruntime: nodejs\n" }))).toBe(
      "livekit-platform",
    );
    const nameless = project({ "Pulumi.yaml": "runtime: nodejs\n" });
    expect(() => readProjectName(nameless)).toThrow(`${nameless}/Pulumi.yaml has no project name`);
    expect(() => readProjectName(project({ "Pulumi.yaml": "" }))).toThrow(/has no project name/);
  });
});
