/**
 * The application key command: `npm run keys -- [--dry-run] <new | add | promote <id> | retire <id> | copy <from> <to>>`.
 *
 * The application's LiveKit API key is stack config (`livekit-platform:applicationKeys`), the same in every
 * region stack file: the key id in the clear, the secret a `secure:` value. This command changes it in every
 * region file at once (the files whose role is `region`) by running `pulumi config` in the project folder.
 * A secret never appears on the terminal or in a command line (where `ps` and shell history would show it):
 * `pulumi config set --secret <key>` without a value reads it from standard input when that is not a
 * terminal (pulumi/pulumi v3.248.0 pkg/cmd/pulumi/config/config.go, `configSetCmd.Run`: `len(args) == 2`
 * takes the argument, otherwise `!term.IsTerminal(stdin)` reads all of stdin and trims one trailing newline),
 * and this command writes it to a pipe. What it prints names key ids only.
 *
 *   new            a fresh key as the only one (first deployment, or recovery from a leak)
 *   add            a second key, accepted but not yet signed with (rotation step 1)
 *   promote <id>   sign with <id> from now on (rotation step 2)
 *   retire <id>    stop accepting <id> (rotation step 3)
 *   copy <from> <to>  give region stack <to> (a new region) the keys of region stack <from>; every secret of
 *                  <from> is read before <to> is changed, so a read that fails leaves <to> as it was
 *   --dry-run      print the `pulumi` commands it would run (secrets shown as where they come from), run none
 *   -h, --help     print the usage and exit
 *
 * It reads ids and which key signs from the stack files, never a secret.
 * Exit codes: 0 done (or printed, with --dry-run); 1 a `pulumi` command failed (the ones before it ran);
 * 2 the request does not fit the stack files (one `error: ...` line).
 */
import { spawnSync, SpawnSyncReturns } from "child_process";
import { randomInt } from "crypto";
import { InputError } from "../../lib/errors";
import { PROJECT } from "../../stacks/config-key";
import { findProjectRoot, listStackNames, readStackFile, stackFilePath } from "../../stacks/stack-files";
import { CommandOutput, readCommandLine, STANDARD_OUTPUT, UsageError } from "./flags";

export const EXIT_OK = 0;
export const EXIT_PULUMI_FAILED = 1;
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

/** One `pulumi` command: its arguments never hold a secret. */
export interface PulumiStep {
  args: string[];
  /** What it reads on standard input: a secret this command made, or another command's output (a copy). */
  stdin?: { secret: string; of: string } | { outputOf: string[] };
  /** Its failure is expected and ignored (removing a setting that is not there). */
  mayFail?: boolean;
}

/** The commands for a request, and what to tell the operator before and after them (ids only). */
export interface KeysPlan {
  summary: string;
  steps: PulumiStep[];
  next: string[];
}

