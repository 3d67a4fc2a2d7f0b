/**
 * The stack configuration: one schema per stack role, read once, validated before any resource exists. The
 * folder mirrors a stack file: the building blocks (fields.ts), one module per section of a region stack file
 * (region/) and the rules between them (region/index.ts), the global stack (global.ts), and reading the
 * config with its error lines (parse.ts). Components receive the plain, typed settings it returns.
 */
export { globalSchema, type GlobalSettings } from "./global";
export { loadStackConfig, parseStackConfig, type StackSettings, type StackRole } from "./parse";
export { regionSchema, type RegionSettings } from "./region";
export { REGION_LABEL_MAX } from "./region/dns";
