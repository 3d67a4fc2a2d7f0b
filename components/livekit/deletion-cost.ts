/**
 * Scale-in picks the least-loaded SFU pod: a small sidecar keeps the pod's
 * `controller.kubernetes.io/pod-deletion-cost` equal to its participant count, which the ReplicaSet
 * controller uses to choose which pod to delete first (lowest cost first) when the HPA scales in or a
 * rollout scales the old ReplicaSet down. Without it the newest pod goes, however full.
 *
 * The sidecar is the pinned curl image (the node-address init container's): it reads
 * `livekit_participant_total` from the server's own metrics listener on the node's private IP
 * (livekit-server v1.13.5 pkg/telemetry/prometheus/rooms.go) and merge-patches its own pod's annotation
 * through the API server with a projected service account token that only this container mounts.
 */
import { POD_DELETION_COST_ANNOTATION } from "../shared/deletion-cost-policy";
import { invariant } from "../shared/invariant";

export const DELETION_COST_ANNOTATION = POD_DELETION_COST_ANNOTATION;
/** The sidecar's CPU request, millicores; it comes out of the pod's CPU request, so the pod's total stays the model's. */
export const DELETION_COST_CPU_MILLIS = 10;
/** Where the sidecar's projected token and the cluster CA are mounted. */
export const DELETION_COST_TOKEN_DIR = "/var/run/secrets/deletion-cost";

export interface DeletionCostScriptInput {
  /** livekit-server's metrics port (`prometheus.port`). */
  metricsPort: number;
  /** Seconds between updates. */
  everySeconds: number;
}

/** POSIX sh for the sidecar; needs env POD_NAME, POD_NAMESPACE, HOST_IP and the Kubernetes service env. */
export function renderDeletionCostScript(input: DeletionCostScriptInput): string {
  const { metricsPort, everySeconds } = input;
  invariant(
    Number.isInteger(metricsPort) && metricsPort >= 1 && metricsPort <= 65535,
    "deletion cost metricsPort",
    "must be a port number (1-65535)",
    metricsPort,
  );
  invariant(
    Number.isInteger(everySeconds) && everySeconds >= 1,
    "deletion cost everySeconds",
    "must be a whole number of seconds, at least 1",
    everySeconds,
  );
  return `set -u
api="\${API_URL:-https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT}"
dir="\${TOKEN_DIR:-${DELETION_COST_TOKEN_DIR}}"
last=""
trap 'exit 0' TERM INT
while :; do
  n=$(curl -fsS --max-time 3 "http://$HOST_IP:${input.metricsPort}/metrics" \\
    | awk '/^livekit_participant_total[{ ]/ { s += $NF } END { printf "%d", s }') || n=""
  if [ -n "$n" ] && [ "$n" != "$last" ]; then
    if curl -fsS --max-time 5 --cacert "$dir/ca.crt" -H "Authorization: Bearer $(cat "$dir/token")" \\
      -H "Content-Type: application/merge-patch+json" -X PATCH -o /dev/null \\
      --data "{\\"metadata\\":{\\"annotations\\":{\\"${DELETION_COST_ANNOTATION}\\":\\"$n\\"}}}" \\
      "$api/api/v1/namespaces/$POD_NAMESPACE/pods/$POD_NAME"; then
      last=$n
    else
      echo "deletion-cost: could not annotate pod $POD_NAME" >&2
    fi
  fi
  sleep ${input.everySeconds} & wait $!
done
`;
}
