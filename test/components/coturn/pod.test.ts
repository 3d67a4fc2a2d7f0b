import {
  COTURN_TERMINATION_GRACE_SECONDS,
  coturnDaemonSetSpec,
  CoturnPodInput,
  coturnPodSpec,
} from "../../../components/coturn/pod";
import {
  COTURN_CONFIG_DIR,
  COTURN_CONTAINER_COMMAND,
  COTURN_RUNTIME_DIR,
  COTURN_SECRET_KEY,
  COTURN_SECRETS_KEY,
} from "../../../components/coturn/start";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import {
  TURN_ACCEPTED_SECRETS_KEY,
  TURN_SECRET_GENERATIONS_ANNOTATION,
  TURN_SECRET_KEY,
} from "../../../components/shared/turn";
import { versions } from "../../../lib/versions";
import { container, ON_SFU_HOST_NETWORK, plain, volume } from "../../support/builders";

/** What the Coturn component hands the builder in a region with the initial TURN secret alone. */
const INPUT: CoturnPodInput = {
  resources: { cpuRequestMillis: 500, memoryRequestMiB: 256, memoryLimitMiB: 512 },
  configMapName: "coturn-config-0123456789",
  configChecksum: "c".repeat(64),
  turnSecret: { secretName: "livekit-turn-secret", key: TURN_SECRET_KEY, generations: ["1"] },
};

const daemonSet = plain(coturnDaemonSetSpec(INPUT));
const spec = plain(coturnPodSpec(INPUT));
const coturn = container(spec, "coturn");

