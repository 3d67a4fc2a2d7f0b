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
 *                              room_finished forgets the room's pin; egress_ended carries the recording
 *
 * It trusts the identity in the request: put it behind your own authentication and take the identity from
 * the signed-in user. Run it: `PLATFORM_FILE=platform.json npm start` (see platform.ts for the file).
 */
import * as http from "http";
import { WebhookReceiver } from "livekit-server-sdk";
import { loadPlatform } from "./platform";
import { InMemoryPinStore } from "./pins";
import { BadRequest, HttpRegionHealth, NoRegionAvailable, TokenService } from "./token-service";

export interface ServerOptions {
  /** Origin allowed to call /token and /regions from a browser (CORS); none if unset. */
  allowedOrigin?: string;
  /** Receives verified webhook events; default: log them. */
  onEvent?: (event: { event: string; room?: string; egressId?: string }) => void;
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
          const room = event.room?.name;
          if (event.event === "room_finished" && room) await service.roomFinished(room);
          (options.onEvent ?? ((e) => log(`webhook ${e.event} ${e.room ?? ""} ${e.egressId ?? ""}`)))({
            event: event.event,
            room,
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

if (require.main === module) {
  const platform = loadPlatform(process.env.PLATFORM_FILE ?? "platform.json");
  const service = new TokenService({
    platform,
    pins: new InMemoryPinStore(),
    health: new HttpRegionHealth(platform.regionUrls),
    defaultRegion: process.env.DEFAULT_REGION,
  });
  const port = Number(process.env.PORT ?? 8080);
  createServer(service, new WebhookReceiver(platform.apiKey, platform.apiSecret), {
    allowedOrigin: process.env.ALLOWED_ORIGIN,
  }).listen(port, () =>
    console.log(`token service on :${port}, regions ${Object.keys(platform.regionUrls).join(", ")}`),
  );
}
