/** Stands in for zod's locales in tests (jest.config.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").deferredExports("zod-locales");
