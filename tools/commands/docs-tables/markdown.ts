/**
 * The generated blocks of the project's markdown: a table of numbers between two HTML comments, the first naming
 * the command that prints it.
 *
 *   <!-- generated: npm run -s docs:tables -- sizing --participants 25000 --regions mumbai -->
 *   | mix | SFU nodes at peak | ... |
 *   <!-- end generated -->
 *
 * Finding the files and the blocks, replacing their bodies, and writing a table the way prettier formats it (so
 * `npm run format:check` and the docs test agree on every byte).
 */
import * as fs from "fs";
import * as path from "path";

export const BLOCK_COMMAND = "npm run -s docs:tables --";
const START = /^<!-- generated: npm run -s docs:tables -- (.+?) -->$/;
const END = "<!-- end generated -->";

/** One generated block of a file. */
export interface GeneratedBlock {
  /** 1-based line of the opening comment. */
  line: number;
  /** The arguments after `--`: the table's name, then its flags. */
  args: string[];
  /** The lines between the two comments. */
  body: string[];
}

/** A broken block (no end, an end without a start, a block inside a block): the file and line, and what. */
export class BlockError extends Error {}

/** The generated blocks of a markdown text, in order. */
export function findGeneratedBlocks(text: string, file = "markdown"): GeneratedBlock[] {
  const lines = text.split("\n");
  const blocks: GeneratedBlock[] = [];
  let open: GeneratedBlock | undefined;
  lines.forEach((line, i) => {
    const start = START.exec(line);
    if (start) {
      if (open) throw new BlockError(`${file}:${i + 1}: a generated block starts inside the one of line ${open.line}`);
      open = { line: i + 1, args: start[1].split(/\s+/), body: [] };
    } else if (line === END) {
      if (!open) throw new BlockError(`${file}:${i + 1}: "${END}" without a block to end`);
      blocks.push(open);
      open = undefined;
    } else if (line.startsWith("<!-- generated")) {
      throw new BlockError(`${file}:${i + 1}: a generated block must open with "<!-- generated: ${BLOCK_COMMAND} ..."`);
    } else if (open) open.body.push(line);
  });
  if (open) throw new BlockError(`${file}:${open.line}: generated block has no "${END}"`);
  return blocks;
}

/** The text with each block's body replaced by what `render` gives for its arguments. */
export function replaceGeneratedBlocks(text: string, render: (args: string[]) => string[], file = "markdown"): string {
  const blocks = findGeneratedBlocks(text, file);
  const lines = text.split("\n");
  // From the last block up, so earlier line numbers stay valid.
  for (const block of [...blocks].reverse()) lines.splice(block.line, block.body.length, ...render(block.args));
  return lines.join("\n");
}

/** A block's body: the table between blank lines (prettier keeps them between an HTML comment and a table). */
export const blockLines = (table: string[]) => ["", ...table, ""];

export type Alignment = "left" | "right";

/** A markdown table as prettier writes it: cells padded to their column's width, numbers right-aligned. */
export function markdownTable(header: string[], rows: string[][], align: Alignment[]): string[] {
  for (const cell of [...header, ...rows.flat()])
    if (cell.includes("|") || cell.includes("\n"))
      throw new Error(`a table cell cannot hold "|" or a newline: ${cell}`);
  const widths = header.map((h, c) => Math.max(3, h.length, ...rows.map((r) => r[c].length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, c) => (align[c] === "right" ? cell.padStart(widths[c]) : cell.padEnd(widths[c]))).join(" | ")} |`;
  const rule = `| ${widths.map((w, c) => (align[c] === "right" ? `${"-".repeat(w - 1)}:` : "-".repeat(w))).join(" | ")} |`;
  return [line(header), rule, ...rows.map(line)];
}

/** The markdown files that may hold generated blocks, relative to the project root. */
export function markdownFiles(root: string): string[] {
  const inDir = (dir: string, pick: (name: string) => boolean) =>
    fs.existsSync(path.join(root, dir))
      ? fs
          .readdirSync(path.join(root, dir))
          .filter(pick)
          .sort()
          .map((name) => path.join(dir, name))
      : [];
  return [
    "README.md",
    "CONTRIBUTING.md",
    ...inDir("docs", (name) => name.endsWith(".md")),
    ...inDir("components", (name) => fs.existsSync(path.join(root, "components", name, "README.md"))).map((dir) =>
      path.join(dir, "README.md"),
    ),
  ].filter((file) => fs.existsSync(path.join(root, file)));
}
