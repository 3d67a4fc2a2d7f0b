import { createHash } from "crypto";
import { Coturn } from "../../../components/coturn";
import { coturnDaemonSetSpec } from "../../../components/coturn/pod";
import { COTURN_SECRET_KEY, COTURN_SECRETS_KEY, renderCoturnStartScript } from "../../../components/coturn/start";
import {
  TURN_SECRET_GENERATION_ANNOTATION,
  TURN_SECRET_GENERATIONS_ANNOTATION,
  type TurnSecretGenerations,
} from "../../../components/shared/turn";
import { TurnserverConfInput } from "../../../components/coturn/turnserver-conf";
import { inputsOf, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import {
  configMapTexts,
  ipv4,
  K8S_TYPES,
  kubernetesObjectProblems,
  liveKitConfig,
  mediaPlane,
  NAMESPACE,
  object,
  REDIS_PASSWORD,
  turnserverSettings,
} from "../../support/media-plane";
import { volume } from "../../support/builders";
import { runComponents } from "../../support/plan";

const RESOURCES = { cpuRequestMillis: 500, memoryRequestMiB: 256, memoryLimitMiB: 512 };

/** The credentials, LiveKit and Coturn together, as the region stack wires them; the pod is pod.test.ts's. */
const plan = (turnserver: TurnserverConfInput = turnserverSettings, turnSecretGenerations?: TurnSecretGenerations) =>
  runComponents(() => {
    const { provider, credentials } = mediaPlane(
      turnSecretGenerations ? { credentials: { turnSecretGenerations } } : {},
    );
    new Coturn(
      "mumbai-coturn",
      { sharedSecret: credentials.turnSecret, turnserver, resources: RESOURCES },
      { providers: [provider] },
    );
  });

const daemonSetOf = (result: PlanResult) => object(result, K8S_TYPES.daemonSet, "coturn");
const coturnConfigMap = (result: PlanResult) =>
  resourcesOfType(result, K8S_TYPES.configMap)
    .map((r) => inputsOf(r))
    .find((c) => c.metadata.name.startsWith("coturn-config-"))!;
const turnserverConf = (result: PlanResult): string => coturnConfigMap(result).data["turnserver.conf"];
const checksumOf = (result: PlanResult): string =>
  daemonSetOf(result).spec.template.metadata.annotations["livekit-platform/config-sha256"];
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

  it("sends only objects the Kubernetes API accepts, with no misspelt field, in the TURN Secret's namespace", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
    expect(daemonSetOf(result).metadata.namespace).toBe(NAMESPACE);
    expect(coturnConfigMap(result).metadata.namespace).toBe(NAMESPACE);
  });

  it("runs the pod its builder makes, on its ConfigMap and the credentials' TURN Secret", () => {
    const turnSecret = object(result, K8S_TYPES.secret, "livekit-turn-secret");
    const configMap = coturnConfigMap(result);
    expect(daemonSetOf(result).spec).toEqual(
      coturnDaemonSetSpec({
        resources: RESOURCES,
        configMapName: configMap.metadata.name,
        configChecksum: createHash("sha256")
          .update(`${configMap.data["turnserver.conf"]}\n--\n${configMap.data["start.sh"]}`)
          .digest("hex"),
        turnSecret: { secretName: turnSecret.metadata.name, key: COTURN_SECRET_KEY, generations: ["1"] },
      }),
    );
  });

  it("mounts the very Secret and key LiveKit signs TURN credentials with", () => {
    const livekitPod = object(result, K8S_TYPES.deployment, "livekit-server").spec.template.spec;
    const fromLiveKit = volume(livekitPod, "turn-secret").secret;
    const fromCoturn = volume(daemonSetOf(result).spec.template.spec, "shared-secret").secret;
    expect(fromCoturn.secretName).toBe(fromLiveKit.secretName);
    expect(fromCoturn.items.map((i: any) => i.key)).toEqual(fromLiveKit.items.map((i: any) => i.key));
    expect(fromCoturn.items).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
  });

  it("keeps the shared secret, the API secret and the Redis password out of every ConfigMap", () => {
    const turn = object(result, K8S_TYPES.secret, "livekit-turn-secret").stringData[COTURN_SECRET_KEY];
    const api = object(result, K8S_TYPES.secret, "livekit-load-test-key").stringData["load-test-api-secret"];
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
    const script = coturnConfigMap(result).data["start.sh"];
    expect(script).toBe(renderCoturnStartScript());
    expect(script).toContain("public-ipv4");
    expect(script).toContain('echo "external-ip=$public_ip/$private_ip"');
    expect(volume(daemonSetOf(result).spec.template.spec, "config").configMap.name).toBe(
      coturnConfigMap(result).metadata.name,
    );
  });

  it("rolls the pods when turnserver.conf changes, and only then", async () => {
    const configMap = coturnConfigMap(result);
    expect(checksumOf(result)).toBe(
      createHash("sha256")
        .update(`${configMap.data["turnserver.conf"]}\n--\n${configMap.data["start.sh"]}`)
        .digest("hex"),
    );
    expect(checksumOf(await plan())).toBe(checksumOf(result));
    const changed = await plan({ ...turnserverSettings, userQuota: 20 });
    expect(checksumOf(changed)).not.toBe(checksumOf(result));
    expect(coturnConfigMap(changed).metadata.name).not.toBe(configMap.metadata.name);
  });

  describe("rotating the TURN shared secret", () => {
    // The three steps of docs/credentials.md, from the initial generation "1" to "2"; the secrets themselves are
    // test/components/credentials's, the pod's mounts and annotations pod.test.ts's.
    let add: PlanResult; // 1. "2" accepted too
    let promote: PlanResult; // 2. "2" current, "1" still accepted
    let drop: PlanResult; // 3. "2" alone
    beforeAll(async () => {
      add = await plan(undefined, { current: "1", alsoAccepted: ["2"] });
      promote = await plan(undefined, { current: "2", alsoAccepted: ["1"] });
      drop = await plan(undefined, { current: "2", alsoAccepted: [] });
    });

    const liveKitTemplate = (r: PlanResult) => object(r, K8S_TYPES.deployment, "livekit-server").spec.template;
    const coturnTemplate = (r: PlanResult) => daemonSetOf(r).spec.template;
    const annotations = (template: Record<string, any>) => template.metadata.annotations as Record<string, string>;
    const mountedKeys = (r: PlanResult) => volume(coturnTemplate(r).spec, "shared-secret").secret.items;

    it("with the initial generation alone, keeps today's mount and script, and no generation annotation", () => {
      expect(mountedKeys(result)).toEqual([{ key: COTURN_SECRET_KEY, path: COTURN_SECRET_KEY }]);
      expect(coturnConfigMap(result).data["start.sh"]).toBe(renderCoturnStartScript());
      expect(annotations(coturnTemplate(result))).not.toHaveProperty([TURN_SECRET_GENERATIONS_ANNOTATION]);
      expect(annotations(liveKitTemplate(result))).not.toHaveProperty([TURN_SECRET_GENERATION_ANNOTATION]);
    });

    it("1. add: Coturn accepts both and rolls; LiveKit reads only the current one, unrolled", () => {
      expect(mountedKeys(add)).toEqual([{ key: COTURN_SECRETS_KEY, path: COTURN_SECRETS_KEY }]);
      expect(coturnConfigMap(add).data["start.sh"]).toBe(renderCoturnStartScript({ secretsPerLine: true }));
      expect(annotations(coturnTemplate(add))[TURN_SECRET_GENERATIONS_ANNOTATION]).toBe("1,2");
      expect(liveKitTemplate(add)).toEqual(liveKitTemplate(result));
      expect(kubernetesObjectProblems(add)).toEqual([]);
    });

    it("2. promote: LiveKit mints with the new one and rolls; Coturn accepts the same two and does not roll", () => {
      const { [TURN_SECRET_GENERATION_ANNOTATION]: generation, ...others } = annotations(liveKitTemplate(promote));
      expect(generation).toBe("2");
      expect(others).toEqual(annotations(liveKitTemplate(add)));
      expect(coturnTemplate(promote)).toEqual(coturnTemplate(add));
      expect(coturnConfigMap(promote).metadata.name).toBe(coturnConfigMap(add).metadata.name);
    });

    it("3. drop: Coturn keeps the new one alone and rolls; LiveKit does not roll", () => {
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
      const { provider, credentials } = mediaPlane();
      try {
        new Coturn(
          "mumbai-coturn",
          {
            sharedSecret: credentials.turnSecret,
            turnserver: { ...turnserverSettings, relayPorts: { min: 45000, max: 55000 } },
            resources: RESOURCES,
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
