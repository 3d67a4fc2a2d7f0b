import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { COTURN_CONF_FILE, COTURN_START_SCRIPT_FILE, renderCoturnStartScript } from "./start";
import {
  COTURN_LISTENING_PORT,
  COTURN_METRICS_PORT,
  renderTurnserverConf,
  TurnserverConfInput,
} from "./turnserver-conf";
import { sha256 } from "../shared/annotations";
import type { ContainerImages } from "../shared/images";
import { checkResources, type PodResources } from "../shared/pods";
import type { AcceptedTurnSecrets } from "../shared/turn";
import { COTURN_APP, COTURN_LABELS, coturnDaemonSetSpec } from "./pod";

export { COTURN_TERMINATION_GRACE_SECONDS } from "./pod";

export interface CoturnArgs {
  /**
   * The TURN Secret (`Credentials.turnSecret`): the key holding every static-auth-secret Coturn accepts, and
   * their generations. Coturn runs in that Secret's namespace, since a pod can mount only Secrets of its own
   * namespace.
   */
  sharedSecret: AcceptedTurnSecrets;
  /** turnserver.conf settings (components/coturn/turnserver-conf.ts): realm, relay ports, the SFU's ports, quotas. */
  turnserver: TurnserverConfInput;
  /** Per pod; Coturn shares each SFU node with a LiveKit pod. No CPU limit: throttling a relay drops packets. */
  resources: PodResources;
  /** Where the images come from (digest pins, the registry mirror): components/shared/images.ts. Shipped tags when omitted. */
  images?: ContainerImages;
}

/**
 * Coturn on every SFU node, on the host network (./pod.ts), with its config and start script in a ConfigMap
 * that holds no secret.
 */
export class Coturn extends pulumi.ComponentResource {
  readonly namespace: pulumi.Output<string>;
  /** Labels of the Coturn pods: the TURN load balancer Service selects them. */
  readonly podLabels: Record<string, string> = COTURN_LABELS.podLabels;
  /** TURN over UDP and TCP (TLS is terminated by the NLB and arrives here as TCP). */
  readonly listeningPort: number = COTURN_LISTENING_PORT;
  readonly metricsPort: number = COTURN_METRICS_PORT;
  readonly configChecksum: pulumi.Output<string>;

  constructor(name: string, args: CoturnArgs, opts?: pulumi.ComponentResourceOptions) {
    super("livekit-platform:turn:Coturn", name, {}, opts);
    checkResources("coturn resources", args.resources);
    this.namespace = args.sharedSecret.secret.metadata.namespace;

    const { configMap, checksum } = this.config(name, args);
    new k8s.apps.v1.DaemonSet(
      `${name}-coturn`,
      {
        metadata: {
          name: COTURN_APP,
          namespace: this.namespace,
          labels: COTURN_LABELS.labels,
          // A rollout replaces node by node, each old pod draining for up to an hour first (a new pod cannot
          // bind the node's ports before): it outlasts any `pulumi up`, so do not wait for it. The TURN NLB
          // Service still waits for a ready Coturn pod when it is created; its target health watches the rest.
          annotations: { "pulumi.com/skipAwait": "true" },
        },
        spec: coturnDaemonSetSpec({
          resources: args.resources,
          configMapName: configMap.metadata.name,
          configChecksum: checksum,
          turnSecret: {
            secretName: args.sharedSecret.secret.metadata.name,
            key: args.sharedSecret.key,
            generations: args.sharedSecret.generations,
          },
          images: args.images,
        }),
      },
      { parent: this },
    );

    this.configChecksum = pulumi.output(checksum);
    this.registerOutputs({ namespace: this.namespace, configChecksum: this.configChecksum });
  }

  /**
   * turnserver.conf and the start script, named by their hash. Neither holds a secret or the node's address: the
   * start script adds them on the node. With one generation, the Secret key is the secret itself (the script
   * every pod ran before rotations); with two, the key holds one per line.
   */
  private config(name: string, args: CoturnArgs) {
    const conf = renderTurnserverConf(args.turnserver);
    const startScript = renderCoturnStartScript({ secretsPerLine: args.sharedSecret.generations.length > 1 });
    const checksum = sha256(`${conf}\n--\n${startScript}`);
    const configMap = new k8s.core.v1.ConfigMap(
      `${name}-config`,
      {
        metadata: {
          name: `coturn-config-${checksum.slice(0, 10)}`,
          namespace: this.namespace,
          labels: COTURN_LABELS.labels,
        },
        data: { [COTURN_CONF_FILE]: conf, [COTURN_START_SCRIPT_FILE]: startScript },
      },
      { parent: this },
    );
    return { configMap, checksum };
  }
}
