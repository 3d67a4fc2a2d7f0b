/**
 * The volume guard's program, run as the pod runs it: POSIX sh and a real kubectl, against a stand-in for the
 * Kubernetes API on loopback that serves the PersistentVolumes and PersistentVolumeClaims the test sets (the
 * objects' real shape, so kubectl's JSONPath and the awk filter are what is tested). The poll is shortened.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as http from "http";
import { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { EBS_CSI_DRIVER, volumeGuardScript } from "../../../components/block-storage/volume-guard";
import { requiresTool } from "../../support/skip";

const KUBECTL = (process.env.PATH ?? "")
  .split(path.delimiter)
  .map((dir) => path.join(dir, "kubectl"))
  .find((candidate) => fs.existsSync(candidate));
const withKubectl = requiresTool(
  __filename,
  "kubectl",
  Boolean(KUBECTL),
  "not found on PATH (.ci/install-test-packages installs Debian's kubernetes-client)",
);

interface Volume {
  name: string;
  driver?: string;
  policy: "Delete" | "Retain";
  phase: string;
  claim?: [string, string];
}

/** What the stand-in API serves; tests change it while the guard runs. */
const cluster = { volumes: [] as Volume[], claims: [] as Array<[string, string]>, forbidden: false };

function persistentVolume(v: Volume) {
  return {
    apiVersion: "v1",
    kind: "PersistentVolume",
    metadata: { name: v.name },
    spec: {
      ...(v.driver ? { csi: { driver: v.driver, volumeHandle: `vol-${v.name}` } } : { hostPath: { path: "/x" } }),
      persistentVolumeReclaimPolicy: v.policy,
      ...(v.claim ? { claimRef: { kind: "PersistentVolumeClaim", namespace: v.claim[0], name: v.claim[1] } } : {}),
    },
    status: { phase: v.phase },
  };
}

const resources = [
  { name: "persistentvolumes", kind: "PersistentVolume", namespaced: false, shortNames: ["pv"] },
  { name: "persistentvolumeclaims", kind: "PersistentVolumeClaim", namespaced: true, shortNames: ["pvc"] },
].map((r) => ({ ...r, singularName: r.kind.toLowerCase(), verbs: ["get", "list"] }));

function answer(url: string): [number, unknown] {
  switch (url.split("?")[0]) {
    case "/version":
      return [200, { major: "1", minor: "35", gitVersion: "v1.35.0" }];
    case "/api":
      return [200, { kind: "APIVersions", versions: ["v1"], serverAddressByClientCIDRs: [] }];
    case "/apis":
      return [200, { kind: "APIGroupList", apiVersion: "v1", groups: [] }];
    case "/api/v1":
      return [200, { kind: "APIResourceList", groupVersion: "v1", resources }];
    case "/api/v1/persistentvolumes":
      if (cluster.forbidden) return [403, { kind: "Status", apiVersion: "v1", status: "Failure", code: 403 }];
      return [
        200,
        { kind: "PersistentVolumeList", apiVersion: "v1", metadata: {}, items: cluster.volumes.map(persistentVolume) },
      ];
    case "/api/v1/persistentvolumeclaims":
      return [
        200,
        {
          kind: "PersistentVolumeClaimList",
          apiVersion: "v1",
          metadata: {},
          items: cluster.claims.map(([namespace, name]) => ({ metadata: { namespace, name } })),
        },
      ];
    default:
      return [404, { kind: "Status", apiVersion: "v1", status: "Failure", code: 404 }];
  }
}

