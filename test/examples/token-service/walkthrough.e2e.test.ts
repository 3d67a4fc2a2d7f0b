/**
 * docs/region-pinning.md, "From `pulumi up` to a browser in a room", run as written: each `sh` block of its local
 * mode and of its deployed steps, in the folder the page names (a block starts at the repository root), in a temporary
 * copy of the repository (the example, Pulumi.yaml and a link to node_modules). The one change made to the
 * commands: port 8080 becomes a free port, so parallel runs do not collide. Step 2's `pulumi` is a stand-in on
 * PATH that, like the real CLI, needs the project's Pulumi.yaml in its folder or above, and prints recorded
 * global stack outputs.
 */
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as net from "net";
import * as os from "os";
import * as path from "path";
import { TokenVerifier } from "livekit-server-sdk";

const repo = path.resolve(__dirname, "../../..");
const page = fs.readFileSync(path.join(repo, "docs", "region-pinning.md"), "utf8");

/** The text under a heading, up to the next heading of the same or a higher level. */
function section(heading: string): string {
  const lines = page.split("\n");
  const start = lines.findIndex((l) => /^#{2,3} /.test(l) && l.replace(/^#+ /, "") === heading);
  if (start < 0) throw new Error(`docs/region-pinning.md has no heading "${heading}"`);
  const level = lines[start].indexOf(" ");
  const end = lines.findIndex((l, i) => i > start && /^#+ /.test(l) && l.indexOf(" ") <= level);
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The `sh` blocks of a text, in order, without their list indentation. */
function shellBlocks(text: string): string[] {
  return [...text.matchAll(/^( *)```sh\n([\s\S]*?)^\1```$/gm)].map(([, indent, body]) =>
    body
      .split("\n")
      .map((l) => l.slice(indent.length))
      .join("\n")
      .trim(),
  );
}

/** What `pulumi stack output --stack global --json --show-secrets` prints (trimmed). */
const globalOutputs = {
  domain: "livekit.example.com",
  url: "wss://livekit.example.com",
  regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
  notDeployed: [],
  applicationKeyId: "APPexamplekey0001",
  applicationKeySecret: "application-secret-0123456789abcdef0123456789",
};

const STAND_IN_PULUMI = `#!/usr/bin/env node
const fs = require("fs"), path = require("path");
let dir = process.cwd();
while (!fs.existsSync(path.join(dir, "Pulumi.yaml"))) {
  if (path.dirname(dir) === dir) {
    console.error("error: no Pulumi.yaml project file found (searching upwards from " + process.cwd() + ")");
    process.exit(255);
  }
  dir = path.dirname(dir);
}
if (process.argv.slice(2).join(" ") !== "stack output --stack global --json --show-secrets") {
  console.error("stand-in pulumi: unexpected arguments " + process.argv.slice(2).join(" "));
  process.exit(255);
}
process.stdout.write(${JSON.stringify(JSON.stringify(globalOutputs, null, 2))} + "\\n");
`;

let root: string;
let env: NodeJS.ProcessEnv;
let port: number;
const started: ChildProcess[] = [];

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "token-service-walkthrough-"));
  fs.copyFileSync(path.join(repo, "Pulumi.yaml"), path.join(root, "Pulumi.yaml"));
  fs.cpSync(path.join(repo, "examples/token-service"), path.join(root, "examples/token-service"), {
    recursive: true,
    filter: (source) => !/(node_modules|platform\.json)$/.test(source),
  });
  fs.symlinkSync(path.join(repo, "node_modules"), path.join(root, "node_modules"), "dir");
  const bin = path.join(root, ".bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "pulumi"), STAND_IN_PULUMI, { mode: 0o755 });
  const {
    LOCAL_LIVEKIT_URL: _l,
    PLATFORM_FILE: _p,
    EXCLUDE_REGIONS: _e,
    DEFAULT_REGION: _d,
    ...inherited
  } = process.env;
  env = { ...inherited, PATH: `${bin}:${process.env.PATH}`, npm_config_update_notifier: "false" };
  port = await freePort();
});

