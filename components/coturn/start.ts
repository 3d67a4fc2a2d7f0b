/**
 * The Coturn container's start script, and the paths the Pod spec must mount for it.
 *
 * Why a script: turnserver needs values a ConfigMap cannot hold.
 *  - the shared secret, which must stay in a Kubernetes Secret: coturn has no "secret from file" option
 *    (`secret-key-file` is something else) and no include directive, and `--static-auth-secret=` on the
 *    command line is readable by every user on the node through /proc/<pid>/cmdline;
 *  - the node's private IP (to listen and relay on) and public IP (`external-ip`, returned in
 *    XOR-RELAYED-ADDRESS), which are only known on the node.
 * So the script copies the ConfigMap's turnserver.conf into a memory-backed emptyDir (mode 0600), appends
 * those lines, and execs `turnserver -c <that file> "$@"`.
 *
 * Where the IPs come from: EC2 instance metadata (IMDSv2), spoken with bash's /dev/tcp because the
 * pinned image (docker/coturn/debian/Dockerfile at docker/4.17.0-r0) ships bash, coreutils and `dig`,
 * but no curl or wget. IMDS is authoritative (public-ipv4 is exactly the 1:1 NAT of local-ipv4) and
 * needs no egress. The image's own `detect-external-ip` asks public DNS resolvers (OpenDNS, Google,
 * Cloudflare, Akamai) instead: it needs internet DNS egress and, on a node without a public IP, would
 * silently return the NAT gateway's address; this script fails loudly instead. hostNetwork pods reach
 * IMDS at hop limit 1.
 *
 * Pod spec this expects: hostNetwork; the image's user (65534); `command` = {@link COTURN_CONTAINER_COMMAND};
 * the three mounts below; capabilities `drop: [ALL]` plus `add: [NET_BIND_SERVICE]`, because the image
 * sets that file capability on turnserver and exec fails with EPERM when it is outside the bounding set
 * (coturn/coturn#994, #1126); readOnlyRootFilesystem is fine.
 */
import { TURN_SECRET_KEY } from "../shared/turn";

/** ConfigMap mount: holds {@link COTURN_CONF_FILE} and {@link COTURN_START_SCRIPT_FILE}. */
export const COTURN_CONFIG_DIR = "/etc/coturn";
export const COTURN_CONF_FILE = "turnserver.conf";
export const COTURN_START_SCRIPT_FILE = "start.sh";
/** Secret mount: the Secret's key {@link COTURN_SECRET_KEY} holds the static-auth-secret (same value as LiveKit's `rtc.turn_servers[].secret`). */
export const COTURN_SECRET_DIR = "/etc/coturn-secret";
/** Coturn reads the TURN shared secret from this key of its Secret. */
export const COTURN_SECRET_KEY = TURN_SECRET_KEY;
/**
 * Writable dir for the generated conf, pid file and coturn's default sqlite db (the image's
 * `--turndbdir`). Mount an emptyDir with `medium: Memory` here; the root filesystem can stay read-only.
 */
export const COTURN_RUNTIME_DIR = "/var/lib/coturn";

