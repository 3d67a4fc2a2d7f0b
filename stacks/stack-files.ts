/**
 * Reading `Pulumi.yaml` and `Pulumi.<stack>.yaml` the way the Pulumi CLI hands them to a program.
 * The global stack uses this to find the region stacks; the plan command uses it to feed the mocks.
 */
import * as fs from "fs";
import * as path from "path";
import { parse } from "yaml";

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
  const doc = (parse(fs.readFileSync(file, "utf8")) ?? {}) as { config?: Record<string, unknown> };
  const config: Record<string, string> = {};
  const secretKeys: string[] = [];
  for (const [key, value] of Object.entries(doc.config ?? {})) {
    let secret = false;
    const plain = replaceSecure(value, key, () => (secret = true));
    config[key] = typeof plain === "string" ? plain : JSON.stringify(plain);
    if (secret) secretKeys.push(key);
  }
  return { stackName: name, path: file, config, secretKeys };
}

export function secretPlaceholder(key: string): string {
  return `plan-placeholder-for-${key.replace(/[^A-Za-z0-9]+/g, "-")}`;
}

function replaceSecure(value: unknown, key: string, sawSecret: () => void): unknown {
  if (Array.isArray(value)) return value.map((v, i) => replaceSecure(v, `${key}[${i}]`, sawSecret));
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 1 && entries[0][0] === "secure") {
      sawSecret();
      return secretPlaceholder(key);
    }
    return Object.fromEntries(entries.map(([k, v]) => [k, replaceSecure(v, `${key}.${k}`, sawSecret)]));
  }
  return value;
}
