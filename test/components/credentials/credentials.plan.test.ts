import * as pulumi from "@pulumi/pulumi";
import { createHash } from "crypto";
import { parse } from "yaml";
import { Credentials, CredentialsArgs } from "../../../components/credentials";
import { API_KEY_SECRET_KEYS } from "../../../components/credentials/api-keys";
import type { TurnSecretGenerations } from "../../../components/shared/turn";
import { inputsOf, isSecret, PlanResult, resourcesOfType } from "../../../tools/plan/engine";
import { planWithFormerUrns } from "../../support/aliases";
import {
  APPLICATION_KEY,
  credentialsArgs,
  K8S_TYPES,
  k8sProvider,
  kubernetesObjectProblems,
  NAMESPACE,
  object,
} from "../../support/media-plane";
import { runComponents } from "../../support/plan";

const PASSWORD = "random:index/randomPassword:RandomPassword";
const STRING = "random:index/randomString:RandomString";

/** What the component hands its consumers, resolved. */
interface Handles {
  egressKey?: { id: string; secret: string };
  keyFileChecksum?: string;
  fingerprints?: Record<string, string>;
  fingerprintsSecret?: boolean;
  applicationKeyOutputs?: Record<string, unknown>;
  loadTestKey?: { id: string; secret: string };
  turnSecret?: { key: string; generations: readonly string[] };
  /** The Redis AUTH token and Grafana's admin password, when made, and whether each is a secret Output. */
  redisAuthToken?: { value: string; secret: boolean };
  grafanaAdminPassword?: { value: string; secret: boolean };
}

/** Credentials("mumbai") under the mocks, and the handles it gives out. */
async function plan(overrides: Partial<CredentialsArgs> = {}): Promise<{ result: PlanResult; handles: Handles }> {
  const handles: Handles = {};
  const pending: Promise<unknown>[] = [];
  const result = await runComponents(() => {
    const provider = k8sProvider();
    const credentials = new Credentials("mumbai", credentialsArgs(overrides), { providers: [provider] });
    const { egressKey, keyFile, loadTestKey, applicationKeyOutputs: outputs } = credentials;
    pulumi.all([egressKey.id, egressKey.secret]).apply(([id, secret]) => (handles.egressKey = { id, secret }));
    keyFile.checksum.apply((checksum) => (handles.keyFileChecksum = checksum));
    credentials.apiKeyFingerprints.apply((fingerprints) => (handles.fingerprints = fingerprints));
    pending.push(pulumi.isSecret(credentials.apiKeyFingerprints).then((s) => (handles.fingerprintsSecret = s)));
    pulumi.output(outputs).apply((resolved) => (handles.applicationKeyOutputs = resolved));
    pulumi
      .all([loadTestKey.id.secret.metadata.name, loadTestKey.secret.secret.metadata.name])
      .apply(
        ([id, secret]) =>
          (handles.loadTestKey = { id: `${id}/${loadTestKey.id.key}`, secret: `${secret}/${loadTestKey.secret.key}` }),
      );
    handles.turnSecret = { key: credentials.turnSecret.key, generations: credentials.turnSecret.generations };
    for (const name of ["redisAuthToken", "grafanaAdminPassword"] as const) {
      const value = credentials[name];
      if (value === undefined) continue;
      pending.push(pulumi.isSecret(value).then((secret) => value.apply((v) => (handles[name] = { value: v, secret }))));
    }
  });
  await Promise.all(pending);
  return { result, handles };
}

const apiKeySecret = (result: PlanResult) => object(result, K8S_TYPES.secret, "livekit-api-keys").stringData;
const loadTestKeySecret = (result: PlanResult) => object(result, K8S_TYPES.secret, "livekit-load-test-key").stringData;
const keyFileOf = (result: PlanResult) =>
  parse(apiKeySecret(result)[API_KEY_SECRET_KEYS.keyFile]) as Record<string, string>;
const turnSecretOf = (result: PlanResult) => object(result, K8S_TYPES.secret, "livekit-turn-secret").stringData;
const rawSecret = (result: PlanResult, name: string) =>
  resourcesOfType(result, K8S_TYPES.secret).find((r) => inputsOf(r).metadata.name === name)!;