/** The plan for `request` over `regions`; throws a KeysError when the files do not allow it. */
export function keysPlan(
  request: KeysRequest,
  regions: RegionKeys[],
  generate: () => { id: string; secret: string } = newApplicationKey,
): KeysPlan {
  if (regions.length === 0) throw new KeysError("no region stack file (Pulumi.<stack>.yaml with role region)");
  const set = (stack: string, path: string, value: string): PulumiStep => ({
    args: ["config", "set", "--stack", stack, "--path", `${KEY}.${path}`, value],
  });
  const setSecret = (stack: string, id: string, stdin: PulumiStep["stdin"]): PulumiStep => ({
    args: ["config", "set", "--stack", stack, "--path", "--secret", `${KEY}.keys.${id}`],
    stdin,
  });
  // rm first: the file may hold another key, or the shipped placeholder (which no stack can decrypt).
  const clear = (stack: string): PulumiStep => ({ args: ["config", "rm", "--stack", stack, KEY], mayFail: true });

  if (request.action === "copy") {
    // A secure value copied from another file does not decrypt in another stack: copy through Pulumi.
    const from = regions.find((r) => r.stack === request.from);
    if (from?.signing === undefined) throw new KeysError(`${request.from} is not a region stack with ${KEY}`);
    if (request.to === request.from)
      throw new KeysError(`${request.to} already holds its own keys: name another stack`);
    if (!regions.some((r) => r.stack === request.to)) {
      throw new KeysError(`${request.to} is not a region stack file (Pulumi.${request.to}.yaml with role region)`);
    }
    const steps = [clear(request.to), set(request.to, "signing", from.signing)];
    for (const id of from.ids) {
      const get = ["config", "get", "--stack", request.from, "--path", `${KEY}.keys.${id}`];
      steps.push(setSecret(request.to, id, { outputOf: get }));
    }
    return {
      summary: `${request.to} gets ${request.from}'s application keys (${from.ids.join(", ")}).`,
      steps,
      next: [],
    };
  }

  if (request.action === "new") {
    const key = generate();
    const steps = regions.flatMap(({ stack }) => [
      clear(stack),
      set(stack, "signing", key.id),
      setSecret(stack, key.id, { secret: key.secret, of: key.id }),
    ]);
    return {
      summary: `One new application key, ${key.id}, the only one in every region.`,
      steps,
      next: ["pulumi up --stack <each region>; pulumi up --stack global."],
    };
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
    return {
      summary: `Rotation step 1: every region accepts ${key.id} beside ${signing}, which still signs.`,
      steps: regions.map(({ stack }) => setSecret(stack, key.id, { secret: key.secret, of: key.id })),
      next: [
        `pulumi up every region, wait until no old SFU pod is left (docs/credentials.md, "The application key"),`,
        `then: npm run keys -- promote ${key.id}`,
      ],
    };
  }

  if (!ids.includes(request.id)) throw new KeysError(`${request.id} is not one of the keys (${ids.join(", ")})`);
  if (request.action === "promote") {
    if (request.id === signing) throw new KeysError(`${request.id} already signs`);
    return {
      summary: `Rotation step 2: sign with ${request.id}; ${signing} is still accepted.`,
      steps: regions.map(({ stack }) => set(stack, "signing", request.id)),
      next: [`pulumi up every region and global, then: npm run keys -- retire ${signing}`],
    };
  }

  if (request.id === signing) throw new KeysError(`${request.id} signs: promote the other key before retiring it`);
  return {
    summary: `Rotation step 3: stop accepting ${request.id}.`,
    steps: regions.map(({ stack }) => ({
      args: ["config", "rm", "--stack", stack, "--path", `${KEY}.keys.${request.id}`],
    })),
    next: ["pulumi up every region."],
  };
}

