/**
 * Remembers the outputs of stacks already planned, so a plan that reads them (the global stack reads
 * every region) need not plan them again while neither the program nor their stack file changed.
 *
 * The key is a hash of everything a plan depends on: the program's sources (index.ts, stacks/,
 * components/, lib/, tools/), the lockfile, Pulumi.yaml, and the stack's name and stack file. Entries
 * live in .plan/.cache/ (git-ignored); each is written to a temporary file and renamed into place, so
 * concurrent plans never read half an entry.
 */
import { createHash } from "crypto";
import * as fs from "fs";
import * as path from "path";
import type { ReferencedStack } from "./result";

/** What a plan depends on besides its stack file: the program's sources, its project file and its lockfile. */
export const PROGRAM_SOURCES = ["index.ts", "Pulumi.yaml", "package-lock.json", "stacks", "components", "lib", "tools"];

function filesUnder(root: string, entry: string): string[] {
  const full = path.join(root, entry);
  if (!fs.existsSync(full)) return [];
  if (!fs.statSync(full).isDirectory()) return [entry];
  return fs
    .readdirSync(full, { recursive: true })
    .map((f) => path.join(entry, String(f)))
    .filter((f) => f.endsWith(".ts") && fs.statSync(path.join(root, f)).isFile())
    .sort();
}

const fingerprints = new Map<string, string>();

/** A hash of the program's sources: the same for every stack planned from this tree. */
export function programFingerprint(projectRoot: string): string {
  let fingerprint = fingerprints.get(projectRoot);
  if (!fingerprint) {
    const hash = createHash("sha256");
    for (const file of PROGRAM_SOURCES.flatMap((entry) => filesUnder(projectRoot, entry))) {
      hash
        .update(file)
        .update("\0")
        .update(fs.readFileSync(path.join(projectRoot, file)))
        .update("\0");
    }
    fingerprint = hash.digest("hex");
    fingerprints.set(projectRoot, fingerprint);
  }
  return fingerprint;
}

function entryPath(projectRoot: string, stack: string, stackFile: string): string {
  const key = createHash("sha256")
    .update(programFingerprint(projectRoot))
    .update(stack)
    .update("\0")
    .update(fs.readFileSync(stackFile))
    .digest("hex");
  return path.join(projectRoot, ".plan", ".cache", `${stack}-${key.slice(0, 24)}.json`);
}

export function readCachedOutputs(projectRoot: string, stack: string, stackFile: string): ReferencedStack | undefined {
  try {
    return JSON.parse(fs.readFileSync(entryPath(projectRoot, stack, stackFile), "utf8")) as ReferencedStack;
  } catch {
    return undefined;
  }
}

export function cacheOutputs(projectRoot: string, stack: string, stackFile: string, outputs: ReferencedStack): void {
  const file = entryPath(projectRoot, stack, stackFile);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(outputs));
  fs.renameSync(temporary, file);
}
