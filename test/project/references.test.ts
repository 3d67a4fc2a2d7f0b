/**
 * The repository stands alone, and its documents point at things that exist:
 * - every relative path a file names under a `shared/` folder (an import of components/shared, a cited document)
 *   resolves to a file in this repository, never to notes outside it;
 * - every capability folder has a README.md that points to its page;
 * - every relative link of the README, the guides, docs/*.md and the capability READMEs reaches a file, and its
 *   `#anchor` a heading there (as GitHub makes anchors: github-slugger);
 * - every pointer to a section in words, in any file, names a heading of that document: README, "Add a region";
 *   docs/turn.md, "Measured on the real turnserver";
 * - every path to one of the project's own modules (`stacks/config/parse.ts`, a test file) that a file names
 *   exists: the tree moves, and a comment or a guide that still names the old place sends the reader nowhere.
 */
import * as fs from "fs";
import * as path from "path";
import { headingsOf, tokensOf } from "../support/markdown";
import { projectRoot } from "../support/stack-config";

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

const capabilities = fs
  .readdirSync(path.join(projectRoot, "components"), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== "shared")
  .map((d) => d.name);

/** The documents whose links are checked, relative to the project root. */
const documents = [
  "README.md",
  "CONTRIBUTING.md",
  "CHANGELOG.md",
  ...fs
    .readdirSync(path.join(projectRoot, "docs"))
    .filter((f) => f.endsWith(".md"))
    .map((f) => `docs/${f}`),
  ...capabilities.map((c) => `components/${c}/README.md`).filter((f) => fs.existsSync(path.join(projectRoot, f))),
  "examples/token-service/README.md",
];

/** Every link's target in a markdown file (code blocks and code spans are not links). */
function linksOf(file: string): string[] {
  return tokensOf(file)
    .flatMap((t) => t.children ?? [])
    .filter((t) => t.type === "link_open")
    .map((t) => t.attrGet("href") ?? "");
}

/** What is wrong with a relative link, or nothing. */
function brokenLink(from: string, href: string): string | undefined {
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined; // https:, mailto:
  const [target, anchor] = href.split("#");
  const file = target === "" ? from : path.resolve(path.dirname(from), decodeURIComponent(target));
  if (!fs.existsSync(file)) return "no such file";
  if (anchor === undefined || anchor === "") return undefined;
  if (!file.endsWith(".md")) return "an anchor into a file that is not markdown";
  return headingsOf(file).some((h) => h.anchor === anchor) ? undefined : `no heading with anchor #${anchor}`;
}

/** A document a section pointer names: README, or a markdown path relative to the file or to the project. */
function pointedDocument(from: string, name: string): string | undefined {
  if (name === "README") return path.join(projectRoot, "README.md");
  return [path.resolve(path.dirname(from), name), path.join(projectRoot, name)].find((f) => fs.existsSync(f));
}

/** A heading `Alert: X` answers to "X", and "API keys" to `API keys: one pair per consumer`. */
const namesHeading = (quoted: string, heading: string) =>
  heading === quoted || heading.startsWith(`${quoted}:`) || heading.endsWith(`: ${quoted}`);

/** A project-relative path to a TypeScript module of the project's own folders. The changelog keeps old names. */
const MODULE_POINTER = /(?<![\w./-])((?:components|lib|stacks|tools|policy|test|examples)\/[\w./-]*\.ts)\b/g;

const isTestCode = (file: string) =>
  path.relative(projectRoot, file).startsWith(`test${path.sep}`) && /\.[jt]s$/.test(file);

/** The lines of a source file that are comments (`//`, or inside a block comment). */
const commentLines = (text: string) =>
  text
    .split("\n")
    .filter((line) => /^\s*(\/\/|\/\*|\*)/.test(line))
    .join("\n");

const SECTION_POINTER = /\b(README|[\w./-]+\.md),? "([^"]{2,100})"/g;

/** A quoted heading as written across lines of a comment: one line, without the comment's markers. */
const oneLine = (quoted: string) => quoted.replace(/\s*\n\s*(?:\*|\/\/|#)?\s*/g, " ").replace(/`/g, "");

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

  it("every capability folder has a README.md that links to its page in docs/", () => {
    const missing = capabilities.filter((c) => {
      const readme = path.join(projectRoot, "components", c, "README.md");
      return !fs.existsSync(readme) || !linksOf(readme).some((href) => href.startsWith("../../docs/"));
    });
    expect(missing).toEqual([]);
  });

  it("every relative link of the README, the guides, docs/ and the capability READMEs resolves, anchors included", () => {
    const broken = documents.flatMap((doc) => {
      const file = path.join(projectRoot, doc);
      return linksOf(file).flatMap((href) => {
        const problem = brokenLink(file, href);
        return problem === undefined ? [] : [`${doc}: (${href}): ${problem}`];
      });
    });
    expect(documents.length).toBeGreaterThan(10);
    expect(broken).toEqual([]);
  });

  it("every pointer to a section in words names a heading of that document", () => {
    const broken: string[] = [];
    for (const file of textFiles(projectRoot)) {
      for (const [pointer, name, quoted] of fs.readFileSync(file, "utf8").matchAll(SECTION_POINTER)) {
        const doc = pointedDocument(file, name);
        const at = path.relative(projectRoot, file);
        if (doc === undefined) broken.push(`${at}: ${pointer}: no such document`);
        else if (!headingsOf(doc).some((h) => namesHeading(oneLine(quoted), h.text)))
          broken.push(`${at}: ${pointer}: no such heading in ${path.relative(projectRoot, doc)}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it("every path to one of the project's modules names a file that exists", () => {
    const missing: string[] = [];
    for (const file of textFiles(projectRoot)) {
      if (path.basename(file) === "CHANGELOG.md") continue;
      // A test's code may name made-up modules (a fixture's path); its comments point at real ones.
      const text = fs.readFileSync(file, "utf8");
      const read = isTestCode(file) ? commentLines(text) : text;
      for (const [, pointer] of read.matchAll(MODULE_POINTER)) {
        if (!fs.existsSync(path.join(projectRoot, pointer)))
          missing.push(`${path.relative(projectRoot, file)}: ${pointer}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe("the README's set-up", () => {
  it("names every Debian package CI installs for the integration tests, in its apt-get line", () => {
    const script = fs.readFileSync(path.join(projectRoot, ".ci", "install-test-packages"), "utf8");
    const installed = /^for package in ([^;]+); do$/m.exec(script)![1].trim().split(/\s+/);
    expect(installed).toContain("prometheus-alertmanager");
    const readme = fs.readFileSync(path.join(projectRoot, "README.md"), "utf8");
    const aptLine = /`apt-get install ([^`]+)`/.exec(readme)![1].trim().split(/\s+/);
    expect(aptLine.sort()).toEqual([...installed].sort());
  });
});
