/**
 * Generates docs/config.md, the configuration reference, from the zod schemas in stacks/config/:
 * `npm run docs:config` writes it, `npm run docs:config -- --check` exits 1 when it is stale.
 *
 * Every key's path, type, default, description and constraints come from the schema (through
 * `z.toJSONSchema`), so the reference cannot drift from what the program validates. Descriptions are the
 * schema's `.describe()` / `.meta({ description })`; `.meta({ defaultText })` names a default computed
 * outside the schema (the stack's name, the capacity model). Constraints a JSON schema cannot express
 * (refinements, keys checked against each other) are stated in the descriptions.
 */
import * as fs from "fs";
import * as path from "path";
import { z } from "zod";
import { globalSchema, regionSchema } from "../../stacks/config";
import { configKey } from "../../stacks/config-key";
import { findProjectRoot } from "../../stacks/stack-files";
import { CommandOutput, FlagValues, readFlags, STANDARD_OUTPUT, UsageError } from "./flags";

export const CONFIG_REFERENCE = path.join("docs", "config.md");
export const CONFIG_REFERENCE_COMMAND = "npm run docs:config";

/** The part of a JSON schema node this generator reads. */
interface Node {
  type?: string;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Node[];
  items?: Node;
  properties?: Record<string, Node>;
  required?: string[];
  propertyNames?: Node;
  default?: unknown;
  defaultText?: string;
  description?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  format?: string;
}

/** A key of a stack's config, flattened. */
export interface ConfigKeyDoc {
  /** As written in the stack file: `livekit-platform:network.cidr`, `aws:region`. */
  key: string;
  /** Depth below the top-level key (0 for `livekit-platform:network`). */
  depth: number;
  section: boolean;
  type: string;
  default: string;
  description: string | undefined;
  constraints: string[];
}

function jsonSchemaOf(schema: z.ZodType): Node {
  return z.toJSONSchema(schema, { io: "input", unrepresentable: "any" }) as Node;
}

const code = (value: unknown) => `\`${typeof value === "string" ? value : JSON.stringify(value)}\``;
const isSection = (node: Node) => node.type === "object" && node.properties !== undefined;

function typeOf(node: Node): string {
  if (node.const !== undefined) return code(JSON.stringify(node.const));
  if (node.anyOf) {
    if (node.anyOf.every((n) => n.const !== undefined)) return node.anyOf[0].type ?? "value";
    return [...new Set(node.anyOf.map(typeOf))].join(" or ");
  }
  if (node.type === "array") return `list of ${node.items ? plural(typeOf(node.items)) : "values"}`;
  if (node.type === "object") return node.properties ? "object" : "map";
  return node.type ?? "any value";
}

function plural(type: string): string {
  return type.endsWith("s") || type.startsWith("`") ? type : `${type}s`;
}

const SAFE = Number.MAX_SAFE_INTEGER;

function constraintsOf(node: Node): string[] {
  const out: string[] = [];
  if (node.enum) out.push(`one of ${node.enum.map(code).join(", ")}`);
  if (node.anyOf?.every((n) => n.const !== undefined))
    out.push(`one of ${node.anyOf.map((n) => code(n.const)).join(", ")}`);
  const low =
    node.exclusiveMinimum !== undefined
      ? `above ${node.exclusiveMinimum}`
      : node.minimum !== undefined && node.minimum > -SAFE
        ? `${node.minimum}`
        : undefined;
  const high =
    node.exclusiveMaximum !== undefined
      ? `below ${node.exclusiveMaximum}`
      : node.maximum !== undefined && node.maximum < SAFE
        ? `${node.maximum}`
        : undefined;
  if (low !== undefined && high !== undefined) {
    out.push(node.exclusiveMinimum !== undefined ? `${low} and at most ${high}` : `from ${low} to ${high}`);
  } else if (low !== undefined) {
    out.push(node.exclusiveMinimum !== undefined ? low : `at least ${low}`);
  } else if (high !== undefined) {
    out.push(`at most ${high}`);
  }
  if (node.minLength === 1 && node.maxLength === undefined) out.push("not empty");
  // Without a minimum the pattern (when there is one) says whether empty is allowed: only the maximum is a length rule.
  else if (node.minLength === undefined && node.maxLength !== undefined)
    out.push(`at most ${node.maxLength} characters`);
  else if (node.minLength !== undefined || node.maxLength !== undefined) {
    out.push(`${node.minLength ?? 0} to ${node.maxLength ?? "any number of"} characters`);
  }
  if (node.format === "uri") out.push("a URL");
  else if (node.format !== undefined) out.push(`format ${code(node.format)}`);
  if (node.pattern !== undefined) out.push(`matches ${code(node.pattern)}`);
  if (node.minItems !== undefined) out.push(`at least ${node.minItems} ${node.minItems === 1 ? "item" : "items"}`);
  if (node.maxItems !== undefined) out.push(`at most ${node.maxItems} items`);
  if (node.items) {
    const each = constraintsOf(node.items);
    if (each.length > 0) out.push(`each ${each.join(", ")}`);
  }
  return out;
}

