/**
 * jest's resolver (jest.config.js): Node's resolution, except that a file lib/deferred-modules.js defers resolves to
 * its stand-in (test/support/deferred-modules/<name>.js), however it was asked for and by whom, as tools/run.js
 * puts a stand-in under that file's name in Node's module cache. A stand-in's own requests (the real module, or what
 * a provider's index imports) resolve as usual.
 */
"use strict";
const path = require("path");
const { deferredFiles, standInName } = require("../../lib/deferred-modules");

const STAND_INS = path.join(__dirname, "deferred-modules");

/**
 * Each deferred file's stand-in, for this project's packages. Made as jest loads the resolver, so that a broken
 * package fails the run with its own message: jest takes an error thrown while resolving for "Cannot find module".
 */
const standIns = new Map(
  [...deferredFiles(path.join(__dirname, "..", ".."))].map(([name, real]) => [
    real,
    path.join(STAND_INS, `${standInName(name)}.js`),
  ]),
);

module.exports = (request, options) => {
  const resolved = options.defaultResolver(request, options);
  if (options.basedir === STAND_INS) return resolved;
  return standIns.get(resolved) ?? resolved;
};
