/**
 * tools/commands/flags.ts: the commands' flags through node:util parseArgs, and each mistake as the one line the
 * commands print after `error: `.
 */
import { readFlags, UsageError } from "../../../tools/commands/flags";

const FLAGS = {
  stack: { type: "string" },
  "show-secrets": { type: "boolean" },
  help: { type: "boolean", short: "h" },
} as const;

const mistake = (argv: string[], unknown?: (argument: string) => string) => {
  try {
    readFlags(argv, FLAGS, unknown);
  } catch (e) {
    if (e instanceof UsageError) return e.message;
    throw e;
  }
  return "no mistake";
};

describe("a command's flags", () => {
  it("are read by name, in either spelling of a value, the last one given winning", () => {
    expect(readFlags(["--stack", "mumbai", "--show-secrets"], FLAGS)).toEqual({
      stack: "mumbai",
      "show-secrets": true,
    });
    expect(readFlags(["--stack=mumbai", "--stack", "singapore", "-h"], FLAGS)).toEqual({
      stack: "singapore",
      help: true,
    });
    expect(readFlags([], FLAGS)).toEqual({});
  });

  it("take a value that starts with one dash: a negative number is the command's to refuse", () => {
    expect(readFlags(["--stack", "-1"], FLAGS)).toEqual({ stack: "-1" });
  });

  it.each([
    [["--frobnicate"], "unknown argument --frobnicate"],
    [["-x"], "unknown argument -x"],
    [["mumbai"], "unknown argument mumbai"],
    [["--stack", "mumbai", "--", "extra"], "unknown argument --"],
    [["--stack"], "--stack needs a value"],
    [["--stack", "--show-secrets"], "--stack needs a value"],
    [["--show-secrets=yes"], "--show-secrets takes no value"],
  ])("refuse %j with one line: %s", (argv, line) => {
    expect(mistake(argv)).toBe(line);
  });

  it("word an unknown argument as the command asks", () => {
    expect(mistake(["--zones", "3"], (argument) => `unknown argument "${argument}" (see --help)`)).toBe(
      'unknown argument "--zones" (see --help)',
    );
  });
});
