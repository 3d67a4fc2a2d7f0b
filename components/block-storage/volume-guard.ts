/**
 * The volume guard: a small pod that, when it is asked to stop, waits until every EBS volume whose claim is gone
 * has been deleted, so that `pulumi destroy` removes the EBS CSI driver only after the driver has deleted them.
 *
 * Why a pod. A claim's volume is deleted by the driver's controller after the claim (the external-provisioner
 * deletes the volume of a Released PersistentVolume whose reclaim policy is Delete, and only then the
 * PersistentVolume; the volume must first be detached, which the same controller does). Nothing Pulumi manages
 * owns those PersistentVolumes, so no Pulumi resource's deletion waits for them. The guard's Deployment does: the
 * Kubernetes provider deletes it with foreground propagation and waits until it is gone, which is after its pod
 * has ended; the pod ends when this script exits or its grace period runs out.
 */

/** The EBS CSI driver's name: StorageClass `provisioner`, PersistentVolume `spec.csi.driver`. */
export const EBS_CSI_DRIVER = "ebs.csi.aws.com";

/** How often the stopping guard lists the volumes. */
export const VOLUME_GUARD_POLL_SECONDS = 5;

/**
 * The most the guard waits for the volumes (its pod's terminationGracePeriodSeconds). A detach takes seconds and
 * is forced after 6 minutes (kubernetes pkg/controller/volume/attachdetach/attach_detach_controller.go,
 * reconcilerMaxWaitForUnmountDuration);
 * the deletion follows within seconds.
 */
export const VOLUME_GUARD_GRACE_SECONDS = 600;

/**
 * How long the Kubernetes provider waits for the guard's Deployment to go (`pulumi.com/timeoutSeconds`; its
 * default is 10 minutes): above the grace period, so a slow deletion is not reported as a failure.
 */
export const VOLUME_GUARD_DELETE_TIMEOUT_SECONDS = VOLUME_GUARD_GRACE_SECONDS + 300;

/**
 * The guard's program (POSIX sh, busybox's in the kubectl image). It idles until SIGTERM, then, every
 * `pollSeconds`, lists the claims and the driver's volumes and waits while any volume with reclaim policy Delete
 * is Released or names a claim that no longer exists; it exits 0 when none is left. A listing that fails is
 * retried, never taken for "none left". A volume whose claim exists is in use, not waiting for deletion: a guard
 * evicted from a node in normal operation therefore stops at once.
 */
export function volumeGuardScript(a: { driver: string; pollSeconds: number }): string {
  // One line per volume: name|driver|reclaim policy|phase|claim namespace/name ('|' keeps empty fields apart).
  const volumes =
    "{range .items[*]}{.metadata.name}|{.spec.csi.driver}|{.spec.persistentVolumeReclaimPolicy}|{.status.phase}|" +
    '{.spec.claimRef.namespace}/{.spec.claimRef.name}{"\\n"}{end}';
  const claims = '{range .items[*]}{.metadata.namespace}/{.metadata.name}{"\\n"}{end}';
  return [
    "set -u",
    "awaiting_deletion() {",
    `  claims=$(kubectl get persistentvolumeclaims --all-namespaces -o jsonpath='${claims}') || return 2`,
    `  volumes=$(kubectl get persistentvolumes -o jsonpath='${volumes}') || return 2`,
    `  printf '%s\\n' "$volumes" | CLAIMS="$claims" awk -F'|' -v driver='${a.driver}' '`,
    '    BEGIN { n = split(ENVIRON["CLAIMS"], c, "\\n"); for (i = 1; i <= n; i++) live[c[i]] = 1 }',
    '    $2 == driver && $3 == "Delete" && $5 != "/" && ($4 == "Released" || !($5 in live)) { print $1 }\'',
    "}",
    'sleeper=""',
    "stop() {",
    '  [ -n "$sleeper" ] && kill "$sleeper" 2>/dev/null',
    '  echo "stopping: waiting for the volumes whose claims are gone to be deleted"',
    "  while :; do",
    "    if left=$(awaiting_deletion); then",
    '      if [ -z "$left" ]; then echo "no volume awaits deletion"; exit 0; fi',
    '      echo "awaiting deletion:" $left',
    "    else",
    '      echo "cannot list volumes and claims; retrying"',
    "    fi",
    `    sleep ${a.pollSeconds}`,
    "  done",
    "}",
    "trap stop TERM",
    // `wait` returns when the signal arrives, so the trap runs at once rather than after the sleep.
    'while :; do sleep 3600 & sleeper=$!; wait "$sleeper"; done',
  ].join("\n");
}