withKubectl.describe("the volume guard", () => {
  let server: http.Server;
  let dir: string;
  let guard: ChildProcess | undefined;
  let output = "";

  beforeAll(async () => {
    server = http.createServer((req, res) => {
      const [status, body] = answer(req.url ?? "/");
      res.writeHead(status, { "Content-Type": "application/json" });
      res.end(JSON.stringify(body));
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "volume-guard-"));
    fs.writeFileSync(
      path.join(dir, "kubeconfig"),
      JSON.stringify({
        apiVersion: "v1",
        kind: "Config",
        clusters: [{ name: "stand-in", cluster: { server: `http://127.0.0.1:${port}` } }],
        users: [{ name: "guard", user: {} }],
        contexts: [{ name: "stand-in", context: { cluster: "stand-in", user: "guard" } }],
        "current-context": "stand-in",
      }),
    );
  });

  afterEach(() => {
    // The guard runs in its own process group: end it and whatever it started.
    if (guard?.pid !== undefined && guard.exitCode === null && guard.signalCode === null)
      process.kill(-guard.pid, "SIGKILL");
    guard = undefined;
  });

  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  function start(): void {
    output = "";
    guard = spawn("/bin/sh", ["-c", volumeGuardScript({ driver: EBS_CSI_DRIVER, pollSeconds: 0.2 })], {
      env: { PATH: process.env.PATH, HOME: dir, KUBECONFIG: path.join(dir, "kubeconfig") },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    guard.stdout!.on("data", (chunk) => (output += chunk));
    guard.stderr!.on("data", (chunk) => (output += chunk));
  }

  const exited = () => guard!.exitCode !== null || guard!.signalCode !== null;
  /**
   * The guard idles: its shell has set `trap stop TERM` (SIGTERM is among the signals it catches) and sleeps in
   * `wait` on the `sleep` it started, so a SIGTERM from now on runs the trap, which ends that sleep. (Before the
   * trap, SIGTERM would end the shell; between starting the sleep and `wait`, the trap would not know the sleep.)
   * Read from /proc: the shell's state, caught signals (SigCgt, bit 14 for SIGTERM) and children.
   */
  const idling = () => {
    const pid = guard!.pid!;
    // A kernel without CONFIG_PROC_CHILDREN has no children file: say so instead of timing out without a reason.
    if (!fs.existsSync(`/proc/self/task/${process.pid}/children`))
      throw new Error(
        "this kernel has no /proc/<pid>/task/<tid>/children (CONFIG_PROC_CHILDREN) to see the guard idle",
      );
    try {
      const status = fs.readFileSync(`/proc/${pid}/status`, "utf8");
      const caught = BigInt(`0x${/^SigCgt:\s*([0-9a-f]+)$/m.exec(status)![1]}`);
      return (
        ((caught >> 14n) & 1n) === 1n &&
        /^State:\s*S/m.test(status) &&
        fs.readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim() !== ""
      );
    } catch {
      return false; // not started yet, or gone
    }
  };
  const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  async function until(what: string, condition: () => boolean, ms = 5000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; guard said:\n${output}`);
      await pause(50);
    }
  }

  it("idles until asked to stop, then stops at once while every volume's claim exists", async () => {
    cluster.volumes = [
      {
        name: "pv-prometheus",
        driver: EBS_CSI_DRIVER,
        policy: "Delete",
        phase: "Bound",
        claim: ["monitoring", "db-0"],
      },
    ];
    cluster.claims = [["monitoring", "db-0"]];
    cluster.forbidden = false;
    start();
    await until("the guard to idle", idling);
    // Waiting on its sleep, having listed nothing and said nothing.
    expect({ exited: exited(), output }).toEqual({ exited: false, output: "" });
    guard!.kill("SIGTERM");
    await until("the guard to exit", exited, 3000);
    expect(guard!.exitCode).toBe(0);
    expect(output).toContain("no volume awaits deletion");
  });

  it("waits for every released volume of the driver, or one whose claim is gone, until the driver has deleted it", async () => {
    cluster.volumes = [
      {
        name: "pv-released",
        driver: EBS_CSI_DRIVER,
        policy: "Delete",
        phase: "Released",
        claim: ["monitoring", "db-0"],
      },
      {
        name: "pv-claim-gone",
        driver: EBS_CSI_DRIVER,
        policy: "Delete",
        phase: "Bound",
        claim: ["monitoring", "am-0"],
      },
      // Not waited for: in use, kept by policy, another driver's, never claimed, not a CSI volume.
      { name: "pv-in-use", driver: EBS_CSI_DRIVER, policy: "Delete", phase: "Bound", claim: ["monitoring", "grafana"] },
      { name: "pv-retained", driver: EBS_CSI_DRIVER, policy: "Retain", phase: "Released", claim: ["monitoring", "x"] },
      { name: "pv-efs", driver: "efs.csi.aws.com", policy: "Delete", phase: "Released", claim: ["monitoring", "y"] },
      { name: "pv-unclaimed", driver: EBS_CSI_DRIVER, policy: "Delete", phase: "Available" },
      { name: "pv-host", policy: "Delete", phase: "Released", claim: ["monitoring", "z"] },
    ];
    cluster.claims = [["monitoring", "grafana"]];
    cluster.forbidden = false;
    start();
    await until("the guard to idle", idling);
    guard!.kill("SIGTERM");
    await until("the first listing", () => output.includes("awaiting deletion:"));
    expect(output).toContain("awaiting deletion: pv-released pv-claim-gone\n");

    cluster.volumes = cluster.volumes.filter((v) => v.name !== "pv-released");
    await until("the next listing", () => output.endsWith("awaiting deletion: pv-claim-gone\n"));
    expect(exited()).toBe(false);

    cluster.volumes = cluster.volumes.filter((v) => v.name !== "pv-claim-gone");
    await until("the guard to exit", exited);
    expect(guard!.exitCode).toBe(0);
    expect(output).toContain("no volume awaits deletion");
  });

  it("never takes a listing that fails for none left", async () => {
    cluster.volumes = [];
    cluster.claims = [];
    cluster.forbidden = true;
    start();
    await until("the guard to idle", idling);
    guard!.kill("SIGTERM");
    await until("a failed listing", () => output.includes("cannot list volumes and claims; retrying"));
    await pause(500);
    expect(exited()).toBe(false);

    cluster.forbidden = false;
    await until("the guard to exit", exited);
    expect(guard!.exitCode).toBe(0);
  });
});
