import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import {
  COTURN_CONF_FILE,
  COTURN_CONFIG_DIR,
  COTURN_CONTAINER_COMMAND,
  COTURN_RUNTIME_DIR,
  COTURN_SECRET_DIR,
  COTURN_SECRET_KEY,
  COTURN_SECRETS_KEY,
  COTURN_START_SCRIPT_FILE,
  renderCoturnStartScript,
} from "./start";
import { placeOn } from "../shared/node-roles";
import {
  COTURN_LISTENING_PORT,
  COTURN_METRICS_PORT,
  renderTurnserverConf,
  TurnserverConfInput,
} from "./turnserver-conf";
import { versions } from "../../lib/versions";
import { CONFIG_CHECKSUM_ANNOTATION, sha256, workloadLabels } from "../shared/annotations";
import { checkResources, nonRootPodSecurityContext } from "../shared/pods";
import {
  TURN_SECRET_GENERATIONS_ANNOTATION,
  turnSecretGenerationsAnnotation,
  type AcceptedTurnSecrets,
} from "../shared/turn";
import {
  HOST_IP_ENV_VAR,
  NODE_ADDRESS_MOUNT,
  NODE_ADDRESS_VOLUME_SPEC,
  nodeAddressInitContainer,
  restrictedSecurityContext,
} from "../shared/node-address";

/**
 * How long a Coturn pod may drain. On termination the preStop hook puts coturn in drain mode (SIGUSR1:
 * no new allocations) and waits until the last allocation is gone; an allocation lives at most
 * `max-allocate-lifetime` (3600 s) unless the client keeps refreshing it, so an hour lets most calls end.
 */
export const COTURN_TERMINATION_GRACE_SECONDS = 3600;

/** The image's user (docker/coturn/debian/Dockerfile: `USER nobody:nogroup`). */
const NOBODY = 65534;

export interface CoturnResources {
  cpuRequestMillis: number;
  memoryRequestMiB: number;
  memoryLimitMiB: number;
}

export interface CoturnArgs {
  /**
   * LiveKit's TURN Secret (`LiveKit.turnSecret`): the key holding every static-auth-secret Coturn accepts, and
   * their generations. Coturn runs in that Secret's namespace, since a pod can mount only Secrets of its own
   * namespace.
   */
  sharedSecret: AcceptedTurnSecrets;
  /** turnserver.conf settings (components/coturn/turnserver-conf.ts): realm, relay ports, the SFU's ports, quotas. */
  turnserver: TurnserverConfInput;
  /** Per pod; Coturn shares each SFU node with a LiveKit pod. No CPU limit: throttling a relay drops packets. */
  resources: CoturnResources;
}

/**
 * Coturn on every SFU node, on the host network: relays bind the node's public IP on ports disjoint from
 * LiveKit's, the shared secret comes from LiveKit's Secret, the private IP from the Downward API and the public IP
 * from the node-address init container.
 */
