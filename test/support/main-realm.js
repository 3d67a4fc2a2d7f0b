/**
 * JSON.parse of Node's own realm. Jest runs test files in a sandbox whose objects have the sandbox's Object
 * prototype; a library loaded outside it with Node's loader (the CEL evaluator) refuses them as "Unsupported
 * type: Object". Values handed to such a library are copied into Node's realm through this.
 */
module.exports = { parse: (text) => JSON.parse(text) };