describe("Credentials", () => {
  let result: PlanResult;
  let handles: Handles;
  beforeAll(async () => {
    ({ result, handles } = await plan());
  });

  it("sends only objects the Kubernetes API accepts, in the media plane's namespace, through the region's provider", () => {
    expect(kubernetesObjectProblems(result)).toEqual([]);
    const secrets = resourcesOfType(result, K8S_TYPES.secret);
    expect(secrets.map((r) => inputsOf(r).metadata.name).sort()).toEqual([
      "livekit-api-keys",
      "livekit-load-test-key",
      "livekit-turn-secret",
    ]);
    for (const r of secrets) {
      // The load tests' pair goes to the load test's own namespace, everything else to the media plane's.
      const name = inputsOf(r).metadata.name;
      expect(inputsOf(r).metadata.namespace).toBe(name === "livekit-load-test-key" ? "livekit-load-test" : NAMESPACE);
      expect(r.provider).toMatch(/pulumi:providers:kubernetes::region-cluster::/);
    }
  });

  it("puts egress's pair, and nothing else, in a Secret of the recorders' namespace when it has one", async () => {
    const { result: recording, handles: recordingHandles } = await plan({ egressNamespace: "livekit-egress" });
    const keySecret = object(recording, K8S_TYPES.secret, "livekit-egress-key");
    expect(keySecret.metadata.namespace).toBe("livekit-egress");
    expect(keySecret.stringData).toEqual({
      [API_KEY_SECRET_KEYS.egressApiKey]: recordingHandles.egressKey!.id,
      [API_KEY_SECRET_KEYS.egressApiSecret]: recordingHandles.egressKey!.secret,
    });
    expect(isSecret(rawSecret(recording, "livekit-egress-key").inputs.stringData)).toBe(true);
    // The pair is the key file's egress entry: livekit-server accepts what egress signs with.
    expect(keyFileOf(recording)[recordingHandles.egressKey!.id]).toBe(recordingHandles.egressKey!.secret);
    // Without a recorders' namespace (a global rooms member) there is no such Secret (the list above).
    expect(resourcesOfType(result, K8S_TYPES.secret).map((r) => inputsOf(r).metadata.name)).not.toContain(
      "livekit-egress-key",
    );
  });

  it("gives every consumer a key pair of its own, all in the key file: application, egress, load tests", () => {
    const keyFile = keyFileOf(result);
    const ids = Object.keys(keyFile);
    expect(ids).toHaveLength(3);
    expect(keyFile[APPLICATION_KEY.id]).toBe(APPLICATION_KEY.secret);
    const egress = ids.find((id) => id.startsWith("EGRESS"))!;
    const loadTest = ids.find((id) => id.startsWith("LOADTEST"))!;
    expect(egress).toMatch(/^EGRESS[A-Za-z0-9]{12}$/);
    expect(loadTest).toMatch(/^LOADTEST[A-Za-z0-9]{12}$/);
    // Three different secrets, each at least as long as LiveKit wants.
    expect(new Set(Object.values(keyFile)).size).toBe(3);
    for (const value of Object.values(keyFile)) expect(value.length).toBeGreaterThanOrEqual(32);
    // The media plane's Secret holds the key file alone; the load tests' Secret their pair and nothing else;
    // egress gets its pair as an Output.
    expect(Object.keys(apiKeySecret(result))).toEqual([API_KEY_SECRET_KEYS.keyFile]);
    const secret = loadTestKeySecret(result);
    expect(Object.keys(secret).sort()).toEqual(
      [API_KEY_SECRET_KEYS.loadTestApiKey, API_KEY_SECRET_KEYS.loadTestApiSecret].sort(),
    );
    expect(secret[API_KEY_SECRET_KEYS.loadTestApiKey]).toBe(loadTest);
    expect(secret[API_KEY_SECRET_KEYS.loadTestApiSecret]).toBe(keyFile[loadTest]);
    expect(handles.loadTestKey).toEqual({
      id: `livekit-load-test-key/${API_KEY_SECRET_KEYS.loadTestApiKey}`,
      secret: `livekit-load-test-key/${API_KEY_SECRET_KEYS.loadTestApiSecret}`,
    });
    expect(handles.egressKey).toEqual({ id: egress, secret: keyFile[egress] });
  });

  it("keeps every key and TURN secret secret in the plan and the state", () => {
    for (const name of ["livekit-api-keys", "livekit-load-test-key", "livekit-turn-secret"]) {
      expect(isSecret(rawSecret(result, name).inputs.stringData)).toBe(true);
    }
    expect(handles.fingerprintsSecret).toBe(true);
  });

  it("takes egress's and the load tests' pairs from config when given, and generates none", async () => {
    const serviceKeys = {
      egress: { id: "EGRESSconfigured1", secret: "e".repeat(48) },
      loadTest: { id: "LOADTESTconfigured1", secret: "l".repeat(48) },
    };
    const configured = await plan({ serviceKeys });
    expect(keyFileOf(configured.result)).toEqual({
      [APPLICATION_KEY.id]: APPLICATION_KEY.secret,
      EGRESSconfigured1: "e".repeat(48),
      LOADTESTconfigured1: "l".repeat(48),
    });
    expect(loadTestKeySecret(configured.result)[API_KEY_SECRET_KEYS.loadTestApiKey]).toBe("LOADTESTconfigured1");
    expect(configured.handles.egressKey).toEqual(serviceKeys.egress);
    const generated = (p: PlanResult) => p.resources.filter((r) => /-(egress|loadTest)-key-(id|secret)$/.test(r.name));
    expect(generated(result)).toHaveLength(4);
    expect(generated(configured.result)).toEqual([]);
  });

  it("hands out a fingerprint of every key of the key file, and the key file's checksum", () => {
    const keyFile = keyFileOf(result);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    expect(handles.fingerprints).toEqual(
      Object.fromEntries(Object.entries(keyFile).map(([id, value]) => [id, sha(value)])),
    );
    expect(handles.keyFileChecksum).toBe(sha(apiKeySecret(result)[API_KEY_SECRET_KEYS.keyFile]));
  });

  it("accepts the old and the new application key together while rotating, and exports both, the signing one first", async () => {
    const next = { id: "APPnewkey0002", secret: "application-secret-new-0123456789abcdef0123" };
    const rotating = await plan({ applicationKeys: { signing: next, alsoAccepted: [APPLICATION_KEY] } });
    const keyFile = keyFileOf(rotating.result);
    expect(keyFile).toMatchObject({ [APPLICATION_KEY.id]: APPLICATION_KEY.secret, [next.id]: next.secret });
    expect(Object.keys(keyFile)).toHaveLength(4);
    expect(rotating.handles.keyFileChecksum).not.toBe(handles.keyFileChecksum);
    expect((await plan()).handles.keyFileChecksum).toBe(handles.keyFileChecksum);
    expect(rotating.handles.applicationKeyOutputs).toEqual({
      applicationKeyId: next.id,
      applicationKeySecret: next.secret,
      applicationKeyIds: [next.id, APPLICATION_KEY.id],
      applicationKeySecrets: { [next.id]: next.secret, [APPLICATION_KEY.id]: APPLICATION_KEY.secret },
    });
    expect(handles.applicationKeyOutputs).toEqual({
      applicationKeyId: APPLICATION_KEY.id,
      applicationKeySecret: APPLICATION_KEY.secret,
      applicationKeyIds: [APPLICATION_KEY.id],
      applicationKeySecrets: { [APPLICATION_KEY.id]: APPLICATION_KEY.secret },
    });
  });

  describe("rotating the TURN shared secret", () => {
    // The README's three steps, from the initial generation "1" to "2".
    const generations = (turnSecretGenerations: TurnSecretGenerations) => plan({ turnSecretGenerations });
    let add: PlanResult; // 1. "2" accepted too
    let promote: PlanResult; // 2. "2" current, "1" still accepted
    let drop: PlanResult; // 3. "2" alone
    beforeAll(async () => {
      add = (await generations({ current: "1", alsoAccepted: ["2"] })).result;
      promote = (await generations({ current: "2", alsoAccepted: ["1"] })).result;
      drop = (await generations({ current: "2", alsoAccepted: [] })).result;
    });
    const passwordNames = (r: PlanResult) =>
      resourcesOfType(r, PASSWORD)
        .map((p) => p.name)
        .filter((n) => n.includes("turn-secret"));

    it("keeps the initial generation's secret under the name it always had, one password per generation", () => {
      expect(passwordNames(result)).toEqual(["mumbai-livekit-turn-secret"]);
      expect(passwordNames(add)).toEqual(["mumbai-livekit-turn-secret", "mumbai-livekit-turn-secret-2"]);
      expect(passwordNames(promote)).toEqual(["mumbai-livekit-turn-secret-2", "mumbai-livekit-turn-secret"]);
      expect(passwordNames(drop)).toEqual(["mumbai-livekit-turn-secret-2"]);
    });

    it("with the initial generation alone, keeps one key holding the secret itself", () => {
      expect(Object.keys(turnSecretOf(result))).toEqual(["static-auth-secret"]);
      expect(handles.turnSecret).toEqual({ key: "static-auth-secret", generations: ["1"] });
    });

    it("1. add: both secrets, the current one first, one per line; the current one still under its key", () => {
      const current = turnSecretOf(result)["static-auth-secret"];
      const [first, next, ...rest] = turnSecretOf(add)["static-auth-secrets"].split("\n");
      expect({ first, rest }).toEqual({ first: current, rest: [""] });
      expect(next).toMatch(/^[A-Za-z0-9]{48}$/);
      expect(next).not.toBe(current);
      expect(turnSecretOf(add)["static-auth-secret"]).toBe(current);
      expect(isSecret(rawSecret(add, "livekit-turn-secret").inputs.stringData)).toBe(true);
      expect(kubernetesObjectProblems(add)).toEqual([]);
    });

    it("2. promote: the new one current, the old one still accepted", () => {
      const [old, next] = turnSecretOf(add)["static-auth-secrets"].split("\n");
      expect(turnSecretOf(promote)).toEqual({ "static-auth-secret": next, "static-auth-secrets": `${next}\n${old}\n` });
    });

    it("3. drop: the new one alone, under the single secret's key", () => {
      const [, next] = turnSecretOf(add)["static-auth-secrets"].split("\n");
      expect(turnSecretOf(drop)).toEqual({ "static-auth-secret": next });
    });
  });

  describe("the Redis AUTH token and Grafana's admin password", () => {
    let both: { result: PlanResult; handles: Handles };
    beforeAll(async () => {
      both = await plan({ redisAuthToken: true, grafanaAdminPassword: true });
    });
    const password = (r: PlanResult, name: string) => resourcesOfType(r, PASSWORD).find((p) => p.name === name);

    it("are made only when asked for: a global rooms member has no Redis of its own", async () => {
      expect(password(result, "mumbai-redis-auth")).toBeUndefined();
      expect(password(result, "mumbai-monitoring-grafana-admin")).toBeUndefined();
      expect([handles.redisAuthToken, handles.grafanaAdminPassword]).toEqual([undefined, undefined]);
      const member = await plan({ grafanaAdminPassword: true });
      expect(password(member.result, "mumbai-redis-auth")).toBeUndefined();
      expect(member.handles.redisAuthToken).toBeUndefined();
      expect(member.handles.grafanaAdminPassword?.secret).toBe(true);
    });

    it('hand out a token ElastiCache accepts (16 to 128 characters, none of @ " /) as a secret', () => {
      const inputs = inputsOf(password(both.result, "mumbai-redis-auth")!);
      expect(inputs).toEqual({ length: 48, special: false });
      expect(both.handles.redisAuthToken).toEqual({ value: expect.stringMatching(/^[A-Za-z0-9]{48}$/), secret: true });
    });

    it("hand out Grafana's password, 32 letters and digits, as a secret", () => {
      expect(inputsOf(password(both.result, "mumbai-monitoring-grafana-admin")!)).toEqual({
        length: 32,
        special: false,
      });
      expect(both.handles.grafanaAdminPassword).toEqual({
        value: expect.stringMatching(/^[A-Za-z0-9]{32}$/),
        secret: true,
      });
      expect(both.handles.grafanaAdminPassword!.value).not.toBe(both.handles.redisAuthToken!.value);
    });

    it("keep the URN each had under the region's Redis and Monitoring components", async () => {
      const { plan: aliased, formerUrn } = await planWithFormerUrns(() =>
        plan({ redisAuthToken: true, grafanaAdminPassword: true }).then((p) => p.result),
      );
      const prefix = "urn:pulumi:test::livekit-platform::livekit-platform";
      expect(
        ["mumbai-redis-auth", "mumbai-monitoring-grafana-admin"].map((name) => formerUrn(password(aliased, name)!)),
      ).toEqual([
        `${prefix}:redis:Redis$${PASSWORD}::mumbai-redis-auth`,
        `${prefix}:monitoring:Monitoring$${PASSWORD}::mumbai-monitoring-grafana-admin`,
      ]);
    });
  });

  it("keeps the URN every generated secret and Secret had under the region's LiveKit component", async () => {
    const { plan: aliased, formerUrn } = await planWithFormerUrns(() => plan().then((p) => p.result));
    const before = "urn:pulumi:test::livekit-platform::livekit-platform:livekit:LiveKit::mumbai-livekit";
    const under = (type: string, name: string) => `${before.replace(/::mumbai-livekit$/, "")}$${type}::${name}`;
    // The load tests' Secret came later, under Credentials: it has no former URN to keep.
    const children = aliased.resources.filter(
      (r) => r.parent?.endsWith("::mumbai") && r.name !== "mumbai-livekit-load-test-key",
    );
    expect(children.map(formerUrn).sort()).toEqual(
      [
        under(STRING, "mumbai-livekit-egress-key-id"),
        under(PASSWORD, "mumbai-livekit-egress-key-secret"),
        under(STRING, "mumbai-livekit-loadTest-key-id"),
        under(PASSWORD, "mumbai-livekit-loadTest-key-secret"),
        under(K8S_TYPES.secret, "mumbai-livekit-api-keys"),
        under(PASSWORD, "mumbai-livekit-turn-secret"),
        under(K8S_TYPES.secret, "mumbai-livekit-turn-secret"),
      ].sort(),
    );
  });
});
