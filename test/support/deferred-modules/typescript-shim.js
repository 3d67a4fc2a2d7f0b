/** Stands in for @pulumi/pulumi's typescript-shim in tests (jest.config.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").deferredExports("typescript-shim");
