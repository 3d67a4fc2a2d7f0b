/**
 * Entry point. Pulumi calls the exported function and takes what it returns as the stack's outputs.
 * The stack's config says which role it plays: a region, or the global routing layer.
 */
import { loadStackConfig } from "./stacks/config";
import { globalStack } from "./stacks/global";
import { regionStack } from "./stacks/region";

export = async () => {
  const config = loadStackConfig();
  return config.role === "region" ? regionStack(config) : globalStack(config);
};
