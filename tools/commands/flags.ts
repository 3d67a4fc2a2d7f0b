/**
 * A command's flags, read with Node's own `util.parseArgs`, and every mistake in them as one line in the words
 * the commands print after `error: ` (`unknown argument --x`, `--stack needs a value`).
 *
 * parseArgs runs in its lenient mode so that a mistake is reported as this line rather than as Node's message;
 * the checks below are the ones its strict mode makes, but for one: a string flag's value may start with a
 * single `-` (`--participants -1` is then a negative number, refused by the command with its own message).
 */
import { parseArgs, ParseArgsConfig } from "node:util";

/** Where a command that writes raw text (lines it ends itself) prints: stdout and stderr, or a test's buffers. */
export interface CommandOutput {
  log(text: string): void;
  error(text: string): void;
}

/** The process's own stdout and stderr, for a command run from the shell. */
export const STANDARD_OUTPUT: CommandOutput = {
  log: (text) => process.stdout.write(text),
  error: (text) => process.stderr.write(text),
};

/** A mistake in the command line: the command prints its message after `error: `. */
export class UsageError extends Error {}

export type FlagOptions = NonNullable<ParseArgsConfig["options"]>;

/** The values given, by flag name: a string for a string flag, `true` for a boolean one given. */
export type FlagValues<T extends FlagOptions> = {
  [K in keyof T]?: T[K]["type"] extends "boolean" ? boolean : string;
};

/**
 * The flags of `argv`; a positional argument, an unknown flag or a flag without its value is a UsageError.
 * `unknown` words the line for an argument that is no flag of `options`.
 */
export function readFlags<T extends FlagOptions>(
  argv: string[],
  options: T,
  unknown: (argument: string) => string = (argument) => `unknown argument ${argument}`,
): FlagValues<T> {
  return readCommandLine(argv, options, 0, unknown).flags;
}

/**
 * The words before the flags (`add frankfurt eu-central-1`: `positionals` of them at most, in order) and the
 * flags; one word more, an unknown flag or a flag without its value is a UsageError.
 */
export function readCommandLine<T extends FlagOptions>(
  argv: string[],
  options: T,
  positionals: number,
  unknown: (argument: string) => string = (argument) => `unknown argument ${argument}`,
): { words: string[]; flags: FlagValues<T> } {
  const { values, tokens } = parseArgs({ args: argv, options, strict: false, allowPositionals: true, tokens: true });
  const words: string[] = [];
  for (const token of tokens) {
    if (token.kind === "positional") {
      if (words.length >= positionals) throw new UsageError(unknown(token.value));
      words.push(token.value);
      continue;
    }
    if (token.kind !== "option") throw new UsageError(unknown(argv[token.index]));
    const option = Object.hasOwn(options, token.name) ? options[token.name] : undefined;
    if (option === undefined) throw new UsageError(unknown(token.rawName));
    if (option.type === "boolean" && token.value !== undefined) throw new UsageError(`${token.rawName} takes no value`);
    if (option.type === "string" && (token.value === undefined || (!token.inlineValue && token.value.startsWith("--"))))
      throw new UsageError(`${token.rawName} needs a value`);
  }
  return { words, flags: values as FlagValues<T> };
}