export interface CoturnStartScriptInput {
  /** Where the ConfigMap's turnserver.conf is mounted. Default `/etc/coturn/turnserver.conf`. */
  confPath?: string;
  /** Where the Secret's key is mounted. Default `/etc/coturn-secret/static-auth-secret`. */
  secretPath?: string;
  /** Writable dir (emptyDir). Default `/var/lib/coturn`. */
  runtimeDir?: string;
  /** Instance metadata endpoint. Default 169.254.169.254:80; tests point it at a fake on loopback. */
  imds?: { host: string; port: number };
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
  const secretPath = input.secretPath ?? `${COTURN_SECRET_DIR}/${COTURN_SECRET_KEY}`;
  const runtimeDir = input.runtimeDir ?? COTURN_RUNTIME_DIR;
  const imds = input.imds ?? { host: "169.254.169.254", port: 80 };
  for (const [what, path] of [
    ["confPath", confPath],
    ["secretPath", secretPath],
    ["runtimeDir", runtimeDir],
  ]) {
    if (!/^\/[A-Za-z0-9._/-]*$/.test(path))
      throw new Error(
        `coturn start script ${what} ${JSON.stringify(path)}: expected an absolute path of [A-Za-z0-9._/-]`,
      );
  }
  if (!/^[A-Za-z0-9.:-]+$/.test(imds.host) || !Number.isInteger(imds.port) || imds.port < 1 || imds.port > 65535) {
    throw new Error(`coturn start script imds ${imds.host}:${imds.port}: expected host:port`);
  }
  const metricsLine = (input.metricsOnPrivateIp ?? true) ? `  echo "prometheus-address=$private_ip"\n` : "";
  return `#!/bin/bash
# Coturn start (rendered by lib/coturn-start.ts): ConfigMap conf + node IPs + Secret -> turnserver.
set -euo pipefail
export LC_ALL=C # byte-wise string lengths for the chunked decoding below

conf=${confPath}
secret_file=${secretPath}
runtime_dir=${runtimeDir}
export IMDS_HOST=${imds.host} IMDS_PORT=${imds.port}

die() { echo "coturn-start: $*" >&2; exit 1; }

# One HTTP/1.1 exchange with instance metadata over bash's /dev/tcp (the image has no curl).
# Prints the body of a 200 answer (Content-Length or chunked); fails on anything else.
imds_request() { # METHOD PATH HEADER
  local response head body rest size
  exec 3<>"/dev/tcp/$IMDS_HOST/$IMDS_PORT"
  printf '%s %s HTTP/1.1\\r\\nHost: %s\\r\\n%s\\r\\nContent-Length: 0\\r\\nConnection: close\\r\\n\\r\\n' \\
    "$1" "$2" "$IMDS_HOST" "$3" >&3
  response=$(cat <&3)
  head=\${response%%$'\\r\\n\\r\\n'*}
  body=\${response#*$'\\r\\n\\r\\n'}
  [[ $head == "HTTP/1."[01]" 200 "* ]] || return 1
  if [[ \${head,,} == *"transfer-encoding: chunked"* ]]; then
    rest=$body body=""
    while :; do
      size=\${rest%%$'\\r\\n'*} size=\${size%%;*}
      [[ $size =~ ^[0-9A-Fa-f]+$ ]] || return 1
      (( 16#$size > 0 )) || break
      rest=\${rest#*$'\\r\\n'}
      body+=\${rest:0:16#$size}
      rest=\${rest:16#$size+2}
    done
  fi
  printf '%s' "$body"
}
export -f imds_request

# Bounded: a connect to an unreachable address would otherwise hang for minutes.
imds() { timeout 3 bash -c 'imds_request "$@"' imds_request "$@"; }

token=""
for _ in 1 2 3 4 5; do
  token=$(imds PUT /latest/api/token "X-aws-ec2-metadata-token-ttl-seconds: 60") && break
  sleep 1
done
[[ -n $token ]] || die "no IMDSv2 token from $IMDS_HOST:$IMDS_PORT (is the instance metadata service enabled?)"

ipv4='^([0-9]{1,3}\\.){3}[0-9]{1,3}$'
private_ip=$(imds GET /latest/meta-data/local-ipv4 "X-aws-ec2-metadata-token: $token") || die "cannot read local-ipv4 from IMDS"
[[ $private_ip =~ $ipv4 ]] || die "IMDS local-ipv4 is not an IPv4 address: $private_ip"
public_ip=$(imds GET /latest/meta-data/public-ipv4 "X-aws-ec2-metadata-token: $token") \\
  || die "this node has no public IPv4 (IMDS public-ipv4); Coturn must run on nodes in public subnets"
[[ $public_ip =~ $ipv4 ]] || die "IMDS public-ipv4 is not an IPv4 address: $public_ip"

# The secret: one line of safe characters (the conf parser strips leading '=', quotes and blanks).
[[ -r $secret_file ]] || die "cannot read the static-auth-secret at $secret_file (Secret not mounted?)"
secret=$(<"$secret_file")
secret=\${secret%$'\\r'}
secret_re='^[A-Za-z0-9._~+/-][A-Za-z0-9._~+/=-]{0,255}$'
[[ $secret =~ $secret_re ]] \\
  || die "the static-auth-secret must be 1-256 characters of A-Z a-z 0-9 . _ ~ + / - = (not starting with =)"

umask 077
runtime_conf=$runtime_dir/turnserver.conf
{
  cat "$conf"
  echo
  echo "# Appended at start by start.sh: this node's addresses and the shared secret."
  echo "listening-ip=$private_ip"
  echo "relay-ip=$private_ip"
  echo "external-ip=$public_ip/$private_ip"
${metricsLine}  echo "pidfile=$runtime_dir/turnserver.pid"
  echo "static-auth-secret=$secret"
} >"$runtime_conf"
unset secret token

echo "coturn-start: listening and relaying on $private_ip, announcing $public_ip" >&2
exec turnserver -c "$runtime_conf" "$@"
`;
}
