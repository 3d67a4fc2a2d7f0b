/**
 * The application key command: `npm run --silent keys -- <new | add | promote <id> | retire <id>>`.
 *
 * The application's LiveKit API key is stack config (`livekit-platform:applicationKeys`), the same in every
 * region stack file: the key id in the clear, the secret a `secure:` value. This command prints the
 * `pulumi config set` lines that change it in every region file at once (the files whose role is
 * `region`), as a shell script: pipe it into `sh` rather than copying secrets through a terminal.
 *
 *   new            a fresh key as the only one (first deployment, or recovery from a leak)
 *   add            a second key, accepted but not yet signed with (rotation step 1)
 *   promote <id>   sign with <id> from now on (rotation step 2)
 *   retire <id>    stop accepting <id> (rotation step 3)
 *   copy <from> <to>  give region stack <to> (a new region) the keys of region stack <from>
 *
 * It only reads the stack files (ids and which key signs are plain text there), never a secret.
 * Exit codes: 0 printed; 2 the request does not fit the stack files (one `error: ...` line).
 */
import { randomInt } from "crypto";
import { InputError } from "../../lib/errors";
import { PROJECT } from "../../stacks/config-key";
import { findProjectRoot, listStackNames, readStackFile, stackFilePath } from "../../stacks/stack-files";

export const EXIT_OK = 0;
export const EXIT_BAD_INPUT = 2;

const KEY = `${PROJECT}:applicationKeys`;
const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

/** A region stack file's application keys as the file states them (secrets not read). */
export interface RegionKeys {
  stack: string;
  /** undefined when the file has no applicationKeys yet. */
  signing?: string;
  ids: string[];
}

export type KeysRequest =
  | { action: "new" }
  | { action: "add" }
  | { action: "promote"; id: string }
  | { action: "retire"; id: string }
  | { action: "copy"; from: string; to: string };

export class KeysError extends Error {}

/** `length` characters from [A-Za-z0-9], uniformly (crypto.randomInt has no modulo bias). */
export function randomAlphanumeric(length: number, pick: (max: number) => number = randomInt): string {
  let text = "";
  for (let i = 0; i < length; i++) text += ALPHANUMERIC[pick(ALPHANUMERIC.length)];
  return text;
}

/** A new application key pair: `APP` + 12 characters (LiveKit's own form is `API` + 12), a 48-character secret. */
export function newApplicationKey(pick?: (max: number) => number): { id: string; secret: string } {
  return { id: `APP${randomAlphanumeric(12, pick)}`, secret: randomAlphanumeric(48, pick) };
}

/** Reads every region stack file's application keys. */
export function readRegionKeys(projectRoot: string): RegionKeys[] {
  const regions: RegionKeys[] = [];
  for (const stack of listStackNames(projectRoot)) {
    const { config } = readStackFile(stackFilePath(projectRoot, stack), stack);
    if (config[`${PROJECT}:role`] !== "region") continue;
    const raw = config[KEY];
    if (raw === undefined) {
      regions.push({ stack, ids: [] });
      continue;
    }
    const value = JSON.parse(raw) as { signing?: unknown; keys?: Record<string, unknown> };
    regions.push({
      stack,
      signing: typeof value.signing === "string" ? value.signing : undefined,
      ids: Object.keys(value.keys ?? {}),
    });
  }
  return regions;
}

