/** Stands in for the SDK's engine-grpc module in tests (jest.config.js; why: lib/pulumi-sdk-internals.js). */
"use strict";
module.exports = require("../../../lib/pulumi-sdk-internals").deferredExports("engine-grpc");
