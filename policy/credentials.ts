/**
 * Finds credentials in ConfigMap data. ConfigMaps are readable by anyone who may read the namespace's
 * objects and land unencrypted in plans and in `kubectl describe`; a credential belongs in a Secret.
 *
 * The rules look for values, not words: `secret_file: /etc/livekit/turn/secret` (a path to a Secret
 * mount) and `token=$(imds ...)` (a shell expansion) are fine, `api_secret: abc123` is not.
 */

export interface CredentialFinding {
  /** What was found, for the violation message; never the credential itself. */
  what: string;
  /** 1-based line of the data value, when the finding is a line. */
  line?: number;
}

/** A name is a credential's when its LAST words say so: `redis_password`, `api_secret`, `auth_token`. */
const CREDENTIAL_NAME =
  /(^|_)(password|passwd|passphrase|secret|token|credentials?|api_?key|access_key|private_key|secret_key)$/;

const PEM_PRIVATE_KEY = /-----BEGIN (?:[A-Z0-9]+ )*PRIVATE KEY-----/;
/** Long-term (AKIA) and temporary (ASIA) AWS access key ids. */
const AWS_ACCESS_KEY_ID = /(?<![A-Z0-9])(?:AKIA|ASIA)[A-Z0-9]{16}(?![A-Z0-9])/;

/** `name: value`, `name=value`, `"name": "value",`, `export NAME=value`, `- name: value`. */
const ASSIGNMENT = /^\s*(?:-\s+)?(?:export\s+)?["']?([A-Za-z0-9_.-]+)["']?\s*[:=]\s*(.*?)\s*,?\s*$/;
const JSON_PAIR = /"([A-Za-z0-9_.-]+)"\s*:\s*"((?:[^"\\]|\\.)*)"/g;
const BLOCK_SCALAR = /^[|>][+-]?\d*$/;

/** `apiSecret`, `api-secret`, `API_SECRET`, `tls.key` -> `api_secret`, `tls_key`. */
export function normalizeName(name: string): string {
  return name
    .replace(/([a-z0-9])([A-Z])/g, "$1_$2")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^_+|_+$/g, "");
}

export function isCredentialName(name: string): boolean {
  return CREDENTIAL_NAME.test(normalizeName(name));
}

/**
 * A value that is a credential rather than a pointer to one: not empty, not null, not an environment or
 * shell expansion (`$VAR`, `${VAR}`, `$(cmd)`), not a template (`{{ }}`), not a file path, and not code
 * that fetches it (`env('API_SECRET')`, `process.env.TOKEN` in a script shipped as a ConfigMap).
 */
export function isLiteralValue(raw: string): boolean {
  const v = raw
    .trim()
    .replace(/^(["'])(.*)\1$/, "$2")
    .trim();
  if (v === "" || v === "~" || /^(null|none|true|false)$/i.test(v)) return false;
  if (v.startsWith("$") || v.startsWith("{{") || v.startsWith("/")) return false;
  if (/^[A-Za-z_$][\w$.]*\s*\(.*\)$/.test(v) || /^(process\.env|__ENV|os\.environ)\b/.test(v)) return false;
  // `settings.apiSecret`: a variable holding the credential, named like it (a JWT's last part is not).
  const member = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/.exec(v);
  if (member && isCredentialName(v.slice(v.lastIndexOf(".") + 1))) return false;
  return true;
}

/** Every credential-looking thing in one ConfigMap entry. */
export function findCredentials(key: string, value: string): CredentialFinding[] {
  const findings: CredentialFinding[] = [];
  if (isCredentialName(key) && value.trim() !== "") findings.push({ what: `its key "${key}" names a credential` });
  if (PEM_PRIVATE_KEY.test(value)) findings.push({ what: "a PEM private key" });
  if (AWS_ACCESS_KEY_ID.test(value)) findings.push({ what: "an AWS access key id (AKIA/ASIA...)" });

  const lines = value.split(/\r?\n/);
  lines.forEach((line, i) => {
    if (/^\s*(#|\/\/|;)/.test(line)) return; // comments describe, they do not configure
    const m = ASSIGNMENT.exec(line);
    if (!m || !isCredentialName(m[1])) return;
    let assigned = m[2];
    // `password: |` continues on the next, deeper-indented line.
    if (BLOCK_SCALAR.test(assigned)) assigned = deeperLine(lines, i) ?? "";
    if (isLiteralValue(assigned)) findings.push({ what: `"${m[1]}" is set to a literal value`, line: i + 1 });
  });

  // Minified JSON has many pairs on one line.
  for (const m of value.matchAll(JSON_PAIR)) {
    if (isCredentialName(m[1]) && isLiteralValue(m[2]) && !findings.some((f) => f.what.startsWith(`"${m[1]}"`))) {
      findings.push({ what: `"${m[1]}" is set to a literal value` });
    }
  }

  // livekit-server's inline `keys:` map: `<API key>: <secret>` pairs (the platform uses key_file instead).
  lines.forEach((line, i) => {
    const m = /^(\s*)keys:\s*$/.exec(line);
    if (!m) return;
    const next = lines.slice(i + 1).find((l) => l.trim() !== "");
    if (next && indentOf(next) > m[1].length && /^\s*[^\s:#]+:\s*\S/.test(next)) {
      findings.push({ what: "a LiveKit `keys:` map of API keys and secrets", line: i + 1 });
    }
  });
  return findings;
}

function indentOf(line: string): number {
  return line.length - line.trimStart().length;
}

function deeperLine(lines: string[], i: number): string | undefined {
  const next = lines[i + 1];
  return next !== undefined && indentOf(next) > indentOf(lines[i]) ? next : undefined;
}
