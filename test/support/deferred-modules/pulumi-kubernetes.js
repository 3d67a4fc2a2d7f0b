/** Stands in for @pulumi/kubernetes in tests until first read (test/support/deferring-resolver.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").jestStandInExports("@pulumi/kubernetes", require);
