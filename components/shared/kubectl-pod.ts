/**
 * A small controller written as a shell loop over kubectl (pure: Pulumi types only): one pod on the system nodes,
 * as the `nobody` user with a read-only root and no capabilities. Egress's deletion-cost updater and the EBS volume
 * guard are two.
 */
import type * as k8s from "@pulumi/kubernetes";
import type { Input } from "@pulumi/pulumi";
import { type ContainerImages, SHIPPED_IMAGES } from "./images";
import { placeOn } from "./node-roles";

/** The unprivileged user (and group) the loop runs as: `nobody` in the kubectl image. */
export const KUBECTL_LOOP_USER = 65534;

export interface KubectlLoopInput {
  /** The container's name. */
  name: string;
  /** The pod's labels, and the selector labels among them. */
  labels: Record<string, string>;
  podLabels: Record<string, string>;
  /** The service account whose RBAC the loop runs with. */
  serviceAccountName: Input<string>;
  /** The loop, run with `/bin/sh -c`. */
  script: Input<string>;
  /** CPU request, e.g. "20m"; memory is 64 MiB requested, 128 MiB at most. */
  cpuRequest: string;
  /** Seconds the loop gets to finish after SIGTERM; Kubernetes's default (30) when omitted. */
  terminationGracePeriodSeconds?: number;
  /** Where the images come from (a digest pin, the registry mirror); the shipped tags when omitted. */
  images?: ContainerImages;
}

/** The Deployment's spec: one replica. */
export function kubectlLoopSpec(input: KubectlLoopInput): k8s.types.input.apps.v1.DeploymentSpec {
  return {
    replicas: 1,
    selector: { matchLabels: input.podLabels },
    template: {
      metadata: { labels: input.labels },
      spec: {
        ...placeOn("system"),
        serviceAccountName: input.serviceAccountName,
        enableServiceLinks: false,
        ...(input.terminationGracePeriodSeconds === undefined
          ? {}
          : { terminationGracePeriodSeconds: input.terminationGracePeriodSeconds }),
        securityContext: {
          runAsNonRoot: true,
          runAsUser: KUBECTL_LOOP_USER,
          runAsGroup: KUBECTL_LOOP_USER,
          seccompProfile: { type: "RuntimeDefault" },
        },
        containers: [
          {
            name: input.name,
            image: (input.images ?? SHIPPED_IMAGES).kubectl,
            command: ["/bin/sh", "-c"],
            args: [input.script],
            // kubectl keeps its discovery cache under $HOME/.kube: a scratch volume, the root stays read-only.
            env: [{ name: "HOME", value: "/tmp" }],
            volumeMounts: [{ name: "tmp", mountPath: "/tmp" }],
            resources: { requests: { cpu: input.cpuRequest, memory: "64Mi" }, limits: { memory: "128Mi" } },
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ["ALL"] },
            },
          },
        ],
        volumes: [{ name: "tmp", emptyDir: { sizeLimit: "64Mi" } }],
      },
    },
  };
}
