/**
 * Components assert through one helper (components/shared/invariant.ts), which throws the one bad-input error
 * (lib/errors.ts). The only other throws are the two where the cloud's answer during `pulumi up` is at fault,
 * not anything the program was given.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/stack-config";

const CLOUD_ANSWERS = [/ACM returned no DNS validation record/, /has no load balancer hostname/];

function tsFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return tsFiles(full);
    return entry.name.endsWith(".ts") ? [full] : [];
  });
}

describe("components", () => {
  it("throw only through invariant(), besides the cloud's answers", () => {
    const throws: string[] = [];
    for (const file of tsFiles(path.join(projectRoot, "components"))) {
      const relative = path.relative(projectRoot, file);
      if (relative === path.join("components", "shared", "invariant.ts")) continue;
      fs.readFileSync(file, "utf8")
        .split("\n")
        .forEach((line, i) => {
          if (/\bthrow\b/.test(line) && !CLOUD_ANSWERS.some((allowed) => allowed.test(line)))
            throws.push(`${relative}:${i + 1}: ${line.trim()}`);
        });
    }
    expect(throws).toEqual([]);
  });
});

describe("components/", () => {
  // Code only the tests use lives in test/support; a component's exports are what the program reads. An export
  // counts as read when the program names it outside comments: in another module, or in its own module besides
  // its declaration (a pure builder the component calls, exported so its test calls it directly).
  const PROGRAM = ["components", "stacks", "lib", "tools", "policy"];
  const withoutComments = (text: string) =>
    text.replace(/\/\*[\s\S]*?\*\//g, "").replace(/(^|[^:"'`\\])\/\/.*$/gm, "$1");
  const programFiles = [
    ...PROGRAM.flatMap((dir) => tsFiles(path.join(projectRoot, dir))),
    path.join(projectRoot, "index.ts"),
  ].filter((file) => !file.endsWith(".d.ts"));
  const programTexts = new Map(programFiles.map((file) => [file, withoutComments(fs.readFileSync(file, "utf8"))]));

  it("export only what the program reads", () => {
    const unread: string[] = [];
    for (const file of tsFiles(path.join(projectRoot, "components"))) {
      const text = programTexts.get(file)!;
      for (const [, name] of text.matchAll(
        /^export (?:declare )?(?:abstract )?(?:async )?(?:const|let|function|class|interface|type|enum) ([A-Za-z_$][\w$]*)/gm,
      )) {
        const named = new RegExp(`(?<![\\w$])${name.replace(/\$/g, "\\$")}(?![\\w$])`, "g");
        let reads = (text.match(named) ?? []).length - 1;
        for (const [other, otherText] of programTexts)
          if (other !== file) reads += (otherText.match(named) ?? []).length;
        if (reads === 0) unread.push(`${path.relative(projectRoot, file)}: ${name}`);
      }
    }
    expect(unread).toEqual([]);
  });
});
