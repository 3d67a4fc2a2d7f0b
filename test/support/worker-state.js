/**
 * State that outlives one test file. Jest gives every test file a fresh module registry, so a module it loads
 * is loaded again for the next file; this one is loaded with Node's own loader (see kubernetes-schemas.ts),
 * so every test file run by the same worker process gets this same Map.
 */
"use strict";
module.exports = new Map();
