/**
 * The token service's settings from its environment: local mode (one LiveKit, no probes), the deployed
 * platform file, and one clear line for a setting it cannot start with.
 */
import * as fs from "fs";
import type { AddressInfo } from "net";
import * as os from "os";
import * as path from "path";
import { TokenVerifier } from "livekit-server-sdk";
import { HttpRegionHealth, NoHealthProbes } from "../../../examples/token-service/health";
import { fromEnvironment, SettingError, start } from "../../../examples/token-service/server";

const outputs = {
  regionUrls: { mumbai: "wss://mumbai.livekit.example.com", singapore: "wss://singapore.livekit.example.com" },
  applicationKeyId: "APPexamplekey0001",
  applicationKeySecret: "application-secret-0123456789abcdef0123456789",
};
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "token-service-settings-"));
const platformFile = path.join(dir, "platform.json");
fs.writeFileSync(platformFile, JSON.stringify(outputs));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe("local mode", () => {
  it("sends every room to the one local LiveKit, signs with livekit-server --dev's key, and probes nothing", async () => {
    const settings = fromEnvironment({ LOCAL_LIVEKIT_URL: "ws://localhost:7880", PORT: "0" });
    expect(settings.platform).toEqual({
      regionUrls: { local: "ws://localhost:7880" },
      apiKey: "devkey",
      apiSecret: "secret",
    });
    expect(settings.health).toBeInstanceOf(NoHealthProbes);
    const log: string[] = [];
    const server = await start(settings, (line) => log.push(line));
    try {
      expect(log[0]).toMatch(
        /^LOCAL MODE: every room goes to ws:\/\/localhost:7880 .*no health probes.*not for production/,
      );
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      const response = await fetch(`${base}/token`, {
        method: "POST",
        body: JSON.stringify({ room: "demo", identity: "alice", region: "singapore" }),
      });
      expect(response.status).toBe(200);
      const body = (await response.json()) as { url: string; token: string; region: string };
      expect(body).toMatchObject({ url: "ws://localhost:7880", region: "local" });
      expect(await new TokenVerifier("devkey", "secret").verify(body.token)).toMatchObject({
        sub: "alice",
        video: { room: "demo", roomJoin: true },
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it("takes another key for a LiveKit started with one", () => {
    const settings = fromEnvironment({
      LOCAL_LIVEKIT_URL: "ws://127.0.0.1:7880",
      LIVEKIT_API_KEY: "mykey",
      LIVEKIT_API_SECRET: "mysecret",
    });
    expect(settings.platform).toMatchObject({ apiKey: "mykey", apiSecret: "mysecret" });
  });
});

describe("deployed mode", () => {
  it("reads the global stack's outputs and probes every region", () => {
    const settings = fromEnvironment({ PLATFORM_FILE: platformFile, DEFAULT_REGION: "singapore" });
    expect(settings.platform.regionUrls).toEqual(outputs.regionUrls);
    expect(settings.health).toBeInstanceOf(HttpRegionHealth);
    expect(settings).toMatchObject({ defaultRegion: "singapore", port: 8080, banner: "regions mumbai, singapore" });
  });

  it("stops serving the regions in EXCLUDE_REGIONS", () => {
    const settings = fromEnvironment({ PLATFORM_FILE: platformFile, EXCLUDE_REGIONS: "mumbai" });
    expect(settings.platform.regionUrls).toEqual({ singapore: outputs.regionUrls.singapore });
    expect(settings.banner).toBe("regions singapore (not serving mumbai)");
  });
});

describe("settings it cannot start with: one line each", () => {
  it.each([
    [
      "a platform file that is not there",
      { PLATFORM_FILE: "nowhere/platform.json" },
      `PLATFORM_FILE: no such file (write it as step 2 of docs/region-pinning.md says, or give its path), got ${path.resolve("nowhere/platform.json")}`,
    ],
    ["a local URL that is not ws", { LOCAL_LIVEKIT_URL: "http://localhost:7880" }, "LOCAL_LIVEKIT_URL: expected ws://"],
    [
      "local mode and a platform file",
      { LOCAL_LIVEKIT_URL: "ws://localhost:7880", PLATFORM_FILE: "platform.json" },
      "LOCAL_LIVEKIT_URL: set it or PLATFORM_FILE, not both",
    ],
    [
      "an unknown excluded region",
      { PLATFORM_FILE: platformFile, EXCLUDE_REGIONS: "tokyo" },
      "EXCLUDE_REGIONS: tokyo is not one of the regions",
    ],
    [
      "excluding every region",
      { PLATFORM_FILE: platformFile, EXCLUDE_REGIONS: "mumbai,singapore" },
      "EXCLUDE_REGIONS: leaves no region",
    ],
    [
      "a default region not served",
      { PLATFORM_FILE: platformFile, DEFAULT_REGION: "tokyo" },
      "DEFAULT_REGION: expected one of mumbai, singapore",
    ],
    ["a port that is no port", { LOCAL_LIVEKIT_URL: "ws://localhost:7880", PORT: "http" }, "PORT: expected a port"],
  ])("refuses %s", (_what, env, message) => {
    const read = () => fromEnvironment(env);
    expect(read).toThrow(SettingError);
    expect(read).toThrow(message);
  });

  it("refuses a platform file that is not JSON", () => {
    const bad = path.join(dir, "bad.json");
    fs.writeFileSync(bad, "Current stack is global:\n");
    expect(() => fromEnvironment({ PLATFORM_FILE: bad })).toThrow("PLATFORM_FILE: expected the JSON of");
  });
});
