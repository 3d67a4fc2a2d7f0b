import { KARPENTER_DISCOVERY_TAG, SUBNET_TIER_TAG } from "../../../components/shared/subnet-tags";

describe("subnet tags", () => {
  // EC2 tag keys: 1-128 Unicode characters, not starting with `aws:` (reserved for AWS's own tags; CreateTags
  // refuses them) (EC2 user guide, "Tag restrictions").
  it.each([SUBNET_TIER_TAG, KARPENTER_DISCOVERY_TAG])("%s is a key EC2 takes", (key) => {
    expect(key.length).toBeGreaterThanOrEqual(1);
    expect(key.length).toBeLessThanOrEqual(128);
    expect(key.toLowerCase().startsWith("aws:")).toBe(false);
  });

  it("are two keys, so a subnet carries both the cluster's and its tier's", () => {
    expect(SUBNET_TIER_TAG).not.toBe(KARPENTER_DISCOVERY_TAG);
  });
});
