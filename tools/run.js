/**
 * Runs one of the project's TypeScript commands from a compiled copy of the sources:
 *
 *   node tools/run.js tools/commands/plan.ts --stack mumbai   (what `npm run plan -- --stack mumbai` does)
 *
 * The sources the commands run (index.ts, stacks/, components/, lib/, tools/) are transpiled file by file
 * with esbuild into `.plan/.build/<hash>/` (git-ignored), keyed by a hash of their contents, and built again
 * only when one of them changes. Each file keeps its place in the tree, so relative requires, `__dirname`
 * and module identity are as under ts-node; error stacks name the compiled files (run with
 * `NODE_OPTIONS=--enable-source-maps` to see TypeScript positions). It only transpiles: `npm run typecheck`
 * checks the types.
 *
 * Plain JavaScript, because it runs before anything is compiled.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");

const PROJECT_ROOT = path.resolve(__dirname, "..");
/** What the commands load at run time; files of any kind, so JSON documents next to the code come along. */
const SOURCES = ["index.ts", "stacks", "components", "lib", "tools"];
/** A build nobody has started a command from for this long is deleted when another one is made. */
const UNUSED_BUILD_MS = 10 * 60 * 1000;

/** Paths (relative to `root`, sorted) of every file under SOURCES. */
function sourceFiles(root) {
  const files = [];
  for (const entry of SOURCES) {
    const full = path.join(root, entry);
    if (!fs.existsSync(full)) continue;
    if (!fs.statSync(full).isDirectory()) {
      files.push(entry);
      continue;
    }
    for (const dirent of fs.readdirSync(full, { recursive: true, withFileTypes: true })) {
      if (dirent.isFile()) files.push(path.relative(root, path.join(dirent.parentPath, dirent.name)));
    }
  }
  return files.sort();
}

/** The build's key: the sources' paths and contents, this file (the build settings) and esbuild's version. */
function buildKey(root, files) {
  const hash = crypto.createHash("sha256");
  hash.update(fs.readFileSync(module.filename)).update(require("esbuild/package.json").version);
  for (const file of files)
    hash
      .update("\0")
      .update(file)
      .update("\0")
      .update(fs.readFileSync(path.join(root, file)));
  return hash.digest("hex").slice(0, 20);
}

function compile(root, files, outdir) {
  require("esbuild").buildSync({
    absWorkingDir: root,
    entryPoints: files.filter((f) => f.endsWith(".ts") && !f.endsWith(".d.ts")),
    outdir,
    outbase: root,
    bundle: false,
    format: "cjs",
    platform: "node",
    target: "node20",
    // `await import("./x")` becomes a require, as tsc emits it for CommonJS.
    supported: { "dynamic-import": false },
    sourcemap: "linked",
    logLevel: "error",
  });
  for (const file of files.filter((f) => !f.endsWith(".ts"))) {
    fs.mkdirSync(path.dirname(path.join(outdir, file)), { recursive: true });
    fs.copyFileSync(path.join(root, file), path.join(outdir, file));
  }
}

/** Deletes the other builds nobody has used for a while (a command still running from one keeps it alive). */
function pruneBuilds(buildsDir, keep) {
  for (const name of fs.readdirSync(buildsDir)) {
    if (name === keep) continue;
    const dir = path.join(buildsDir, name);
    try {
      if (Date.now() - fs.statSync(dir).mtimeMs > UNUSED_BUILD_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // another process pruned it first
    }
  }
}

/**
 * The compiled tree of `root`'s sources, built first if they changed since the last build. Safe when several
 * processes ask at once: each builds into a folder of its own and renames it into place; the first one wins.
 */
function ensureBuild(root = PROJECT_ROOT) {
  const files = sourceFiles(root);
  const key = buildKey(root, files);
  const buildsDir = path.join(root, ".plan", ".build");
  const dir = path.join(buildsDir, key);
  if (fs.existsSync(dir)) {
    const now = new Date();
    fs.utimesSync(dir, now, now); // in use: not to be pruned
    return dir;
  }
  const temporary = `${dir}.${process.pid}.tmp`;
  fs.rmSync(temporary, { recursive: true, force: true });
  compile(root, files, temporary);
  try {
    fs.renameSync(temporary, dir);
  } catch (error) {
    fs.rmSync(temporary, { recursive: true, force: true });
    if (!fs.existsSync(dir)) throw error;
  }
  pruneBuilds(buildsDir, key);
  return dir;
}

/** Where the compiled form of `sourceFile` (a .ts file of `root`) is, building first if needed. */
function compiledPath(sourceFile, root = PROJECT_ROOT) {
  const relative = path.relative(root, path.resolve(sourceFile));
  if (relative.startsWith("..") || path.isAbsolute(relative) || !relative.endsWith(".ts")) {
    throw new Error(`${sourceFile} is not a TypeScript file of ${root}`);
  }
  return path.join(ensureBuild(root), relative.replace(/\.ts$/, ".js"));
}

module.exports = { ensureBuild, compiledPath, sourceFiles };

if (require.main === module) {
  const [entry, ...args] = process.argv.slice(2);
  if (!entry) {
    process.stderr.write("usage: node tools/run.js <file.ts> [args...]\n");
    process.exit(1);
  }
  // Run the compiled entry as the main module, with the arguments it would have had.
  process.argv = [process.argv[0], compiledPath(entry), ...args];
  require("../lib/deferred-modules").deferUnusedModules(PROJECT_ROOT);
  require("module").runMain();
}
