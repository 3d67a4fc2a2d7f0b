/**
 * The docs' tables of sizing and cost are what the capacity command prints (tools/commands/docs-tables/tables.ts):
 * every generated block of the README, the guides and docs/ that names one is regenerated here and compared, byte for
 * byte, with the markdown. The tables are written as prettier formats them (format:check holds the docs to that), and
 * the blocks are found or refused with their line. The tables read from the stack files, and the command itself,
 * are tested in docs-tables.plan.test.ts (they load the program's config, and with it Pulumi).
 */
import * as fs from "fs";
import * as path from "path";
import {
  blockLines,
  BlockError,
  findGeneratedBlocks,
  markdownFiles,
  markdownTable,
} from "../../../tools/commands/docs-tables/markdown";
import { unitPrice } from "../../../lib/capacity";
import { CAPACITY_TABLES, capacityReport, TableInputError } from "../../../tools/commands/docs-tables/tables";
import { projectRoot } from "../../support/stack-config";

/** Every generated block of the project's markdown that names a capacity table, with the file it is in. */
const blocks = markdownFiles(projectRoot)
  .flatMap((file) =>
    findGeneratedBlocks(fs.readFileSync(path.join(projectRoot, file), "utf8"), file).map((b) => ({ file, ...b })),
  )
  .filter((block) => block.args[0] in CAPACITY_TABLES);

describe("the docs' tables of sizing and cost", () => {
  it("are in the docs, every one of them", () => {
    expect(blocks.length).toBeGreaterThanOrEqual(7);
    expect(new Set(blocks.map((b) => b.args[0]))).toEqual(new Set(Object.keys(CAPACITY_TABLES)));
  });

  it.each(blocks.map((b) => [`${b.file}:${b.line} ${b.args.join(" ")}`, b] as const))(
    "%s is what its command prints",
    (_, block) => {
      const [name, ...flags] = block.args;
      expect(block.body).toEqual(blockLines(CAPACITY_TABLES[name].render(flags)));
    },
  );

  it("pass on the capacity command's refusal, and refuse what they cannot show", () => {
    expect(() => CAPACITY_TABLES.sizing.render(["--participants", "25000", "--mixes", "nope"])).toThrow(
      new TableInputError(
        'npm run capacity -- --participants 25000 --mix nope: --mix: not a preset (meetings, webinar, livestream, audio, voice-calls, mixed) nor a file, got "nope"',
      ),
    );
    expect(() => CAPACITY_TABLES.sizing.render(["--participants", "25000"])).toThrow(
      new TableInputError("sizing: --mixes <value> is required"),
    );
    expect(() => CAPACITY_TABLES["cost-levers"].render(["--participants", "50000", "--regions", "a,b"])).toThrow(
      new TableInputError("cost-levers: describes one region: give --regions with one name"),
    );
    expect(() => CAPACITY_TABLES["per-minute-by-scale"].render(["--regions", "mumbai"])).toThrow(
      new TableInputError("per-minute-by-scale: --scales <value> is required"),
    );
  });
});

describe("the cost per participant-minute tables", () => {
  it("show the estimate's figures, and self-hosted without recording against the cheapest managed service", () => {
    const args = ["--participants", "25000", "--regions", "mumbai", "--negotiated-transfer", "0.03"];
    const [row] = CAPACITY_TABLES["per-minute-by-mix"]
      .render([...args, "--mixes", "meetings"])
      .slice(2)
      .map((line) =>
        line
          .split("|")
          .map((cell) => cell.trim())
          .slice(1, -1),
      );
    const [region] = capacityReport([...args, "--mix", "meetings"]).regions;
    const c = region.cost;
    const chime = c.managed.find((m) => m.service === "chimeSdk")!;
    expect(row).toEqual([
      "meetings",
      `${(c.participantMinutes / 1e6).toFixed(1)} M`,
      unitPrice(c.perParticipantMinute.usd),
      unitPrice(c.perParticipantMinute.withoutRecordingUsd),
      unitPrice(c.perParticipantMinute.negotiated!.withoutRecordingUsd),
      ...c.managed.map((m) => `${unitPrice(m.usdPerParticipantMinute)}${m.estimate ? "*" : ""}`),
      // The Chime SDK is the cheapest for meetings; self-hosted (without recording) is that much below it.
      `-${Math.round((1 - (c.monthlyUsd - c.recordingUsd) / chime.monthlyUsd) * 100)}% against Amazon Chime SDK`,
    ]);
  });
});

describe("a markdown table", () => {
  it("is written as prettier writes it: cells padded, numbers right-aligned, rules at least three wide", () => {
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
