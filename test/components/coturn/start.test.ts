import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  COTURN_CONFIG_DIR,
  COTURN_CONTAINER_COMMAND,
  COTURN_RUNTIME_DIR,
  COTURN_SECRET_DIR,
  COTURN_SECRET_KEY,
  COTURN_SECRETS_KEY,
  renderCoturnStartScript,
} from "../../../components/coturn/start";
import { sha256 } from "../../../components/shared/annotations";

describe("renderCoturnStartScript", () => {
  const script = renderCoturnStartScript();

  it("is valid bash, run by the image's bash from the ConfigMap mount", () => {
    const check = spawnSync("bash", ["-n"], { input: script, encoding: "utf8" });
    expect(check.stderr).toBe("");
    expect(check.status).toBe(0);
    expect(COTURN_CONTAINER_COMMAND).toEqual(["/bin/bash", "/etc/coturn/start.sh"]);
    expect(COTURN_CONFIG_DIR).toBe("/etc/coturn");
  });

  it("reads the conf from the ConfigMap, the secret from the Secret mount, and writes only to the runtime dir", () => {
    expect(script).toContain("\nconf=/etc/coturn/turnserver.conf\n");
    expect(script).toContain(`\nsecret_file=${COTURN_SECRET_DIR}/${COTURN_SECRET_KEY}\n`);
    expect(`${COTURN_SECRET_DIR}/${COTURN_SECRET_KEY}`).toBe("/etc/coturn-secret/static-auth-secret");
    expect(script).toContain(`\nruntime_dir=${COTURN_RUNTIME_DIR}\n`);
    expect(script).toContain("\numask 077\n");
    expect(script).toContain('\nexec turnserver -c "$runtime_conf" "$@"\n');
    expect(script).not.toMatch(/--static-auth-secret/); // never on a command line
  });

  it("takes the private IP from HOST_IP and the public IP from the node-address file, speaking HTTP to nothing", () => {
    expect(script).toContain("\npublic_ip_file=/run/node-address/public-ipv4\n");
    expect(script).toContain("private_ip=${HOST_IP:-}");
    expect(script).not.toMatch(/dev\/tcp|169\.254\.169\.254|curl|HTTP\/1/);
    expect(script).toContain('echo "external-ip=$public_ip/$private_ip"');
    expect(script).toContain('echo "relay-ip=$private_ip"');
    expect(script).toContain('echo "listening-ip=$private_ip"');
    expect(script).toContain('echo "prometheus-address=$private_ip"');
    expect(renderCoturnStartScript({ metricsOnPrivateIp: false })).toBe(
      renderCoturnStartScript().replace('  echo "prometheus-address=$private_ip"\n', ""),
    );
  });

  it("renders the one-secret script every Coturn pod ran before rotations, byte for byte", () => {
    // Its hash is part of the pods' config checksum: a change rolls every Coturn pod, ending relays that
    // outlive the drain. Change it only on purpose, and say so in the CHANGELOG.
    const oneSecret = renderCoturnStartScript();
    expect(sha256(oneSecret)).toBe("5c3300ed15c77695ec322920cce49abb871fece62711723fb874ea0e2d7cb38e");
    expect(renderCoturnStartScript({ secretsPerLine: false })).toBe(oneSecret);
  });

  describe("with one secret per line (a rotation's overlap)", () => {
    // Rendered in each test, not once at collection, so that a mutation run sees every call.
    const render = () => renderCoturnStartScript({ secretsPerLine: true });
    const lines = (text: string) => text.split("\n");

    it("is valid bash that reads the accepted-secrets key of the Secret mount", () => {
      const several = render();
      const check = spawnSync("bash", ["-n"], { input: several, encoding: "utf8" });
      expect(check.stderr).toBe("");
      expect(check.status).toBe(0);
      expect(several).toContain(`\nsecret_file=${COTURN_SECRET_DIR}/${COTURN_SECRETS_KEY}\n`);
      expect(COTURN_SECRETS_KEY).toBe("static-auth-secrets");
    });

    it("checks every line with the one-secret rule and appends a static-auth-secret line for each", () => {
      const several = render();
      const rule = (text: string) => lines(text).filter((l) => l.startsWith("secret_re="));
      expect(rule(several)).toEqual(rule(renderCoturnStartScript()));
      expect(rule(several)).toHaveLength(1);
      expect(several).toContain("\nwhile IFS= read -r secret || [[ -n $secret ]]; do\n");
      expect(several).toContain("\n  [[ $secret =~ $secret_re ]] \\\n");
      expect(several).toContain('\n  for secret in "${secrets[@]}"; do echo "static-auth-secret=$secret"; done\n');
      expect(several).not.toMatch(/--static-auth-secret/); // never on a command line
      expect(several).toContain("\nunset secret secrets\n");
    });

    it("differs from the one-secret script only in how it reads and appends the secrets", () => {
      // Before the secrets' block, the same text; after it, the same lines but those naming the secrets.
      const parts = (text: string) => {
        const [head, tail] = text.split("\numask 077\n");
        return {
          before: head.slice(0, head.indexOf("# The secret")),
          after: lines(tail).filter((l) => !/secret/.test(l)),
        };
      };
      const samePath = renderCoturnStartScript({
        secretsPerLine: true,
        secretPath: `${COTURN_SECRET_DIR}/${COTURN_SECRET_KEY}`,
      });
      const oneSecret = renderCoturnStartScript();
      expect(parts(samePath)).toEqual(parts(oneSecret));
      expect(parts(oneSecret).before).toContain('\npublic_ip=$(<"$public_ip_file")\n');
      expect(parts(oneSecret).after).toContain('exec turnserver -c "$runtime_conf" "$@"');
    });
  });

  it("refuses paths and endpoints that would need quoting in bash", () => {
    expect(() => renderCoturnStartScript({ confPath: "relative/turnserver.conf" })).toThrow(
      'coturn start script confPath: must be an absolute path of [A-Za-z0-9._/-], got "relative/turnserver.conf"',
    );
    expect(() => renderCoturnStartScript({ secretPath: "/etc/$(id)" })).toThrow(/secretPath/);
    expect(() => renderCoturnStartScript({ publicIpFile: "/run/$(id)" })).toThrow(/publicIpFile/);
    expect(() => renderCoturnStartScript({ runtimeDir: "/var/lib/coturn dir" })).toThrow(/runtimeDir/);
  });
});

