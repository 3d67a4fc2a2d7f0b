/**
 * The EKS add-on preflight (stacks/addon-versions.ts): a pin AWS does not list for the stack's Kubernetes minor
 * stops the program with one line; an AWS that cannot be asked only warns; the offline plan never asks.
 */
import * as pulumi from "@pulumi/pulumi";
import { InputError } from "../../lib/errors";
import { versions } from "../../lib/versions";
import {
  AddonInfo,
  AddonVersionReads,
  checkEksAddonVersions,
  EKS_ADDON_NAMES,
  eksAddonVersionReads,
} from "../../stacks/addon-versions";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { runStack, stackConfig } from "../support/plan";

jest.mock("@aws-sdk/client-eks", () => ({
  EKSClient: jest.fn(() => ({})),
  // What an unreachable endpoint does; the offline plan must never get here.
  paginateDescribeAddonVersions: jest.fn(() => {
    throw new Error("connect ETIMEDOUT");
  }),
}));

const mumbai = () => sizedRegion(parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings);

/**
 * One add-on of a DescribeAddonVersions answer in the shape the EKS API reference documents (AddonInfo,
 * AddonVersionInfo, Compatibility): each build with the cluster versions it runs on.
 */
const addonInfo = (addonName: string, builds: { version: string; clusters: string[] }[]): AddonInfo =>
  ({
    addonName,
    type: "networking",
    owner: "aws",
    publisher: "eks",
    addonVersions: builds.map((b, i) => ({
      addonVersion: b.version,
      architecture: ["amd64", "arm64"],
      computeTypes: ["ec2", "auto", "hybrid"],
      compatibilities: b.clusters.map((clusterVersion) => ({
        clusterVersion,
        platformVersions: ["*"],
        defaultVersion: i === 0,
      })),
      requiresConfiguration: false,
      requiresIamPermissions: false,
    })),
  }) as AddonInfo;

/** An EKS that lists, per add-on name, the given builds; records what it was asked. */
function eks(listed: Record<string, { version: string; clusters: string[] }[]>) {
  const asked: [string, string][] = [];
  const reads: AddonVersionReads = {
    addonVersions: async (addonName, kubernetesVersion) => {
      asked.push([addonName, kubernetesVersion]);
      return [addonInfo(addonName, listed[addonName] ?? [])];
    },
  };
  return { reads, asked };
}

const pins = versions.eksAddons["1.35"];
/** AWS's list for 1.35 with every pin among newer and older builds. */
const listing135 = () => ({
  "vpc-cni": [
    { version: "v1.21.1-eksbuild.5", clusters: ["1.35", "1.34"] },
    { version: pins.vpcCni, clusters: ["1.35", "1.34"] },
  ],
  "kube-proxy": [
    { version: "v1.35.0-eksbuild.4", clusters: ["1.35"] },
    { version: pins.kubeProxy, clusters: ["1.35"] },
  ],
  coredns: [{ version: pins.coredns, clusters: ["1.35", "1.34"] }],
  "eks-pod-identity-agent": [{ version: pins.podIdentityAgent, clusters: ["1.35", "1.34", "1.33"] }],
});

describe("the EKS add-on preflight", () => {
  it("asks EKS for each pinned add-on at the stack's Kubernetes minor, and passes when every pin is listed", async () => {
    const cfg = mumbai();
    expect(cfg.settings.cluster.kubernetesVersion).toBe("1.35");
    const { reads, asked } = eks(listing135());
    await expect(checkEksAddonVersions(cfg, reads)).resolves.toBeUndefined();
    expect(asked.sort()).toEqual(
      Object.values(EKS_ADDON_NAMES)
        .map((name) => [name, "1.35"])
        .sort(),
    );
  });

  it("stops with one line naming the add-on, its pin, the minor and region, and what AWS lists", async () => {
    const listing = listing135();
    listing["kube-proxy"] = [
      { version: "v1.35.0-eksbuild.4", clusters: ["1.35"] },
      { version: "v1.35.0-eksbuild.1", clusters: ["1.35"] },
    ];
    const check = checkEksAddonVersions(mumbai(), eks(listing).reads);
    await expect(check).rejects.toBeInstanceOf(InputError);
    await expect(check).rejects.toThrow(
      /^kube-proxy: v1\.35\.0-eksbuild\.2 is not an EKS build for Kubernetes 1\.35 in ap-south-1, got \["v1\.35\.0-eksbuild\.4","v1\.35\.0-eksbuild\.1"\]$/,
    );
  });

  it("does not take a build AWS lists for other cluster versions only", async () => {
    const listing = listing135();
    listing.coredns = [{ version: pins.coredns, clusters: ["1.34", "1.33"] }];
    await expect(checkEksAddonVersions(mumbai(), eks(listing).reads)).rejects.toThrow(
      `coredns: ${pins.coredns} is not an EKS build for Kubernetes 1.35 in ap-south-1, got []`,
    );
  });

  it("fails open: when EKS cannot be asked it warns once and lets the program go on", async () => {
    const warn = jest.spyOn(pulumi.log, "warn").mockImplementation(async () => undefined);
    try {
      const unreachable: AddonVersionReads = {
        addonVersions: async () => {
          throw new Error("AccessDeniedException: not authorized to perform eks:DescribeAddonVersions");
        },
      };
      await expect(checkEksAddonVersions(mumbai(), unreachable)).resolves.toBeUndefined();
      expect(warn).toHaveBeenCalledTimes(1);
      expect(warn.mock.calls[0][0]).toBe(
        "EKS add-on builds for Kubernetes 1.35 in ap-south-1: could not read them (AccessDeniedException: not " +
          "authorized to perform eks:DescribeAddonVersions); the pins in lib/versions.ts are not checked",
      );
    } finally {
      warn.mockRestore();
    }
  });

  it("reads every page of DescribeAddonVersions for one add-on and minor, through the stack's AWS access", async () => {
    const sdk = jest.requireMock("@aws-sdk/client-eks");
    sdk.paginateDescribeAddonVersions.mockImplementationOnce(async function* () {
      yield { addons: [addonInfo("vpc-cni", [{ version: "v1.21.1-eksbuild.5", clusters: ["1.35"] }])], nextToken: "t" };
      yield { addons: [addonInfo("vpc-cni", [{ version: pins.vpcCni, clusters: ["1.35"] }])] };
    });
    const addons = await eksAddonVersionReads("ap-south-1", { profile: "prod" }).addonVersions("vpc-cni", "1.35");
    expect(addons.flatMap((a) => a.addonVersions!.map((v) => v.addonVersion))).toEqual([
      "v1.21.1-eksbuild.5",
      pins.vpcCni,
    ]);
    expect(sdk.paginateDescribeAddonVersions.mock.calls[0][1]).toEqual({
      addonName: "vpc-cni",
      kubernetesVersion: "1.35",
    });
    expect(sdk.EKSClient).toHaveBeenLastCalledWith(expect.objectContaining({ region: "ap-south-1", profile: "prod" }));
  });

  it("is not run under the offline plan's mocks: no EKS client, no warning", async () => {
    const sdk = jest.requireMock("@aws-sdk/client-eks");
    sdk.EKSClient.mockClear();
    const plan = await runStack("mumbai");
    expect(sdk.EKSClient).not.toHaveBeenCalled();
    expect(plan.warnings.filter((w) => w.includes("EKS add-on"))).toEqual([]);
  }, 120_000);
});
