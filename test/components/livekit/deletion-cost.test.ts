/**
 * The deletion-cost sidecar's script, run with sh and curl against a fake livekit metrics endpoint and a
 * fake Kubernetes API on loopback. Its interval runs fast: a `sleep` first on PATH waits 50 ms whatever it is
 * asked, so three rounds take a fraction of a second instead of three.
 */
import { spawn } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { isAbsolute, join } from "node:path";
import {
  DELETION_COST_ANNOTATION,
  DELETION_COST_TOKEN_DIR,
  renderDeletionCostScript,
} from "../../../components/livekit/deletion-cost";

describe("the deletion-cost sidecar", () => {
  it("annotates its own pod with the node's participant count", async () => {
    const patches: { url: string; auth: string; type: string; body: string }[] = [];
    // The third read of the metrics starts the third round: the second one, which must not patch again, is over.
    let reads = 0;
    let thirdRead: () => void;
    const thirdRound = new Promise<void>((resolve) => (thirdRead = resolve));
    const metrics = http.createServer((_req, res) => {
      if (++reads === 3) thirdRead();
      res.end(
        '# TYPE livekit_participant_total gauge\nlivekit_participant_total{node_id="ND_x",node_type="SERVER"} 42\n' +
          'livekit_participant_total_other{node_id="ND_x"} 7\n',
      );
    });
    const api = http.createServer((req, res) => {
      let body = "";
      req.on("data", (d) => (body += d));
      req.on("end", () => {
        patches.push({
          url: `${req.method} ${req.url}`,
          auth: String(req.headers.authorization),
          type: String(req.headers["content-type"]),
          body,
        });
        res.end("{}");
      });
    });
    const listen = (s: http.Server) =>
      new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as net.AddressInfo).port)));
    const [metricsPort, apiPort] = [await listen(metrics), await listen(api)];
    const dir = mkdtempSync(join(tmpdir(), "deletion-cost-"));
    writeFileSync(join(dir, "token"), "sa-token");
    writeFileSync(join(dir, "ca.crt"), "");
    mkdirSync(join(dir, "bin"));
    // A stand-in sleep: notes the seconds the loop asked for, and waits 50 ms instead.
    writeFileSync(
      join(dir, "bin", "sleep"),
      `#!/bin/sh\necho "$*" >> "${join(dir, "slept")}"\ncommand -p sleep 0.05\n`,
    );
    chmodSync(join(dir, "bin", "sleep"), 0o755);
    try {
      const child = spawn("sh", ["-c", renderDeletionCostScript({ metricsPort, everySeconds: 1 })], {
        env: {
          PATH: `${join(dir, "bin")}:${process.env.PATH}`,
          HOST_IP: "127.0.0.1",
          POD_NAME: "livekit-server-abc",
          POD_NAMESPACE: "livekit",
          API_URL: `http://127.0.0.1:${apiPort}`,
          TOKEN_DIR: dir,
        },
        stdio: "ignore",
      });
      await thirdRound;
      child.kill("SIGTERM");
      await new Promise((r) => child.on("close", r));
      // Between rounds it sleeps the period it was given.
      expect(new Set(readFileSync(join(dir, "slept"), "utf8").trim().split("\n"))).toEqual(new Set(["1"]));
      // Once: the count did not change, so the pod is not patched again.
      expect(patches).toEqual([
        {
          url: "PATCH /api/v1/namespaces/livekit/pods/livekit-server-abc",
          auth: "Bearer sa-token",
          type: "application/merge-patch+json",
          body: JSON.stringify({ metadata: { annotations: { [DELETION_COST_ANNOTATION]: "42" } } }),
        },
      ]);
    } finally {
      metrics.close();
      api.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 10000);
});

describe("the deletion-cost sidecar's script", () => {
  it("reads its token from a directory of its own, not the default service account token's", () => {
    // The pod mounts no default token; only this container mounts the projected one (components/livekit/pod.ts).
    expect(isAbsolute(DELETION_COST_TOKEN_DIR)).toBe(true);
    expect(DELETION_COST_TOKEN_DIR).not.toBe("/var/run/secrets/kubernetes.io/serviceaccount");
    expect(renderDeletionCostScript({ metricsPort: 6789, everySeconds: 5 })).toContain(
      `dir="\${TOKEN_DIR:-${DELETION_COST_TOKEN_DIR}}"`,
    );
  });

  it("takes every port number and any whole number of seconds from 1", () => {
    for (const metricsPort of [1, 65535]) {
      expect(renderDeletionCostScript({ metricsPort, everySeconds: 1 })).toContain(`:${metricsPort}/metrics"`);
    }
  });

  it.each([
    [{ metricsPort: 0, everySeconds: 5 }, "deletion cost metricsPort: must be a port number (1-65535), got 0"],
    [{ metricsPort: 65536, everySeconds: 5 }, "deletion cost metricsPort: must be a port number (1-65535), got 65536"],
    [
      { metricsPort: 6789.5, everySeconds: 5 },
      "deletion cost metricsPort: must be a port number (1-65535), got 6789.5",
    ],
    [
      { metricsPort: 6789, everySeconds: 0 },
      "deletion cost everySeconds: must be a whole number of seconds, at least 1, got 0",
    ],
    [
      { metricsPort: 6789, everySeconds: 2.5 },
      "deletion cost everySeconds: must be a whole number of seconds, at least 1, got 2.5",
    ],
  ])("refuses %j with one line", (input, message) => {
    expect(() => renderDeletionCostScript(input)).toThrow(message);
  });
});
