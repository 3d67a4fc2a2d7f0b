/**
 * API keys through a whole region stack: one key pair per consumer, the application's from config and the
 * same in every region, both application keys live during a rotation, and webhooks signed with the
 * signing key.
 */
import { parse } from "yaml";
import { findCredentials } from "../../policy/credentials";
import { inputsOf, isSecret, PlanResult, resourcesOfType } from "../../tools/plan/engine";
import { K8S_TYPES, liveKitConfig, object } from "../support/media-plane";
import { runStack, shippedStackPlan } from "../support/plan";
import { refreshedTokenFailures, renderedKeyFile } from "../support/api-keys";

const OLD = { id: "APPoldkey000001", secret: "o".repeat(48) };
const NEW = { id: "APPnewkey000002", secret: "n".repeat(48) };
/** Rotation step 2: both keys accepted, the new one signs. */
const overlap = {
  "livekit-platform:applicationKeys": { signing: NEW.id, keys: { [OLD.id]: OLD.secret, [NEW.id]: NEW.secret } },
  "livekit-platform:livekit": { webhook: { urls: ["https://app.example.com/livekit/webhook"] } },
};

const keyFileOf = (result: PlanResult) =>
  parse(object(result, K8S_TYPES.secret, "livekit-api-keys").stringData["keys.yaml"]) as Record<string, string>;
const egressConfigOf = (result: PlanResult) => {
  const secret = resourcesOfType(result, K8S_TYPES.secret)
    .map((r) => inputsOf(r))
    .find((s) => String(s.metadata.name).startsWith("livekit-egress-config-"))!;
  return parse(secret.stringData["config.yaml"]) as Record<string, unknown>;
};
/** Egress's pair, from the Secret its pods read it from (in the recorders' namespace). */
const egressKeyOf = (result: PlanResult) => {
  const secret = object(result, K8S_TYPES.secret, "livekit-egress-key");
  expect(secret.metadata.namespace).toBe("livekit-egress");
  return { api_key: secret.stringData["egress-api-key"], api_secret: secret.stringData["egress-api-secret"] };
};
const sfuContainer = (result: PlanResult) =>
  object(result, K8S_TYPES.deployment, "livekit-server").spec.template.spec.containers[0];

describe("application keys in a region stack", () => {
  let steady: PlanResult;
  let rotating: PlanResult;
  beforeAll(async () => {
    [steady, rotating] = [await shippedStackPlan("mumbai"), await runStack("mumbai", overlap)];
  }, 120_000);

  it("gives the application, egress and the load tests a key pair each, all in the key file", () => {
    const keyFile = keyFileOf(steady);
    const egress = egressKeyOf(steady);
    const loadTest = object(steady, K8S_TYPES.secret, "livekit-load-test-key").stringData;
    expect(egress.api_key).toMatch(/^EGRESS/);
    expect(loadTest["load-test-api-key"]).toMatch(/^LOADTEST/);
    expect(keyFile[egress.api_key]).toBe(egress.api_secret);
    expect(keyFile[loadTest["load-test-api-key"]]).toBe(loadTest["load-test-api-secret"]);
    expect(Object.keys(keyFile).sort()).toEqual(
      ["APPexamplekey0001", egress.api_key, loadTest["load-test-api-key"]].sort(),
    );
    // The application's secret reaches no consumer but the server.
    const appSecret = keyFile.APPexamplekey0001;
    expect(JSON.stringify(egressConfigOf(steady))).not.toContain(appSecret);
    expect(Object.values(egressKeyOf(steady))).not.toContain(appSecret);
    expect(Object.values(loadTest)).not.toContain(appSecret);
  });

  it("exports the application's key id in the clear and its secret as a secret", () => {
    expect(steady.outputs.applicationKeyId).toBe("APPexamplekey0001");
    expect(steady.outputs.applicationKeyIds).toEqual(["APPexamplekey0001"]);
    expect(isSecret(steady.outputs.applicationKeySecret)).toBe(true);
    expect(isSecret(steady.outputs.applicationKeySecrets)).toBe(true);
  });

  it("accepts both application keys during a rotation, in the key file and the outputs, the signing one first", () => {
    expect(keyFileOf(rotating)).toMatchObject({ [OLD.id]: OLD.secret, [NEW.id]: NEW.secret });
    expect(rotating.outputs.applicationKeyId).toBe(NEW.id);
    expect(rotating.outputs.applicationKeyIds).toEqual([NEW.id, OLD.id]);
    expect((rotating.outputs.applicationKeySecret as { value: unknown }).value).toBe(NEW.secret);
    expect((rotating.outputs.applicationKeySecrets as { value: unknown }).value).toEqual({
      [NEW.id]: NEW.secret,
      [OLD.id]: OLD.secret,
    });
  });

  it("signs webhooks with the signing key when URLs are set, with no credential in the ConfigMap", () => {
    expect(liveKitConfig(steady).webhook).toBeUndefined();
    expect(liveKitConfig(rotating).webhook).toEqual({ urls: ["https://app.example.com/livekit/webhook"] });
    expect(sfuContainer(rotating).env).toContainEqual({ name: "LIVEKIT_WEBHOOK_API_KEY", value: NEW.id });
    const configMap = resourcesOfType(rotating, K8S_TYPES.configMap)
      .map((r) => inputsOf(r))
      .find((c) => String(c.metadata.name).startsWith("livekit-config-"))!;
    expect(findCredentials("config.yaml", configMap.data["config.yaml"])).toEqual([]);
  });
});

/**
 * In the default regional mode a participant presents its refreshed token only to the region it joined: the
 * token service hands every participant of a room the room's region URL (docs/region-pinning.md), and
 * livekit-client resumes and reconnects to the URL it connected to (v2.21.0 src/room/RTCEngine.ts
 * `resumeConnection`, `restartConnection`; it tries other regions only on LiveKit Cloud hosts).
 */
describe("refreshed participant tokens in the shipped (regional) stacks", () => {
  let keyFiles: Record<string, Record<string, string>>;
  beforeAll(async () => {
    keyFiles = {
      mumbai: renderedKeyFile(await shippedStackPlan("mumbai")),
      singapore: renderedKeyFile(await shippedStackPlan("singapore")),
    };
  }, 120_000);

  it("verify in the region that refreshed them, whichever key of its key file signed them", async () => {
    for (const keyFile of Object.values(keyFiles)) expect(Object.keys(keyFile)).toHaveLength(3);
    expect(await refreshedTokenFailures(keyFiles, (region) => [region])).toEqual([]);
  });

  it("fail in another region for its generated keys: why the global name is never handed to a client here", async () => {
    const failures = await refreshedTokenFailures(keyFiles, (region) =>
      Object.keys(keyFiles).filter((r) => r !== region),
    );
    // The application's key is the same everywhere; egress's and the load tests' are each region's own.
    expect(failures.map((f) => f.replace(/(EGRESS|LOADTEST)\w+/g, "$1…"))).toEqual([
      "mumbai EGRESS… -> singapore: 401 invalid API key: EGRESS…",
      "mumbai LOADTEST… -> singapore: 401 invalid API key: LOADTEST…",
      "singapore EGRESS… -> mumbai: 401 invalid API key: EGRESS…",
      "singapore LOADTEST… -> mumbai: 401 invalid API key: LOADTEST…",
    ]);
  });
});
