/**
 * The rendered turnserver.conf and start script, run by a REAL turnserver on loopback.
 *
 * Uses `turnserver` from PATH (Debian's coturn, installed in CI by .ci/install-test-packages) or the binary
 * named by TURNSERVER_BIN. Skips only when none is installed and CI is unset; in CI a missing binary fails.
 *
 * Which coturn: Debian's package (trixie: 4.6.1), not the image the platform pins (coturn/coturn:4.17.0-r0,
 * lib/versions.ts); the describe titles name the version found (`turnserver --version`, and the dpkg
 * version when Debian's). Debian builds coturn without its Prometheus exporter, so the metrics test is
 * skipped there, with that reason, in CI too; the exporter's metric names are checked against coturn
 * 4.17.0's source instead (test/components/monitoring/upstream-metrics.test.ts).
 * Everything binds to 127.0.0.1 / ::1. CreatePermission towards public peers sends nothing to them: a
 * TURN permission is server-side state only.
 */
import { ChildProcess, execFileSync, spawn, spawnSync } from "node:child_process";
import * as dgram from "node:dgram";
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from "node:fs";
import * as http from "node:http";
import * as net from "node:net";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { COTURN_SECRET_KEY, COTURN_SECRETS_KEY, renderCoturnStartScript } from "../../../components/coturn/start";
import { LIVEKIT_TURN_CREDENTIAL_TTL_SECONDS } from "../../../components/livekit/server-config";
import {
  TurnserverConfInput,
  deniedPeerRanges,
  renderTurnserverConf,
} from "../../../components/coturn/turnserver-conf";
import { COTURN_RESOURCES } from "../../../components/coturn/defaults";
import { parseStackConfig, RegionSettings } from "../../../stacks/config";
import { sizedRegion } from "../../../stacks/sizing";
import { turnserverSettings } from "../../../stacks/coturn-settings";
import { stackConfig } from "../../support/stack-config";
import {
  Method,
  StunMessage,
  TurnClient,
  errorCode,
  errorReason,
  fingerprintMatches,
  integrityMatches,
  restCredentials,
  Transport,
} from "../../support/turn-client";
import { requiresTool, runIf } from "../../support/skip";
import { versions } from "../../../lib/versions";

const binary = process.env.TURNSERVER_BIN ?? onPath("turnserver");
const real = requiresTool(
  "test/components/coturn/turnserver.int.test.ts",
  "turnserver",
  Boolean(binary),
  "not installed; install the Debian package `coturn` (CI: .ci/install-test-packages) or set TURNSERVER_BIN",
);
const describeReal = real.describe;

const SECRET = "s3cret-for-loopback-tests_0123456789";
const input: TurnserverConfInput = {
  realm: "turn-test.example.com",
  relayPorts: { min: 41000, max: 41099 },
  sfuPorts: { min: 50000, max: 60000 },
  userQuota: 2,
  totalQuota: 100,
};
const expiresIn = (seconds: number) => Math.floor(Date.now() / 1000) + seconds;

/** What this turnserver build can do: the test adapts only its loopback command line, never the file. */
interface Build {
  version: [number, number];
  exporter: boolean;
  exporterAddress: boolean;
}

/** The build at `bin`, asked once per binary (each question starts turnserver). */
const inspected = new Map<string, Build>();
function inspect(bin: string): Build {
  let build = inspected.get(bin);
  if (!build) inspected.set(bin, (build = askBuild(bin)));
  return build;
}

function askBuild(bin: string): Build {
  const version = execFileSync(bin, ["--version"], { encoding: "utf8", timeout: 5000 }).trim();
  const match = /^(\d+)\.(\d+)/.exec(version);
  if (!match) throw new Error(`cannot read the version of ${bin}: ${version}`);
  const help = spawnSync(bin, ["-h"], { encoding: "utf8", timeout: 5000 });
  const usage = `${help.stdout}${help.stderr}`;
  return {
    version: [Number(match[1]), Number(match[2])],
    exporter: /--prometheus(?![-\w])/.test(usage),
    exporterAddress: usage.includes("--prometheus-address"),
  };
}

/** The Debian package version of the installed coturn, if dpkg knows it. */
function debianVersion(): string | undefined {
  const r = spawnSync("dpkg-query", ["-W", "-f=${Version}", "coturn"], { encoding: "utf8", timeout: 5000 });
  return r.status === 0 && r.stdout.trim() ? r.stdout.trim() : undefined;
}

/** The installed build, read once at load so titles and skips can name it. */
const installed = binary
  ? {
      ...inspect(binary),
      text: execFileSync(binary, ["--version"], { encoding: "utf8", timeout: 5000 }).trim(),
      debian: debianVersion(),
    }
  : undefined;
/** "coturn 4.6.1 (Debian package 4.6.1-1) at /usr/bin/turnserver; the platform's image is coturn/coturn:4.17.0-r0" */
const RUNS_AGAINST = installed
  ? `coturn ${installed.text}${installed.debian ? ` (Debian package ${installed.debian})` : ""} at ${binary}; the platform's image is ${versions.images.coturn}`
  : `no turnserver; the platform's image is ${versions.images.coturn}`;
const withExporter = runIf(
  Boolean(installed?.exporter),
  `${RUNS_AGAINST}: this build has no Prometheus exporter (Debian builds coturn without it)`,
);

