/**
 * `npm run docs:tables` (tools/commands/docs-tables/): every generated block of the docs, the tables read from the
 * stack files included, is what its command prints; a block that drifts fails `--check`, naming it, and a run rewrites
 * it; bad input is one line and exit code 2. And the tables that say they describe the shipped stacks are those
 * stacks' own sizing and cost. (Plan tier: it loads the program's config, and with it Pulumi, but runs no stack.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parseStackConfig } from "../../../stacks/config";
import { sizedRegion } from "../../../stacks/sizing";
import { readStackFile, stackFilePath } from "../../../stacks/stack-files";
import { blockBody, DOC_TABLES, EXIT_BAD_INPUT, EXIT_OK, EXIT_STALE, main } from "../../../tools/commands/docs-tables";
import { findGeneratedBlocks, markdownFiles } from "../../../tools/commands/docs-tables/markdown";
import { capacityReport } from "../../../tools/commands/docs-tables/tables";
import { projectRoot } from "../../support/stack-config";

const blocks = markdownFiles(projectRoot).flatMap((file) =>
  findGeneratedBlocks(fs.readFileSync(path.join(projectRoot, file), "utf8"), file).map((b) => ({ file, ...b })),
);

function run(argv: string[], root = projectRoot) {
  const out: string[] = [];
  const err: string[] = [];
  const code = main(argv, { log: (l) => out.push(l), error: (l) => err.push(l) }, root);
  return { code, out, err };
}

describe("the docs' generated tables", () => {
  it("use every table the command knows", () => {
    expect(new Set(blocks.map((b) => b.args[0]))).toEqual(new Set(Object.keys(DOC_TABLES)));
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line} ${b.args.join(" ")}`, b] as const))(
    "%s is what its command prints",
    (_, block) => {
      expect(block.body).toEqual(blockBody(block.args));
    },
  );

  it("that describe the shipped stacks are the stacks' own sizing and cost", () => {
    for (const stack of ["mumbai", "singapore"]) {
      const file = readStackFile(stackFilePath(projectRoot, stack), stack);
      const config = parseStackConfig(file.config, stack, file.secretKeys);
      if (config.role !== "region") throw new Error(`${stack} is a region stack`);
      const [region] = capacityReport(["--participants", "25000", "--regions", stack]).regions;
      const { sizing } = sizedRegion(config);
      expect(region.plan).toEqual(sizing.plan);
      expect(sizing.cost).toMatchObject({ monthlyUsd: region.cost.monthlyUsd, byGroup: region.cost.byGroup });
    }
  });
});

describe("npm run docs:tables", () => {
  let root: string;
  const page = path.join("docs", "sizing-and-cost.md");
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "docs-tables-"));
    fs.mkdirSync(path.join(root, "docs"));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  it("prints one table, as a block's opening comment names it", () => {
    const { code, out } = run(["sizing", "--participants", "25000", "--regions", "mumbai", "--mixes", "mixed"]);
    expect(code).toBe(EXIT_OK);
    expect(out).toEqual([
      expect.stringMatching(/^\| mix +\| SFU nodes at peak \|/),
      expect.any(String),
      expect.any(String),
    ]);
    expect(run(["vcpu-quota", "--stacks", "mumbai"]).out[2]).toMatch(
      /^\| mumbai +\| ap-south-1 +\| +[\d,]+ \| +[\d,]+ \|$/,
    );
  });

  it("fails --check, naming the block, when a table drifts from its command; a run rewrites it", () => {
    const shipped = fs.readFileSync(path.join(projectRoot, page), "utf8");
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

  it("refuses, with one line, a table it does not know, a stack that is not a region, or a broken block", () => {
    expect(run(["sizes"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: [expect.stringMatching(/^error: unknown table "sizes" \(tables: sizing, /)],
    });
    expect(run(["vcpu-quota", "--stacks", "global"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: ["error: vcpu-quota: global is not a region stack"],
    });
    expect(run(["rtt-floors", "--rows", "ap-south-1", "--columns", "ap-south-9"])).toMatchObject({
      code: EXIT_BAD_INPUT,
      err: ["error: rtt-floors: unknown AWS region ap-south-9"],
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
