/**
 * Settings for the media-plane components that tests of every tier share (plain values, no Pulumi): what a
 * region stack would pass, chosen by the test.
 */
import { LIVEKIT_DEFAULT_ROOM, LiveKitServerConfigInput } from "../../components/livekit/server-config";
import { TurnserverConfInput } from "../../components/coturn/turnserver-conf";

export const NAMESPACE = "livekit";
export const REDIS_HOST = "master.livekit-mumbai.abc123.aps1.cache.amazonaws.com";
export const REDIS_PASSWORD = "redis-auth-token-9f8e7d6c5b4a39281706f5e4d3c2b1a0";
export const REDIS_SECRET = { name: "redis-auth", key: "auth-token" };

/** The application's key, as stack config gives it (one key: no rotation under way). */
export const APPLICATION_KEY = { id: "APPtestkey0001", secret: "application-secret-0123456789abcdef0123456789" };

export const serverSettings: Omit<LiveKitServerConfigInput, "redis"> = {
  region: "mumbai",
  rtc: { tcpPort: 7881, portRange: { start: 50000, end: 60000 } },
  turnHost: "turn-mumbai.example.com",
  room: LIVEKIT_DEFAULT_ROOM,
  logging: { level: "info", json: true },
};

export const turnserverSettings: TurnserverConfInput = {
  realm: "turn-mumbai.example.com",
  relayPorts: { min: 40000, max: 49999 },
  sfuPorts: { min: 50000, max: 60000 },
  userQuota: 12,
  totalQuota: 5000,
};

/** A load test of 4 rooms of 150 participants, 10 minutes each. */
export const LOAD_TEST_SETTINGS = {
  url: "wss://mumbai.example.com",
  rooms: 4,
  videoPublishersPerRoom: 10,
  subscribersPerRoom: 140,
  duration: "10m",
  resources: { cpus: 4, memoryGiB: 4 },
};
