import { createHash } from "crypto";
import { parse } from "yaml";
import { apiKeyFingerprints, keyFileKeys, renderKeyFile } from "../../../components/credentials/api-keys";

const APP = { id: "APPtestkey0001", secret: "a".repeat(48) };
const EGRESS = { id: "EGRESSabc123def456", secret: "e".repeat(48) };
const LOAD_TEST = { id: "LOADTESTabc123def456", secret: "l".repeat(48) };

describe("keyFileKeys", () => {
  it("holds every consumer's key, by id", () => {
    expect(keyFileKeys([APP], [EGRESS, LOAD_TEST])).toEqual({
      [APP.id]: APP.secret,
      [EGRESS.id]: EGRESS.secret,
      [LOAD_TEST.id]: LOAD_TEST.secret,
    });
  });

  it("refuses an id twice, which would leave one of its secrets out of the file", () => {
    expect(() => keyFileKeys([{ ...APP, id: EGRESS.id }], [EGRESS, LOAD_TEST])).toThrow(
      `credentials applicationKeys: must not reuse another key's id, got "${EGRESS.id}"`,
    );
    expect(() => keyFileKeys([APP, { ...APP, secret: "b".repeat(48) }], [EGRESS])).toThrow(
      `credentials applicationKeys: must not reuse another key's id, got "${APP.id}"`,
    );
  });
});

describe("renderKeyFile", () => {
  it("writes one sorted key: secret line per key, quoting what YAML needs quoted", () => {
    const file = renderKeyFile({ APIzz: "s3cr3t: with colon", APIaa: "plainSecretValue0123456789abcdefgh" });
    expect(file).toBe('APIaa: plainSecretValue0123456789abcdefgh\nAPIzz: "s3cr3t: with colon"\n');
    expect(parse(file)).toEqual({ APIaa: "plainSecretValue0123456789abcdefgh", APIzz: "s3cr3t: with colon" });
  });

  it("refuses an empty key set, which livekit-server would refuse at startup", () => {
    expect(() => renderKeyFile({})).toThrow("API keys: must hold at least one API key, got []");
  });
});

describe("apiKeyFingerprints", () => {
  it("gives every key of a key file the SHA-256 of its secret, sorted by id, never the secret", () => {
    const keys = keyFileKeys([APP], [LOAD_TEST, EGRESS]);
    const sha = (text: string) => createHash("sha256").update(text).digest("hex");
    const fingerprints = apiKeyFingerprints(keys);
    expect(Object.keys(fingerprints)).toEqual([APP.id, EGRESS.id, LOAD_TEST.id]);
    expect(fingerprints).toEqual({
      [APP.id]: sha(APP.secret),
      [EGRESS.id]: sha(EGRESS.secret),
      [LOAD_TEST.id]: sha(LOAD_TEST.secret),
    });
    expect(JSON.stringify(fingerprints)).not.toContain(APP.secret);
  });
});
