/**
 * The token service over HTTP (node:http, no framework), as an example to adapt:
 *
 *   GET  /regions              region label -> wss URL; the client fetches https://<label>.<domain>/ of each
 *                              and sends the fastest label as `region`
 *   POST /token                {room, identity, name?, region?, canPublish?} -> {url, token, region}; the client
 *                              calls it again, and connects anew, when LiveKit disconnects it unasked (a
 *                              reconnect with a token signed by a retired key gets 401)
 *   GET  /join?room=&identity=[&region=]
 *                              demo only: redirects the browser to LiveKit Meet's custom page with the
 *                              url and token (a token in a URL ends up in browser history: never in production)
 *   POST /livekit/webhook      LiveKit's webhooks (livekit.webhook.urls), signed with the application key:
 *                              room_started records the room's SID on its pin, room_finished for that SID
 *                              forgets the pin; egress_ended carries the recording
 *
 * It trusts the identity in the request: put it behind your own authentication and take the identity from
 * the signed-in user. Run it (settings from the environment, see `fromEnvironment`):
 *   PLATFORM_FILE=platform.json npm start           the deployed regions (see platform-settings.ts)
 *   LOCAL_LIVEKIT_URL=ws://localhost:7880 npm start  local mode: one LiveKit, no health probes
 */
import * as http from "http";
import { WebhookReceiver } from "livekit-server-sdk";
import { HttpRegionHealth, NoHealthProbes, RegionHealth } from "./health";
import { LOCAL_REGION, loadPlatform, localPlatform, Platform } from "./platform-settings";
import { InMemoryPinStore } from "./pins";
import { LiveKitRoomDirectory } from "./room-directory";
import { BadRequest, NoRegionAvailable, TokenService } from "./token-service";

export interface ServerOptions {
  /** Origin allowed to call /token and /regions from a browser (CORS); none if unset. */
  allowedOrigin?: string;
  /** Receives verified webhook events; default: log them. */
  onEvent?: (event: { event: string; room?: string; sid?: string; egressId?: string }) => void;
  log?: (line: string) => void;
}

const MAX_BODY_BYTES = 64 * 1024;

export function createServer(service: TokenService, webhooks: WebhookReceiver, options: ServerOptions = {}) {
  const log = options.log ?? ((line: string) => console.log(line));
  return http.createServer((req, res) => {
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, {
        "content-type": "application/json",
        "cache-control": "no-store",
        ...(options.allowedOrigin
          ? { "access-control-allow-origin": options.allowedOrigin, "access-control-allow-headers": "content-type" }
          : {}),
        ...headers,
      });
      res.end(JSON.stringify(body));
    };
    const fail = (error: unknown) => {
      if (error instanceof BadRequest) send(400, { error: error.message });
      else if (error instanceof NoRegionAvailable) send(503, { error: error.message });
      else {
        log(`error: ${(error as Error)?.stack ?? String(error)}`);
        send(500, { error: "internal error" });
      }
    };
    const url = new URL(req.url ?? "/", "http://localhost");

    readBody(req)
      .then(async (body) => {
        if (req.method === "OPTIONS") return send(204, {});
        if (req.method === "GET" && url.pathname === "/regions") return send(200, service.regionUrls());
        if (req.method === "POST" && url.pathname === "/token") {
          const input = parseJson(body);
          return send(
            200,
            await service.join({
              room: String(input.room ?? ""),
              identity: String(input.identity ?? ""),
              name: typeof input.name === "string" ? input.name : undefined,
              regionHint: typeof input.region === "string" ? input.region : undefined,
              canPublish: typeof input.canPublish === "boolean" ? input.canPublish : undefined,
            }),
          );
        }
        if (req.method === "GET" && url.pathname === "/join") {
          const joined = await service.join({
            room: url.searchParams.get("room") ?? "",
            identity: url.searchParams.get("identity") ?? "",
            regionHint: url.searchParams.get("region") ?? undefined,
          });
          const meet = new URL("https://meet.livekit.io/custom");
          meet.searchParams.set("liveKitUrl", joined.url);
          meet.searchParams.set("token", joined.token);
          return send(302, { region: joined.region }, { location: meet.toString() });
        }
        if (req.method === "POST" && url.pathname === "/livekit/webhook") {
          // Verifies the signature (the application key) and the body's hash before trusting anything.
          const event = await webhooks.receive(body, req.headers.authorization).catch(() => undefined);
          if (event === undefined) return send(401, { error: "bad webhook signature" });
          // room_started and room_finished carry the whole Room: its name and its SID (livekit v1.13.5
          // pkg/telemetry/events.go:45-73).
          const room = event.room?.name;
          const sid = event.room?.sid;
          if (event.event === "room_started" && room && sid) await service.roomStarted(room, sid);
          if (event.event === "room_finished" && room && sid) await service.roomFinished(room, sid);
          (options.onEvent ?? ((e) => log(`webhook ${e.event} ${e.room ?? ""} ${e.sid ?? ""} ${e.egressId ?? ""}`)))({
            event: event.event,
            room,
            sid,
            egressId: event.egressInfo?.egressId,
          });
          return send(200, {});
        }
        return send(404, { error: "not found" });
      })
      .catch(fail);
  });
}

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (chunk: string) => {
      body += chunk;
      if (body.length > MAX_BODY_BYTES) {
        reject(new BadRequest("body too large"));
        req.destroy();
      }
    });
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

