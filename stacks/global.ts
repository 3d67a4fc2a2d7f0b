/**
 * The global stack: one name, <domain>, that sends each user to the nearest healthy region.
 *
 * The regions are the project's region stack files; each one's outputs (the region output contract,
 * ./region-outputs.ts) come through a StackReference. A region whose stack has not exported its load
 * balancers yet is left out with a warning, so the global stack can be deployed before, between and
 * after the regions.
 */
import * as pulumi from "@pulumi/pulumi";
import { GlobalSettings } from "./config";
import {
  agreedApplicationKeyId,
  API_KEY_FINGERPRINTS_OUTPUT,
  checkApiKeysAgree,
  readRegionOutputs,
  regionHostnames,
  REGION_OUTPUT_KEYS,
  RegionOutputKey,
  RegionOutputs,
  signallingUrl,
} from "./region-outputs";
import { checkedRegionStacks, RegionStackFile } from "./regions";
import { globalRoomsSummary } from "./rooms-checks";
import { findProjectRoot } from "./stack-files";

interface DeployedRegion {
  stack: string;
  file: string;
  outputs: RegionOutputs;
  /** The application's signing key, if the region exports it (a region last deployed before it exported `applicationKeyId` does not). */
  applicationKey?: { id: string; secret: unknown };
  /** Key id -> fingerprint of every key the region accepts, if it exports them. */
  apiKeyFingerprints?: Record<string, string>;
  applicationKeyIds: string[];
}

export async function globalStack(cfg: GlobalSettings, projectRoot: string = findProjectRoot(__dirname)) {
  const files = checkedRegionStacks(projectRoot, cfg);

  const { organization, project } = cfg.stackReferences;
  const read = await Promise.all(
    files.map((file) => readRegion(file, `${organization}/${project}/${file.settings.stackName}`)),
  );
  const deployed = read.filter((r): r is DeployedRegion => r !== undefined);
  const notDeployed = files.filter((_, i) => read[i] === undefined).map((f) => f.settings.stackName);

  // Every region must sign with the same application key: a token service holds one key for all of them.
  const applicationKeyId = agreedApplicationKeyId(
    deployed.map((r) => ({ stack: r.stack, file: r.file, keyId: r.applicationKey?.id })),
  );
  const applicationKeySecret = deployed.find((r) => r.applicationKey?.id === applicationKeyId)?.applicationKey?.secret;
  // A key id means one secret in every region; in global rooms mode every region holds every key, since a
  // participant reconnects through any region with a token its room's server signed with any of its keys.
  checkApiKeysAgree(
    deployed.flatMap(({ stack, file, apiKeyFingerprints, applicationKeyIds }) =>
      apiKeyFingerprints ? [{ stack, file, fingerprints: apiKeyFingerprints, applicationKeyIds }] : [],
    ),
    files.some((f) => f.settings.rooms.mode === "global"),
  );

  const regions: Record<string, RegionOutputs> = Object.fromEntries(deployed.map((r) => [r.stack, r.outputs]));
  if (deployed.length === 0) {
    pulumi.log.warn(
      `no region stack is deployed yet (${files.map((f) => f.settings.stackName).join(", ") || "no region stack files"}); ` +
        `${cfg.domain} routes nowhere and the global stack creates nothing`,
    );
  } else if (cfg.dns.provider === "route53") {
    const { Route53LatencyRouting } = await import("../components/route53-latency-routing");
    new Route53LatencyRouting("latency", {
      zoneId: cfg.dns.zoneId,
      domain: cfg.domain,
      turnHostname: cfg.dns.turnHostname,
      regions,
      healthCheck: cfg.dns.healthCheck,
    });
  } else {
    const { CloudflareLatencyRouting } = await import("../components/cloudflare-latency-routing");
    new CloudflareLatencyRouting("latency", {
      accountId: cfg.dns.cloudflareAccountId!, // required with provider cloudflare (config schema)
      zoneId: cfg.dns.zoneId,
      domain: cfg.domain,
      turnHostname: cfg.dns.turnHostname,
      regions,
      steering: cfg.dns.cloudflareSteering,
      checkRegions: cfg.dns.cloudflareCheckRegions,
      fallbackStack: fallbackStack(cfg, deployed),
      monitor: { ...cfg.dns.cloudflareMonitor, consecutiveDown: cfg.dns.healthCheck.failureThreshold },
    });
  }

  return {
    domain: cfg.domain,
    /** The global name: for lobbies and the first participant of a room, never for a pinned room. */
    url: `wss://${cfg.domain}`,
    dnsProvider: cfg.dns.provider,
    ...(cfg.dns.turnHostname !== undefined ? { turnHostname: cfg.dns.turnHostname } : {}),
    /** Region label -> wss URL: the token service hands a room's participants its region's URL. */
    regionUrls: Object.fromEntries(deployed.map((r) => [r.outputs.regionLabel, signallingUrl(r.outputs)])),
    regions: deployed.map(({ stack, outputs }) => ({
      stack,
      regionLabel: outputs.regionLabel,
      awsRegion: outputs.awsRegion,
      signallingHostname: outputs.signallingHostname,
      turnHostname: outputs.turnHostname,
      url: signallingUrl(outputs),
    })),
    notDeployed,
    // Global rooms mode: the hub, its members and the round trip each adds, where recordings go.
    ...(globalRoomsSummary(files) !== undefined ? { rooms: globalRoomsSummary(files) } : {}),
    // The application's signing key, as every deployed region has it: with regionUrls, all a token service
    // needs (examples/token-service). The secret stays a Pulumi secret.
    ...(applicationKeyId !== undefined
      ? { applicationKeyId, applicationKeySecret: pulumi.secret(applicationKeySecret as string) }
      : {}),
  };
}