/**
 * Loopback-only command-line additions. Before 4.10 coturn started a telnet CLI and DTLS by default
 * (4.17, the image, does neither); turn them off so the test server matches the image.
 */
function buildArgs(build: Build, metricsPort: number): string[] {
  const args: string[] = [];
  if (build.version[0] === 4 && build.version[1] < 10) args.push("--no-cli", "--no-dtls");
  if (build.exporter) args.push(`--prometheus-port=${metricsPort}`);
  if (build.exporterAddress) args.push("--prometheus-address=127.0.0.1");
  return args;
}

interface Server {
  process: ChildProcess;
  log: () => string;
}

async function startServer(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  ready: { ip: string; port: number },
): Promise<Server> {
  const child = spawn(command, args, { env, stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const server = { process: child, log: () => output };
  const deadline = Date.now() + 8000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`turnserver exited with ${child.exitCode}:\n${output}`);
    if (await answersBinding(ready)) return server;
    await new Promise((r) => setTimeout(r, 100));
  }
  await stopServer(server);
  throw new Error(`turnserver did not answer on ${ready.ip}:${ready.port} within 8 s:\n${output}`);
}

async function stopServer(server: Server | undefined): Promise<void> {
  const child = server?.process;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  child.kill("SIGTERM");
  // coturn 4.17 joins its threads for up to ~5 s after SIGTERM; the test does not need to wait.
  const timer = setTimeout(() => child.kill("SIGKILL"), 500);
  await exited;
  clearTimeout(timer);
}

async function answersBinding(server: { ip: string; port: number }): Promise<boolean> {
  const client = await TurnClient.open(server, { username: "", password: "" }, 300);
  try {
    return (await client.send(Method.Binding, () => [])).cls === "success";
  } catch {
    return false;
  } finally {
    client.close();
  }
}

