/** Stands in for grpc in tests until first read (test/support/deferring-resolver.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").jestStandInExports("grpc", require);
