/** Stands in for the SDK's callback-grpc module in tests (jest.config.js; why: lib/pulumi-sdk-internals.js). */
"use strict";
module.exports = require("../../../lib/pulumi-sdk-internals").deferredExports("callback-grpc");