describe("the Coturn pod", () => {
  it("is the pod of the DaemonSet", () => {
    expect(daemonSet.template.spec).toEqual(spec);
    expect(daemonSet.template.metadata.labels).toMatchObject(daemonSet.selector.matchLabels);
    expect(daemonSet.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": "coturn",
      "app.kubernetes.io/component": "turn",
    });
  });

  it("is replaced a quarter of the nodes at a time: a restart ends the relayed calls of its node", () => {
    expect(daemonSet.updateStrategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%" } });
  });

  it("gets no Kubernetes API token and no service environment variables: it talks to no API", () => {
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.enableServiceLinks).toBe(false);
  });

  it("runs one Coturn on every SFU node, on the host network", () => {
    expect(spec).toMatchObject(ON_SFU_HOST_NETWORK);
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "sfu" });
  });

  it("mounts the TURN Secret's key it is given, readable by the image's user through fsGroup and by no one else", () => {
    expect(volume(spec, "shared-secret").secret).toEqual({
      secretName: "livekit-turn-secret",
      defaultMode: 0o440,
      items: [{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }],
    });
    expect(spec.securityContext).toMatchObject({ runAsUser: 65534, fsGroup: 65534, runAsNonRoot: true });
    expect(coturn.volumeMounts).toContainEqual({
      name: "shared-secret",
      mountPath: "/etc/coturn-secret",
      readOnly: true,
    });
  });

  it("starts through the script that appends the node's public IP and the secret at start, from its ConfigMap", () => {
    expect(coturn.image).toBe(versions.images.coturn);
    expect(coturn.command).toEqual([...COTURN_CONTAINER_COMMAND]);
    expect(volume(spec, "config").configMap.name).toBe(INPUT.configMapName);
    // The generated conf (with the secret) lives in memory only.
    expect(volume(spec, "runtime").emptyDir).toMatchObject({ medium: "Memory" });
    expect(volume(spec, "runtime").emptyDir).toEqual({ medium: "Memory", sizeLimit: "64Mi" });
    expect(coturn.volumeMounts).toContainEqual({ name: "config", mountPath: COTURN_CONFIG_DIR, readOnly: true });
    expect(coturn.volumeMounts).toContainEqual({ name: "runtime", mountPath: COTURN_RUNTIME_DIR });
  });

  it("exports Prometheus metrics on a named port and is ready once TURN answers on TCP 3478", () => {
    expect(coturn.ports).toContainEqual({ name: "metrics", containerPort: 9641, hostPort: 9641, protocol: "TCP" });
    expect(coturn.ports).toContainEqual({ name: "turn-udp", containerPort: 3478, hostPort: 3478, protocol: "UDP" });
    expect(coturn.ports).toContainEqual({ name: "turn-tcp", containerPort: 3478, hostPort: 3478, protocol: "TCP" });
    expect(coturn.readinessProbe.tcpSocket).toEqual({ port: 3478 });
    // Restarted only after a minute without a TCP answer on 3478 (six probes ten seconds apart).
    expect(coturn.livenessProbe).toEqual({
      tcpSocket: { port: 3478 },
      initialDelaySeconds: 15,
      periodSeconds: 10,
      timeoutSeconds: 5,
      failureThreshold: 6,
    });
  });

  it("requests CPU with no CPU limit, and bounds memory", () => {
    expect(coturn.resources).toEqual({ requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "512Mi" } });
  });

  it("drains TURN allocations for up to an hour before it stops", () => {
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(3600);
    expect(spec.terminationGracePeriodSeconds).toBe(COTURN_TERMINATION_GRACE_SECONDS);
    // SIGUSR1 puts coturn in drain mode; the hook waits for it to exit before the kubelet's SIGTERM.
    expect(coturn.lifecycle.preStop.exec.command.join(" ")).toMatch(/kill -USR1 1 && while kill -0 1/);
    expect(coturn.lifecycle.preStop.exec.command).toEqual([
      "/bin/bash",
      "-c",
      "kill -USR1 1 && while kill -0 1 2>/dev/null; do sleep 5; done",
    ]);
  });

  it("runs without privileges on a read-only root filesystem, with the RuntimeDefault seccomp profile", () => {
    expect(coturn.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      // Only the one capability turnserver's file capability needs to exec at all.
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    expect(spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(spec.initContainers[0].securityContext.capabilities).toEqual({ drop: ["ALL"] });
  });

  it("reads the node's addresses from the Downward API and the node-address init container, not itself", () => {
    expect(spec.initContainers.map((c: any) => c.image)).toEqual([versions.images.curl]);
    expect(coturn.env).toEqual([{ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } }]);
    expect(coturn.volumeMounts).toContainEqual({
      name: "node-address",
      mountPath: "/run/node-address",
      readOnly: true,
    });
  });

  it("rolls the pods when its config changes", () => {
    expect(daemonSet.template.metadata.annotations["livekit-platform/config-sha256"]).toBe(INPUT.configChecksum);
  });

  describe("rotating the TURN shared secret", () => {
    // The README's three steps, from the initial generation "1" to "2", as the credentials hand them over.
    const perLine = { secretName: "livekit-turn-secret", key: TURN_ACCEPTED_SECRETS_KEY };
    const add = plain(coturnDaemonSetSpec({ ...INPUT, turnSecret: { ...perLine, generations: ["1", "2"] } }));
    const promote = plain(coturnDaemonSetSpec({ ...INPUT, turnSecret: { ...perLine, generations: ["2", "1"] } }));
    const drop = plain(coturnDaemonSetSpec({ ...INPUT, turnSecret: { ...INPUT.turnSecret, generations: ["2"] } }));
    const annotations = (d: Record<string, any>) => d.template.metadata.annotations as Record<string, string>;
    const mountedKeys = (d: Record<string, any>) => volume(d.template.spec, "shared-secret").secret.items;

    it("with the initial generation alone, mounts today's key and carries no generation annotation", () => {
      expect(mountedKeys(daemonSet)).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
      expect(annotations(daemonSet)).not.toHaveProperty([TURN_SECRET_GENERATIONS_ANNOTATION]);
    });

    it("1. add: mounts every accepted secret, one per line, and rolls", () => {
      expect(mountedKeys(add)).toEqual([{ key: COTURN_SECRETS_KEY, path: COTURN_SECRETS_KEY }]);
      expect(annotations(add)[TURN_SECRET_GENERATIONS_ANNOTATION]).toBe("1,2");
    });

    it("2. promote: accepts the same two and does not roll", () => {
      expect(promote).toEqual(add);
    });

    it("3. drop: mounts the new one alone and rolls", () => {
      expect(mountedKeys(drop)).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
      expect(annotations(drop)[TURN_SECRET_GENERATIONS_ANNOTATION]).toBe("2");
      expect(drop).not.toEqual(promote);
    });
  });
});
