/** Stands in for @pulumi/pulumi's typescript-shim in tests (jest.config.js; why: lib/pulumi-sdk-internals.js). */
"use strict";
module.exports = require("../../../lib/pulumi-sdk-internals").deferredExports("typescript-shim");
