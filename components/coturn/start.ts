/**
 * The Coturn container's start script, and the paths the Pod spec must mount for it.
 *
 * Why a script: turnserver needs values a ConfigMap cannot hold.
 *  - the shared secret (two during a rotation: one `static-auth-secret` line each, and coturn accepts a
 *    credential minted with any of them, src/apps/relay/mainrelay.c and userdb.c at 4.17.0), which must
 *    stay in a Kubernetes Secret: coturn has no "secret from file" option
 *    (`secret-key-file` is something else) and no include directive, and `--static-auth-secret=` on the
 *    command line is readable by every user on the node through /proc/<pid>/cmdline;
 *  - the node's private IP (to listen and relay on) and public IP (`external-ip`, returned in
 *    XOR-RELAYED-ADDRESS), which are only known on the node.
 * So the script copies the ConfigMap's turnserver.conf into a memory-backed emptyDir (mode 0600), appends
 * those lines, and execs `turnserver -c <that file> "$@"`.
 *
 * Where the IPs come from: the private IP is the Downward API's `status.hostIP` (env HOST_IP); the
 * public IP is the file the pod's node-address init container wrote from instance metadata
 * (components/shared/node-address.ts), the same file LiveKit reads. The script itself speaks to nothing.
 * (The image's own `detect-external-ip` asks public DNS resolvers instead: it needs internet DNS egress
 * and, on a node without a public IP, would silently return the NAT gateway's address.)
 *
 * Pod spec this expects: hostNetwork; the image's user (65534); `command` = {@link COTURN_CONTAINER_COMMAND};
 * the three mounts below; capabilities `drop: [ALL]` plus `add: [NET_BIND_SERVICE]`, because the image
 * sets that file capability on turnserver and exec fails with EPERM when it is outside the bounding set
 * (coturn/coturn#994, #1126); readOnlyRootFilesystem is fine.
 */
import { TURN_ACCEPTED_SECRETS_KEY, TURN_SECRET_KEY } from "../shared/turn";
import { HOST_IP_ENV, NODE_PUBLIC_IPV4_PATH } from "../shared/node-address";
import { invariant } from "../shared/invariant";

/** ConfigMap mount: holds {@link COTURN_CONF_FILE} and {@link COTURN_START_SCRIPT_FILE}. */
export const COTURN_CONFIG_DIR = "/etc/coturn";
export const COTURN_CONF_FILE = "turnserver.conf";
export const COTURN_START_SCRIPT_FILE = "start.sh";
/** Secret mount: the Secret's key {@link COTURN_SECRET_KEY} holds the static-auth-secret (same value as LiveKit's `rtc.turn_servers[].secret`). */
export const COTURN_SECRET_DIR = "/etc/coturn-secret";
/** Coturn reads the TURN shared secret from this key of its Secret. */
export const COTURN_SECRET_KEY = TURN_SECRET_KEY;
/** During a rotation, Coturn reads every secret it accepts from this key instead, one per line. */
export const COTURN_SECRETS_KEY = TURN_ACCEPTED_SECRETS_KEY;
/**
 * Writable dir for the generated conf, pid file and coturn's default sqlite db (the image's
 * `--turndbdir`). Mount an emptyDir with `medium: Memory` here; the root filesystem can stay read-only.
 */
export const COTURN_RUNTIME_DIR = "/var/lib/coturn";

export interface CoturnStartScriptInput {
  /** Where the ConfigMap's turnserver.conf is mounted. Default `/etc/coturn/turnserver.conf`. */
  confPath?: string;
  /**
   * Where the Secret's key is mounted. Default `/etc/coturn-secret/static-auth-secret`, or
   * `/etc/coturn-secret/static-auth-secrets` with `secretsPerLine`.
   */
  secretPath?: string;
  /**
   * The file holds one secret per line (every generation accepted during a rotation, the current one first),
   * and each becomes its own `static-auth-secret` line. Default false: the file is the one secret, and the
   * script is the one every pod ran before rotations (so its checksum, and the pods, stay as they were).
   */
  secretsPerLine?: boolean;
  /** Writable dir (emptyDir). Default `/var/lib/coturn`. */
  runtimeDir?: string;
  /** The node-address init container's public IPv4 file. Default {@link NODE_PUBLIC_IPV4_PATH}. */
  publicIpFile?: string;
  /**
   * Bind the metrics exporter to the node's private IP instead of all addresses (`prometheus-address`,
   * coturn >= 4.10; the pinned 4.17 image has it, Debian's 4.6.1 does not). Default true.
   */
  metricsOnPrivateIp?: boolean;
}

/** The container's `command`: the script from the ConfigMap, run by the image's bash (the image's entrypoint is bypassed). */
export const COTURN_CONTAINER_COMMAND: readonly string[] = [
  "/bin/bash",
  `${COTURN_CONFIG_DIR}/${COTURN_START_SCRIPT_FILE}`,
];

