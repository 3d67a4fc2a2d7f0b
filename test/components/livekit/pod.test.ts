import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse } from "yaml";
import {
  KEYS_CHECKSUM_ANNOTATION,
  LIVEKIT_LABELS,
  LIVEKIT_TERMINATION_GRACE_SECONDS,
  liveKitCommand,
  liveKitDeploymentSpec,
  LiveKitPodInput,
  liveKitPodSpec,
} from "../../../components/livekit/pod";
import {
  LIVEKIT_KEY_FILE_PATH,
  LIVEKIT_TURN_SECRET_PATH,
  LIVEKIT_WEBHOOK_API_KEY_ENV,
  renderLiveKitServerConfig,
} from "../../../components/livekit/server-config";
import { API_KEY_SECRET_KEYS } from "../../../components/credentials/api-keys";
import { DELETION_COST_TOKEN_DIR, renderDeletionCostScript } from "../../../components/livekit/deletion-cost";
import { COTURN_SECRET_KEY } from "../../../components/coturn/start";
import { NODE_PUBLIC_IPV4_PATH } from "../../../components/shared/node-address";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { TURN_SECRET_GENERATION_ANNOTATION } from "../../../components/shared/turn";
import { versions } from "../../../lib/versions";
import { container, ON_SFU_HOST_NETWORK, plain, volume } from "../../support/builders";
import { APPLICATION_KEY, REDIS_HOST, REDIS_SECRET, serverSettings } from "../../support/media-settings";

/** What the LiveKit component hands the builder in a region, with the names the objects get there. */
const INPUT: LiveKitPodInput = {
  server: serverSettings,
  resources: { cpuRequestMillis: 6500, memoryRequestMiB: 2048, memoryLimitMiB: 4096 },
  configMapName: "livekit-config-0123456789",
  serviceAccountName: "livekit-server",
  redisPassword: { secretName: REDIS_SECRET.name, key: REDIS_SECRET.key },
  keyFile: { secretName: "livekit-api-keys", key: API_KEY_SECRET_KEYS.keyFile },
  turnSecret: { secretName: "livekit-turn-secret", generation: "1" },
  signingKeyId: APPLICATION_KEY.id,
  checksums: { config: "c".repeat(64), keys: "k".repeat(64) },
};

const deployment = plain(liveKitDeploymentSpec(INPUT));
const spec = plain(liveKitPodSpec(INPUT));
const server = container(spec, "livekit-server");
/** The config.yaml the server reads with these settings. */
const config = parse(renderLiveKitServerConfig({ ...serverSettings, redis: { host: REDIS_HOST, port: 6379 } }));