const quote = (text: string) => (/^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`);

const commandLine = (args: string[]) => ["pulumi", ...args].map(quote).join(" ");

/**
 * What the steps read from other stacks (a copy's secrets), in order: every read runs before the first step,
 * so a read that fails (a stack the operator cannot decrypt, a key that is not there) changes nothing.
 */
export function readsOf(steps: PulumiStep[]): string[][] {
  return steps.flatMap((step) => (step.stdin && "outputOf" in step.stdin ? [step.stdin.outputOf] : []));
}

/** A read as a line for the terminal. */
export function describeRead(read: string[]): string {
  return `${commandLine(read)} (read before any change, kept in memory)`;
}

/** A step as a line for the terminal: the command, and where its standard input comes from (never a secret). */
export function describeStep(step: PulumiStep): string {
  const command = commandLine(step.args);
  if (step.stdin && "secret" in step.stdin) return `${command} < (the secret of ${step.stdin.of}, on standard input)`;
  if (step.stdin) return `${command} < (what \`${commandLine(step.stdin.outputOf)}\` printed, on standard input)`;
  return step.mayFail ? `${command} (if set)` : command;
}

/**
 * Runs the steps with the `pulumi` on `env`'s PATH, in `cwd`: first every read (readsOf), then the steps in
 * order; stops at the first failure, before any step when a read fails.
 */
export function runSteps(steps: PulumiStep[], out: CommandOutput, cwd: string, env: NodeJS.ProcessEnv): number {
  // Output is captured, not shown: `config get` prints a secret. stdin is a pipe whenever there is input.
  const pulumi = (args: string[], input?: string) =>
    spawnSync("pulumi", args, {
      cwd,
      env,
      input,
      stdio: [input === undefined ? "ignore" : "pipe", "pipe", "pipe"],
      encoding: "utf8",
    });
  const read = new Map<PulumiStep, string>();
  for (const step of steps) {
    if (!(step.stdin && "outputOf" in step.stdin)) continue;
    out.log(`+ ${describeRead(step.stdin.outputOf)}\n`);
    const got = pulumi(step.stdin.outputOf);
    if (got.error || got.status !== 0) return failed(out, step.stdin.outputOf, got);
    read.set(step, got.stdout);
  }
  for (const step of steps) {
    out.log(`+ ${describeStep(step)}\n`);
    const input = step.stdin && "secret" in step.stdin ? step.stdin.secret : read.get(step);
    const r = pulumi(step.args, input);
    if (r.error || (r.status !== 0 && !step.mayFail)) return failed(out, step.args, r);
  }
  return EXIT_OK;
}

/** One line naming the command (its first words and stack, never a value) and why it failed. */
function failed(out: CommandOutput, args: string[], r: SpawnSyncReturns<string>): number {
  const command = `pulumi ${args.slice(0, 2).join(" ")} --stack ${args[args.indexOf("--stack") + 1]}`;
  const reason =
    (r.error as NodeJS.ErrnoException | undefined)?.code === "ENOENT"
      ? "pulumi is not on PATH (install the Pulumi CLI)"
      : (r.error?.message ?? `exit ${r.status}: ${r.stderr.trim().split("\n").pop() ?? ""}`);
  out.error(`error: ${command} failed: ${reason}\n`);
  return EXIT_PULUMI_FAILED;
}

const USAGE =
  "usage: npm run keys -- [--dry-run] <new | add | promote <key id> | retire <key id> | copy <from stack> <to stack>>";

const HELP = `${USAGE}
  new               a fresh key as the only one in every region (first deployment, or recovery from a leak)
  add               a second key, accepted but not yet signed with (rotation step 1)
  promote <key id>  sign with <key id> from now on (rotation step 2)
  retire <key id>   stop accepting <key id> (rotation step 3)
  copy <from> <to>  give region stack <to> (a new region) the keys of region stack <from>
  --dry-run         print the pulumi commands it would run (secrets shown as where they come from), run none
  -h, --help        print this and exit
exit codes: 0 done, 1 a pulumi command failed, 2 the request does not fit the stack files`;

const FLAGS = { "dry-run": { type: "boolean" }, help: { type: "boolean", short: "h" } } as const;

/** The words and flags; a word too many is the usage line, a flag's mistake is named before it. */
function readKeysCommandLine(argv: string[]) {
  try {
    // A word too many is the usage line; a flag it does not know is named first.
    return readCommandLine(argv, FLAGS, 3, (argument) =>
      argument.startsWith("-") ? `unknown argument ${argument}` : USAGE,
    );
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    throw new KeysError(e.message === USAGE ? USAGE : `${e.message}; ${USAGE}`);
  }
}

/** The request and whether to only print it, or "help" when asked for the usage. */
export function parseRequest(argv: string[]): { request: KeysRequest; dryRun: boolean } | "help" {
  const { words, flags } = readKeysCommandLine(argv);
  if (flags.help) return "help";
  const dryRun = flags["dry-run"] ?? false;
  const [action, id, to] = words;
  if (action === "copy" && id !== undefined && to !== undefined) return { request: { action, from: id, to }, dryRun };
  if (to !== undefined) throw new KeysError(USAGE);
  if ((action === "new" || action === "add") && id === undefined) return { request: { action }, dryRun };
  if ((action === "promote" || action === "retire") && id !== undefined) return { request: { action, id }, dryRun };
  throw new KeysError(USAGE);
}

export function main(
  argv: string[],
  out: CommandOutput,
  projectRoot: string = findProjectRoot(__dirname),
  env: NodeJS.ProcessEnv = process.env,
): number {
  try {
    const parsed = parseRequest(argv);
    if (parsed === "help") {
      out.log(`${HELP}\n`);
      return EXIT_OK;
    }
    const { request, dryRun } = parsed;
    const plan = keysPlan(request, readRegionKeys(projectRoot));
    out.log(`# ${plan.summary}\n`);
    if (dryRun) {
      for (const read of readsOf(plan.steps)) out.log(`${describeRead(read)}\n`);
      for (const step of plan.steps) out.log(`${describeStep(step)}\n`);
      out.log("# --dry-run: nothing was run.\n");
      return EXIT_OK;
    }
    const code = runSteps(plan.steps, out, projectRoot, env);
    if (code === EXIT_OK) for (const line of plan.next) out.log(`# Then: ${line}\n`);
    return code;
  } catch (e) {
    // A request the files do not allow, or a stack file that cannot be read: one line either way.
    if (!(e instanceof KeysError || e instanceof InputError)) throw e;
    out.error(`error: ${e.message}\n`);
    return EXIT_BAD_INPUT;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), STANDARD_OUTPUT);
}
