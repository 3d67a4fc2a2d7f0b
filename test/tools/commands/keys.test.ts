import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { stringify } from "yaml";
import { keysScript, main, newApplicationKey, readRegionKeys, RegionKeys } from "../../../tools/commands/keys";
import { parseStackConfig, RegionSettings } from "../../../stacks/config";
import { projectRoot, stackConfig } from "../../support/plan";

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

  it("new: sets one fresh key, the same, in every region file (after removing what was there)", () => {
    expect(keysScript({ action: "new" }, steady, fixed("APPfresh"))).toBe(
      [
        "#!/bin/sh",
        "# Pipe into sh from the project folder: npm run --silent keys -- ... | sh",
        "set -e",
        "# One new application key, APPfresh, the only one in every region.",
        "pulumi config rm --stack mumbai 'livekit-platform:applicationKeys' 2>/dev/null || true",
        "pulumi config set --stack mumbai --path 'livekit-platform:applicationKeys.signing' 'APPfresh'",
        `pulumi config set --stack mumbai --path --secret 'livekit-platform:applicationKeys.keys.APPfresh' '${"S".repeat(48)}'`,
        "pulumi config rm --stack singapore 'livekit-platform:applicationKeys' 2>/dev/null || true",
        "pulumi config set --stack singapore --path 'livekit-platform:applicationKeys.signing' 'APPfresh'",
        `pulumi config set --stack singapore --path --secret 'livekit-platform:applicationKeys.keys.APPfresh' '${"S".repeat(48)}'`,
        "# Then: pulumi up --stack <each region>; pulumi up --stack global.",
        "",
      ].join("\n"),
    );
  });

  it("walks a rotation: add a second key, promote it, retire the old one", () => {
    const add = keysScript({ action: "add" }, steady, fixed("APPnew"));
    expect(add).toContain(
      `pulumi config set --stack singapore --path --secret 'livekit-platform:applicationKeys.keys.APPnew' '${"S".repeat(48)}'`,
    );
    expect(add).not.toContain("applicationKeys.signing");
    const promote = keysScript({ action: "promote", id: "APPnew" }, overlap);
    expect(promote).toContain(
      "pulumi config set --stack mumbai --path 'livekit-platform:applicationKeys.signing' 'APPnew'",
    );
    expect(promote).not.toContain("--secret");
    const promoted = overlap.map((r) => ({ ...r, signing: "APPnew" }));
    expect(keysScript({ action: "retire", id: "APPold" }, promoted)).toContain(
      "pulumi config rm --stack singapore --path 'livekit-platform:applicationKeys.keys.APPold'",
    );
  });

  it("copy: gives a new region the keys of another through Pulumi (a secure value does not decrypt elsewhere)", () => {
    const regions = [...overlap, { stack: "frankfurt", ids: [] }];
    expect(keysScript({ action: "copy", from: "mumbai", to: "frankfurt" }, regions).split("\n").slice(3)).toEqual([
      "# frankfurt gets mumbai's application keys (APPold, APPnew).",
      "pulumi config rm --stack frankfurt 'livekit-platform:applicationKeys' 2>/dev/null || true",
      "pulumi config set --stack frankfurt --path 'livekit-platform:applicationKeys.signing' 'APPold'",
      "pulumi config get --stack mumbai --path 'livekit-platform:applicationKeys.keys.APPold' | pulumi config set --stack frankfurt --path --secret 'livekit-platform:applicationKeys.keys.APPold'",
      "pulumi config get --stack mumbai --path 'livekit-platform:applicationKeys.keys.APPnew' | pulumi config set --stack frankfurt --path --secret 'livekit-platform:applicationKeys.keys.APPnew'",
      "",
    ]);
    expect(() => keysScript({ action: "copy", from: "mumbai", to: "tokyo" }, regions)).toThrow(
      "tokyo is not a region stack file",
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
    expect(() => keysScript(request, regions)).toThrow(message);
  });

  it("exits 2 with one error line on a bad request, 0 with the script otherwise", () => {
    const out = { text: "", err: "" };
    const io = { log: (t: string) => (out.text += t), error: (t: string) => (out.err += t) };
    expect(main(["rotate"], io)).toBe(2);
    expect(out.err).toBe(
      "error: usage: npm run --silent keys -- <new | add | promote <key id> | retire <key id> | copy <from stack> <to stack>> | sh\n",
    );
    expect(main(["new"], io)).toBe(0);
    expect(out.text).toMatch(/^#!\/bin\/sh\n/);
  });

  it("writes config the region stacks accept: the script's values, set as Pulumi would, parse as applicationKeys", () => {
    // What the `new` lines leave in a stack file once Pulumi has decrypted it for the program.
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
