/**
 * The docs' tables of numbers, from the commands that compute them (see tables.ts):
 *
 *   npm run docs:tables                          rewrite every generated block of the project's markdown
 *   npm run docs:tables -- --check               exit 1 naming each block that differs from what its command prints
 *   npm run -s docs:tables -- <table> [flags]    print one table, as the block's opening comment names it
 *
 * A block is the lines between `<!-- generated: npm run -s docs:tables -- <table> [flags] -->` and
 * `<!-- end generated -->` (markdown.ts). The tables: tables.ts (from the capacity command), stack-tables.ts (from
 * the stack files). Exit codes: 0 done; 1 stale blocks (--check); 2 bad input.
 */
import * as fs from "fs";
import * as path from "path";
import { findProjectRoot } from "../../../stacks/stack-files";
import { blockLines, BlockError, findGeneratedBlocks, markdownFiles, replaceGeneratedBlocks } from "./markdown";
import { STACK_TABLES } from "./stack-tables";
import { CAPACITY_TABLES, DocTable, TableInputError } from "./tables";

export const EXIT_OK = 0;
export const EXIT_STALE = 1;
export const EXIT_BAD_INPUT = 2;

export interface Output {
  log(line: string): void;
  error(line: string): void;
}

/** Every table the docs may name, by name. */
export const DOC_TABLES: Record<string, DocTable> = { ...CAPACITY_TABLES, ...STACK_TABLES };

const USAGE = [
  "usage: npm run docs:tables [-- --check]         rewrite (or check) every generated table of the docs",
  "       npm run -s docs:tables -- <table> [flags]  print one table; flags are the capacity command's, plus:",
  ...Object.entries(DOC_TABLES).map(([name, table]) => `  ${name.padEnd(16)} ${table.help}`),
].join("\n");

/** The table a block's arguments name, printed. */
export function renderTable(args: string[]): string[] {
  const [name, ...flags] = args;
  const table = DOC_TABLES[name];
  if (table === undefined)
    throw new TableInputError(`unknown table "${name}" (tables: ${Object.keys(DOC_TABLES).join(", ")})`);
  return table.render(flags);
}

/** What a block holds: its table, between blank lines. */
export const blockBody = (args: string[]) => blockLines(renderTable(args));

/** Each file's text with its blocks regenerated, for the files where that changes something. */
export function regenerate(root: string): { file: string; text: string; stale: number[] }[] {
  return markdownFiles(root).flatMap((file) => {
    const text = fs.readFileSync(path.join(root, file), "utf8");
    const stale = findGeneratedBlocks(text, file)
      .filter((block) => blockBody(block.args).join("\n") !== block.body.join("\n"))
      .map((block) => block.line);
    return stale.length === 0 ? [] : [{ file, text: replaceGeneratedBlocks(text, blockBody, file), stale }];
  });
}

export function main(argv: string[], out: Output = console, root = findProjectRoot()): number {
  try {
    if (argv[0] === "--help" || argv[0] === "-h") {
      out.log(USAGE);
      return EXIT_OK;
    }
    if (argv.length > 0 && argv[0] !== "--check") {
      for (const line of renderTable(argv)) out.log(line);
      return EXIT_OK;
    }
    const check = argv[0] === "--check";
    if (argv.length > 1) throw new TableInputError(`--check takes nothing more, got ${argv.slice(1).join(" ")}`);
    const changes = regenerate(root);
    for (const { file, text, stale } of changes) {
      if (check) for (const line of stale) out.error(`${file}:${line}: stale table: run npm run docs:tables`);
      else {
        fs.writeFileSync(path.join(root, file), text);
        out.log(`${file}: ${stale.length} table(s) regenerated`);
      }
    }
    return check && changes.length > 0 ? EXIT_STALE : EXIT_OK;
  } catch (e) {
    if (e instanceof TableInputError || e instanceof BlockError) {
      out.error(`error: ${e.message}`);
      return EXIT_BAD_INPUT;
    }
    throw e;
  }
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2));
}
