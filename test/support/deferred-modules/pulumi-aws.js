/** Stands in for @pulumi/aws in tests: its namespaces load on first use (jest.config.js; why: lib/pulumi-sdk-internals.js). */
"use strict";
module.exports = require("../../../lib/pulumi-sdk-internals").indexDeferringNamespaces("@pulumi/aws", require);
