/**
 * One region's LiveKit as the token service sees it, on loopback: the health check and RoomService.ListRooms,
 * answering as livekit v1.13.5 does.
 *   GET /          200 "OK" while the node stats are fresh, 406 "Not Ready" once they are not (Redis gone):
 *                  pkg/service/server.go:408-421
 *   POST /twirp/livekit.RoomService/ListRooms
 *                  needs a token with the roomList grant, else twirp `unauthenticated` (pkg/service/auth.go:204-210,
 *                  roomservice.go:114-117); reads the rooms by name from Redis and answers the ones it has
 *                  (redisstore.go:210-240); with Redis gone the error goes back as twirp `internal`, HTTP 500
 *                  (roomservice.go:123-127)
 * The test sets what the region holds (`rooms`, `redisUp`, `statsFresh`); the token service's decisions are
 * what it checks.
 */
import * as http from "http";
import type { AddressInfo } from "net";
import { TokenVerifier } from "livekit-server-sdk";

export class FakeRegion {
  /** Room name -> SID, as in the region's Redis. */
  rooms = new Map<string, string>();
  redisUp = true;
  /** Whether `/` answers 200; it follows Redis in LiveKit, but a test may set it apart. */
  statsFresh = true;
  /** ListRooms requests received: the room names asked for. */
  readonly listRoomsAsked: string[][] = [];
  private readonly server: http.Server;

  constructor(apiKey: string, apiSecret: string) {
    const verifier = new TokenVerifier(apiKey, apiSecret);
    this.server = http.createServer((req, res) => {
      let body = "";
      req.on("data", (chunk) => (body += chunk));
      req.on("end", async () => {
        const twirpError = (status: number, code: string, msg: string) => {
          res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify({ code, msg }));
        };
        if (req.method === "GET" && req.url === "/") {
          res.writeHead(this.statsFresh ? 200 : 406).end(this.statsFresh ? "OK" : "Not Ready");
          return;
        }
        if (req.method === "POST" && req.url === "/twirp/livekit.RoomService/ListRooms") {
          const claims = await verifier
            .verify((req.headers.authorization ?? "").replace(/^Bearer /, ""))
            .catch(() => undefined);
          if (!claims?.video?.roomList) return twirpError(401, "unauthenticated", "permissions denied");
          const names = (JSON.parse(body) as { names?: string[] }).names ?? [];
          this.listRoomsAsked.push(names);
          if (!this.redisUp) return twirpError(500, "internal", "could not get rooms by names: connection refused");
          const rooms = names.filter((n) => this.rooms.has(n)).map((name) => ({ sid: this.rooms.get(name), name }));
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ rooms }));
          return;
        }
        res.writeHead(404).end("404 page not found");
      });
    });
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, "127.0.0.1", resolve));
    return `ws://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