describe("the LiveKit pod", () => {
  it("is the pod of the Deployment", () => {
    expect(deployment.template.spec).toEqual(spec);
  });

  it("runs on the SFU nodes' host network, resolving cluster names", () => {
    expect(spec).toMatchObject(ON_SFU_HOST_NETWORK);
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "sfu" });
  });

  it("never schedules two SFU pods on one node", () => {
    const terms = spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution;
    expect(terms).toEqual([
      { labelSelector: { matchLabels: deployment.selector.matchLabels }, topologyKey: "kubernetes.io/hostname" },
    ]);
    expect(deployment.template.metadata.labels).toMatchObject(deployment.selector.matchLabels);
  });

  it("requests CPU but sets no CPU limit, and bounds memory", () => {
    const { resources } = server;
    // The pod's request is the given 6500m: the deletion-cost sidecar's 10m come out of the server's.
    expect(resources.requests).toEqual({ cpu: "6490m", memory: "2048Mi" });
    const podCpu = spec.containers.reduce((s: number, c: any) => s + parseInt(c.resources.requests.cpu), 0);
    expect(podCpu).toBe(6500);
    expect(resources.limits).toEqual({ memory: "4096Mi" });
    expect(resources.limits).not.toHaveProperty("cpu");
  });

  it("lets a pod drain its rooms for five hours and keeps Karpenter from disrupting its node", () => {
    expect(spec.terminationGracePeriodSeconds).toBe(18000);
    expect(LIVEKIT_TERMINATION_GRACE_SECONDS).toBe(18000);
    expect(deployment.template.metadata.annotations["karpenter.sh/do-not-disrupt"]).toBe("true");
    // Rollouts never drop below the running capacity.
    expect(deployment.strategy.rollingUpdate.maxUnavailable).toBe(0);
  });

  it("checks readiness with GET / (Redis-dependent) but liveness and startup only with a TCP connect", () => {
    expect(server.readinessProbe.httpGet).toEqual({ path: "/", port: 7880 });
    // A Redis outage fails `/` on every node at once; a liveness probe on it would restart them all into
    // a 5 h drain. Liveness must not look at anything Redis moves.
    expect(server.livenessProbe).not.toHaveProperty("httpGet");
    expect(server.livenessProbe.tcpSocket).toEqual({ port: 7880 });
    expect(server.startupProbe.tcpSocket).toEqual({ port: 7880 });
    expect(server.startupProbe.periodSeconds * server.startupProbe.failureThreshold).toBeGreaterThanOrEqual(120);
  });

  it("takes the node's public IP from instance metadata through an init container, never from public STUN", () => {
    expect(config.rtc.use_external_ip).toBe(false);
    const [init] = spec.initContainers;
    expect(init.image).toBe(versions.images.curl);
    expect(init.command.join(" ")).toContain("/latest/meta-data/public-ipv4");
    expect(init.volumeMounts).toEqual([{ name: "node-address", mountPath: "/run/node-address" }]);
    expect(volume(spec, "node-address").emptyDir).toMatchObject({ medium: "Memory" });
    expect(server.volumeMounts).toContainEqual({
      name: "node-address",
      mountPath: "/run/node-address",
      readOnly: true,
    });
    // NODE_IP is livekit-server's rtc.node_ip; the private IP (listeners) comes from the Downward API.
    expect(server.command.join(" ")).toContain('NODE_IP="$(cat /run/node-address/public-ipv4)"');
    expect(server.command.join(" ")).toContain('--bind "$HOST_IP"');
    expect(server.env).toContainEqual({ name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } });
  });

  it("runs every container non-root, without capabilities, on a read-only root and the RuntimeDefault seccomp profile", () => {
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 65534, fsGroup: 65534 });
    expect(spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    for (const c of [...spec.initContainers, ...spec.containers]) {
      expect(c.securityContext).toMatchObject({
        allowPrivilegeEscalation: false,
        readOnlyRootFilesystem: true,
        runAsNonRoot: true,
        capabilities: { drop: ["ALL"] },
        seccompProfile: { type: "RuntimeDefault" },
      });
      expect(c.securityContext.capabilities).not.toHaveProperty("add");
    }
  });

  it("keeps each pod's deletion cost at its participant count, with a token only the sidecar mounts", () => {
    const sidecar = container(spec, "deletion-cost");
    expect(sidecar.image).toBe(versions.images.curl);
    expect(sidecar.command.join(" ")).toContain("controller.kubernetes.io/pod-deletion-cost");
    expect(sidecar.command.join(" ")).toContain(":6789/metrics");
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(spec.serviceAccountName).toBe("livekit-server");
    expect(sidecar.volumeMounts.map((m: any) => m.name)).toEqual(["deletion-cost-token"]);
    expect(server.volumeMounts.map((m: any) => m.name)).not.toContain("deletion-cost-token");
  });

  it("gives the deletion-cost sidecar every variable and file its script reads", () => {
    const sidecar = container(spec, "deletion-cost");
    const script = renderDeletionCostScript({ metricsPort: 6789, everySeconds: 30 });
    expect(sidecar.command).toEqual(["/bin/sh", "-c", script]);
    // The script's own defaults (API_URL, TOKEN_DIR) aside, it reads these; KUBERNETES_SERVICE_HOST and _PORT the
    // kubelet sets in every container whatever enableServiceLinks says (the API server's Service).
    const read = new Set([...script.matchAll(/\$([A-Z_]+)/g)].map((m) => m[1]).filter((v) => v !== "NF")); // awk's $NF
    expect([...read].sort()).toEqual([
      "HOST_IP",
      "KUBERNETES_SERVICE_HOST",
      "KUBERNETES_SERVICE_PORT",
      "POD_NAME",
      "POD_NAMESPACE",
    ]);
    const env = Object.fromEntries(sidecar.env.map((e: any) => [e.name, e.valueFrom?.fieldRef?.fieldPath]));
    expect(env).toEqual({ HOST_IP: "status.hostIP", POD_NAME: "metadata.name", POD_NAMESPACE: "metadata.namespace" });
    // $dir/token and $dir/ca.crt: the projected token (an hour, renewed by the kubelet) and the cluster's CA.
    expect(script).toContain(`dir="\${TOKEN_DIR:-${DELETION_COST_TOKEN_DIR}}"`);
    const [mount] = sidecar.volumeMounts;
    expect(mount).toEqual({ name: "deletion-cost-token", mountPath: DELETION_COST_TOKEN_DIR, readOnly: true });
    const sources = volume(spec, mount.name).projected.sources;
    expect(sources).toEqual([
      { serviceAccountToken: { path: "token", expirationSeconds: 3600 } },
      { configMap: { name: "kube-root-ca.crt", items: [{ key: "ca.crt", path: "ca.crt" }] } },
    ]);
  });

  it("gets no service environment variables beyond the API server's, and a small memory-backed /tmp", () => {
    expect(spec.enableServiceLinks).toBe(false);
    // The root filesystem is read-only; /tmp is memory, charged to the pod's memory and bounded.
    expect(server.volumeMounts).toContainEqual({ name: "tmp", mountPath: "/tmp" });
    expect(volume(spec, "tmp").emptyDir).toEqual({ medium: "Memory", sizeLimit: "16Mi" });
  });

  it("keeps the selector the shipped Deployments have: apps/v1 refuses a change of spec.selector", () => {
    // kubernetes pkg/apis/apps/validation/validation.go ValidateDeploymentUpdate: the selector is immutable, so a
    // new one would fail `pulumi up` (or need a replacement that ends every room).
    expect(deployment.selector.matchLabels).toEqual({
      "app.kubernetes.io/name": "livekit-server",
      "app.kubernetes.io/component": "sfu",
    });
    expect(LIVEKIT_LABELS.podLabels).toEqual(deployment.selector.matchLabels);
  });

  it("starts the server through sh: NODE_IP from the node-address file, listeners on HOST_IP, nothing without the file", () => {
    const dir = mkdtempSync(join(tmpdir(), "livekit-command-"));
    try {
      const server = join(dir, "livekit-server");
      writeFileSync(server, '#!/bin/sh\necho "NODE_IP=$NODE_IP args=$*"\n');
      chmodSync(server, 0o755);
      const address = join(dir, "public-ipv4");
      const [shell, flag, script] = liveKitCommand("/etc/livekit/config/config.yaml");
      const run = () =>
        spawnSync(shell, [flag, script.replace(NODE_PUBLIC_IPV4_PATH, address).replace("/livekit-server", server)], {
          encoding: "utf8",
          env: { HOST_IP: "10.20.3.4", PATH: "/usr/bin:/bin" },
        });
      expect(run().stdout).toBe("");
      expect(run().status).not.toBe(0);
      writeFileSync(address, "203.0.113.7");
      expect(run().stdout).toBe("NODE_IP=203.0.113.7 args=--config /etc/livekit/config/config.yaml --bind 10.20.3.4\n");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("sets exactly the server's variables, the webhook key's only with webhooks", () => {
    expect(server.env.map((e: { name: string }) => e.name)).toEqual(["REDIS_PASSWORD", "HOST_IP"]);
  });

  it("bounds the deletion-cost sidecar's memory, its request within its limit", () => {
    const { requests, limits } = container(spec, "deletion-cost").resources;
    const mebibytes = (quantity: string) => Number(/^(\d+)Mi$/.exec(quantity)?.[1]);
    expect(mebibytes(requests.memory)).toBeGreaterThan(0);
    expect(mebibytes(limits.memory)).toBeGreaterThanOrEqual(mebibytes(requests.memory));
  });

  it("rolls one pod at a time, never below the current capacity, and leaves the replica count to the HPA", () => {
    expect(deployment.strategy).toEqual({ type: "RollingUpdate", rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(deployment).not.toHaveProperty("replicas");
  });

  it("runs the pinned server image on the rendered config", () => {
    expect(server.image).toBe(versions.images.livekitServer);
    expect(server.command.join(" ")).toContain("exec /livekit-server --config /etc/livekit/config/config.yaml");
    expect(volume(spec, "config").configMap.name).toBe(INPUT.configMapName);
    expect(server.volumeMounts).toContainEqual({ name: "config", mountPath: "/etc/livekit/config", readOnly: true });
  });

  it("declares signalling, ICE/TCP and metrics ports", () => {
    const ports = server.ports.map((p: any) => [p.name, p.containerPort, p.protocol]);
    expect(ports).toEqual([
      ["http", 7880, "TCP"],
      ["rtc-tcp", 7881, "TCP"],
      ["metrics", 6789, "TCP"],
    ]);
    // On the host network a container port is also a host port.
    for (const port of server.ports) expect(port.hostPort).toBe(port.containerPort);
  });

  it("reads the Redis password from the Redis Secret", () => {
    expect(server.env).toContainEqual({
      name: "REDIS_PASSWORD",
      valueFrom: { secretKeyRef: { name: REDIS_SECRET.name, key: REDIS_SECRET.key } },
    });
  });

  it("mounts the API key file and the TURN secret, mode 0440 (no bits for others), where the config looks for them", () => {
    const mounts = server.volumeMounts;
    const keys = volume(spec, "api-keys");
    const turn = volume(spec, "turn-secret");
    expect(keys.secret).toEqual({
      secretName: "livekit-api-keys",
      defaultMode: 0o440,
      items: [{ key: API_KEY_SECRET_KEYS.keyFile, path: "keys.yaml" }],
    });
    expect(turn.secret).toEqual({
      secretName: "livekit-turn-secret",
      defaultMode: 0o440,
      items: [{ key: COTURN_SECRET_KEY, path: "secret" }],
    });
    const mountedAt = (name: string, file: string) => `${mounts.find((m: any) => m.name === name).mountPath}/${file}`;
    expect(config.key_file).toBe(LIVEKIT_KEY_FILE_PATH);
    expect(mountedAt("api-keys", keys.secret.items[0].path)).toBe(LIVEKIT_KEY_FILE_PATH);
    for (const turnServer of config.rtc.turn_servers) expect(turnServer.secret_file).toBe(LIVEKIT_TURN_SECRET_PATH);
    expect(mountedAt("turn-secret", turn.secret.items[0].path)).toBe(LIVEKIT_TURN_SECRET_PATH);
  });

  it("rolls the pods on a change of the config, of the key file or of the TURN secret it mints with", () => {
    const annotations = deployment.template.metadata.annotations;
    expect(annotations["livekit-platform/config-sha256"]).toBe(INPUT.checksums.config);
    expect(annotations[KEYS_CHECKSUM_ANNOTATION]).toBe(INPUT.checksums.keys);
    // The initial generation carries no annotation, as every pod did before generations were named.
    expect(annotations).not.toHaveProperty([TURN_SECRET_GENERATION_ANNOTATION]);
    const promoted = plain(liveKitDeploymentSpec({ ...INPUT, turnSecret: { ...INPUT.turnSecret, generation: "2" } }));
    const { [TURN_SECRET_GENERATION_ANNOTATION]: generation, ...others } = promoted.template.metadata.annotations;
    expect({ generation, others }).toEqual({ generation: "2", others: annotations });
    // The current secret is always read under the same key: only the annotation changes.
    expect(promoted.template.spec).toEqual(spec);
  });

  it("signs webhooks with the application's signing key when webhook URLs are set, and sends none otherwise", () => {
    expect(config.webhook).toBeUndefined();
    expect(server.env.map((e: { name: string }) => e.name)).not.toContain(LIVEKIT_WEBHOOK_API_KEY_ENV);
    const webhook = { urls: ["https://app.example.com/livekit/webhook"] };
    const hooked = { ...serverSettings, webhook };
    expect(parse(renderLiveKitServerConfig({ ...hooked, redis: { host: REDIS_HOST, port: 6379 } })).webhook).toEqual(
      webhook,
    );
    const hookedServer = container(plain(liveKitPodSpec({ ...INPUT, server: hooked })), "livekit-server");
    expect(hookedServer.env).toContainEqual({ name: LIVEKIT_WEBHOOK_API_KEY_ENV, value: APPLICATION_KEY.id });
  });
});
