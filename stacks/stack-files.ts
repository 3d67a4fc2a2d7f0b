/**
 * Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands them to a program.
 * The global stack uses this to find the region stacks; the plan command uses it to feed the mocks.
 */
import * as fs from "fs";
import * as path from "path";
import { parse, parseDocument } from "yaml";
import { InputError, SECRET_PLACEHOLDER_PREFIX, Unshown } from "../lib/errors";
import { secureValueProblem } from "./stack-file-checks";

export interface StackFile {
  /** `mumbai` for `Pulumi.mumbai.yaml`. */
  stackName: string;
  path: string;
  /** Every config key as the CLI passes it: strings as they are, anything else as JSON text. */
  config: Record<string, string>;
  /** Keys whose value was `secure:` (encrypted); their plain value is not known here. */
  secretKeys: string[];
}

/** The folder holding Pulumi.yaml: the project root. */
export function findProjectRoot(start: string = __dirname): string {
  let dir = path.resolve(start);
  for (;;) {
    if (fs.existsSync(path.join(dir, "Pulumi.yaml"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`no Pulumi.yaml above ${start}`);
    dir = parent;
  }
}

export function readProjectName(projectRoot: string): string {
  const project = parse(fs.readFileSync(path.join(projectRoot, "Pulumi.yaml"), "utf8")) as { name?: unknown };
  if (typeof project?.name !== "string") throw new Error(`${projectRoot}/Pulumi.yaml has no project name`);
  return project.name;
}

/** Stack names of every `Pulumi.<stack>.yaml` in the project root, sorted. */
export function listStackNames(projectRoot: string): string[] {
  return fs
    .readdirSync(projectRoot)
    .map((file) => /^Pulumi\.(.+)\.ya?ml$/.exec(file)?.[1])
    .filter((name): name is string => name !== undefined)
    .sort();
}

export function stackFilePath(projectRoot: string, stackName: string): string {
  const yml = path.join(projectRoot, `Pulumi.${stackName}.yml`);
  return fs.existsSync(yml) ? yml : path.join(projectRoot, `Pulumi.${stackName}.yaml`);
}

/**
 * Reads a stack file. A `secure:` value cannot be decrypted without the stack's secrets provider;
 * it is replaced by `secretPlaceholder(key)` and its key listed in `secretKeys`.
 */
export function readStackFile(file: string, stackName?: string): StackFile {
  const name = stackName ?? /^Pulumi\.(.+)\.ya?ml$/.exec(path.basename(file))?.[1];
  if (!name) throw new Error(`${file} is not named Pulumi.<stack>.yaml; pass the stack name`);
  const doc = parseStackFileYaml(file);
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    let secret = false;
    const plain = replaceSecure(value, key, () => (secret = true), path.basename(file));
    // As the Pulumi CLI passes them: a key with nothing under it (YAML null) as "", anything structured as JSON.
    config[key] = typeof plain === "string" ? plain : plain === null ? "" : JSON.stringify(plain);
    if (secret) secretKeys.push(key);
  }
  return { stackName: name, path: file, config, secretKeys };
}

export function secretPlaceholder(key: string): string {
  return `${SECRET_PLACEHOLDER_PREFIX}${key.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

/** The top-level keys a stack file may have (Pulumi's stack settings file). */
const STACK_FILE_KEYS = ["config", "secretsprovider", "encryptedkey", "encryptionsalt", "environment"];

/**
 * The stack file as YAML, or an InputError naming the file and line: a syntax error, a tab used as
 * indentation, a duplicate key (the CLI would refuse it too), a misspelt top-level key (`confg:`, whose
 * settings would all fall back to defaults), or a `config:` that is not a map.
 */
function parseStackFileYaml(file: string): { config?: Record<string, unknown> } {
  const name = path.basename(file);
  const text = fs.readFileSync(file, "utf8");
  const doc = parseDocument(text, { uniqueKeys: true, prettyErrors: false });
  const lines = text.split(/\r?\n/);
  const error = doc.errors[0];
  if (error !== undefined) {
    // Without prettyErrors the message is the problem alone; the line comes from the error's offset.
    const line = lineOf(text, error.pos[0]);
    const problem = error.message.split("\n")[0];
    throw new InputError(`${name} line ${line}`, `is not valid YAML: ${problem}`, lines[line - 1] ?? "");
  }
  const root = doc.toJS() as unknown;
  if (root === null || root === undefined) return {};
  if (typeof root !== "object" || Array.isArray(root)) {
    throw new InputError(name, "must be a YAML map with a config: key", root);
  }
  for (const key of Object.keys(root)) {
    if (!STACK_FILE_KEYS.includes(key)) {
      throw new InputError(
        `${name} ${key}`,
        `is not a key of a stack file (${STACK_FILE_KEYS.join(", ")})${key.toLowerCase().startsWith("conf") ? "; did you mean config?" : ""}`,
        (root as Record<string, unknown>)[key],
      );
    }
  }
  const config = (root as { config?: unknown }).config;
  if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
    throw new InputError(`${name} config`, "must be a map of config keys to values", config);
  }
  return { config: (config ?? {}) as Record<string, unknown> };
}

function lineOf(text: string, offset: number): number {
  return text.slice(0, offset).split("\n").length;
}

function replaceSecure(value: unknown, key: string, sawSecret: () => void, file: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${key}[${i}]`, sawSecret, file));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.some(([k]) => k === "secure")) {
      // Never echo a secure value: not even its ciphertext, which is all the file holds.
      const problem =
        entries.length > 1
          ? "must hold only secure: <ciphertext> (no other keys beside secure:)"
          : secureValueProblem(entries[0][1]);
      if (problem !== undefined)
        throw new InputError(`${file} ${key}`, problem, new Unshown("a secure: value (not shown)"));
      sawSecret();
      return secretPlaceholder(key);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, `${key}.${k}`, sawSecret, file)]));
  }
  return value;
}