const quote = (text: string) => `'${text.replace(/'/g, `'\\''`)}'`;

/** The shell script for `request` over `regions`; throws a KeysError when the files do not allow it. */
export function keysScript(
  request: KeysRequest,
  regions: RegionKeys[],
  generate: () => { id: string; secret: string } = newApplicationKey,
): string {
  if (regions.length === 0) throw new KeysError("no region stack file (Pulumi.<stack>.yaml with role region)");
  const lines = ["#!/bin/sh", "# Pipe into sh from the project folder: npm run --silent keys -- ... | sh", "set -e"];
  const set = (stack: string, path: string, value: string, secret = false) =>
    `pulumi config set --stack ${stack} --path${secret ? " --secret" : ""} ${quote(`${KEY}.${path}`)} ${quote(value)}`;

  if (request.action === "copy") {
    // A secure value copied from another file does not decrypt in another stack: copy through Pulumi.
    const from = regions.find((r) => r.stack === request.from);
    if (from?.signing === undefined) throw new KeysError(`${request.from} is not a region stack with ${KEY}`);
    if (!regions.some((r) => r.stack === request.to)) {
      throw new KeysError(`${request.to} is not a region stack file (Pulumi.${request.to}.yaml with role region)`);
    }
    lines.push(`# ${request.to} gets ${request.from}'s application keys (${from.ids.join(", ")}).`);
    lines.push(`pulumi config rm --stack ${request.to} ${quote(KEY)} 2>/dev/null || true`);
    lines.push(set(request.to, "signing", from.signing));
    for (const id of from.ids) {
      const path = quote(`${KEY}.keys.${id}`);
      lines.push(
        `pulumi config get --stack ${request.from} --path ${path} | pulumi config set --stack ${request.to} --path --secret ${path}`,
      );
    }
    return `${lines.join("\n")}\n`;
  }

  if (request.action === "new") {
    const key = generate();
    lines.push(`# One new application key, ${key.id}, the only one in every region.`);
    for (const { stack } of regions) {
      // rm first: the file may hold another key, or the shipped placeholder (which no stack can decrypt).
      lines.push(`pulumi config rm --stack ${stack} ${quote(KEY)} 2>/dev/null || true`);
      lines.push(set(stack, "signing", key.id));
      lines.push(set(stack, `keys.${key.id}`, key.secret, true));
    }
    lines.push(`# Then: pulumi up --stack <each region>; pulumi up --stack global.`);
    return `${lines.join("\n")}\n`;
  }

  // The other steps change a key every region already has: the files must agree first.
  const signing = regions[0].signing;
  for (const r of regions) {
    if (r.signing === undefined) throw new KeysError(`${r.stack} has no ${KEY} yet: run \`npm run keys -- new\``);
    if (r.signing !== signing)
      throw new KeysError(`${r.stack} signs with ${r.signing}, ${regions[0].stack} with ${signing}: align them first`);
  }
  const ids = regions[0].ids.slice().sort();
  for (const r of regions) {
    if (r.ids.slice().sort().join(",") !== ids.join(",")) {
      throw new KeysError(
        `${r.stack} holds ${r.ids.join(", ")}, ${regions[0].stack} holds ${regions[0].ids.join(", ")}: align them first`,
      );
    }
  }

  if (request.action === "add") {
    if (ids.length >= 2) {
      throw new KeysError(`a rotation is under way (${ids.join(", ")}): promote and retire before adding another key`);
    }
    const key = generate();
    lines.push(`# Rotation step 1: every region accepts ${key.id} beside ${signing}, which still signs.`);
    for (const { stack } of regions) lines.push(set(stack, `keys.${key.id}`, key.secret, true));
    lines.push(
      `# Then: pulumi up every region, wait until no old SFU pod is left (docs/credentials.md, "The application key"),`,
      `# then: npm run --silent keys -- promote ${key.id} | sh`,
    );
    return `${lines.join("\n")}\n`;
  }

  if (!ids.includes(request.id)) throw new KeysError(`${request.id} is not one of the keys (${ids.join(", ")})`);
  if (request.action === "promote") {
    if (request.id === signing) throw new KeysError(`${request.id} already signs`);
    lines.push(`# Rotation step 2: sign with ${request.id}; ${signing} is still accepted.`);
    for (const { stack } of regions) lines.push(set(stack, "signing", request.id));
    lines.push(`# Then: pulumi up every region and global, then: npm run --silent keys -- retire ${signing} | sh`);
    return `${lines.join("\n")}\n`;
  }

  if (request.id === signing) throw new KeysError(`${request.id} signs: promote the other key before retiring it`);
  lines.push(`# Rotation step 3: stop accepting ${request.id}.`);
  for (const { stack } of regions) {
    lines.push(`pulumi config rm --stack ${stack} --path ${quote(`${KEY}.keys.${request.id}`)}`);
  }
  lines.push(`# Then: pulumi up every region.`);
  return `${lines.join("\n")}\n`;
}

export function parseRequest(argv: string[]): KeysRequest {
  const [action, id, ...rest] = argv;
  const usage =
    "usage: npm run --silent keys -- <new | add | promote <key id> | retire <key id> | copy <from stack> <to stack>> | sh";
  if (action === "copy" && id !== undefined && rest.length === 1) return { action, from: id, to: rest[0] };
  if (rest.length > 0) throw new KeysError(usage);
  if ((action === "new" || action === "add") && id === undefined) return { action };
  if ((action === "promote" || action === "retire") && id !== undefined) return { action, id };
  throw new KeysError(usage);
}

export function main(
  argv: string[],
  out: { log(text: string): void; error(text: string): void },
  projectRoot: string = findProjectRoot(__dirname),
): number {
  try {
    out.log(keysScript(parseRequest(argv), readRegionKeys(projectRoot)));
    return EXIT_OK;
  } catch (e) {
    // A request the files do not allow, or a stack file that cannot be read: one line either way.
    if (!(e instanceof KeysError || e instanceof InputError)) throw e;
    out.error(`error: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), {
    log: (text) => process.stdout.write(text),
    error: (text) => process.stderr.write(text),
  });
}
