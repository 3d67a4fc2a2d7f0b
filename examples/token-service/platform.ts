/**
 * What the token service needs from the platform, and where it comes from: the global stack's outputs.
 *
 *   pulumi stack output --stack global --json --show-secrets > platform.json
 *
 * gives `regionUrls` (region label -> `wss://<label>.<domain>`, deployed regions only), `applicationKeyId` and
 * `applicationKeySecret` (the application's key, which every region accepts; the global stack has checked
 * that the regions agree on it). Keep that file as secret as the key: in production, have the deploy
 * pipeline copy these values into the secret store the service already uses, or read them with a
 * StackReference from the application's own Pulumi stack.
 */
import * as fs from "fs";

export interface Platform {
  /** Region label -> wss URL. */
  regionUrls: Record<string, string>;
  apiKey: string;
  apiSecret: string;
}

/** Checks the global stack's outputs (as `pulumi stack output --json --show-secrets` prints them). */
export function platformFromStackOutputs(outputs: Record<string, unknown>): Platform {
  const { regionUrls, applicationKeyId, applicationKeySecret } = outputs;
  if (regionUrls === null || typeof regionUrls !== "object" || Object.keys(regionUrls).length === 0) {
    throw new Error("regionUrls: expected at least one region (is a region stack deployed, and global up to date?)");
  }
  for (const [label, url] of Object.entries(regionUrls)) {
    if (typeof url !== "string" || !/^wss:\/\/[a-z0-9.-]+$/.test(url)) {
      throw new Error(`regionUrls.${label}: expected a wss:// URL, got ${JSON.stringify(url)}`);
    }
  }
  if (typeof applicationKeyId !== "string" || applicationKeyId === "") {
    throw new Error("applicationKeyId: missing (pulumi up the region stacks, then global)");
  }
  if (typeof applicationKeySecret !== "string" || applicationKeySecret.length < 32) {
    // "[secret]" when --show-secrets was left out.
    throw new Error("applicationKeySecret: missing or masked (use --show-secrets)");
  }
  return {
    regionUrls: regionUrls as Record<string, string>,
    apiKey: applicationKeyId,
    apiSecret: applicationKeySecret,
  };
}

/** Reads the platform from a file holding the global stack's outputs, e.g. PLATFORM_FILE=platform.json. */
export function loadPlatform(file: string): Platform {
  return platformFromStackOutputs(JSON.parse(fs.readFileSync(file, "utf8")) as Record<string, unknown>);
}

/** `https://<label>.<domain>/` for a region's wss URL: LiveKit answers it with 200 while the region is healthy. */
export function healthUrl(wssUrl: string): string {
  return `${wssUrl.replace(/^wss:/, "https:")}/`;
}
