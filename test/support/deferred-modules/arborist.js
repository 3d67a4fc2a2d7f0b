/** Stands in for @npmcli/arborist in tests (jest.config.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").deferredExports("arborist");
