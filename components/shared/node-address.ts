/**
 * The SFU node's addresses, for the hostNetwork media pods (LiveKit and Coturn) that must announce them.
 *
 * - Private IPv4: the Downward API's `status.hostIP` (a hostNetwork pod's address is the node's), as the
 *   environment variable {@link HOST_IP_ENV}.
 * - Public IPv4: only EC2 instance metadata knows it (the 1:1 NAT of the private IP). An init container
 *   in a pinned curl image asks IMDSv2 once, writes it to {@link NODE_PUBLIC_IPV4_PATH} in a
 *   memory-backed emptyDir, and exits; the media containers read the file and never talk to instance
 *   metadata themselves, nor could they: on SFU nodes only root and the init container's user reach it. No public STUN server is involved (livekit-server's `use_external_ip` would ask
 *   Google and Twilio at every start and crash-loop when they do not answer).
 * - A node without a public IPv4 (a private subnet) stops the pod at the init container with one line
 *   on stderr, instead of announcing an address clients cannot reach.
 */
import type { Input } from "@pulumi/pulumi";
import { invariant } from "./invariant";

/** Volume name and mount of the emptyDir the init container writes and the media containers read. */
export const NODE_ADDRESS_VOLUME = "node-address";
export const NODE_ADDRESS_DIR = "/run/node-address";
/** The node's public IPv4, one line. */
export const NODE_PUBLIC_IPV4_FILE = "public-ipv4";
export const NODE_PUBLIC_IPV4_PATH = `${NODE_ADDRESS_DIR}/${NODE_PUBLIC_IPV4_FILE}`;
/** Environment variable holding the node's private IPv4 (Downward API `status.hostIP`). */
export const HOST_IP_ENV = "HOST_IP";

/**
 * The init container's user: unprivileged, and the one non-root uid the SFU nodes let through to instance
 * metadata (components/cluster/node-user-data.ts, the metadata guard). No other container may run as it: the
 * media containers run as `nobody` (65534), which the guard rejects.
 */
export const NODE_ADDRESS_READER_UID = 60254;

export interface NodeAddressScriptInput {
  /** Instance metadata base URL. Default http://169.254.169.254; tests point it at a fake on loopback. */
  imdsUrl?: string;
  /** Directory to write into. Default {@link NODE_ADDRESS_DIR}. */
  dir?: string;
}

/** The init container's POSIX sh script (curl image: busybox sh, grep, mv). */
export function renderNodeAddressScript(input: NodeAddressScriptInput = {}): string {
  const imds = input.imdsUrl ?? "http://169.254.169.254";
  const dir = input.dir ?? NODE_ADDRESS_DIR;
  invariant(/^http:\/\/[A-Za-z0-9.:-]+$/.test(imds), "node address imdsUrl", "must be http://host[:port]", imds);
  invariant(/^\/[A-Za-z0-9._/-]*$/.test(dir), "node address dir", "must be an absolute path", dir);
  return `set -eu
imds=${imds}
dir=${dir}
die() { echo "node-address: $*" >&2; exit 1; }
# IMDSv2: a session token first (PUT), then the address with it. Retries cover a metadata service that is
# briefly busy at boot; a 404 (no public IPv4) is final.
token=$(curl -fsS --max-time 3 --retry 5 --retry-connrefused -X PUT \\
  -H "X-aws-ec2-metadata-token-ttl-seconds: 60" "$imds/latest/api/token") \\
  || die "no IMDSv2 token from $imds (is the instance metadata service enabled, hop limit >= 1?)"
ip=$(curl -fsS --max-time 3 --retry 5 -H "X-aws-ec2-metadata-token: $token" \\
  "$imds/latest/meta-data/public-ipv4" 2>/dev/null) || ip=""
printf '%s' "$ip" | grep -Eq '^([0-9]{1,3}[.]){3}[0-9]{1,3}$' \\
  || die "this node has no public IPv4 (instance metadata public-ipv4: \${ip:-none}); SFU nodes must be in public subnets with public IPs"
printf '%s\\n' "$ip" > "$dir/${NODE_PUBLIC_IPV4_FILE}.tmp"
mv "$dir/${NODE_PUBLIC_IPV4_FILE}.tmp" "$dir/${NODE_PUBLIC_IPV4_FILE}"
echo "node-address: public IPv4 $ip" >&2
`;
}

/** `env` entry giving a container the node's private IPv4. */
export const HOST_IP_ENV_VAR = { name: HOST_IP_ENV, valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } };

/** Least privilege for every media container: non-root, no capabilities, read-only root, RuntimeDefault seccomp. */
export function restrictedSecurityContext(addCapabilities: string[] = []) {
  return {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"], ...(addCapabilities.length ? { add: addCapabilities } : {}) },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The init container writing {@link NODE_PUBLIC_IPV4_PATH}; `image` is the curl image (`ContainerImages.curl`). */
export function nodeAddressInitContainer(image: Input<string>) {
  return {
    name: "node-address",
    image,
    command: ["/bin/sh", "-c", renderNodeAddressScript()],
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
    securityContext: {
      ...restrictedSecurityContext(),
      runAsUser: NODE_ADDRESS_READER_UID,
      runAsGroup: NODE_ADDRESS_READER_UID,
    },
    volumeMounts: [{ name: NODE_ADDRESS_VOLUME, mountPath: NODE_ADDRESS_DIR }],
  };
}

/** The emptyDir both containers mount (memory-backed, tiny). */
export const NODE_ADDRESS_VOLUME_SPEC = { name: NODE_ADDRESS_VOLUME, emptyDir: { medium: "Memory", sizeLimit: "1Mi" } };

/** Read-only mount of the address directory for a media container. */
export const NODE_ADDRESS_MOUNT = { name: NODE_ADDRESS_VOLUME, mountPath: NODE_ADDRESS_DIR, readOnly: true };