/**
 * The script run by bash as the container runs it, in a scratch directory standing in for the mounts, with a
 * stand-in `turnserver` first on PATH that prints its arguments, the conf it was given and that file's mode:
 * what the real turnserver would read (test/components/coturn/turnserver.int.test.ts runs the real one).
 */
describe("the start script, run", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "coturn-start-"));
    writeFileSync(join(dir, "configmap.conf"), "realm=turn-mumbai.example.com\nlistening-port=3478");
    writeFileSync(
      join(dir, "turnserver"),
      '#!/bin/bash\necho "args: $*"\nstat -c "mode: %a" "$2"\ncat "$2"\necho "secret-var: ${secret:-unset}"\n',
      { mode: 0o755 },
    );
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const run = (options: { secrets: string; perLine?: boolean; hostIp?: string; publicIp?: string | null }) => {
    const secretPath = join(dir, "secret");
    writeFileSync(secretPath, options.secrets);
    rmSync(join(dir, "public-ipv4"), { force: true });
    if (options.publicIp !== null) writeFileSync(join(dir, "public-ipv4"), options.publicIp ?? "203.0.113.7\n");
    const script = renderCoturnStartScript({
      confPath: join(dir, "configmap.conf"),
      secretPath,
      secretsPerLine: options.perLine,
      runtimeDir: dir,
      publicIpFile: join(dir, "public-ipv4"),
    });
    const result = spawnSync("bash", ["-s", "--", "--log-file=stdout"], {
      input: script,
      encoding: "utf8",
      timeout: 5000,
      env: { PATH: `${dir}:/usr/bin:/bin`, HOST_IP: options.hostIp ?? "10.20.0.17" },
    });
    return { status: result.status, stdout: result.stdout, stderr: result.stderr };
  };

  it("execs turnserver on a 0600 copy of the conf with the node's addresses and the secret appended", () => {
    const { status, stdout, stderr } = run({ secrets: "s3cr3t+/=\r\n" });
    expect(status).toBe(0);
    expect(stdout).toBe(
      [
        `args: -c ${dir}/turnserver.conf --log-file=stdout`,
        "mode: 600",
        "realm=turn-mumbai.example.com",
        "listening-port=3478",
        "# Appended at start by start.sh: this node's addresses and the shared secret.",
        "listening-ip=10.20.0.17",
        "relay-ip=10.20.0.17",
        "external-ip=203.0.113.7/10.20.0.17",
        "prometheus-address=10.20.0.17",
        `pidfile=${dir}/turnserver.pid`,
        "static-auth-secret=s3cr3t+/=",
        // The secret is not left in the environment turnserver inherits.
        "secret-var: unset",
        "",
      ].join("\n"),
    );
    expect(stderr).toBe("coturn-start: listening and relaying on 10.20.0.17, announcing 203.0.113.7\n");
    expect(statSync(join(dir, "turnserver.conf")).mode & 0o777).toBe(0o600);
    expect(readFileSync(join(dir, "turnserver.conf"), "utf8")).toContain("static-auth-secret=s3cr3t+/=\n");
  });

  it("appends one static-auth-secret line per accepted secret during a rotation, the current one first", () => {
    const { status, stdout } = run({ secrets: "current1\nprevious2\r\nlast3", perLine: true });
    expect(status).toBe(0);
    expect(stdout).toContain("# Appended at start by start.sh: this node's addresses and the shared secrets.\n");
    expect(stdout.split("\n").filter((l) => l.startsWith("static-auth-secret="))).toEqual([
      "static-auth-secret=current1",
      "static-auth-secret=previous2",
      "static-auth-secret=last3",
    ]);
    expect(stdout).toContain("secret-var: unset\n");
  });

  it("stops, naming the problem, before turnserver starts without an address or with a secret it would mangle", () => {
    const refused = (options: Parameters<typeof run>[0], message: string) => {
      const result = run(options);
      expect([result.status, result.stdout, result.stderr]).toEqual([1, "", `coturn-start: ${message}\n`]);
    };
    refused(
      { secrets: "s", hostIp: "10.20.0" },
      "HOST_IP (Downward API status.hostIP) is not an IPv4 address: '10.20.0'",
    );
    refused({ secrets: "s", hostIp: "" }, "HOST_IP (Downward API status.hostIP) is not an IPv4 address: ''");
    refused(
      { secrets: "s", publicIp: null },
      `no node address at ${dir}/public-ipv4 (the node-address init container did not run?)`,
    );
    refused({ secrets: "s", publicIp: "" }, "this node has no public IPv4 (node address file: '')");
    const rule = "1-256 characters of A-Z a-z 0-9 . _ ~ + / - = (not starting with =)";
    // coturn's conf parser would strip a leading '=', quotes or blanks and accept a different secret.
    for (const secret of ["=abc", '"abc"', "a b", "", "x".repeat(257)]) {
      refused({ secrets: secret }, `the static-auth-secret must be ${rule}`);
    }
    refused(
      { secrets: "good\n=bad", perLine: true },
      `line 2 of ${dir}/secret: the static-auth-secret must be ${rule}`,
    );
    refused({ secrets: "", perLine: true }, `no static-auth-secret in ${dir}/secret`);
    refused(
      { secrets: "good\n\nother", perLine: true },
      `line 2 of ${dir}/secret: the static-auth-secret must be ${rule}`,
    );
  });

  it("accepts a 256-character secret, the longest coturn keeps", () => {
    const { status, stdout } = run({ secrets: "x".repeat(256) });
    expect(status).toBe(0);
    expect(stdout).toContain(`static-auth-secret=${"x".repeat(256)}\n`);
  });
});
