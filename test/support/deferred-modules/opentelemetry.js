/** Stands in for the SDK's opentelemetry module in tests (jest.config.js; why: lib/deferred-modules.js). */
"use strict";
module.exports = require("../../../lib/deferred-modules").deferredExports("opentelemetry");