/** "default `3`", "default: the stack's name", "required" or "optional". */
function defaultOf(node: Node, required: boolean): string {
  if (node.defaultText !== undefined) return `default: ${node.defaultText}`;
  if (node.default !== undefined) return `default ${code(node.default)}`;
  return required ? "required" : "optional";
}

/** Every key of a stack role's schema, in schema order, parents before their children. */
export function configKeys(schema: z.ZodType): ConfigKeyDoc[] {
  const keys: ConfigKeyDoc[] = [];
  const visit = (node: Node, schemaPath: string[], required: boolean) => {
    keys.push({
      key: configKey(schemaPath),
      depth: schemaPath.length - 1,
      section: isSection(node),
      type: typeOf(node),
      default: defaultOf(node, required),
      description: node.description,
      constraints: constraintsOf(node),
    });
    for (const [name, child] of Object.entries(node.properties ?? {})) {
      visit(child, [...schemaPath, name], node.required?.includes(name) ?? false);
    }
  };
  const root = jsonSchemaOf(schema);
  for (const [name, child] of Object.entries(root.properties ?? {})) {
    visit(child, [name], root.required?.includes(name) ?? false);
  }
  return keys;
}

/** Markdown text: `<` outside code spans would open an HTML tag. */
function escapeText(text: string): string {
  return text
    .split("`")
    .map((part, i) => (i % 2 === 0 ? part.replace(/</g, "&lt;") : part))
    .join("`");
}

function keyLine(k: ConfigKeyDoc): string {
  const facts = `${k.type}, ${k.default}`;
  const description = k.description ? ` ${escapeText(k.description)}` : "";
  const constraints = k.constraints.length > 0 ? ` Allowed: ${k.constraints.join("; ")}.` : "";
  return `- ${code(k.key)} (${facts}).${description}${constraints}`;
}

function renderRole(keys: ConfigKeyDoc[]): string[] {
  const lines: string[] = [];
  const topLevel = keys.filter((k) => k.depth === 0 && !k.section);
  lines.push("### Top-level keys", "", ...topLevel.map(keyLine), "");
  for (const section of keys.filter((k) => k.depth === 0 && k.section)) {
    lines.push(`### ${code(section.key)}`, "");
    if (section.description) lines.push(escapeText(section.description), "");
    const under = keys.filter((k) => k.depth > 0 && k.key.startsWith(`${section.key}.`));
    lines.push(...under.map(keyLine), "");
  }
  return lines;
}

/** The whole of docs/config.md. */
export function renderConfigReference(): string {
  const lines = [
    "# Configuration reference",
    "",
    `<!-- Generated from the zod schemas in stacks/config/ by \`${CONFIG_REFERENCE_COMMAND}\`; do not edit by hand. -->`,
    "",
    "Every key a stack file may set, with its type, default and what it accepts. The program validates a stack's",
    "config against these schemas before it creates anything; an unknown key is an error too. Keys are written as",
    "in a stack file: `livekit-platform:network.cidr` is `cidr` in the object under `livekit-platform:network`:",
    "",
    "```yaml",
    "config:",
    "  aws:region: ap-south-1",
    "  livekit-platform:network:",
    "    cidr: 10.20.0.0/16",
    "```",
    "",
    '"required" means the key must be set (for a key inside an object, whenever that object is set); "optional"',
    "means it may be left out and has no default value.",
    "",
    "## Region stacks",
    "",
    "A region stack (`livekit-platform:role: region`) is one complete LiveKit deployment in one AWS region.",
    "",
    ...renderRole(configKeys(regionSchema)),
    "## The global stack",
    "",
    "The global stack (`livekit-platform:role: global`) routes users to the nearest healthy region.",
    "",
    ...renderRole(configKeys(globalSchema)),
  ];
  return lines.join("\n").replace(/\n+$/, "\n");
}

const FLAGS = { check: { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

const USAGE = "usage: npm run docs:config [-- --check]";
const HELP = `${USAGE}
  (no flag)    write ${CONFIG_REFERENCE} from the config schemas
  --check      write nothing; exit 1 if ${CONFIG_REFERENCE} differs from what the schemas give
  -h, --help   print this and exit`;

/** `npm run docs:config`: writes the reference, or with --check says whether it is stale. 2 for a bad flag. */
export function main(argv: string[], out: CommandOutput = STANDARD_OUTPUT, root = findProjectRoot(__dirname)): number {
  let flags: FlagValues<typeof FLAGS>;
  try {
    flags = readFlags(argv, FLAGS);
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    out.error(`error: ${e.message}; ${USAGE}\n`);
    return 2;
  }
  if (flags.help) {
    out.log(`${HELP}\n`);
    return 0;
  }
  // The project root, not `__dirname/..`: this runs from a compiled copy under .plan/.build/.
  const file = path.join(root, CONFIG_REFERENCE);
  const text = renderConfigReference();
  if (flags.check) {
    const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
    if (current === text) return 0;
    out.error(`${CONFIG_REFERENCE} is stale: run \`${CONFIG_REFERENCE_COMMAND}\` and commit the result\n`);
    return 1;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text);
  out.log(`wrote ${CONFIG_REFERENCE}\n`);
  return 0;
}

if (require.main === module) process.exit(main(process.argv.slice(2)));
