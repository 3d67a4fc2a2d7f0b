/**
 * User data for SFU nodes: the kernel settings LiveKit and Coturn need, and the instance metadata guard, applied
 * at boot before the kubelet starts any pod.
 */
import { NODE_ADDRESS_READER_UID } from "../shared/node-address";

/**
 * The ephemeral range of SFU and TURN nodes: the ports outgoing connections and DNS lookups of the host network
 * take. The region's rules refuse a media port range that overlaps it (stacks/config/region/index.ts).
 */
export const SFU_EPHEMERAL_PORTS = { start: 32768, end: 39999 } as const;

/**
 * Kernel settings for SFU and TURN nodes.
 * - Socket buffers, bytes: LiveKit warns when the UDP receive buffer is below 5 MB and asks the kernel for
 *   more than the AL2023 default maximum (208 KiB) allows, so the maxima are 16 MiB. The defaults stay
 *   modest (1 MiB): they apply to every socket that does not ask, two per participant and every relay,
 *   and a deep default queue turns a busy moment into seconds of late media instead of a little loss.
 * - Ephemeral ports: the kernel's default range (32768-60999) overlaps Coturn's relay ports (40000-49999)
 *   and LiveKit's ICE ports (50000-60000); outgoing connections (Redis, the API server, S3) take theirs
 *   from 32768-39999 instead, above the NodePort range (30000-32767) and below both media ranges.
 */
export const SFU_NODE_SYSCTLS: Readonly<Record<string, number | string>> = Object.freeze({
  "net.core.rmem_max": 16777216, // 16 MiB: the most a socket may ask for
  "net.core.wmem_max": 16777216,
  "net.core.rmem_default": 1048576, // 1 MiB: what a socket gets when it does not ask
  "net.core.wmem_default": 1048576,
  "net.ipv4.ip_local_port_range": `${SFU_EPHEMERAL_PORTS.start} ${SFU_EPHEMERAL_PORTS.end}`,
});

/** Where the boot script writes the settings, so they also survive a reboot. */
export const SFU_SYSCTL_FILE = "/etc/sysctl.d/90-livekit-udp-buffers.conf";

/** Instance metadata's IPv4 address (the node classes turn its IPv6 endpoint off). */
export const INSTANCE_METADATA_ADDRESS = "169.254.169.254";

/**
 * Who on an SFU node may reach instance metadata. LiveKit and Coturn run on the host network, where the
 * metadata hop limit of 1 does not apply, so without the guard they (and anything that takes them over) could
 * read the node role's credentials. Let through:
 * - uid 0: the kubelet, containerd, nodeadm, the SSM agent, and the host-network DaemonSets that need the node's
 *   identity and run as root: the VPC CNI's aws-node (ipamd reads the node's interfaces from metadata) and the
 *   EKS Pod Identity agent (it signs with the node role's credentials from metadata: EKS user guide,
 *   nodes/hybrid-nodes-add-ons.adoc, and its chart mounts credentials under /root).
 * - the node-address init container's uid (components/shared/node-address.ts), which reads the public IPv4
 *   once before the media containers start.
 * Every other user (LiveKit and Coturn as `nobody`, node-exporter) is rejected at once. Traffic of pods on the pod
 * network is forwarded, not sent by a local socket: the hop limit keeps it from metadata.
 */
export const INSTANCE_METADATA_ALLOWED_UIDS: readonly number[] = [0, NODE_ADDRESS_READER_UID];

/** The chain the guard jumps to from OUTPUT, and the files the boot script writes. */
export const INSTANCE_METADATA_CHAIN = "LIVEKIT-IMDS";
export const INSTANCE_METADATA_RULES_FILE = "/etc/livekit-platform/imds-guard.rules";
export const INSTANCE_METADATA_GUARD_UNIT = "livekit-imds-guard.service";

/**
 * The guard as iptables-restore input for the filter table, added to what is there (`--noflush`). An owner
 * match on OUTPUT sees every packet a local process sends, whatever its container; AL2023's iptables is the nft
 * backend (amazon-eks-ami v20260714 templates/al2023/provisioners/install-worker.sh installs iptables-nft), and
 * a REJECT in any table's hook stands whatever kube-proxy or the VPC CNI add elsewhere.
 */
