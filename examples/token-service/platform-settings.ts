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
 *
 * (This module is not called `platform.ts`: a `platform.json` beside it would shadow it, since Node tries `.json`
 * before `.ts` for `require("./platform")`.)
 *
 * Local mode (`localPlatform`) stands in for all of that on one machine: one LiveKit, such as
 * `livekit-server --dev`, as the only region.
 */
import * as fs from "fs";
import * as path from "path";

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
  let text: string;
  try {
    text = fs.readFileSync(file, "utf8");
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (error as Error).message;
    throw new Error(
      `PLATFORM_FILE: ${reason} (write it as step 2 of docs/region-pinning.md says, or give its path), got ${path.resolve(file)}`,
    );
  }
  let outputs: unknown;
  try {
    outputs = JSON.parse(text);
  } catch {
    throw new Error(`PLATFORM_FILE: expected the JSON of \`pulumi stack output --json\`, got ${path.resolve(file)}`);
  }
  return platformFromStackOutputs(outputs as Record<string, unknown>);
}

/** The region label of local mode. */
export const LOCAL_REGION = "local";

/**
 * Local mode: one LiveKit at `url` is the only region. The key defaults to the placeholder key
 * `livekit-server --dev` accepts when it is given none (devkey/secret; livekit v1.13.5 cmd/server/main.go:211-219).
 */
export function localPlatform(url: string, apiKey = "devkey", apiSecret = "secret"): Platform {
  if (!/^wss?:\/\/[A-Za-z0-9.-]+(:\d+)?$/.test(url)) {
    throw new Error(`LOCAL_LIVEKIT_URL: expected ws://host:port or wss://host, got ${JSON.stringify(url)}`);
  }
  return { regionUrls: { [LOCAL_REGION]: url }, apiKey, apiSecret };
}

/** `https://<label>.<domain>/` for a region's wss URL: LiveKit answers it with 200 while the region is healthy. */
export function healthUrl(regionUrl: string): string {
  return `${regionUrl.replace(/^ws/, "http")}/`;
}
