/** The building blocks of the stack schemas: a DNS zone's id by provider, the account Cloudflare needs. */
import { zoneIdProblem } from "../../../stacks/config/fields";
import { parseStackConfig } from "../../../stacks/config";
import { stackConfig } from "../../support/stack-config";

describe("DNS zone ids by provider", () => {
  it.each([
    ["route53", "Z0EXAMPLEZONE00000000", undefined],
    ["route53", "Z1D633PJN98FT9", undefined],
    ["route53", "livekit.example.com", "must be a Route53 hosted zone id"],
    ["route53", "12345", "must be a Route53 hosted zone id"],
    ["route53", "/hostedzone/Z1D633PJN98FT9", "without the /hostedzone/ prefix"],
    ["route53", "0123456789abcdef0123456789abcdef", "looks like a cloudflare zone id"],
    ["cloudflare", "0123456789abcdef0123456789abcdef", undefined],
    ["cloudflare", "Z0EXAMPLEZONE00000000", "looks like a route53 zone id"],
    ["cloudflare", "0123456789ABCDEF0123456789ABCDEF", "must be a Cloudflare zone id"],
  ])("%s %s", (provider, zoneId, problem) => {
    const found = zoneIdProblem(provider, zoneId);
    if (problem === undefined) expect(found).toBeUndefined();
    else expect(found).toContain(problem);
  });
});

describe("a DNS zone", () => {
  it("requires a Cloudflare account id with the cloudflare provider", () => {
    const raw = stackConfig("mumbai", {
      "livekit-platform:dns": { provider: "cloudflare", zoneId: "fedcba9876543210fedcba9876543210" },
    });
    expect(() => parseStackConfig(raw, "mumbai")).toThrow(
      "livekit-platform:dns.cloudflareAccountId: is required when dns.provider is cloudflare, got nothing",
    );
  });
});
