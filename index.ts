/**
 * Entry point. Pulumi calls the exported function and takes what it returns as the stack's outputs.
 * The stack's settings say which role it plays: a region, or the global routing layer. They are
 * validated first, and a region's sized, so a mistake stops the program before anything is registered
 * (and before the heavier provider SDKs are even loaded).
 */
import { runsUnderMocks } from "./lib/pulumi-sdk-internals";
import { loadStackConfig } from "./stacks/config";
import { sizedRegion } from "./stacks/sizing";

export = async () => {
  const settings = loadStackConfig();
  if (settings.role === "region") {
    // Sized before anything exists: a demand the capacity model cannot place stops here, with one line, and so
    // does a region whose nodes cannot launch, or whose add-on builds EKS does not offer.
    const region = sizedRegion(settings);
    await (await import("./stacks/quotas")).checkVcpuQuota(region);
    // Asks EKS directly (no Pulumi provider answers it), so not under the offline plan's mocks.
    if (!runsUnderMocks()) await (await import("./stacks/addon-versions")).checkEksAddonVersions(region);
    return (await import("./stacks/region")).regionStack(region);
  }
  return (await import("./stacks/global")).globalStack(settings);
};