/** The start script (bash). Extra container `args` are passed on to turnserver and override the file. */
export function renderCoturnStartScript(input: CoturnStartScriptInput = {}): string {
  const confPath = input.confPath ?? `${COTURN_CONFIG_DIR}/${COTURN_CONF_FILE}`;
  const perLine = input.secretsPerLine ?? false;
  const secretPath = input.secretPath ?? `${COTURN_SECRET_DIR}/${perLine ? COTURN_SECRETS_KEY : COTURN_SECRET_KEY}`;
  const runtimeDir = input.runtimeDir ?? COTURN_RUNTIME_DIR;
  const publicIpFile = input.publicIpFile ?? NODE_PUBLIC_IPV4_PATH;
  for (const [what, path] of [
    ["confPath", confPath],
    ["secretPath", secretPath],
    ["runtimeDir", runtimeDir],
    ["publicIpFile", publicIpFile],
  ]) {
    invariant(
      /^\/[A-Za-z0-9._/-]*$/.test(path),
      `coturn start script ${what}`,
      "must be an absolute path of [A-Za-z0-9._/-]",
      path,
    );
  }
  const metricsLine = (input.metricsOnPrivateIp ?? true) ? `  echo "prometheus-address=$private_ip"\n` : "";
  const secrets = perLine ? SECRET_PER_LINE : ONE_SECRET;
  return `#!/bin/bash
# Coturn start (rendered by components/coturn/start.ts): ConfigMap conf + node IPs + Secret -> turnserver.
set -euo pipefail
export LC_ALL=C

conf=${confPath}
secret_file=${secretPath}
runtime_dir=${runtimeDir}
public_ip_file=${publicIpFile}

die() { echo "coturn-start: $*" >&2; exit 1; }

ipv4='^([0-9]{1,3}\\.){3}[0-9]{1,3}$'
private_ip=\${${HOST_IP_ENV}:-}
[[ $private_ip =~ $ipv4 ]] || die "${HOST_IP_ENV} (Downward API status.hostIP) is not an IPv4 address: '$private_ip'"
[[ -r $public_ip_file ]] || die "no node address at $public_ip_file (the node-address init container did not run?)"
public_ip=$(<"$public_ip_file")
[[ $public_ip =~ $ipv4 ]] || die "this node has no public IPv4 (node address file: '$public_ip')"

${secrets.read}
umask 077
runtime_conf=$runtime_dir/turnserver.conf
{
  cat "$conf"
  echo
  echo "# Appended at start by start.sh: this node's addresses and ${secrets.what}."
  echo "listening-ip=$private_ip"
  echo "relay-ip=$private_ip"
  echo "external-ip=$public_ip/$private_ip"
${metricsLine}  echo "pidfile=$runtime_dir/turnserver.pid"
${secrets.append}
} >"$runtime_conf"
${secrets.unset}

echo "coturn-start: listening and relaying on $private_ip, announcing $public_ip" >&2
exec turnserver -c "$runtime_conf" "$@"
`;
}

/** The character rule for a secret: what coturn's conf parser keeps as is (it strips leading '=', quotes, blanks). */
const SECRET_RULE = `secret_re='^[A-Za-z0-9._~+/-][A-Za-z0-9._~+/=-]{0,255}$'`;
const SECRET_RULE_TEXT = "1-256 characters of A-Z a-z 0-9 . _ ~ + / - = (not starting with =)";

/** Reading, appending and forgetting the secret(s); the one-secret text is byte for byte what pods ran before. */
interface SecretSteps {
  what: string;
  read: string;
  append: string;
  unset: string;
}

const ONE_SECRET: SecretSteps = {
  what: "the shared secret",
  read: `# The secret: one line of safe characters (the conf parser strips leading '=', quotes and blanks).
[[ -r $secret_file ]] || die "cannot read the static-auth-secret at $secret_file (Secret not mounted?)"
secret=$(<"$secret_file")
secret=\${secret%$'\\r'}
${SECRET_RULE}
[[ $secret =~ $secret_re ]] \\
  || die "the static-auth-secret must be ${SECRET_RULE_TEXT}"
`,
  append: `  echo "static-auth-secret=$secret"`,
  unset: "unset secret",
};

// Every line is checked with the one-secret rule; an empty line or file is refused, not skipped.
const SECRET_PER_LINE: SecretSteps = {
  what: "the shared secrets",
  read: `# The secrets: one per line, the current one first, each of safe characters (the conf parser strips
# leading '=', quotes and blanks). coturn accepts a credential minted with any of them.
[[ -r $secret_file ]] || die "cannot read the static-auth-secrets at $secret_file (Secret not mounted?)"
${SECRET_RULE}
secrets=()
while IFS= read -r secret || [[ -n $secret ]]; do
  secret=\${secret%$'\\r'}
  [[ $secret =~ $secret_re ]] \\
    || die "line $(( \${#secrets[@]} + 1 )) of $secret_file: the static-auth-secret must be ${SECRET_RULE_TEXT}"
  secrets+=("$secret")
done <"$secret_file"
(( \${#secrets[@]} > 0 )) || die "no static-auth-secret in $secret_file"
`,
  append: `  for secret in "\${secrets[@]}"; do echo "static-auth-secret=$secret"; done`,
  unset: "unset secret secrets",
};