export class Coturn extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Labels of the Coturn pods: the TURN load balancer Service selects them. */
  readonly podLabels: Record<string, string>;
  /** TURN over UDP and TCP (TLS is terminated by the NLB and arrives here as TCP). */
  readonly listeningPort: number = COTURN_LISTENING_PORT;
  readonly metricsPort: number = COTURN_METRICS_PORT;
  readonly configChecksum: pulumi.Output<string>;

  constructor(name: string, args: CoturnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:turn:Coturn", name, {}, opts);
    const r = args.resources;
    checkResources("coturn resources", r);

    const namespace = args.sharedSecret.secret.metadata.namespace;
    const appName = "coturn";
    const { podLabels, labels } = workloadLabels(appName, "turn");

    // No secret and no node address in either file: the start script adds them on the node. With one
    // generation, the Secret key is the secret itself (the script every pod ran before rotations); with two,
    // the key holds one per line.
    const { generations } = args.sharedSecret;
    const perLine = generations.length > 1;
    const conf = renderTurnserverConf(args.turnserver);
    const startScript = renderCoturnStartScript({ secretsPerLine: perLine });
    const checksum = sha256(`${conf}\n--\n${startScript}`);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: { name: `coturn-config-${checksum.slice(0, 10)}`, namespace, labels },
        data: { [COTURN_CONF_FILE]: conf, [COTURN_START_SCRIPT_FILE]: startScript },
      },
      { parent: this },
    );

    new k8s.apps.v1.DaemonSet(
      `${name}-coturn`,
      {
        metadata: {
          name: appName,
          namespace,
          labels,
          // A rollout replaces node by node, each old pod draining for up to an hour first (a new pod cannot
          // bind the node's ports before): it outlasts any `pulumi up`, so do not wait for it. The TURN NLB
          // Service still waits for a ready Coturn pod when it is created; its target health watches the rest.
          annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: {
          selector: { matchLabels: podLabels },
          updateStrategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } },
          template: {
            metadata: {
              labels,
              annotations: {
                [CONFIG_CHECKSUM_ANNOTATION]: checksum,
                // Coturn reads its secrets at start: a change of the accepted generations rolls the pods
                // (labels only; none for the initial generation alone).
                ...turnSecretGenerationsAnnotation(TURN_SECRET_GENERATIONS_ANNOTATION, generations),
              },
            },
            spec: {
              // One per SFU node, on the node's network: relayed media goes to the node's public IP.
              hostNetwork: true,
              dnsPolicy: "ClusterFirstWithHostNet",
              ...placeOn("sfu"),
              terminationGracePeriodSeconds: COTURN_TERMINATION_GRACE_SECONDS,
              enableServiceLinks: false,
              automountServiceAccountToken: false,
              // fsGroup makes the Secret file group-readable by the image's non-root user, and no one else.
              securityContext: nonRootPodSecurityContext(NOBODY),
              // The node's public IPv4 from instance metadata (the same file LiveKit reads).
              initContainers: [nodeAddressInitContainer(versions.images.curl)],
              containers: [
                {
                  name: appName,
                  image: versions.images.coturn,
                  command: [...COTURN_CONTAINER_COMMAND],
                  // The node's private IP: listening, relay and metrics address.
                  env: [HOST_IP_ENV_VAR],
                  ports: [
                    {
                      name: "turn-udp",
                      containerPort: COTURN_LISTENING_PORT,
                      hostPort: COTURN_LISTENING_PORT,
                      protocol: "UDP",
                    },
                    {
                      name: "turn-tcp",
                      containerPort: COTURN_LISTENING_PORT,
                      hostPort: COTURN_LISTENING_PORT,
                      protocol: "TCP",
                    },
                    {
                      name: "metrics",
                      containerPort: COTURN_METRICS_PORT,
                      hostPort: COTURN_METRICS_PORT,
                      protocol: "TCP",
                    },
                  ],
                  resources: {
                    requests: { cpu: `${r.cpuRequestMillis}m`, memory: `${r.memoryRequestMiB}Mi` },
                    limits: { memory: `${r.memoryLimitMiB}Mi` },
                  },
                  readinessProbe: {
                    tcpSocket: { port: COTURN_LISTENING_PORT },
                    periodSeconds: 5,
                    timeoutSeconds: 2,
                    failureThreshold: 3,
                  },
                  livenessProbe: {
                    tcpSocket: { port: COTURN_LISTENING_PORT },
                    initialDelaySeconds: 15,
                    periodSeconds: 10,
                    timeoutSeconds: 5,
                    failureThreshold: 6,
                  },
                  lifecycle: {
                    // Drain (coturn >= 4.15): refuse new allocations, exit once the last one ends. The kubelet's
                    // SIGTERM, which stops coturn at once, only comes after this hook returns or the grace ends.
                    preStop: {
                      exec: {
                        command: ["/bin/bash", "-c", "kill -USR1 1 && while kill -0 1 2>/dev/null; do sleep 5; done"],
                      },
                    },
                  },
                  // The image gives turnserver the file capability cap_net_bind_service; exec fails with EPERM
                  // unless it stays in the bounding set (coturn binds no port below 1024 here, so it is never
                  // used). The only capability kept, for that reason alone.
                  securityContext: restrictedSecurityContext(["NET_BIND_SERVICE"]),
                  volumeMounts: [
                    { name: "config", mountPath: COTURN_CONFIG_DIR, readOnly: true },
                    { name: "shared-secret", mountPath: COTURN_SECRET_DIR, readOnly: true },
                    { name: "runtime", mountPath: COTURN_RUNTIME_DIR },
                    NODE_ADDRESS_MOUNT,
                  ],
                },
              ],
              volumes: [
                { name: "config", configMap: { name: configMap.metadata.name } },
                {
                  name: "shared-secret",
                  secret: {
                    secretName: args.sharedSecret.secret.metadata.name,
                    defaultMode: 0o440,
                    items: [{ key: args.sharedSecret.key, path: perLine ? COTURN_SECRETS_KEY : COTURN_SECRET_KEY }],
                  },
                },
                // The generated conf holds the secret: memory only, gone with the pod.
                { name: "runtime", emptyDir: { medium: "Memory", sizeLimit: "64Mi" } },
                NODE_ADDRESS_VOLUME_SPEC,
              ],
            },
          },
        },
      },
      { parent: this },
    );

    this.namespace = namespace;
    this.podLabels = podLabels;
    this.configChecksum = pulumi.output(checksum);
    this.registerOutputs({ namespace: this.namespace, configChecksum: this.configChecksum });
  }
}
