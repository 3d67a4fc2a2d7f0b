/**
 * `npm run keys` against a fake `pulumi` on PATH that records each call's arguments, what kind of standard
 * input it got (a terminal, a pipe or socket pair, or something else such as /dev/null) and what came on it: secrets must travel on a pipe, never in an argument, and never reach the
 * terminal. (The real CLI reads a value from a non-terminal stdin when none is given: pulumi/pulumi v3.248.0
 * pkg/cmd/pulumi/config/config.go, `configSetCmd.Run`.)
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { EXIT_OK, EXIT_PULUMI_FAILED, main } from "../../../tools/commands/keys";

/** What the fake pulumi prints for `config get` (a secret held by another stack). */
const COPIED_SECRET = "CopiedSecretValue0123456789abcdefghijklmnopqrstuv";

const FAKE_PULUMI = `#!/bin/sh
# Records one call as three lines: argv (tab-separated), the kind of stdin, and what came on it.
{
  printf 'argv'; for a in "$@"; do printf '\\t%s' "$a"; done; printf '\\n'
  if [ -t 0 ]; then echo 'stdin tty'; elif [ -p /dev/stdin ] || [ -S /dev/stdin ]; then echo 'stdin pipe'; else echo 'stdin other'; fi
  printf 'input\\t%s\\n' "$(cat)"
} >> "$FAKE_PULUMI_LOG"
case "$*" in *"$FAKE_PULUMI_FAIL_ON"*) [ -n "$FAKE_PULUMI_FAIL_ON" ] && { echo "error: no stack named x" >&2; exit 255; } ;; esac
if [ "$1 $2" = "config get" ]; then echo "${COPIED_SECRET}"; fi
exit 0
`;

interface Call {
  argv: string[];
  stdinKind: string;
  input: string;
}

function setup() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-keys-run-"));
  const bin = path.join(dir, "bin");
  fs.mkdirSync(bin);
  fs.writeFileSync(path.join(bin, "pulumi"), FAKE_PULUMI, { mode: 0o755 });
  const project = path.join(dir, "project");
  fs.mkdirSync(project);
  const keys = { signing: "APPold", keys: { APPold: { secure: "v1:bm9uY2U=:Y2lwaGVydGV4dA==" } } };
  for (const stack of ["mumbai", "singapore"]) {
    fs.writeFileSync(
      path.join(project, `Pulumi.${stack}.yaml`),
      stringify({ config: { "livekit-platform:role": "region", "livekit-platform:applicationKeys": keys } }),
    );
  }
  const log = path.join(dir, "calls.log");
  const run = (argv: string[], failOn = "") => {
    fs.writeFileSync(log, "");
    const out = { text: "", err: "" };
    const code = main(argv, { log: (t) => (out.text += t), error: (t) => (out.err += t) }, project, {
      PATH: `${bin}${path.delimiter}${process.env.PATH}`,
      FAKE_PULUMI_LOG: log,
      FAKE_PULUMI_FAIL_ON: failOn,
    });
    const lines = fs.readFileSync(log, "utf8").split("\n");
    const calls: Call[] = [];
    for (let i = 0; i + 2 < lines.length; i += 3) {
      calls.push({
        argv: lines[i].split("\t").slice(1),
        stdinKind: lines[i + 1].replace(/^stdin /, ""),
        input: lines[i + 2].replace(/^input\t/, ""),
      });
    }
    return { code, ...out, calls };
  };
  /** A new region file, without keys yet (what `copy` fills). */
  const addRegion = (stack: string) =>
    fs.writeFileSync(
      path.join(project, `Pulumi.${stack}.yaml`),
      stringify({ config: { "livekit-platform:role": "region" } }),
    );
  return { run, addRegion };
}

