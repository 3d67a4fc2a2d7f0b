/**
 * Runs the k6 scripts' ES modules in Node: each file is transpiled to CommonJS with the TypeScript compiler,
 * its relative imports are loaded the same way, and k6's built-in modules come from `shims`. k6 itself is
 * not installed here; the shims implement the few calls the scripts make, with Node's own crypto.
 */
import { BinaryToTextEncoding, createHmac } from "crypto";
import * as fs from "fs";
import * as path from "path";
import { transformSync } from "esbuild";

export type Shims = Record<string, unknown>;

/** k6/crypto's `hmac(algorithm, secret, data, outputEncoding)` for the encodings k6 documents. */
export const k6Crypto = {
  hmac(algorithm: string, secret: string, data: string, outputEncoding: string): string {
    const digest = createHmac(algorithm, secret).update(data);
    // Node's base64url has no padding: k6's base64rawurl.
    const encodings: Record<string, BinaryToTextEncoding> = { hex: "hex", base64: "base64", base64rawurl: "base64url" };
    const encoding = encodings[outputEncoding];
    if (!encoding) throw new Error(`k6/crypto shim: unsupported output encoding ${outputEncoding}`);
    return digest.digest(encoding);
  },
};

/** k6/encoding's `b64encode(input, encoding)`: strings are encoded as UTF-8. */
export const k6Encoding = {
  b64encode(input: string | ArrayBuffer, encoding = "std"): string {
    const bytes = typeof input === "string" ? Buffer.from(input, "utf8") : Buffer.from(new Uint8Array(input));
    const std = bytes.toString("base64");
    const url = std.replace(/\+/g, "-").replace(/\//g, "_");
    const out: Record<string, string> = { std, rawstd: std.replace(/=+$/, ""), url, rawurl: url.replace(/=+$/, "") };
    if (!(encoding in out)) throw new Error(`k6/encoding shim: unsupported encoding ${encoding}`);
    return out[encoding];
  },
};

/** Loads a k6 module file; `globals` become free variables of every module (`__ENV`, `__VU`). */
export function loadK6Module(
  file: string,
  shims: Shims,
  globals: Record<string, unknown> = {},
  cache = new Map<string, Record<string, any>>(),
): Record<string, any> {
  const full = path.resolve(file);
  const cached = cache.get(full);
  if (cached) return cached;
  const source = fs.readFileSync(full, "utf8");
  // ES module to CommonJS, as k6 would load it (esbuild, as the jest transform does).
  const outputText = transformSync(source, { loader: "js", format: "cjs", target: "es2020", sourcefile: full }).code;
  const module = { exports: {} as Record<string, any> };
  cache.set(full, module.exports);
  const requireShim = (name: string) => {
    if (name.startsWith(".")) return loadK6Module(path.resolve(path.dirname(full), name), shims, globals, cache);
    if (name in shims) return shims[name];
    throw new Error(`${path.basename(full)} imports ${name}, which the test does not provide`);
  };
  const names = Object.keys(globals);
  new Function("require", "module", "exports", ...names, outputText)(
    requireShim,
    module,
    module.exports,
    ...names.map((n) => globals[n]),
  );
  cache.set(full, module.exports); // esbuild's CommonJS replaces module.exports
  return module.exports;
}
