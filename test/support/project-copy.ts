/**
 * The program in a temp folder, for end-to-end plans of a changed set of stack files: its sources copied,
 * node_modules linked (removing the folder unlinks it, never its target), and the compiled build
 * (tools/run.js) copied, so the copy need not build it again. No stack files: the caller writes those.
 * Everything the plan cache fingerprints is copied (the lockfile too), so a cache entry copied along is found.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { PROGRAM_SOURCES } from "../../tools/plan/cache";
import { ensureBuild } from "../../tools/run";
import { projectRoot } from "./plan";

const PROGRAM = [...PROGRAM_SOURCES, "tsconfig.json", "package.json"];

export function copyOfProgram(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const entry of PROGRAM) {
    fs.cpSync(path.join(projectRoot, entry), path.join(dir, entry), { recursive: true });
  }
  fs.symlinkSync(path.join(projectRoot, "node_modules"), path.join(dir, "node_modules"), "dir");
  const build = ensureBuild(projectRoot);
  fs.cpSync(build, path.join(dir, ".plan", ".build", path.basename(build)), { recursive: true });
  return dir;
}
