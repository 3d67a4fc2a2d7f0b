/**
 * The init container's script, run with sh and curl against a fake IMDSv2 on loopback.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { renderNodeAddressScript } from "../../../components/shared/node-address";

describe("the node address init container script", () => {
  const TOKEN = "fake-imdsv2-token";
  let mode: "ok" | "no-public-ip" = "ok";
  const requests: string[] = [];
  let server: http.Server;
  let url: string;
  let dir: string;

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      requests.push(`${req.method} ${req.url} ${req.headers["x-aws-ec2-metadata-token"] ?? "-"}`);
      const send = (status: number, body = "") => res.writeHead(status).end(body);
      if (req.method === "PUT" && req.url === "/latest/api/token") {
        return req.headers["x-aws-ec2-metadata-token-ttl-seconds"] ? send(200, TOKEN) : send(400);
      }
      if (req.headers["x-aws-ec2-metadata-token"] !== TOKEN) return send(401);
      if (req.url === "/latest/meta-data/public-ipv4" && mode === "ok") return send(200, "203.0.113.7");
      return send(404);
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", () => resolve()));
    url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  });
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "node-address-"));
    requests.length = 0;
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const run = async () => {
    const child = spawn("sh", ["-c", renderNodeAddressScript({ imdsUrl: url, dir })], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    return { status, stderr };
  };

  it("writes the public IPv4 read with an IMDSv2 session token", async () => {
    const { status } = await run();
    expect(status).toBe(0);
    expect(readFileSync(join(dir, "public-ipv4"), "utf8")).toBe("203.0.113.7\n");
    expect(requests).toEqual(["PUT /latest/api/token -", `GET /latest/meta-data/public-ipv4 ${TOKEN}`]);
  });

  it("fails with one line on a node without a public IPv4, writing nothing", async () => {
    mode = "no-public-ip";
    try {
      const { status, stderr } = await run();
      expect(status).toBe(1);
      expect(stderr.trim().split("\n")).toEqual([
        "node-address: this node has no public IPv4 (instance metadata public-ipv4: none); SFU nodes must be in public subnets with public IPs",
      ]);
      expect(existsSync(join(dir, "public-ipv4"))).toBe(false);
    } finally {
      mode = "ok";
    }
  });
});
