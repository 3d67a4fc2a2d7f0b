/**
 * The jest transform: TypeScript to CommonJS with esbuild, as tools/run.js compiles the commands. It only
 * transpiles; `tsc --noEmit` checks the types once, separately. Unlike ts-jest it does not load TypeScript
 * in every test worker.
 */
"use strict";
const crypto = require("crypto");
const fs = require("fs");
const path = require("path");
const esbuild = require("esbuild");

const { compilerOptions } = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "..", "tsconfig.json"), "utf8"));
const version = crypto
  .createHash("sha256")
  .update(fs.readFileSync(module.filename))
  .update(esbuild.version)
  .update(JSON.stringify(compilerOptions))
  .digest("hex");

module.exports = {
  process(sourceText, sourcePath) {
    const { code, map } = esbuild.transformSync(sourceText, {
      loader: "ts",
      format: "cjs",
      platform: "node",
      target: "node20",
      // `await import("./x")` becomes a require, as tsc emits it for CommonJS.
      supported: { "dynamic-import": false },
      tsconfigRaw: { compilerOptions },
      sourcefile: sourcePath,
      sourcemap: "external",
    });
    return { code, map };
  },
  getCacheKey(sourceText, sourcePath) {
    return crypto.createHash("sha256").update(version).update(sourcePath).update("\0").update(sourceText).digest("hex");
  },
};
