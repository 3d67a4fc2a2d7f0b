import { createHash } from "crypto";
import { Coturn, CoturnArgs } from "../../../components/coturn";
import { LiveKit } from "../../../components/livekit";
import {
  COTURN_CONTAINER_COMMAND,
  COTURN_SECRET_KEY,
  COTURN_SECRETS_KEY,
  renderCoturnStartScript,
} from "../../../components/coturn/start";
import {
  TURN_SECRET_GENERATION_ANNOTATION,
  TURN_SECRET_GENERATIONS_ANNOTATION,
  type TurnSecretGenerations,
} from "../../../components/shared/turn";
import { NODE_ROLE_LABEL } from "../../../components/shared/node-roles";
import { TurnserverConfInput } from "../../../components/coturn/turnserver-conf";
import { versions } from "../../../lib/versions";
import { inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/engine";
import {
  configMapTexts,
  ipv4,
  K8S_TYPES,
  k8sProvider,
  kubernetesObjectProblems,
  liveKitArgs,
  liveKitConfig,
  NAMESPACE,
  object,
  REDIS_PASSWORD,
  turnserverSettings,
  volume,
} from "../../support/media-plane";
import { runComponents } from "../../support/plan";

/** LiveKit and Coturn together, as the region stack wires them. */
const plan = (
  turnserver: TurnserverConfInput = turnserverSettings,
  resources?: CoturnArgs["resources"],
  turnSecretGenerations?: TurnSecretGenerations,
) =>
  runComponents(() => {
    const provider = k8sProvider();
    const livekit = new LiveKit(
      "mumbai",
      liveKitArgs(provider, turnSecretGenerations ? { turnSecretGenerations } : {}),
      { providers: [provider] },
    );
    new Coturn(
      "mumbai",
      {
        sharedSecret: livekit.turnSecret,
        turnserver,
        resources: resources ?? { cpuRequestMillis: 500, memoryRequestMiB: 256, memoryLimitMiB: 512 },
      },
      { providers: [provider] },
    );
  });

const daemonSetOf = (result: PlanResult) => object(result, K8S_TYPES.daemonSet, "coturn");
const podSpecOf = (result: PlanResult) => daemonSetOf(result).spec.template.spec;
const containerOf = (result: PlanResult) => podSpecOf(result).containers[0];
const coturnConfigMap = (result: PlanResult) =>
  resourcesOfType(result, K8S_TYPES.configMap)
    .map((r) => inputsOf(r))
    .find((c) => c.metadata.name.startsWith("coturn-config-"))!;
const turnserverConf = (result: PlanResult): string => coturnConfigMap(result).data["turnserver.conf"];
const confValue = (conf: string, key: string) =>
  conf
    .split("\n")
    .find((l) => l.startsWith(`${key}=`))
    ?.slice(key.length + 1);

/** Whether the deployed conf's denied-peer-ip ranges cover an IPv4 address. */
function deniesIpv4(conf: string, address: string): boolean {
  const peer = ipv4(address);
  return conf
    .split("\n")
    .filter((l) => l.startsWith("denied-peer-ip=") && !l.includes(":"))
    .some((l) => {
      const [first, last = first] = l.slice("denied-peer-ip=".length).split("-").map(ipv4);
      return first <= peer && peer <= last;
    });
}

describe("Coturn", () => {
  let result: PlanResult;
  beforeAll(async () => {
    result = await plan();
  });

  it("sends only objects the Kubernetes API accepts, with no misspelt field", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
  });

  it("runs one Coturn on every SFU node, on the host network", () => {
    const spec = podSpecOf(result);
    expect(spec.hostNetwork).toBe(true);
    expect(spec.dnsPolicy).toBe("ClusterFirstWithHostNet");
    expect(spec.nodeSelector).toEqual({ [NODE_ROLE_LABEL]: "sfu" });
    expect(spec.tolerations).toContainEqual({
      key: "livekit-platform/sfu",
      operator: "Equal",
      value: "true",
      effect: "NoSchedule",
    });
    expect(daemonSetOf(result).metadata.namespace).toBe(NAMESPACE);
  });

  it("mounts the very Secret and key LiveKit signs TURN credentials with", () => {
    const livekitPod = object(result, K8S_TYPES.deployment, "livekit-server").spec.template.spec;
    const fromLiveKit = volume(livekitPod, "turn-secret").secret;
    const fromCoturn = volume(podSpecOf(result), "shared-secret").secret;
    expect(fromCoturn.secretName).toBe(fromLiveKit.secretName);
    expect(fromCoturn.items.map((i: any) => i.key)).toEqual(fromLiveKit.items.map((i: any) => i.key));
    expect(fromCoturn.items).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
    // Readable by the image's user through fsGroup, by no one else.
    expect(fromCoturn.defaultMode).toBe(0o440);
    expect(podSpecOf(result).securityContext).toMatchObject({ runAsUser: 65534, fsGroup: 65534, runAsNonRoot: true });
    expect(containerOf(result).volumeMounts).toContainEqual({
      name: "shared-secret",
      mountPath: "/etc/coturn-secret",
      readOnly: true,
    });
  });

  it("keeps the shared secret, the API secret and the Redis password out of every ConfigMap", () => {
    const turn = object(result, K8S_TYPES.secret, "livekit-turn-secret").stringData[COTURN_SECRET_KEY];
    const api = object(result, K8S_TYPES.secret, "livekit-api-keys").stringData["load-test-api-secret"];
    const texts = configMapTexts(result);
    expect(texts.some((t) => t.includes("use-auth-secret"))).toBe(true);
    for (const secret of [turn, api, REDIS_PASSWORD]) {
      expect(secret.length).toBeGreaterThanOrEqual(32);
      for (const text of texts) expect(text).not.toContain(secret);
    }
    expect(turnserverConf(result)).not.toMatch(/^static-auth-secret/m);
  });

  it("keeps TURN relays away from the metadata service and private networks in the ConfigMap it deploys", () => {
    const conf = turnserverConf(result);
    for (const address of [
      "169.254.169.254",
      "10.0.0.1",
      "10.255.255.255",
      "172.16.0.1",
      "172.31.255.254",
      "192.168.0.1",
      "192.168.255.255",
      "127.0.0.1",
      "100.64.0.1",
    ]) {
      expect({ address, denied: deniesIpv4(conf, address) }).toEqual({ address, denied: true });
    }
    expect(deniesIpv4(conf, "13.232.10.20")).toBe(false); // a public peer (an SFU node) stays reachable
    expect(conf).toMatch(/^no-multicast-peers$/m);
    expect(conf).toMatch(/^no-tcp-relay$/m);
  });

  it("relays on ports disjoint from the SFU's ICE range, as both configs are deployed", () => {
    const rtc = liveKitConfig(result).rtc;
    const conf = turnserverConf(result);
    const relay = { min: Number(confValue(conf, "min-port")), max: Number(confValue(conf, "max-port")) };
    expect(relay).toEqual({ min: 40000, max: 49999 });
    expect(relay.max < rtc.port_range_start || relay.min > rtc.port_range_end).toBe(true);
  });

  it("starts through the script that appends the node's public IP and the secret at start", () => {
    const container = containerOf(result);
    expect(container.image).toBe(versions.images.coturn);
    expect(container.command).toEqual([...COTURN_CONTAINER_COMMAND]);
    const script = coturnConfigMap(result).data["start.sh"];
    expect(script).toBe(renderCoturnStartScript());
    expect(script).toContain("public-ipv4");
    expect(script).toContain('echo "external-ip=$public_ip/$private_ip"');
    expect(volume(podSpecOf(result), "config").configMap.name).toBe(coturnConfigMap(result).metadata.name);
    // The generated conf (with the secret) lives in memory only.
    expect(volume(podSpecOf(result), "runtime").emptyDir).toMatchObject({ medium: "Memory" });
  });

  it("exports Prometheus metrics on a named port and is ready once TURN answers on TCP 3478", () => {
    const container = containerOf(result);
    expect(container.ports).toContainEqual({ name: "metrics", containerPort: 9641, hostPort: 9641, protocol: "TCP" });
    expect(container.ports).toContainEqual({ name: "turn-udp", containerPort: 3478, hostPort: 3478, protocol: "UDP" });
    expect(container.readinessProbe.tcpSocket).toEqual({ port: 3478 });
  });

  it("requests CPU with no CPU limit, and bounds memory", () => {
    const { resources } = containerOf(result);
    expect(resources).toEqual({ requests: { cpu: "500m", memory: "256Mi" }, limits: { memory: "512Mi" } });
  });

  it("drains TURN allocations for up to an hour before it stops", () => {
    const spec = podSpecOf(result);
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThanOrEqual(3600);
    // SIGUSR1 puts coturn in drain mode; the hook waits for it to exit before the kubelet's SIGTERM.
    expect(containerOf(result).lifecycle.preStop.exec.command.join(" ")).toMatch(/kill -USR1 1 && while kill -0 1/);
  });

  it("rolls the pods when turnserver.conf changes, and only then", async () => {
    const checksum = (r: PlanResult) =>
      daemonSetOf(r).spec.template.metadata.annotations["livekit-platform/config-sha256"];
    const configMap = coturnConfigMap(result);
    expect(checksum(result)).toBe(
      createHash("sha256")
        .update(`${configMap.data["turnserver.conf"]}\n--\n${configMap.data["start.sh"]}`)
        .digest("hex"),
    );
    expect(checksum(await plan())).toBe(checksum(result));
    const changed = await plan({ ...turnserverSettings, userQuota: 20 });
    expect(checksum(changed)).not.toBe(checksum(result));
    expect(coturnConfigMap(changed).metadata.name).not.toBe(configMap.metadata.name);
  });

  it("runs without privileges on a read-only root filesystem, with the RuntimeDefault seccomp profile", () => {
    expect(containerOf(result).securityContext).toEqual({
      allowPrivilegeEscalation: false,
      readOnlyRootFilesystem: true,
      runAsNonRoot: true,
      // Only the one capability turnserver's file capability needs to exec at all.
      capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE"] },
      seccompProfile: { type: "RuntimeDefault" },
    });
    const spec = daemonSetOf(result).spec.template.spec;
    expect(spec.securityContext.seccompProfile).toEqual({ type: "RuntimeDefault" });
    expect(spec.initContainers[0].securityContext.capabilities).toEqual({ drop: ["ALL"] });
  });

  it("reads the node's addresses from the Downward API and the node-address init container, not itself", () => {
    const spec = daemonSetOf(result).spec.template.spec;
    expect(spec.initContainers.map((c: any) => c.image)).toEqual([versions.images.curl]);
    expect(containerOf(result).env).toEqual([
      { name: "HOST_IP", valueFrom: { fieldRef: { fieldPath: "status.hostIP" } } },
    ]);
    expect(containerOf(result).volumeMounts).toContainEqual({
      name: "node-address",
      mountPath: "/run/node-address",
      readOnly: true,
    });
  });

  describe("rotating the TURN shared secret", () => {
    // The three steps of docs/credentials.md, from the initial generation "1" to "2".
    let add: PlanResult; // 1. "2" accepted too
    let promote: PlanResult; // 2. "2" current, "1" still accepted
    let drop: PlanResult; // 3. "2" alone
    beforeAll(async () => {
      add = await plan(undefined, undefined, { current: "1", alsoAccepted: ["2"] });
      promote = await plan(undefined, undefined, { current: "2", alsoAccepted: ["1"] });
      drop = await plan(undefined, undefined, { current: "2", alsoAccepted: [] });
    });

    const turnSecret = (r: PlanResult) => object(r, K8S_TYPES.secret, "livekit-turn-secret").stringData;
    const passwordNames = (r: PlanResult) =>
      resourcesOfType(r, "random:index/randomPassword:RandomPassword")
        .map((p) => p.name)
        .filter((n) => n.includes("turn-secret"));
    const liveKitTemplate = (r: PlanResult) => object(r, K8S_TYPES.deployment, "livekit-server").spec.template;
    const coturnTemplate = (r: PlanResult) => daemonSetOf(r).spec.template;
    const annotations = (template: Record<string, any>) => template.metadata.annotations as Record<string, string>;
    const mountedKeys = (r: PlanResult) => volume(podSpecOf(r), "shared-secret").secret.items;

    it("keeps the initial generation's secret under the name and URN it always had, one password per generation", () => {
      expect(passwordNames(result)).toEqual(["mumbai-turn-secret"]);
      expect(resourcesOfType(result, "random:index/randomPassword:RandomPassword").map((p) => p.urn)).toContain(
        "urn:pulumi:test::livekit-platform::livekit-platform:livekit:LiveKit$random:index/randomPassword:RandomPassword::mumbai-turn-secret",
      );
      expect(passwordNames(add)).toEqual(["mumbai-turn-secret", "mumbai-turn-secret-2"]);
      expect(passwordNames(promote)).toEqual(["mumbai-turn-secret-2", "mumbai-turn-secret"]);
      expect(passwordNames(drop)).toEqual(["mumbai-turn-secret-2"]);
    });

    it("with the initial generation alone, keeps one key, today's mount and script, and no generation annotation", () => {
      expect(Object.keys(turnSecret(result))).toEqual([COTURN_SECRET_KEY]);
      expect(mountedKeys(result)).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
      expect(coturnConfigMap(result).data["start.sh"]).toBe(renderCoturnStartScript());
      expect(annotations(coturnTemplate(result))).not.toHaveProperty([TURN_SECRET_GENERATIONS_ANNOTATION]);
      expect(annotations(liveKitTemplate(result))).not.toHaveProperty([TURN_SECRET_GENERATION_ANNOTATION]);
    });

    it("1. add: Coturn accepts both (the current one first) and rolls; LiveKit reads only the current one, unrolled", () => {
      const current = turnSecret(result)[COTURN_SECRET_KEY];
      const [first, next, ...rest] = turnSecret(add)[COTURN_SECRETS_KEY].split("\n");
      expect({ first, rest }).toEqual({ first: current, rest: [""] });
      expect(next).toMatch(/^[A-Za-z0-9]{48}$/);
      expect(next).not.toBe(current);
      expect(turnSecret(add)[COTURN_SECRET_KEY]).toBe(current);
      expect(mountedKeys(add)).toEqual([{ key: COTURN_SECRETS_KEY, path: COTURN_SECRETS_KEY }]);
      expect(coturnConfigMap(add).data["start.sh"]).toBe(renderCoturnStartScript({ secretsPerLine: true }));
      expect(annotations(coturnTemplate(add))[TURN_SECRET_GENERATIONS_ANNOTATION]).toBe("1,2");
      expect(liveKitTemplate(add)).toEqual(liveKitTemplate(result));
      // Both stay secret in the plan and the state.
      const raw = resourcesOfType(add, K8S_TYPES.secret).find(
        (r) => inputsOf(r).metadata.name === "livekit-turn-secret",
      )!;
      expect(isSecret(raw.inputs.stringData)).toBe(true);
      expect(kubernetesObjectProblems(add)).toEqual([]);
    });

    it("2. promote: LiveKit mints with the new one and rolls; Coturn accepts the same two and does not roll", () => {
      const [old, next] = turnSecret(add)[COTURN_SECRETS_KEY].split("\n");
      expect(turnSecret(promote)).toEqual({ [COTURN_SECRET_KEY]: next, [COTURN_SECRETS_KEY]: `${next}\n${old}\n` });
      expect(annotations(liveKitTemplate(promote))[TURN_SECRET_GENERATION_ANNOTATION]).toBe("2");
      const { [TURN_SECRET_GENERATION_ANNOTATION]: generation, ...others } = annotations(liveKitTemplate(promote));
      expect(generation).toBe("2");
      expect(others).toEqual(annotations(liveKitTemplate(add)));
      expect(coturnTemplate(promote)).toEqual(coturnTemplate(add));
      expect(coturnConfigMap(promote).metadata.name).toBe(coturnConfigMap(add).metadata.name);
    });

    it("3. drop: Coturn keeps the new one alone and rolls; LiveKit does not roll", () => {
      const [, next] = turnSecret(add)[COTURN_SECRETS_KEY].split("\n");
      expect(turnSecret(drop)).toEqual({ [COTURN_SECRET_KEY]: next });
      expect(mountedKeys(drop)).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
      expect(coturnConfigMap(drop).data["start.sh"]).toBe(renderCoturnStartScript());
      expect(annotations(coturnTemplate(drop))[TURN_SECRET_GENERATIONS_ANNOTATION]).toBe("2");
      expect(coturnTemplate(drop)).not.toEqual(coturnTemplate(promote));
      expect(liveKitTemplate(drop)).toEqual(liveKitTemplate(promote));
    });
  });

  it("refuses a relay range that overlaps the SFU's ports", async () => {
    let error: unknown;
    await runComponents(() => {
      const provider = k8sProvider();
      const livekit = new LiveKit("mumbai", liveKitArgs(provider), { providers: [provider] });
      try {
        new Coturn(
          "mumbai",
          {
            sharedSecret: livekit.turnSecret,
            turnserver: { ...turnserverSettings, relayPorts: { min: 45000, max: 55000 } },
            resources: { cpuRequestMillis: 500, memoryRequestMiB: 256, memoryLimitMiB: 512 },
          },
          { providers: [provider] },
        );
      } catch (e) {
        error = e;
      }
    });
    expect(String(error)).toMatch(/overlap the LiveKit SFU ports 50000-60000/);
  });
});
