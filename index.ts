/**
 * Entry point. Pulumi calls the exported function and takes what it returns as the stack's outputs.
 * The stack's config says which role it plays: a region, or the global routing layer. The config is
 * validated first, so a mistake stops the program before anything is registered (and before the
 * heavier provider SDKs are even loaded).
 */
import { loadStackConfig } from "./stacks/config";

export = async () => {
  const config = loadStackConfig();
  if (config.role === "region") {
    // Before anything exists: a region whose nodes cannot launch stops here, with one line.
    await (await import("./stacks/quotas")).checkVcpuQuota(config);
    return (await import("./stacks/region")).regionStack(config);
  }
  return (await import("./stacks/global")).globalStack(config);
};