/** A region stack's outputs, or undefined (with a warning) while it has not exported its load balancers. */
async function readRegion(
  { file, settings }: RegionStackFile,
  fullyQualifiedName: string,
): Promise<DeployedRegion | undefined> {
  const stack = settings.stackName;
  const ref = new pulumi.StackReference(fullyQualifiedName);
  const values: Partial<Record<RegionOutputKey, unknown>> = {};
  for (const key of REGION_OUTPUT_KEYS) {
    const details = await ref.getOutputDetails(key);
    // Hostnames and load balancer names are public; a secret one would be a mistake, not a reason to fail.
    values[key] = details.value ?? details.secretValue;
  }
  const result = readRegionOutputs(stack, values);
  if (!result.deployed) {
    pulumi.log.warn(
      `region stack ${stack} is not deployed yet (no outputs ${result.missing.join(", ")}); ` +
        `${stack} is left out of the routing until \`pulumi up --stack ${stack}\` and then \`pulumi up --stack global\``,
    );
    return undefined;
  }

  // The application's key (not part of the routing contract: a region without it is still routed).
  const keyId = (await ref.getOutputDetails("applicationKeyId")).value;
  const keySecret = await ref.getOutputDetails("applicationKeySecret");
  const applicationKey =
    typeof keyId === "string" ? { id: keyId, secret: keySecret.secretValue ?? keySecret.value } : undefined;
  if (applicationKey === undefined) {
    pulumi.log.warn(
      `region stack ${stack} exports no applicationKeyId yet; \`pulumi up --stack ${stack}\` to export the application's key`,
    );
  }

  // Every key the region accepts (not part of the routing contract either).
  const fingerprints = await ref.getOutputDetails(API_KEY_FINGERPRINTS_OUTPUT);
  const apiKeyFingerprints = (fingerprints.secretValue ?? fingerprints.value) as Record<string, string> | undefined;
  if (apiKeyFingerprints === undefined) {
    pulumi.log.warn(
      `region stack ${stack} exports no ${API_KEY_FINGERPRINTS_OUTPUT} yet; \`pulumi up --stack ${stack}\` to export them (its keys are left out of the check across regions until then)`,
    );
  }

  // The routing follows what is deployed; say so when the stack file has moved on since.
  const outputs = result.outputs;
  const expected = regionHostnames(settings.regionLabel, settings.domain);
  const drift = [
    outputs.awsRegion !== settings.awsRegion && `awsRegion ${outputs.awsRegion} (file: ${settings.awsRegion})`,
    outputs.regionLabel !== settings.regionLabel &&
      `regionLabel ${outputs.regionLabel} (file: ${settings.regionLabel})`,
    outputs.signallingHostname !== expected.signalling &&
      `signallingHostname ${outputs.signallingHostname} (file: ${expected.signalling})`,
    outputs.turnHostname !== expected.turn && `turnHostname ${outputs.turnHostname} (file: ${expected.turn})`,
  ].filter((d): d is string => typeof d === "string");
  if (drift.length > 0) {
    pulumi.log.warn(
      `region stack ${stack} is deployed with ${drift.join(", ")}; routing follows the deployed stack until ` +
        `\`pulumi up --stack ${stack}\` applies ${file}`,
    );
  }
  return {
    stack,
    file,
    outputs,
    applicationKey,
    apiKeyFingerprints,
    applicationKeyIds: Object.keys(settings.applicationKeys.keys),
  };
}

/** The configured fallback region if it is deployed, else the first deployed region (by stack name). */
function fallbackStack(cfg: GlobalSettings, deployed: DeployedRegion[]): string {
  const wanted = cfg.dns.cloudflareFallbackRegion;
  const match = deployed.find((r) => r.outputs.regionLabel === wanted);
  if (wanted !== undefined && match === undefined) {
    pulumi.log.warn(
      `dns.cloudflareFallbackRegion ${wanted} is not deployed yet; the fallback pool is ${deployed[0].stack}'s until it is`,
    );
  }
  return (match ?? deployed[0]).stack;
}