describe("npm run keys, with a recording pulumi on PATH", () => {
  it("new: each secret reaches pulumi on a pipe, never in its arguments; the terminal sees key ids only", () => {
    const { run } = setup();
    const r = run(["new"]);
    expect(r.err).toBe("");
    expect(r.code).toBe(EXIT_OK);
    const secretSets = r.calls.filter((c) => c.argv.includes("--secret"));
    expect(secretSets.map((c) => c.argv.slice(0, 5))).toEqual([
      ["config", "set", "--stack", "mumbai", "--path"],
      ["config", "set", "--stack", "singapore", "--path"],
    ]);
    const [secret] = secretSets.map((c) => c.input);
    expect(secret).toMatch(/^[A-Za-z0-9]{48}$/);
    for (const c of secretSets) {
      // `set --secret <key>` and no value: pulumi reads it from the pipe.
      expect(c.argv).toEqual([
        "config",
        "set",
        "--stack",
        c.argv[3],
        "--path",
        "--secret",
        expect.stringMatching(/^livekit-platform:applicationKeys\.keys\.APP\w{12}$/),
      ]);
      expect(c).toMatchObject({ stdinKind: "pipe", input: secret });
    }
    expect(r.calls.map((c) => c.argv.join(" ")).join("\n")).not.toContain(secret);
    expect(r.text).not.toContain(secret);
    const id = /applicationKeys\.keys\.(APP\w{12})/.exec(secretSets[0].argv[6])![1];
    expect(r.text).toContain(`# One new application key, ${id}, the only one in every region.`);
    expect(r.text.split("\n").filter(Boolean)).toEqual(
      r.text
        .split("\n")
        .filter(Boolean)
        .filter((line) => line.startsWith("+ pulumi ") || line.startsWith("# ")),
    );
  });

  it("copy: the other stack's secret goes from `config get` to `config set` through a pipe, not the terminal", () => {
    const { run, addRegion } = setup();
    addRegion("frankfurt");
    const r = run(["copy", "mumbai", "frankfurt"]);
    expect(r.code).toBe(EXIT_OK);
    const get = r.calls.find((c) => c.argv[1] === "get")!;
    expect(get.argv).toEqual([
      "config",
      "get",
      "--stack",
      "mumbai",
      "--path",
      "livekit-platform:applicationKeys.keys.APPold",
    ]);
    const set = r.calls.find((c) => c.argv.includes("--secret"))!;
    expect(set).toMatchObject({ stdinKind: "pipe", input: COPIED_SECRET });
    expect(set.argv).not.toContain(COPIED_SECRET);
    expect(r.text + r.err).not.toContain(COPIED_SECRET);
  });

  it("copy: reads every secret of the source before it changes the target, so a failed read changes nothing", () => {
    const { run, addRegion } = setup();
    addRegion("frankfurt");
    const r = run(["copy", "mumbai", "frankfurt"], "config get");
    expect(r.code).toBe(EXIT_PULUMI_FAILED);
    expect(r.err).toBe("error: pulumi config get --stack mumbai failed: exit 255: error: no stack named x\n");
    // The read that failed is the only call: frankfurt's rm and set never ran.
    expect(r.calls.map((c) => c.argv.slice(0, 4).join(" "))).toEqual(["config get --stack mumbai"]);
    // When the reads succeed, they all come first, then the writes in order.
    const ok = run(["copy", "mumbai", "frankfurt"]);
    expect(ok.code).toBe(EXIT_OK);
    expect(ok.calls.map((c) => c.argv.slice(0, 4).join(" "))).toEqual([
      "config get --stack mumbai",
      "config rm --stack frankfurt",
      "config set --stack frankfurt",
      "config set --stack frankfurt",
    ]);
  });

  it("--dry-run runs no pulumi command", () => {
    const { run } = setup();
    const r = run(["add", "--dry-run"]);
    expect(r.code).toBe(EXIT_OK);
    expect(r.calls).toEqual([]);
    expect(r.text).toContain("< (the secret of APP");
  });

  it("stops at the first failing pulumi command with one error line naming it (no value), exit 1", () => {
    const { run } = setup();
    const r = run(["promote", "APPx"]);
    expect(r.code).toBe(2); // APPx is not a key: nothing runs
    expect(r.calls).toEqual([]);
    const failing = run(["new"], "--stack singapore");
    expect(failing.code).toBe(EXIT_PULUMI_FAILED);
    expect(failing.err).toBe("error: pulumi config set --stack singapore failed: exit 255: error: no stack named x\n");
    // mumbai's three commands ran; singapore's rm is allowed to fail (nothing to remove), its set is not.
    expect(failing.calls.map((c) => `${c.argv[1]} ${c.argv[3]}`)).toEqual([
      "rm mumbai",
      "set mumbai",
      "set mumbai",
      "rm singapore",
      "set singapore",
    ]);
  });
});
