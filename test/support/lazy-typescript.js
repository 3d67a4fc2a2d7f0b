/**
 * @pulumi/pulumi requires TypeScript (through its `typescript-shim`) when it loads, for closure serialization
 * (`pulumi.runtime.serializeFunction`), which no test uses. Loading the 9 MB compiler costs most of a second in
 * every test file's module registry; this stand-in loads it on first use instead (jest.config.js maps the shim
 * here).
 */
"use strict";
let typescript;
const load = () => (typescript ??= require("typescript"));
module.exports = new Proxy(
  {},
  {
    get: (_, key) => load()[key],
    has: (_, key) => key in load(),
    ownKeys: () => Reflect.ownKeys(load()),
    getOwnPropertyDescriptor: (_, key) => Object.getOwnPropertyDescriptor(load(), key),
  },
);
