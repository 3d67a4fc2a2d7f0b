/** Stands in for @pulumi/pulumi's typescript-shim in tests (jest.config.js; why: tools/deferred-modules.js). */
"use strict";
const { lazyExports } = require("../../../tools/deferred-modules");

module.exports = lazyExports(() => require("typescript"), false);
