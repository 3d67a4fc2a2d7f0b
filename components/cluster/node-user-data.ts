/**
 * User data for SFU nodes: the kernel settings LiveKit and Coturn need, applied at boot.
 */
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
  "net.ipv4.ip_local_port_range": "32768 39999",
});

/** The ephemeral range above, as numbers (the region stack checks it against the media port ranges). */
export const SFU_EPHEMERAL_PORTS = { start: 32768, end: 39999 } as const;

/** Where the boot script writes the settings, so they also survive a reboot. */
export const SFU_SYSCTL_FILE = "/etc/sysctl.d/90-livekit-udp-buffers.conf";

/** Shell script that applies the settings at boot, before the kubelet starts any pod. */
export function sfuBootScript(): string {
  const lines = Object.entries(SFU_NODE_SYSCTLS).map(([key, value]) => `${key} = ${value}`);
  return [
    "#!/bin/bash",
    "set -euo pipefail",
    `cat > ${SFU_SYSCTL_FILE} <<'EOF'`,
    ...lines,
    "EOF",
    `sysctl -p ${SFU_SYSCTL_FILE}`,
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
