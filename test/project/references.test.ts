/**
 * The repository stands alone: every relative path a file names under a `shared/` folder (an import of
 * components/shared, a cited document) resolves to a file in this repository, never to notes outside it.
 */
import * as fs from "fs";
import * as path from "path";
import { projectRoot } from "../support/plan";

const SKIP = new Set(["node_modules", ".git", ".plan", ".build", "reports", ".stryker-tmp"]);
const TEXT = /\.(ts|js|json|md|ya?ml|sh)$/;

function textFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return SKIP.has(entry.name) ? [] : textFiles(full);
    return TEXT.test(entry.name) && entry.name !== "package-lock.json" ? [full] : [];
  });
}

function resolves(from: string, reference: string): boolean {
  const target = path.resolve(path.dirname(from), reference);
  if (!target.startsWith(projectRoot + path.sep)) return false;
  return ["", ".ts", ".js", "/index.ts"].some((ext) => fs.existsSync(target + ext));
}

describe("references between files", () => {
  it("name only files inside the repository", () => {
    const outside: string[] = [];
    for (const file of textFiles(projectRoot)) {
      const text = fs.readFileSync(file, "utf8");
      for (const match of text.matchAll(/(?:\.\.\/)+shared\/[\w./-]*[\w-]/g)) {
        if (!resolves(file, match[0])) outside.push(`${path.relative(projectRoot, file)}: ${match[0]}`);
      }
    }
    expect(outside).toEqual([]);
  });
});
