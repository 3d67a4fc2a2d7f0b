/**
 * The docs' tables of numbers are what their commands print (tools/commands/docs-tables/): every generated block of
 * the README, the guides and docs/ is regenerated here and compared, byte for byte, with the markdown; a block that
 * drifts from its command fails `--check`; the tables are written as prettier formats them (so format:check and
 * this test agree on the docs); and the tables that describe the shipped stacks are the shipped stacks' own sizing.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../../../stacks/config";
import { readStackFile, stackFilePath } from "../../../stacks/stack-files";
import {
  blockBody,
  EXIT_BAD_INPUT,
  EXIT_OK,
  EXIT_STALE,
  main,
  markdownFiles,
} from "../../../tools/commands/docs-tables";
import { BlockError, findGeneratedBlocks, markdownTable } from "../../../tools/commands/docs-tables/markdown";
import { capacityReport, DOC_TABLES } from "../../../tools/commands/docs-tables/tables";
import { projectRoot } from "../../support/stack-config";

/** Every generated block of the project's markdown, with the file it is in. */
const blocks = markdownFiles(projectRoot).flatMap((file) =>
  findGeneratedBlocks(fs.readFileSync(path.join(projectRoot, file), "utf8"), file).map((block) => ({ file, ...block })),
);

function run(argv: string[], root = projectRoot) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { log: (l) => out.push(l), error: (l) => err.push(l) }, root);
  return { code, out, err };
}

describe("the docs' generated tables", () => {
  it("are in the docs, and every kind of table is used", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(8);
    expect(new Set(blocks.map((b) => b.args[0]))).toEqual(new Set(Object.keys(DOC_TABLES)));
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line} ${b.args.join(" ")}`, b] as const))(
    "%s is what its command prints",
    (_, block) => {
      expect(block.body).toEqual(blockBody(block.args));
    },
  );

  it("are printed one at a time, as the opening comment names them", () => {
    const { code, out } = run(["sizing", "--participants", "25000", "--regions", "mumbai", "--mixes", "mixed"]);
    expect(code).toBe(EXIT_OK);
    expect(out[0]).toMatch(/^\| mix +\| SFU nodes at peak \|/);
    expect(out).toHaveLength(3);
  });

  it("are written as prettier writes a markdown table (format:check holds the docs to it)", () => {
    expect(markdownTable(["item", "a month"], [["SFU nodes", "$8,688"]], ["left", "right"])).toEqual([
      "| item      | a month |",
      "| --------- | ------: |",
      "| SFU nodes |  $8,688 |",
    ]);
    expect(markdownTable(["a", "b"], [["x", "1"]], ["left", "right"])).toEqual([
      "| a   |   b |",
      "| --- | --: |",
      "| x   |   1 |",
    ]);
    expect(() => markdownTable(["a"], [["x | y"]], ["left"])).toThrow('a table cell cannot hold "|"');
  });

  it("that describe the shipped stacks are the stacks' own sizing and cost", () => {
    for (const stack of ["mumbai", "singapore"]) {
      const file = readStackFile(stackFilePath(projectRoot, stack), stack);
      const config = parseStackConfig(file.config, stack, file.secretKeys);
      if (config.role !== "region") throw new Error(`${stack} is a region stack`);
      const [region] = capacityReport(["--participants", "25000", "--regions", stack]).regions;
      expect(region.plan).toEqual(config.sizing.plan);
      expect(config.sizing.cost).toMatchObject({ monthlyUsd: region.cost.monthlyUsd, byGroup: region.cost.byGroup });
    }
  });
});

describe("npm run docs:tables", () => {
  let root: string;
  const page = path.join("docs", "sizing-and-cost.md");
  const shipped = fs.readFileSync(path.join(projectRoot, page), "utf8");
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "docs-tables-"));
    fs.mkdirSync(path.join(root, "docs"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("fails --check, naming the block, when a table drifts from its command; a run rewrites it", () => {
    const sizing = blocks.find((b) => b.file === page && b.args[0] === "sizing")!;
    const mixedRow = /^\| mixed +\| +(\d+) \|/m;
    expect(shipped).toMatch(mixedRow);
    const drifted = shipped.replace(mixedRow, (row, nodes) => row.replace(` ${nodes} |`, ` ${Number(nodes) - 6} |`));
    fs.writeFileSync(path.join(root, page), drifted);

    const check = run(["--check"], root);
    expect(check.code).toBe(EXIT_STALE);
    expect(check.err).toEqual([`${page}:${sizing.line}: stale table: run npm run docs:tables`]);
    expect(fs.readFileSync(path.join(root, page), "utf8")).toBe(drifted);

    expect(run([], root)).toMatchObject({ code: EXIT_OK, out: [`${page}: 1 table(s) regenerated`] });
    expect(fs.readFileSync(path.join(root, page), "utf8")).toBe(shipped);
    expect(run(["--check"], root).code).toBe(EXIT_OK);
  });

  it("refuses, with one line, a table it does not know, flags the capacity command refuses, or a broken block", () => {
    expect(run(["sizes"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: [expect.stringMatching(/^error: unknown table "sizes" \(tables: sizing, /)],
    });
    expect(run(["sizing", "--participants", "25000", "--mixes", "nope"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: [expect.stringMatching(/^error: npm run capacity -- --participants 25000 --mix nope: --mix: not a preset/)],
    });
    expect(run(["cost-levers", "--participants", "50000", "--regions", "mumbai,singapore"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: ["error: cost-levers: describes one region: give --regions with one name"],
    });
    expect(run(["vcpu-quota", "--stacks", "global"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: ["error: vcpu-quota: global is not a region stack"],
    });
    fs.writeFileSync(
      path.join(root, page),
      "<!-- generated: npm run -s docs:tables -- sizing --mixes mixed -->\n| x |\n",
    );
    expect(run(["--check"], root)).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: [`error: ${page}:1: generated block has no "<!-- end generated -->"`],
    });
  });
});

describe("generated blocks in markdown", () => {
  const open = (args: string) => `<!-- generated: npm run -s docs:tables -- ${args} -->`;
  const END = "<!-- end generated -->";

  it("are found with their line, arguments and body", () => {
    const text = ["# t", open("sizing --mixes a,b"), "", "| x |", "", END, "after"].join("\n");
    expect(findGeneratedBlocks(text)).toEqual([
      { line: 2, args: ["sizing", "--mixes", "a,b"], body: ["", "| x |", ""] },
    ]);
  });

  it.each([
    ["a block that never ends", [open("x")], 'f.md:1: generated block has no "<!-- end generated -->"'],
    ["an end without a block", ["text", END], 'f.md:2: "<!-- end generated -->" without a block to end'],
    [
      "a block inside a block",
      [open("x"), open("y"), END],
      "f.md:2: a generated block starts inside the one of line 1",
    ],
    [
      "an opening that names another command",
      ["<!-- generated: npm run capacity -- --participants 1 -->", END],
      'f.md:1: a generated block must open with "<!-- generated: npm run -s docs:tables -- ..."',
    ],
  ])("refuse %s", (_, lines, message) => {
    expect(() => findGeneratedBlocks(lines.join("\n"), "f.md")).toThrow(new BlockError(message));
  });
});