afterEach(() => {
  for (const child of started.splice(0)) if (child.exitCode === null) process.kill(-child.pid!, "SIGTERM");
});
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

const withPort = (command: string) => command.replace(/\b8080\b/g, String(port));

/** Runs a block to its end, from the repository root. */
function run(block: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn("bash", ["-e", "-c", withPort(block)], { cwd: root, env, timeout: 20_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Starts a block that runs the service, from the repository root; resolves with its output once it listens. */
function startService(block: string): Promise<string> {
  const child = spawn("bash", ["-e", "-c", withPort(block)], { cwd: root, env, detached: true });
  started.push(child);
  let output = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`not listening within 30 s:\n${output}`)), 30_000);
    const take = (d: Buffer) => {
      output += d;
      if (output.includes(`token service listening on :${port}`)) {
        clearTimeout(timer);
        resolve(output);
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.on("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${code} before listening:\n${output}`));
    });
  });
}

describe("docs/region-pinning.md: try the token service on one machine (local mode)", () => {
  const text = section("Try it on one machine (local mode)");
  const blocks = shellBlocks(text);

  it("starts the service with the page's commands, and its curl gets the token the page shows", async () => {
    expect(blocks).toHaveLength(2);
    const [startBlock, curlBlock] = blocks;
    expect(startBlock).toMatch(/^cd examples\/token-service\n/);
    const output = await startService(startBlock);
    expect(output).toMatch(/LOCAL MODE: every room goes to ws:\/\/localhost:7880 /);

    const curl = await run(curlBlock);
    expect(curl).toMatchObject({ code: 0, stderr: "" });
    const answer = JSON.parse(curl.stdout) as { url: string; token: string; region: string };
    // The page's answer, with its "…" for the token.
    const shown = JSON.parse(/It answers `(\{.*?\})`/.exec(text)![1]) as Record<string, string>;
    expect({ ...answer, token: "…" }).toEqual(shown);
    const claims = await new TokenVerifier("devkey", "secret").verify(answer.token);
    expect(claims).toMatchObject({ sub: "alice", video: { room: "demo", roomJoin: true } });

    // Step 5's page, as the walkthrough names it.
    const join = /`(http:\/\/localhost:8080\/join\?[^`]+)`/.exec(text)![1];
    const redirect = await fetch(withPort(join), { redirect: "manual" });
    expect(redirect.status).toBe(302);
    expect(new URL(redirect.headers.get("location")!).searchParams.get("liveKitUrl")).toBe("ws://localhost:7880");
  });
});

describe("docs/region-pinning.md: the token service with the deployed regions, steps 2 and 3", () => {
  const blocks = shellBlocks(section("With the deployed regions"));
  const platformFile = () => path.join(root, "examples/token-service/platform.json");

  it("step 3 without step 2 stops with one line naming the file, not a stack trace", async () => {
    fs.rmSync(platformFile(), { force: true });
    const step3 = await run(blocks[1]);
    expect(step3.code).toBe(2);
    expect(step3.stderr.trim().split("\n")).toEqual([
      `error: PLATFORM_FILE: no such file (write it as step 2 of docs/region-pinning.md says, or give its path), got ${platformFile()}`,
    ]);
  });

  it("step 2 writes the platform file where step 3 reads it, and the service serves its regions", async () => {
    expect(blocks).toHaveLength(2);
    const [step2, step3] = blocks;
    expect(step2).toMatch(/^pulumi stack output --stack global --json --show-secrets > /);
    expect(await run(step2)).toMatchObject({ code: 0, stderr: "" });
    expect(JSON.parse(fs.readFileSync(platformFile(), "utf8"))).toEqual(globalOutputs);

    const output = await startService(step3);
    expect(output).toContain("regions mumbai, singapore");
    const regions = await fetch(`http://localhost:${port}/regions`);
    expect(await regions.json()).toEqual(globalOutputs.regionUrls);
  });
});
