/** Stands in for @npmcli/arborist in tests (jest.config.js; why: tools/deferred-modules.js). */
"use strict";
const path = require("path");
const { lazyExports } = require("../../../tools/deferred-modules");

// By path: the request "@npmcli/arborist" is what jest.config.js maps here.
const closureDir = path.dirname(require.resolve("@pulumi/pulumi/runtime/closure/codePaths.js"));
module.exports = lazyExports(() => require(require.resolve("@npmcli/arborist", { paths: [closureDir] })), true);