/** A port free for UDP and TCP on both loopback addresses (turnserver binds all four). */
async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const tcp = net.createServer();
    await new Promise<void>((resolve) => tcp.listen(0, "127.0.0.1", () => resolve()));
    const port = (tcp.address() as net.AddressInfo).port;
    const holders: (() => Promise<void>)[] = [() => new Promise((r) => tcp.close(() => r()))];
    let ok = true;
    for (const [type, host] of [
      ["udp4", "127.0.0.1"],
      ["udp6", "::1"],
    ] as const) {
      const socket = dgram.createSocket(type);
      ok &&= await new Promise<boolean>((resolve) => {
        socket.once("error", () => resolve(false));
        socket.bind(port, host, () => resolve(true));
      });
      holders.push(() => new Promise((r) => socket.close(() => r())));
    }
    const tcp6 = net.createServer();
    ok &&= await new Promise<boolean>((resolve) => {
      tcp6.once("error", () => resolve(false));
      tcp6.listen(port, "::1", () => resolve(true));
    });
    holders.push(() => new Promise((r) => (tcp6.listening ? tcp6.close(() => r()) : r())));
    await Promise.all(holders.map((h) => h().catch(() => undefined)));
    if (ok) return port;
  }
  throw new Error("no free loopback port found");
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? "").split(delimiter)) {
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function requireBinary(): string {
  if (!binary) throw new Error("turnserver is not installed; CI must install coturn (.ci/install-test-packages)");
  return binary;
}

/** Keys turnserver warned about ("Bad configuration format"); unknown lines never abort coturn. */
function rejectedKeys(log: string): string[] {
  return [...new Set([...log.matchAll(/Bad configuration format: (\S+)/g)].map((m) => m[1].split("=")[0]))].sort();
}

/** Debian's 4.6.1 is built without the exporter, so it does not know the two prometheus keys. */
function keysUnknownTo(build: Build): string[] {
  return build.exporter ? [] : ["prometheus", "prometheus-port"];
}

/** "success", or "error <code>" (4.17 sends no reason phrase unless include-reason-string). */
function describeAnswer(m: StunMessage): string {
  return m.cls === "error" ? `error ${errorCode(m)}` : m.cls;
}

describeReal(`a real turnserver running the rendered turnserver.conf (${RUNS_AGAINST})`, () => {
  let dir: string;
  let server: Server | undefined;
  let build: Build;
  let port: number;
  let metricsPort: number;
  const v4 = () => ({ ip: "127.0.0.1", port });
  const v6 = () => ({ ip: "::1", port });
  const clients: TurnClient[] = [];
  const client = async (
    target: { ip: string; port: number },
    credentials = restCredentials(SECRET, "alice", expiresIn(3600)),
  ) => {
    const c = await TurnClient.open(target, credentials);
    clients.push(c);
    return c;
  };

  beforeAll(async () => {
    const bin = requireBinary();
    build = inspect(bin);
    dir = mkdtempSync(join(tmpdir(), "turnserver-test-"));
    writeFileSync(join(dir, "turnserver.conf"), renderTurnserverConf(input));
    port = await freePort();
    metricsPort = await freePort();
    server = await startServer(
      bin,
      [
        "-c",
        join(dir, "turnserver.conf"),
        // Loopback-specific overrides only; everything else comes from the rendered file.
        "--listening-ip=127.0.0.1",
        "--listening-ip=::1",
        "--relay-ip=127.0.0.1",
        "--relay-ip=::1",
        `--listening-port=${port}`,
        `--static-auth-secret=${SECRET}`,
        "--log-file=stdout",
        `--pidfile=${join(dir, "turnserver.pid")}`,
        `--userdb=${join(dir, "turndb")}`,
        ...buildArgs(build, metricsPort),
      ],
      process.env,
      v4(),
    );
  }, 15000);

  afterAll(async () => {
    clients.forEach((c) => c.close());
    await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("accepts every line of the rendered file", () => {
    const log = server!.log();
    expect(rejectedKeys(log)).toEqual(keysUnknownTo(build));
    expect(log).not.toMatch(/CONFIG ERROR|CONFIGURATION ALERT|Wrong address|Aborting|Cannot find config file/);
    for (const range of deniedPeerRanges()) expect(log).toContain(`Black listing: ${range}\n`);
    expect(log).toContain(`Default realm: ${input.realm}`);
    expect(log).toContain("--no-tcp-relay");
    expect(log).not.toContain("log file opened"); // stdout only, no file under /var/log
  });

  it("allocates a UDP relay inside the relay range with a credential derived from the shared secret", async () => {
    const alice = await client(v4());
    const { answer, relayed, mapped } = await alice.allocate();
    expect(describeAnswer(answer)).toBe("success");
    expect(alice.announcedRealm).toBe(input.realm);
    expect(relayed?.ip).toBe("127.0.0.1");
    expect(relayed!.port).toBeGreaterThanOrEqual(input.relayPorts.min);
    expect(relayed!.port).toBeLessThanOrEqual(input.relayPorts.max);
    expect(mapped?.ip).toBe("127.0.0.1");
    // The server signed its answer with the same long-term key, and fingerprinted it.
    expect(integrityMatches(answer, alice.key!)).toBe(true);
    expect(fingerprintMatches(answer)).toBe(true);
  });

  it("refuses a wrong password with 401", async () => {
    const { username } = restCredentials(SECRET, "mallory", expiresIn(3600));
    const mallory = await client(v4(), {
      username,
      password: restCredentials("not-the-secret", "mallory", 0).password,
    });
    const { answer } = await mallory.allocate();
    expect(describeAnswer(answer)).toBe("error 401");
  });

  it("refuses an expired credential with 401", async () => {
    const late = await client(v4(), restCredentials(SECRET, "late", expiresIn(-60)));
    expect(describeAnswer((await late.allocate()).answer)).toBe("error 401");
  });

  it("refuses a credential LiveKit minted with its rendered TTL once that TTL has passed", async () => {
    // livekit-server mints `<now + ttl>:<participant>`; this one was minted ttl + 5 s ago.
    const ttl = LIVEKIT_TURN_CREDENTIAL_TTL_SECONDS;
    const mintedAt = Math.floor(Date.now() / 1000) - ttl - 5;
    const stale = await client(v4(), restCredentials(SECRET, "PA_stale", mintedAt + ttl));
    expect(describeAnswer((await stale.allocate()).answer)).toBe("error 401");
    const fresh = await client(v4(), restCredentials(SECRET, "PA_fresh", expiresIn(ttl)));
    expect(describeAnswer((await fresh.allocate()).answer)).toBe("success");
  });

  it("keeps serving an allocation made before its credential expired (a long call keeps its relay)", async () => {
    // coturn takes a REST username while its timestamp is not before time(NULL) (coturn 4.6.1
    // src/apps/relay/userdb.c:549): a credential stamped with a second is good until the next one starts. Stamped
    // with the second 1.5 s from now: the allocation has 1.5 s or more (two round trips on a busy machine), and the
    // credential expires 1.5 to 2.5 s from now.
    const longCall = async () => {
      const expiry = Math.floor((Date.now() + 1500) / 1000);
      const caller = await client(v4(), restCredentials(SECRET, "PA_long_call", expiry));
      const answer = describeAnswer((await caller.allocate()).answer);
      return { expiry, caller, answer, answeredInTime: Date.now() < (expiry + 1) * 1000 };
    };
    let call = await longCall();
    // Refused, but answered after the stamp's second: coturn may have judged an expired credential (a machine too
    // busy to allocate in a second and a half). Stamp again; refused in time is a failure.
    for (let tries = 1; tries < 3 && call.answer !== "success" && !call.answeredInTime; tries++)
      call = await longCall();
    const { expiry, caller } = call;
    expect(call.answer).toBe("success");
    // Until the credential has expired: from the second after its stamp on.
    await new Promise((r) => setTimeout(r, (expiry + 1) * 1000 + 200 - Date.now()));
    // The credential has expired: a new allocation with it is refused.
    const again = await client(v4(), restCredentials(SECRET, "PA_long_call", expiry));
    expect(describeAnswer((await again.allocate()).answer)).toBe("error 401");
    // Signed with the key coturn derived at allocation time; the expiry is not looked at again.
    expect(describeAnswer(await caller.createPermission("8.8.8.8"))).toBe("success");
  }, 10000);

  describe("keeps TURN relays away from the metadata service, loopback and private networks", () => {
    let relay: TurnClient;
    beforeAll(async () => {
      relay = await client(v4(), restCredentials(SECRET, "bob", expiresIn(3600)));
      expect(describeAnswer((await relay.allocate()).answer)).toBe("success");
    });

    it.each([
      ["169.254.169.254", "EC2 instance metadata"],
      ["127.0.0.1", "loopback"],
      ["10.1.2.3", "VPC / pods"],
      ["172.20.0.10", "EKS service CIDR"],
      ["192.168.1.1", "private"],
      ["100.64.0.1", "shared address space"],
      ["198.18.0.1", "benchmarking"],
      ["192.0.2.1", "documentation"],
      ["224.0.0.251", "multicast"],
      ["255.255.255.255", "broadcast"],
    ])("refuses a permission to %s (%s) with 403 Forbidden", async (peer) => {
      const answer = await relay.createPermission(peer);
      expect(describeAnswer(answer)).toBe("error 403");
      if (errorReason(answer)) expect(errorReason(answer)).toBe("Forbidden IP");
    });

    it("still grants a permission to a public peer (nothing is sent to it)", async () => {
      expect(describeAnswer(await relay.createPermission("8.8.8.8"))).toBe("success");
    });
  });

  describe("over IPv6 too", () => {
    let relay: TurnClient;
    beforeAll(async () => {
      relay = await client(v6(), restCredentials(SECRET, "carol", expiresIn(3600)));
      const { answer, relayed } = await relay.allocate(6);
      expect(describeAnswer(answer)).toBe("success");
      expect(relayed?.ip).toBe("0:0:0:0:0:0:0:1");
    });

    it.each([
      ["::1", "loopback"],
      ["::ffff:169.254.169.254", "metadata, IPv4-mapped (CVE-2026-27624 on coturn < 4.9)"],
      ["::ffff:10.0.0.1", "private, IPv4-mapped"],
      ["64:ff9b::a9fe:a9fe", "metadata through NAT64"],
      ["2002:a9fe:a9fe::1", "metadata through 6to4"],
      ["fd00:ec2::254", "EC2 instance metadata over IPv6"],
      ["fe80::1", "link-local"],
      ["ff02::1", "multicast"],
      ["2001:db8::1", "documentation"],
    ])("refuses a permission to %s (%s) with 403 Forbidden", async (peer) => {
      expect(describeAnswer(await relay.createPermission(peer))).toBe("error 403");
    });

    it("still grants a permission to a public IPv6 peer (nothing is sent to it)", async () => {
      expect(describeAnswer(await relay.createPermission("2606:4700:4700::1111"))).toBe("success");
    });
  });

  it("caps allocations per TURN username (user-quota)", async () => {
    const credentials = restCredentials(SECRET, "greedy", expiresIn(3600));
    const answers: string[] = [];
    for (let i = 0; i < input.userQuota + 1; i++) {
      answers.push(describeAnswer((await (await client(v4(), credentials)).allocate()).answer));
    }
    expect(answers).toEqual([...Array(input.userQuota).fill("success"), "error 486"]);
  });

  withExporter.it("serves Prometheus metrics on the rendered prometheus-port", async () => {
    expect(build.exporter).toBe(true);
    const body = await new Promise<string>((resolve, reject) => {
      http
        .get({ host: "127.0.0.1", port: metricsPort, path: "/metrics", timeout: 2000 }, (res) => {
          let text = "";
          res.on("data", (d) => (text += d));
          res.on("end", () => resolve(text));
        })
        .on("error", reject);
    });
    expect(body).toMatch(/^turn_total_allocations/m);
  });
});

/**
 * mumbai's turnserver.conf, byte for byte what its ConfigMap ships (test/stacks/media-plane.plan.test.ts checks
 * that the two agree), and the capacity model's figures it was rendered from.
 */
const mumbai = sizedRegion(parseStackConfig(stackConfig("mumbai"), "mumbai") as RegionSettings);
const mumbaiConf = turnserverSettings(mumbai);
const mumbaiTurn = mumbai.sizing.media.turn;
/** Participants on one node at the model's peak: the region's over its peak nodes (the NLB spreads them evenly). */
const peakParticipants = Math.ceil(mumbai.sizing.plan.load.participants / mumbai.sizing.plan.sfu.peakNodes);

/** Kernel limit on this process's open files (each test allocation holds one socket here). */
function openFilesLimit(): number {
  const line = readFileSync("/proc/self/limits", "utf8")
    .split("\n")
    .find((l) => l.startsWith("Max open files"));
  return Number(line?.split(/\s{2,}/)[1] ?? 0);
}

/** Resident memory of a process, MiB (VmRSS in /proc/<pid>/status). */
function rssMiB(pid: number): number {
  const kib = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  if (!kib) throw new Error(`no VmRSS for process ${pid}`);
  return Number(kib[1]) / 1024;
}

describeReal(`mumbai's rendered turnserver.conf under a browser-shaped peak (${RUNS_AGAINST})`, () => {
  // Every participant allocates on both TURN servers LiveKit hands out (TURN/UDP 3478, TURN/TLS 443) from both of
  // its PeerConnections, relayed or not. The NLB terminates TLS and forwards TCP to 3478, so a TURN/TLS
  // allocation reaches coturn as TURN over TCP: these four per participant are exactly what coturn sees.
  const SHAPE: readonly Transport[] = ["udp", "udp", "tcp", "tcp"];
  let dir: string;
  let server: Server | undefined;
  let port: number;
  const target = () => ({ ip: "127.0.0.1", port });
  const held: TurnClient[] = [];
  const expiry = expiresIn(LIVEKIT_TURN_CREDENTIAL_TTL_SECONDS);

  /**
   * Allocate Mismatch (437) answers, with coturn's reason. coturn 4.6.1 (handle_turn_allocate in
   * src/server/ns_turn_server.c) sends 437 for a second Allocate with a new transaction ID on a session that
   * holds one ("Mismatched allocation: wrong transaction ID"), which this client never sends, and for a relay it
   * could not set up without a code (register_callback_on_ioa_socket failing); 4.17.0 answers the latter 508. CI
   * once saw one among 3,128 allocations on a loaded machine, cause not known. A browser answers 437 by allocating
   * again from a new socket, at most twice (libwebrtc p2p/base/turn_port.cc, OnAllocateMismatch), and so does this
   * test; it prints each 437 with coturn's log and fails on more than one in a thousand allocations.
   */
  const mismatches: string[] = [];
  let allocations = 0;

  /** One allocation as a browser makes it: a new socket per try, another try after a 437. */
  const allocateLikeABrowser = async (credentials: ReturnType<typeof restCredentials>, transport: Transport) => {
    for (let attempt = 0; ; attempt++) {
      const c = await TurnClient.open(target(), credentials, 5000, transport);
      held.push(c);
      allocations++;
      const { answer } = await c.allocate();
      const described = describeAnswer(answer);
      if (described !== "error 437" || attempt === 2) return described;
      mismatches.push(`${transport}: ${errorReason(answer) || "no reason phrase"}`);
    }
  };

  /** Fails on more than one 437 per thousand allocations; prints those seen, with what coturn logged. */
  const expectRareMismatches = () => {
    if (mismatches.length > 0) {
      const logged = server!
        .log()
        .split("\n")
        .filter((line) => /error|mismatch|437/i.test(line))
        .slice(-10);
      console.info(`437 answers (allocated again): ${mismatches.join("; ")}\ncoturn logged:\n${logged.join("\n")}`);
    }
    expect(mismatches.length).toBeLessThanOrEqual(Math.ceil(allocations / 1000));
  };

  /** One participant's four allocations under its one LiveKit username; every answer, in SHAPE order. */
  const allocateAll = async (participant: string): Promise<string[]> => {
    const credentials = restCredentials(SECRET, participant, expiry);
    return Promise.all(SHAPE.map((transport) => allocateLikeABrowser(credentials, transport)));
  };

  /** `count` participants joining, 32 at a time; every answer, and how long they took. */
  const crowd = async (first: number, count: number) => {
    const answers: string[] = [];
    let next = first;
    const started = process.hrtime.bigint();
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < first + count) answers.push(...(await allocateAll(`PA_${next++}`)));
      }),
    );
    return { answers, seconds: Number(process.hrtime.bigint() - started) / 1e9 };
  };

  const tally = (answers: string[]) =>
    answers.reduce<Record<string, number>>((t, a) => ({ ...t, [a]: (t[a] ?? 0) + 1 }), {});

  beforeAll(async () => {
    const bin = requireBinary();
    const build = inspect(bin);
    const needed = mumbaiTurn.totalQuota + 200;
    if (openFilesLimit() < needed)
      throw new Error(`this test holds ${needed} sockets; raise the open-files limit (ulimit -n ${needed})`);
    dir = mkdtempSync(join(tmpdir(), "turnserver-peak-test-"));
    writeFileSync(join(dir, "turnserver.conf"), renderTurnserverConf(mumbaiConf));
    port = await freePort();
    server = await startServer(
      bin,
      [
        "-c",
        join(dir, "turnserver.conf"),
        "--listening-ip=127.0.0.1",
        "--relay-ip=127.0.0.1",
        `--listening-port=${port}`,
        `--static-auth-secret=${SECRET}`,
        "--log-file=stdout",
        `--pidfile=${join(dir, "turnserver.pid")}`,
        `--userdb=${join(dir, "turndb")}`,
        // Loopback only: the per-session cap test relays to a peer on 127.0.0.1, which the rendered
        // denied-peer-ip list refuses; coturn checks allowed-peer-ip before it (good_peer_addr).
        "--allow-loopback-peers",
        "--allowed-peer-ip=127.0.0.1",
        ...buildArgs(build, await freePort()),
      ],
      process.env,
      target(),
    );
  }, 15000);

  afterAll(async () => {
    held.forEach((c) => c.close());
    await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("renders the model's quota and per-session cap, and no bps-capacity", () => {
    const conf = renderTurnserverConf(mumbaiConf);
    expect(conf).toContain(`\ntotal-quota=${mumbaiTurn.totalQuota}\n`);
    expect(conf).toContain(`\nmax-bps=${mumbaiTurn.maxBytesPerSecond}\n`);
    expect(conf).not.toMatch(/^bps-capacity/m);
    expect(rejectedKeys(server!.log())).toEqual(keysUnknownTo(inspect(requireBinary())));
  });

  it("caps one session at max-bps: a relayed stream at 3x the cap is cut to it, one at half the cap passes", async () => {
    const cap = mumbaiTurn.maxBytesPerSecond;
    /** A peer on loopback sends `factor` x max-bps of 1,200-byte datagrams to a fresh relay, as the SFU would to a relayed subscriber. */
    const stream = async (participant: string, factor: number, seconds: number) => {
      const c = await TurnClient.open(target(), restCredentials(SECRET, participant, expiry), 5000);
      const { answer, relayed } = await c.allocate();
      expect(describeAnswer(answer)).toBe("success");
      expect(describeAnswer(await c.createPermission("127.0.0.1"))).toBe("success");
      let received = 0;
      // What coturn writes to the client socket: the bytes max-bps counts there.
      c.onData((m) => (received += m.raw.length));
      const peer = dgram.createSocket("udp4");
      await new Promise<void>((resolve) => peer.bind(0, "127.0.0.1", () => resolve()));
      const payload = Buffer.alloc(1200, 7);
      let sent = 0;
      const start = Date.now();
      await new Promise<void>((resolve) => {
        const tick = setInterval(() => {
          const elapsed = (Date.now() - start) / 1000;
          if (elapsed >= seconds) {
            clearInterval(tick);
            resolve();
            return;
          }
          for (; sent < factor * cap * elapsed; sent += payload.length) peer.send(payload, relayed!.port, relayed!.ip);
        }, 5);
      });
      const took = (Date.now() - start) / 1000;
      await new Promise((resolve) => setTimeout(resolve, 200));
      peer.close();
      expect(describeAnswer(await c.release())).toBe("success");
      c.close();
      return { sent, received, seconds: took };
    };
    // One after the other: two streams at once on 2 shared cores lose datagrams in the kernel's socket buffers.
    // A busy machine can still drop some (a starved event loop lets the socket buffer overflow), which only ever
    // lowers what arrives: the lower bounds get up to three tries, the cap's upper bound holds on every one.
    const retried = async (
      run: () => ReturnType<typeof stream>,
      enough: (s: Awaited<ReturnType<typeof stream>>) => boolean,
    ) => {
      let result = await run();
      for (let tries = 1; tries < 3 && !enough(result); tries++) result = await run();
      return result;
    };
    const under = await retried(
      () => stream("PA_light", 0.5, 1),
      (s) => s.received >= 0.9 * s.sent,
    );
    const over = await retried(
      () => stream("PA_heavy", 3, 2),
      (s) => s.received >= 0.9 * cap,
    );
    // Below the cap what the peer sends arrives (Data indications carry the payload plus 36 bytes of framing).
    expect(under.received).toBeGreaterThanOrEqual(0.9 * under.sent);
    // Above it, coturn passes at most max-bps per one-second tick and drops the rest: over the stream's time
    // (plus its tail) no more than the ticks it touches allow, far less than was sent, and at least a tick's worth.
    const ticks = Math.ceil(over.seconds + 0.2) + 1;
    expect(over.received).toBeLessThanOrEqual(cap * ticks);
    expect(over.received).toBeLessThan(0.7 * over.sent);
    expect(over.received).toBeGreaterThanOrEqual(0.9 * cap);
  }, 30000);

  it("admits every allocation of the node's peak: participants x 2 PeerConnections x TURN/UDP and TURN/TCP", async () => {
    const participants = peakParticipants;
    const before = rssMiB(server!.process.pid!);
    const { answers, seconds } = await crowd(0, participants);
    expect(answers).toHaveLength(participants * SHAPE.length);
    expect(tally(answers)).toEqual({ success: participants * SHAPE.length });
    expectRareMismatches();
    const after = rssMiB(server!.process.pid!);
    console.info(
      `coturn ${installed?.text}: ${answers.length} allocations (${participants} participants) in ${seconds.toFixed(2)} s, ` +
        `${Math.round(answers.length / seconds)}/s, ${mismatches.length} answered 437 and allocated again; ` +
        `RSS ${before.toFixed(0)} -> ${after.toFixed(0)} MiB`,
    );
  }, 30000);

  it("degrades instead of refusing: past the peak every allocation succeeds up to total-quota, then 486 until one is released", async () => {
    const quota = mumbaiTurn.totalQuota;
    expect(quota).toBeGreaterThan(peakParticipants * SHAPE.length);
    // As many participants again as the peak: the quota's margin.
    const { answers, seconds } = await crowd(peakParticipants, quota / SHAPE.length - peakParticipants);
    // Every allocation up to the quota succeeds. coturn charges the quota to a session before it sets up the relay
    // and gives it back when the session closes (ns_turn_server.c at 4.17.0: 1403, 4602), so a session answered 437,
    // still open here, holds a slot: at most that many of the last ones meet the quota's 486.
    const expected = quota - peakParticipants * SHAPE.length;
    const { success = 0, "error 486": refused = 0, ...other } = tally(answers);
    expect(other).toEqual({});
    expect(success + refused).toBe(expected);
    expect(refused).toBeLessThanOrEqual(mismatches.length);
    expectRareMismatches();
    const rss = rssMiB(server!.process.pid!);
    console.info(
      `coturn ${installed?.text}: ${quota} allocations, the whole total-quota (the last ${answers.length} in ${seconds.toFixed(2)} s, ` +
        `${refused} refused by slots sessions answered 437 held); RSS ${rss.toFixed(0)} MiB`,
    );
    // The node's memory request holds a full quota.
    expect(rss).toBeLessThan(COTURN_RESOURCES.memoryRequestMiB);
    // One more is refused by the allocation quota (486), whatever its transport; a released one makes room.
    expect(await allocateAll("PA_late")).toEqual(SHAPE.map(() => "error 486"));
    const leaving = held.find((c) => c.transport === "udp")!;
    expect(describeAnswer(await leaving.release())).toBe("success");
    // coturn deletes a released allocation when its remaining lifetime, at least 1 s, runs out
    // (ns_turn_server.c refresh_relay_connection); then the next participant gets it.
    const retries: string[] = [];
    for (let attempt = 0; attempt < 15 && retries.at(-1) !== "success"; attempt++) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      const late = await TurnClient.open(target(), restCredentials(SECRET, `PA_later_${attempt}`, expiry), 5000);
      held.push(late);
      retries.push(describeAnswer((await late.allocate()).answer));
    }
    expect(retries.at(-1)).toBe("success");
    expect(retries.slice(0, -1).every((a) => a === "error 486")).toBe(true);
  }, 30000);
});

