/** Stands in for @pulumi/kubernetes in tests: its namespaces load on first use (jest.config.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").indexDeferringNamespaces("@pulumi/kubernetes", require);
