/**
 * User data for SFU nodes: the kernel settings LiveKit and Coturn need, applied at boot.
 */
/**
 * Kernel socket buffer sizes for SFU and TURN nodes. LiveKit warns when the UDP receive buffer is below
 * 5 MB and asks the kernel for more than the AL2023 default maximum (208 KiB) allows; Coturn relays never
 * ask, so they get the default. Bytes.
 */
export const SFU_NODE_SYSCTLS: Readonly<Record<string, number>> = Object.freeze({
  "net.core.rmem_max": 33554432, // 32 MiB: the most a socket may ask for
  "net.core.wmem_max": 33554432,
  "net.core.rmem_default": 16777216, // 16 MiB: what a socket gets when it does not ask (Coturn)
  "net.core.wmem_default": 16777216,
});

/** Where the boot script writes the settings, so they also survive a reboot. */
export const SFU_SYSCTL_FILE = "/etc/sysctl.d/90-livekit-udp-buffers.conf";

/** Shell script that raises the UDP buffers at boot, before the kubelet starts any pod. */
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