export function instanceMetadataGuardRules(): string {
  return [
    "*filter",
    `:${INSTANCE_METADATA_CHAIN} - [0:0]`,
    `-I OUTPUT 1 -d ${INSTANCE_METADATA_ADDRESS}/32 -j ${INSTANCE_METADATA_CHAIN}`,
    ...INSTANCE_METADATA_ALLOWED_UIDS.map(
      (uid) => `-A ${INSTANCE_METADATA_CHAIN} -m owner --uid-owner ${uid} -j RETURN`,
    ),
    `-A ${INSTANCE_METADATA_CHAIN} -j REJECT --reject-with icmp-port-unreachable`,
    "COMMIT",
    "",
  ].join("\n");
}

/**
 * The systemd unit loading the guard at every boot before containerd and the kubelet start; the kubelet requires
 * it, so a node whose guard failed never runs a pod (it does not join, and Karpenter replaces it).
 */
export function instanceMetadataGuardUnit(): string {
  return [
    "[Unit]",
    "Description=Instance metadata only for root and the SFU pods' node-address reader",
    "Before=containerd.service kubelet.service",
    "",
    "[Service]",
    "Type=oneshot",
    "RemainAfterExit=yes",
    // The path kubelet.service uses (amazon-eks-ami v20260714 templates/al2023/runtime/rootfs/etc/systemd/system).
    `ExecStart=/sbin/iptables-restore --wait 5 --noflush ${INSTANCE_METADATA_RULES_FILE}`,
    "",
    "[Install]",
    "WantedBy=multi-user.target",
    "RequiredBy=kubelet.service",
    "",
  ].join("\n");
}

/**
 * Shell script that applies the settings at boot, before the kubelet starts any pod: cloud-init runs it, and
 * nodeadm starts the kubelet only after cloud-init has finished.
 */
export function sfuBootScript(): string {
  const lines = Object.entries(SFU_NODE_SYSCTLS).map(([key, value]) => `${key} = ${value}`);
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `cat > ${SFU_SYSCTL_FILE} <<'EOF'`,
    ...lines,
    "EOF",
    `sysctl -p ${SFU_SYSCTL_FILE}`,
    `mkdir -p ${INSTANCE_METADATA_RULES_FILE.slice(0, INSTANCE_METADATA_RULES_FILE.lastIndexOf("/"))}`,
    `cat > ${INSTANCE_METADATA_RULES_FILE} <<'EOF'`,
    instanceMetadataGuardRules().trimEnd(),
    "EOF",
    `cat > /etc/systemd/system/${INSTANCE_METADATA_GUARD_UNIT} <<'EOF'`,
    instanceMetadataGuardUnit().trimEnd(),
    "EOF",
    "systemctl daemon-reload",
    `systemctl enable --now ${INSTANCE_METADATA_GUARD_UNIT}`,
    "",
  ].join("\n");
}

/** The MIME type nodeadm (AL2023) and cloud-init run as a shell script. */
export const SHELL_SCRIPT_PART = 'text/x-shellscript; charset="us-ascii"';
const MIME_BOUNDARY = "LIVEKIT-PLATFORM";

/**
 * The boot script as AL2023 user data: a MIME multipart document with one shell part. Karpenter adds its
 * NodeConfig part for the cluster. cloud-init runs the shell part, and nodeadm starts the kubelet only
 * after cloud-init has finished (amazon-eks-ami nodeadm-run.service: After=cloud-final.service).
 */
export function sfuNodeUserData(): string {
  return [
    "MIME-Version: 1.0",
    `Content-Type: multipart/mixed; boundary="${MIME_BOUNDARY}"`,
    "",
    `--${MIME_BOUNDARY}`,
    `Content-Type: ${SHELL_SCRIPT_PART}`,
    "",
    sfuBootScript(),
    `--${MIME_BOUNDARY}--`,
    "",
  ].join("\n");
}