function parseJson(body: string): Record<string, unknown> {
  try {
    const value = JSON.parse(body) as unknown;
    if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // fall through
  }
  throw new BadRequest("expected a JSON object");
}

/** A setting the service cannot start with: one line, exit code 2. */
export class SettingError extends Error {}

export interface Settings {
  platform: Platform;
  health: RegionHealth & { start?(): Promise<void>; stop?(): void };
  defaultRegion?: string;
  port: number;
  allowedOrigin?: string;
  /** What the service prints when it starts. */
  banner: string;
}

/**
 * The service's settings from its environment:
 *   LOCAL_LIVEKIT_URL   local mode: this one LiveKit (e.g. `livekit-server --dev`'s ws://localhost:7880) is the
 *                       only region, no health probes; key LIVEKIT_API_KEY / LIVEKIT_API_SECRET, default
 *                       devkey / secret. Not with PLATFORM_FILE.
 *   PLATFORM_FILE       otherwise: the global stack's outputs (default platform.json, in the current folder)
 *   EXCLUDE_REGIONS     regions to stop serving (comma-separated): their rooms pin afresh elsewhere. For a region
 *                       given up for good, which the service cannot tell from a broken path to it.
 *   DEFAULT_REGION, PORT (default 8080), ALLOWED_ORIGIN
 */
export function fromEnvironment(env: NodeJS.ProcessEnv): Settings {
  const port = Number(env.PORT ?? 8080);
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new SettingError(`PORT: expected a port number, got ${env.PORT}`);
  const common = { port, allowedOrigin: env.ALLOWED_ORIGIN };
  if (env.LOCAL_LIVEKIT_URL !== undefined) {
    if (env.PLATFORM_FILE !== undefined) {
      throw new SettingError(
        `LOCAL_LIVEKIT_URL: set it or PLATFORM_FILE, not both, got PLATFORM_FILE=${env.PLATFORM_FILE}`,
      );
    }
    const platform = settle(() => localPlatform(env.LOCAL_LIVEKIT_URL!, env.LIVEKIT_API_KEY, env.LIVEKIT_API_SECRET));
    return {
      ...common,
      platform,
      health: new NoHealthProbes(),
      banner:
        `LOCAL MODE: every room goes to ${platform.regionUrls[LOCAL_REGION]} (region "${LOCAL_REGION}", key ` +
        `${platform.apiKey}); no health probes, no other region. For trying the example, not for production.`,
    };
  }
  const deployed = settle(() => loadPlatform(env.PLATFORM_FILE ?? "platform.json"));
  const excluded = (env.EXCLUDE_REGIONS ?? "")
    .split(",")
    .map((r) => r.trim())
    .filter((r) => r !== "");
  for (const region of excluded) {
    if (!(region in deployed.regionUrls)) {
      throw new SettingError(
        `EXCLUDE_REGIONS: ${region} is not one of the regions (${Object.keys(deployed.regionUrls).join(", ")}), got ${env.EXCLUDE_REGIONS}`,
      );
    }
  }
  const regionUrls = Object.fromEntries(Object.entries(deployed.regionUrls).filter(([r]) => !excluded.includes(r)));
  if (Object.keys(regionUrls).length === 0)
    throw new SettingError(`EXCLUDE_REGIONS: leaves no region, got ${env.EXCLUDE_REGIONS}`);
  if (env.DEFAULT_REGION !== undefined && !(env.DEFAULT_REGION in regionUrls)) {
    throw new SettingError(
      `DEFAULT_REGION: expected one of ${Object.keys(regionUrls).join(", ")}, got ${env.DEFAULT_REGION}`,
    );
  }
  const platform = { ...deployed, regionUrls };
  return {
    ...common,
    platform,
    health: new HttpRegionHealth(regionUrls),
    defaultRegion: env.DEFAULT_REGION,
    banner: `regions ${Object.keys(regionUrls).join(", ")}${excluded.length ? ` (not serving ${excluded.join(", ")})` : ""}`,
  };
}

function settle<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    throw new SettingError((error as Error).message);
  }
}

/** Starts the service from its settings; resolves once it listens. */
export async function start(settings: Settings, log: (line: string) => void = (line) => console.log(line)) {
  const { platform } = settings;
  await settings.health.start?.();
  const service = new TokenService({
    platform,
    pins: new InMemoryPinStore(),
    health: settings.health,
    rooms: new LiveKitRoomDirectory(platform, { log }),
    defaultRegion: settings.defaultRegion,
    log,
  });
  const server = createServer(service, new WebhookReceiver(platform.apiKey, platform.apiSecret), {
    allowedOrigin: settings.allowedOrigin,
    log,
  });
  server.on("close", () => settings.health.stop?.());
  await new Promise<void>((resolve) => server.listen(settings.port, resolve));
  log(settings.banner);
  log(`token service listening on :${(server.address() as { port: number }).port}`);
  return server;
}

if (require.main === module) {
  let settings: Settings;
  try {
    settings = fromEnvironment(process.env);
  } catch (error) {
    if (!(error instanceof SettingError)) throw error;
    console.error(`error: ${error.message}`);
    process.exit(2);
  }
  void start(settings);
}