describeReal(`the Coturn start script on a real turnserver (${RUNS_AGAINST})`, () => {
  const PUBLIC_IP = "203.0.113.7";
  let dir: string;
  let server: Server | undefined;
  let build: Build;
  let port: number;

  /**
   * Writes the ConfigMap and Secret files and the rendered script; returns the node's root dir. With
   * `perLine`, the Secret file is the accepted-secrets key (one secret per line), as during a rotation.
   */
  const prepare = (
    name: string,
    secret: string,
    {
      metricsOnPrivateIp = true,
      publicIp = PUBLIC_IP,
      perLine = false,
      relayPorts = { min: 41100, max: 41199 },
    }: {
      metricsOnPrivateIp?: boolean;
      publicIp?: string | null;
      perLine?: boolean;
      relayPorts?: { min: number; max: number };
    } = {},
  ) => {
    const root = join(dir, name);
    for (const sub of ["config", "secret", "runtime", "node-address"]) mkdirp(join(root, sub));
    // What the node-address init container leaves behind (nothing at all when it failed).
    if (publicIp !== null) writeFileSync(join(root, "node-address", "public-ipv4"), `${publicIp}\n`);
    writeFileSync(join(root, "config", "turnserver.conf"), renderTurnserverConf({ ...input, relayPorts }));
    const secretPath = join(root, "secret", perLine ? COTURN_SECRETS_KEY : COTURN_SECRET_KEY);
    writeFileSync(secretPath, secret);
    const script = renderCoturnStartScript({
      confPath: join(root, "config", "turnserver.conf"),
      secretPath,
      runtimeDir: join(root, "runtime"),
      publicIpFile: join(root, "node-address", "public-ipv4"),
      metricsOnPrivateIp,
      secretsPerLine: perLine,
    });
    writeFileSync(join(root, "config", "start.sh"), script);
    return root;
  };

  /** Runs a node's start script on the real turnserver, on a free loopback port. */
  const startNode = async (root: string) => {
    const bin = requireBinary();
    const nodePort = await freePort();
    const started = await startServer(
      "bash",
      [
        join(root, "config", "start.sh"),
        // Passed through to turnserver: the test's port and db instead of 3478 and /var/lib/coturn.
        `--listening-port=${nodePort}`,
        `--userdb=${join(root, "runtime", "turndb")}`,
        ...buildArgs(build, await freePort()),
      ],
      { ...process.env, HOST_IP: "127.0.0.1", PATH: `${dirname(bin)}${delimiter}${process.env.PATH}` },
      { ip: "127.0.0.1", port: nodePort },
    );
    return { server: started, port: nodePort };
  };

  beforeAll(async () => {
    build = inspect(requireBinary());
    dir = mkdtempSync(join(tmpdir(), "coturn-start-test-"));
    ({ server, port } = await startNode(prepare("node", SECRET, { metricsOnPrivateIp: build.exporterAddress })));
  }, 15000);

  afterAll(async () => {
    await stopServer(server);
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("announces the node's public IP from the node-address file as the relayed address", async () => {
    const c = await TurnClient.open({ ip: "127.0.0.1", port }, restCredentials(SECRET, "dave", expiresIn(600)));
    try {
      const { answer, relayed } = await c.allocate();
      expect(describeAnswer(answer)).toBe("success");
      expect(relayed?.ip).toBe(PUBLIC_IP);
      expect(relayed!.port).toBeGreaterThanOrEqual(41100);
      expect(relayed!.port).toBeLessThanOrEqual(41199);
    } finally {
      c.close();
    }
  });

  it("takes the shared secret from the mounted Secret, never from the command line or the ConfigMap", () => {
    const pid = server!.process.pid!;
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0");
    expect(cmdline[0]).toMatch(/turnserver$/); // the script exec'd turnserver in its own place
    expect(cmdline.join(" ")).not.toContain(SECRET);
    expect(readFileSync(join(dir, "node", "config", "turnserver.conf"), "utf8")).not.toContain(SECRET);
    const runtimeConf = join(dir, "node", "runtime", "turnserver.conf");
    expect(statSync(runtimeConf).mode & 0o777).toBe(0o600);
    expect(readFileSync(runtimeConf, "utf8")).toContain(`\nstatic-auth-secret=${SECRET}\n`);
    expect(readFileSync(runtimeConf, "utf8")).toContain(`\nexternal-ip=${PUBLIC_IP}/127.0.0.1\n`);
  });

  it("listens only on the node's private IP, with every appended line accepted", () => {
    const log = server!.log();
    expect(rejectedKeys(log)).toEqual(keysUnknownTo(build));
    expect(log).toContain("Listener address to use: 127.0.0.1");
    expect(log).not.toMatch(/Listener address to use: (?!127\.0\.0\.1)/);
    expect(log).toContain(`coturn-start: listening and relaying on 127.0.0.1, announcing ${PUBLIC_IP}`);
  });

  /**
   * Runs a start script whose `turnserver` is a stub that only leaves a marker.
   */
  const runWithStub = async (root: string) => {
    const stubDir = join(root, "bin");
    mkdirp(stubDir);
    writeFileSync(join(stubDir, "turnserver"), `#!/bin/sh\ntouch "${join(root, "started")}"\n`, { mode: 0o755 });
    const child = spawn("bash", [join(root, "config", "start.sh")], {
      env: { ...process.env, HOST_IP: "127.0.0.1", PATH: `${stubDir}${delimiter}${process.env.PATH}` },
      stdio: ["ignore", "ignore", "pipe"],
      timeout: 10000,
    });
    let stderr = "";
    child.stderr!.on("data", (d) => (stderr += d));
    const status = await new Promise<number | null>((resolve) => child.on("close", (code) => resolve(code)));
    return { status, stderr, started: existsSync(join(root, "started")) };
  };

  it("refuses to start on a node without a public IPv4, instead of announcing a wrong address", async () => {
    const result = await runWithStub(prepare("private-node", SECRET, { publicIp: "not-an-address" }));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("this node has no public IPv4");
    expect(result.started).toBe(false);
    const missing = await runWithStub(prepare("no-init", SECRET, { publicIp: null }));
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain("no node address at");
    expect(missing.started).toBe(false);
  });

  it("refuses a secret that coturn's parser would mangle", async () => {
    const result = await runWithStub(prepare("bad-secret", "has spaces in it\n"));
    expect(result.status).toBe(1);
    expect(result.stderr).toContain("the static-auth-secret must be");
    expect(result.started).toBe(false);
  });

  it("execs turnserver with the generated file when everything is in place (stub check)", async () => {
    const result = await runWithStub(prepare("good-node", `${SECRET}\n`));
    expect(result.stderr).toContain("coturn-start: listening and relaying on 127.0.0.1");
    expect(result.started).toBe(true);
  });

  describe("during a rotation: two secrets, one per line, the current one first", () => {
    const CURRENT = "current-generation-secret_0123456789";
    const OTHER = "other-generation-secret_abcdefghijkl";
    let rotating: { server: Server; port: number } | undefined;
    const allocate = async (credentials: { username: string; password: string }) => {
      const c = await TurnClient.open({ ip: "127.0.0.1", port: rotating!.port }, credentials);
      try {
        return describeAnswer((await c.allocate()).answer);
      } finally {
        c.close();
      }
    };

    beforeAll(async () => {
      const root = prepare("rotating-node", `${CURRENT}\n${OTHER}\n`, {
        metricsOnPrivateIp: build.exporterAddress,
        perLine: true,
        relayPorts: { min: 41300, max: 41399 },
      });
      rotating = await startNode(root);
    }, 15000);

    afterAll(async () => {
      await stopServer(rotating?.server);
    });

    it("accepts a credential minted with either secret, and refuses one minted with any other with 401", async () => {
      const ttl = LIVEKIT_TURN_CREDENTIAL_TTL_SECONDS;
      expect(await allocate(restCredentials(CURRENT, "PA_current", expiresIn(ttl)))).toBe("success");
      expect(await allocate(restCredentials(OTHER, "PA_other", expiresIn(ttl)))).toBe("success");
      expect(await allocate(restCredentials(SECRET, "PA_unknown", expiresIn(ttl)))).toBe("error 401");
    });

    it("appends one static-auth-secret line per secret, in the Secret's order, and none on the command line", () => {
      const runtimeConf = readFileSync(join(dir, "rotating-node", "runtime", "turnserver.conf"), "utf8");
      expect(runtimeConf.split("\n").filter((l) => l.startsWith("static-auth-secret"))).toEqual([
        `static-auth-secret=${CURRENT}`,
        `static-auth-secret=${OTHER}`,
      ]);
      const cmdline = readFileSync(`/proc/${rotating!.server.process.pid!}/cmdline`, "utf8");
      for (const secret of [CURRENT, OTHER]) expect(cmdline).not.toContain(secret);
      expect(rejectedKeys(rotating!.server.log())).toEqual(keysUnknownTo(build));
    });

    it("refuses to start when any line breaks the rule for a secret, or when there is none", async () => {
      const bad = await runWithStub(prepare("bad-second-line", `${CURRENT}\nhas spaces\n`, { perLine: true }));
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/line 2 of \S+: the static-auth-secret must be/);
      expect(bad.started).toBe(false);
      const blank = await runWithStub(prepare("blank-line", `${CURRENT}\n\n${OTHER}\n`, { perLine: true }));
      expect(blank.status).toBe(1);
      expect(blank.stderr).toMatch(/line 2 of \S+: the static-auth-secret must be/);
      expect(blank.started).toBe(false);
      const empty = await runWithStub(prepare("no-secret", "", { perLine: true }));
      expect(empty.status).toBe(1);
      expect(empty.stderr).toContain("no static-auth-secret in");
      expect(empty.started).toBe(false);
    });

    it("takes a last line without its newline, and Windows line ends (stub check)", async () => {
      const result = await runWithStub(prepare("crlf-node", `${CURRENT}\r\n${OTHER}`, { perLine: true }));
      expect(result.stderr).toContain("coturn-start: listening and relaying on 127.0.0.1");
      expect(result.started).toBe(true);
      const runtimeConf = readFileSync(join(dir, "crlf-node", "runtime", "turnserver.conf"), "utf8");
      expect(runtimeConf).toContain(`\nstatic-auth-secret=${CURRENT}\nstatic-auth-secret=${OTHER}\n`);
    });
  });
});

function mkdirp(path: string): void {
  mkdirSync(path, { recursive: true });
}
