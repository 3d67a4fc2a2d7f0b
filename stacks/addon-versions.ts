/**
 * Preflight: the EKS add-on builds pinned for the stack's Kubernetes minor (lib/versions.ts eksAddons) are
 * builds EKS offers for that minor in the stack's region. pulumi-eks v4.3.0 hands the pins to EKS unchanged
 * (nodejs/eks/cluster/cluster.ts:764-792, addons/cni-addon.ts:272-301), and EKS refuses a build it does not
 * list only when the add-on is created or updated: a wrong build string fails the first `pulumi up` part way,
 * after the cluster (about 10 minutes) exists. AWS's list is DescribeAddonVersions, filtered by add-on and
 * Kubernetes version; each build names the cluster versions it runs on (`compatibilities[].clusterVersion`).
 *
 * Like the vCPU quota preflight it runs before anything is registered, on a real `pulumi up` or preview only
 * (under the offline plan's mocks index.ts skips it: no AWS is behind them), and fails open: when AWS cannot be
 * asked (no network, no credentials, no eks:DescribeAddonVersions permission), it warns and lets the program go on.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../lib/errors";
import { EksAddonVersions, eksAddonsFor } from "../lib/versions";
import type { SizedRegion } from "./sizing";
import { sdkConfigFor } from "./quotas";

/** The EKS name of each pinned add-on (`aws eks describe-addon-versions --addon-name`). */
export const EKS_ADDON_NAMES: Readonly<Record<keyof EksAddonVersions, string>> = {
  vpcCni: "vpc-cni",
  kubeProxy: "kube-proxy",
  coredns: "coredns",
  podIdentityAgent: "eks-pod-identity-agent",
};

/** One add-on of a DescribeAddonVersions answer, as far as the check reads it (AddonInfo in the EKS API). */
export interface AddonInfo {
  addonName?: string;
  addonVersions?: {
    addonVersion?: string;
    /** The cluster versions (`1.35`) the build runs on, each with its platform versions. */
    compatibilities?: { clusterVersion?: string; defaultVersion?: boolean }[];
  }[];
}

/** What the preflight reads from AWS; the default asks EKS, tests pass their own. */
export interface AddonVersionReads {
  /** Every page's `addons` of DescribeAddonVersions for one add-on and Kubernetes version. */
  addonVersions(addonName: string, kubernetesVersion: string): Promise<AddonInfo[]>;
}

/** The builds of `addonName` that AWS lists as running on Kubernetes `minor`, in AWS's order (newest first). */
export function buildsFor(addons: AddonInfo[], addonName: string, minor: string): string[] {
  return addons
    .filter((a) => a.addonName === addonName)
    .flatMap((a) => a.addonVersions ?? [])
    .filter((v) => (v.compatibilities ?? []).some((c) => c.clusterVersion === minor))
    .flatMap((v) => (v.addonVersion === undefined ? [] : [v.addonVersion]));
}

/**
 * Asks EKS for the builds of every pinned add-on and stops the program, with one line naming the first pin
 * that is not among them; warns and returns when EKS cannot be asked.
 */
export async function checkEksAddonVersions(
  region: SizedRegion,
  reads: AddonVersionReads = eksAddonVersionReads(region.settings.awsRegion, region.settings.awsAccess),
) {
  const { awsRegion } = region.settings;
  const minor = region.settings.cluster.kubernetesVersion;
  // The config has refused a minor without pins (cluster.kubernetesVersion).
  const pins = eksAddonsFor(minor);
  if (pins === undefined) return;
  const addons = Object.keys(EKS_ADDON_NAMES) as (keyof EksAddonVersions)[];
  let listed: string[][];
  try {
    listed = await Promise.all(
      addons.map(async (addon) =>
        buildsFor(await reads.addonVersions(EKS_ADDON_NAMES[addon], minor), EKS_ADDON_NAMES[addon], minor),
      ),
    );
  } catch (e) {
    pulumi.log.warn(
      `EKS add-on builds for Kubernetes ${minor} in ${awsRegion}: could not read them (${(e as Error).message}); ` +
        `the pins in lib/versions.ts are not checked`,
    );
    return;
  }
  addons.forEach((addon, i) => {
    if (!listed[i].includes(pins[addon])) {
      throw new InputError(
        EKS_ADDON_NAMES[addon],
        `${pins[addon]} is not an EKS build for Kubernetes ${minor} in ${awsRegion}`,
        listed[i],
      );
    }
  });
}

/** DescribeAddonVersions through the AWS SDK (loaded on use), as the stack's provider reaches AWS. */
export function eksAddonVersionReads(
  awsRegion: string,
  access: SizedRegion["settings"]["awsAccess"] = {},
): AddonVersionReads {
  return {
    addonVersions: async (addonName, kubernetesVersion) => {
      const { EKSClient, paginateDescribeAddonVersions } = await import("@aws-sdk/client-eks");
      const client = new EKSClient({
        ...(await sdkConfigFor(awsRegion, access)),
        // An unreachable endpoint fails in seconds, not after the SDK's default retries.
        maxAttempts: 2,
        requestHandler: { connectionTimeout: 5_000, requestTimeout: 15_000 },
      });
      const addons: AddonInfo[] = [];
      for await (const page of paginateDescribeAddonVersions({ client }, { addonName, kubernetesVersion })) {
        addons.push(...(page.addons ?? []));
      }
      return addons;
    },
  };
}
