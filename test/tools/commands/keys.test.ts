import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import {
  describeRead,
  describeStep,
  KeysPlan,
  keysPlan,
  main,
  newApplicationKey,
  readRegionKeys,
  readsOf,
  RegionKeys,
} from "../../../tools/commands/keys";
import { parseStackConfig, RegionSettings } from "../../../stacks/config";
import { projectRoot, stackConfig } from "../../support/stack-config";

const fixed = (id: string) => () => ({ id, secret: "S".repeat(48) });
const steady: RegionKeys[] = [
  { stack: "mumbai", signing: "APPold", ids: ["APPold"] },
  { stack: "singapore", signing: "APPold", ids: ["APPold"] },
];
const overlap: RegionKeys[] = steady.map((r) => ({ ...r, ids: ["APPold", "APPnew"] }));

describe("npm run keys", () => {
  it("makes keys LiveKit accepts: APP + 12 alphanumerics, a 48-character secret, different every time", () => {
    const a = newApplicationKey();
    const b = newApplicationKey();
    expect(a.id).toMatch(/^APP[A-Za-z0-9]{12}$/);
    expect(a.secret).toMatch(/^[A-Za-z0-9]{48}$/);
    expect(a).not.toEqual(b);
  });

  it("reads the shipped region files' keys, ids only", () => {
    expect(readRegionKeys(projectRoot)).toEqual([
      { stack: "mumbai", signing: "APPexamplekey0001", ids: ["APPexamplekey0001"] },
      { stack: "singapore", signing: "APPexamplekey0001", ids: ["APPexamplekey0001"] },
    ]);
  });

  const lines = (plan: KeysPlan) => plan.steps.map(describeStep);
  const S = "S".repeat(48);

  it("new: sets one fresh key, the same, in every region file (after removing what was there), the secret on stdin", () => {
    const plan = keysPlan({ action: "new" }, steady, fixed("APPfresh"));
    expect(plan.summary).toBe("One new application key, APPfresh, the only one in every region.");
    expect(lines(plan)).toEqual([
      "pulumi config rm --stack mumbai livekit-platform:applicationKeys (if set)",
      "pulumi config set --stack mumbai --path livekit-platform:applicationKeys.signing APPfresh",
      "pulumi config set --stack mumbai --path --secret livekit-platform:applicationKeys.keys.APPfresh < (the secret of APPfresh, on standard input)",
      "pulumi config rm --stack singapore livekit-platform:applicationKeys (if set)",
      "pulumi config set --stack singapore --path livekit-platform:applicationKeys.signing APPfresh",
      "pulumi config set --stack singapore --path --secret livekit-platform:applicationKeys.keys.APPfresh < (the secret of APPfresh, on standard input)",
    ]);
    expect(plan.steps.filter((st) => st.stdin)).toEqual([
      expect.objectContaining({ stdin: { secret: S, of: "APPfresh" } }),
      expect.objectContaining({ stdin: { secret: S, of: "APPfresh" } }),
    ]);
    expect(JSON.stringify(plan.steps.map((st) => st.args))).not.toContain(S);
  });

  it("walks a rotation: add a second key, promote it, retire the old one", () => {
    const add = keysPlan({ action: "add" }, steady, fixed("APPnew"));
    expect(lines(add)).toEqual([
      "pulumi config set --stack mumbai --path --secret livekit-platform:applicationKeys.keys.APPnew < (the secret of APPnew, on standard input)",
      "pulumi config set --stack singapore --path --secret livekit-platform:applicationKeys.keys.APPnew < (the secret of APPnew, on standard input)",
    ]);
    const promote = keysPlan({ action: "promote", id: "APPnew" }, overlap);
    expect(lines(promote)).toContain(
      "pulumi config set --stack mumbai --path livekit-platform:applicationKeys.signing APPnew",
    );
    expect(lines(promote).join("\n")).not.toContain("--secret");
    const promoted = overlap.map((r) => ({ ...r, signing: "APPnew" }));
    expect(lines(keysPlan({ action: "retire", id: "APPold" }, promoted))).toContain(
      "pulumi config rm --stack singapore --path livekit-platform:applicationKeys.keys.APPold",
    );
  });

  it("copy: gives a new region the keys of another through Pulumi (a secure value does not decrypt elsewhere)", () => {
    const regions = [...overlap, { stack: "frankfurt", ids: [] }];
    const plan = keysPlan({ action: "copy", from: "mumbai", to: "frankfurt" }, regions);
    expect(plan.summary).toBe("frankfurt gets mumbai's application keys (APPold, APPnew).");
    expect(readsOf(plan.steps).map(describeRead)).toEqual([
      "pulumi config get --stack mumbai --path livekit-platform:applicationKeys.keys.APPold (read before any change, kept in memory)",
      "pulumi config get --stack mumbai --path livekit-platform:applicationKeys.keys.APPnew (read before any change, kept in memory)",
    ]);
    expect(lines(plan)).toEqual([
      "pulumi config rm --stack frankfurt livekit-platform:applicationKeys (if set)",
      "pulumi config set --stack frankfurt --path livekit-platform:applicationKeys.signing APPold",
      "pulumi config set --stack frankfurt --path --secret livekit-platform:applicationKeys.keys.APPold < (what `pulumi config get --stack mumbai --path livekit-platform:applicationKeys.keys.APPold` printed, on standard input)",
      "pulumi config set --stack frankfurt --path --secret livekit-platform:applicationKeys.keys.APPnew < (what `pulumi config get --stack mumbai --path livekit-platform:applicationKeys.keys.APPnew` printed, on standard input)",
    ]);
    expect(() => keysPlan({ action: "copy", from: "mumbai", to: "tokyo" }, regions)).toThrow(
      "tokyo is not a region stack file",
    );
    // Onto itself, its removal would come before its own reads were of any use.
    expect(() => keysPlan({ action: "copy", from: "mumbai", to: "mumbai" }, regions)).toThrow(
      "mumbai already holds its own keys: name another stack",
    );
  });

  it.each([
    ["adding a third key", { action: "add" } as const, overlap, "a rotation is under way (APPnew, APPold)"],
    ["retiring the signing key", { action: "retire", id: "APPold" } as const, overlap, "APPold signs"],
    ["promoting an unknown key", { action: "promote", id: "APPx" } as const, steady, "APPx is not one of the keys"],
    [
      "regions that sign with different keys",
      { action: "add" } as const,
      [steady[0], { ...steady[1], signing: "APPother", ids: ["APPother"] }],
      "singapore signs with APPother, mumbai with APPold: align them first",
    ],
    ["a region without keys", { action: "add" } as const, [{ stack: "tokyo", ids: [] }], "tokyo has no"],
  ])("refuses %s", (_what, request, regions, message) => {
    expect(() => keysPlan(request, regions)).toThrow(message);
  });

  it("exits 2 with one error line on a bad request; --dry-run prints the commands, ids only, and runs nothing", () => {
    const out = { text: "", err: "" };
    const io = { log: (t: string) => (out.text += t), error: (t: string) => (out.err += t) };
    const usage =
      "usage: npm run keys -- [--dry-run] <new | add | promote <key id> | retire <key id> | copy <from stack> <to stack>>";
    for (const argv of [["rotate"], ["copy", "a", "b", "c"], ["promote"]]) {
      out.err = "";
      expect(main(argv, io)).toBe(2);
      expect(out.err).toBe(`error: ${usage}\n`);
    }
    for (const [argv, mistake] of [
      [["new", "--dryrun"], "unknown argument --dryrun"],
      [["new", "--dry-run=yes"], "--dry-run takes no value"],
    ] as const) {
      out.err = "";
      expect(main([...argv], io)).toBe(2);
      expect(out.err).toBe(`error: ${mistake}; ${usage}\n`);
    }
    // No pulumi on this PATH: a dry run must not need one.
    expect(main(["new", "--dry-run"], io, projectRoot, { PATH: "/nonexistent" })).toBe(0);
    expect(out.text).toMatch(/^# One new application key, (APP\w{12}), the only one in every region\.\n/);
    expect(out.text).toContain("< (the secret of APP");
    expect(out.text).toMatch(/# --dry-run: nothing was run\.\n$/);
    // Nothing 48 characters long (a secret) in what it printed.
    expect(out.text).not.toMatch(/[A-Za-z0-9]{48}/);
  });

  it("prints its usage with --help (or -h) and exits 0, reading no stack file", () => {
    for (const flag of ["--help", "-h"]) {
      const out = { text: "", err: "" };
      const io = { log: (t: string) => (out.text += t), error: (t: string) => (out.err += t) };
      expect(main([flag], io, "/nonexistent")).toBe(0);
      expect(out.err).toBe("");
      expect(out.text).toMatch(/^usage: npm run keys -- /);
      for (const word of ["new", "add", "promote <key id>", "retire <key id>", "copy <from> <to>", "--dry-run"])
        expect(out.text).toContain(`\n  ${word} `);
    }
  });

  it("writes config the region stacks accept: the command's values, set as Pulumi would, parse as applicationKeys", () => {
    // What the `new` commands leave in a stack file once Pulumi has decrypted it for the program.
    const key = newApplicationKey();
    const cfg = parseStackConfig(
      stackConfig("mumbai", {
        "livekit-platform:applicationKeys": { signing: key.id, keys: { [key.id]: key.secret } },
      }),
      "mumbai",
    ) as RegionSettings;
    expect(cfg.applicationKeys).toEqual({ signing: key.id, keys: { [key.id]: key.secret } });
  });

  it("reads a region file that has no keys yet, and ignores the global stack file", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-keys-"));
    fs.writeFileSync(path.join(dir, "Pulumi.tokyo.yaml"), stringify({ config: { "livekit-platform:role": "region" } }));
    fs.writeFileSync(
      path.join(dir, "Pulumi.global.yaml"),
      stringify({ config: { "livekit-platform:role": "global" } }),
    );
    expect(readRegionKeys(dir)).toEqual([{ stack: "tokyo", ids: [] }]);
  });

  it("exits 2 with the stack file's one error line when a file cannot be read", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-keys-"));
    fs.writeFileSync(path.join(dir, "Pulumi.tokyo.yaml"), "config:\n\tlivekit-platform:role: region\n");
    const out = { text: "", err: "" };
    const io = { log: (t: string) => (out.text += t), error: (t: string) => (out.err += t) };
    expect(main(["new"], io, dir)).toBe(2);
    expect(out.err).toMatch(/^error: Pulumi\.tokyo\.yaml line 2: is not valid YAML: .*, got ".*"\n$/);
    expect(out.text).toBe("");
  });
});
