/**
 * The init container's script, run with sh and curl against a fake IMDSv2 on loopback.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  HOST_IP_ENV_VAR,
  NODE_ADDRESS_DIR,
  NODE_ADDRESS_MOUNT,
  NODE_ADDRESS_READER_UID,
  NODE_ADDRESS_VOLUME_SPEC,
  NODE_PUBLIC_IPV4_PATH,
  nodeAddressInitContainer,
  renderNodeAddressScript,
  restrictedSecurityContext,
} from "../../../components/shared/node-address";
import { podSecurityProblems } from "../../../policy/pod-security";
import type { PodSpec } from "../../../policy/workloads";

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

describe("the node address init container and its volume", () => {
  const init = nodeAddressInitContainer("curl:pinned") as Record<string, any>;
  const reader = {
    name: "media",
    image: "media:pinned",
    env: [HOST_IP_ENV_VAR],
    volumeMounts: [NODE_ADDRESS_MOUNT],
    securityContext: { ...restrictedSecurityContext(["NET_BIND_SERVICE"]), runAsUser: 65534 },
  };
  const pod = { initContainers: [init], containers: [reader], volumes: [NODE_ADDRESS_VOLUME_SPEC] };

  it("runs the script once, as the one uid the SFU nodes let reach instance metadata, under the restricted standard", () => {
    expect(init.command).toEqual(["/bin/sh", "-c", renderNodeAddressScript()]);
    expect(renderNodeAddressScript()).toContain("\nimds=http://169.254.169.254\n");
    expect(init.securityContext).toMatchObject({
      runAsUser: NODE_ADDRESS_READER_UID,
      runAsGroup: NODE_ADDRESS_READER_UID,
    });
    // policy/pod-security.ts: the admission plugin's rules (kubernetes/pod-security-admission v0.35.2).
    expect(podSecurityProblems(pod as unknown as PodSpec, "restricted")).toEqual([]);
    expect(init.securityContext).toMatchObject({ readOnlyRootFilesystem: true, capabilities: { drop: ["ALL"] } });
    expect(init.securityContext.capabilities.add).toBeUndefined();
    expect(reader.securityContext.capabilities).toEqual({ drop: ["ALL"], add: ["NET_BIND_SERVICE"] });
    expect(init.resources).toEqual({ requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } });
  });

  it("writes the address into a small memory-backed volume the media containers mount read-only", () => {
    expect(init.name).toBe("node-address");
    expect(init.volumeMounts).toEqual([{ name: NODE_ADDRESS_VOLUME_SPEC.name, mountPath: NODE_ADDRESS_DIR }]);
    expect(NODE_ADDRESS_VOLUME_SPEC.emptyDir).toEqual({ medium: "Memory", sizeLimit: "1Mi" });
    expect(NODE_ADDRESS_MOUNT).toEqual({
      name: NODE_ADDRESS_VOLUME_SPEC.name,
      mountPath: NODE_ADDRESS_DIR,
      readOnly: true,
    });
    expect(NODE_ADDRESS_DIR).toMatch(/^\/[^/]/);
    expect(NODE_PUBLIC_IPV4_PATH.startsWith(`${NODE_ADDRESS_DIR}/`)).toBe(true);
  });

  it("hands the node's private address to a container through the Downward API", () => {
    expect(HOST_IP_ENV_VAR).toEqual({ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } });
  });

  it.each([
    [
      { imdsUrl: "https://169.254.169.254" },
      'node address imdsUrl: must be http://host[:port], got "https://169.254.169.254"',
    ],
    [
      { imdsUrl: "http://169.254.169.254/latest" },
      'node address imdsUrl: must be http://host[:port], got "http://169.254.169.254/latest"',
    ],
    [{ imdsUrl: "xhttp://imds" }, 'node address imdsUrl: must be http://host[:port], got "xhttp://imds"'],
    [{ dir: "run/node-address" }, 'node address dir: must be an absolute path, got "run/node-address"'],
    [{ dir: "/run/node address" }, 'node address dir: must be an absolute path, got "/run/node address"'],
  ])("refuses %j with one line", (input, message) => {
    expect(() => renderNodeAddressScript(input)).toThrow(message);
  });
});
