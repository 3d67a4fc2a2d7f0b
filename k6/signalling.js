// LiveKit signalling load: participants join rooms over WebSocket, stay a while, leave, and rejoin.
//
//   k6 run -e LIVEKIT_URL=wss://mumbai.livekit.example.com \
//          -e LIVEKIT_API_KEY=... -e LIVEKIT_API_SECRET=... \
//          -e TARGET_CONNECTIONS=1500 k6/signalling.js
//
// What it measures: the join handshake (WebSocket upgrade through the ALB, token check, room placement
// through Redis, JoinResponse) and how many signalling connections a region holds. Not media: k6 has no
// WebRTC, so a participant never completes ICE, and LiveKit removes such a participant after one minute
// (pkg/rtc/room.go: JoinTimeout). Stays are therefore kept under a minute; use `lk perf load-test` for media.
//
// Protocol notes (livekit/livekit pkg/service/wsprotocol.go): the server answers in protobuf (binary frames)
// until the client sends a text frame, then in protojson. The first frame is the JoinResponse, told apart
// from a refusal by its protobuf tag (SignalResponse.join is field 1: 0x0a; leave is field 8: 0x42). After
// it, this client speaks JSON: `pingReq` every ping interval (answered with `pongResp`, whose echo gives
// the signalling round trip), and `leave` before closing.
//
// Settings (all -e): TARGET_CONNECTIONS (peak concurrent participants; size it to the region's planned
// concurrent users x 1.5), RAMP_UP / HOLD / RAMP_DOWN (k6 durations), PARTICIPANTS_PER_ROOM, ROOM_PREFIX
// (give each k6 process its own, or their participants share rooms),
// STAY_MIN_S / STAY_MAX_S (seconds connected, max 55), PAUSE_MIN_S / PAUSE_MAX_S (seconds between leave
// and rejoin), JOIN_TIMEOUT_S, PING_INTERVAL_S, JOIN_P95_MS / JOIN_P99_MS, MAX_JOIN_FAILED_RATE,
// MAX_DROPPED_RATE.
import { sleep } from "k6";
import { Counter, Rate, Trend } from "k6/metrics";
import { clearInterval, clearTimeout, setInterval, setTimeout } from "k6/timers";
import { WebSocket } from "k6/websockets";
import { mintJoinToken, signalUrl } from "./lib/token.js";

const env = (name, fallback) => (__ENV[name] !== undefined && __ENV[name] !== "" ? __ENV[name] : fallback);
const num = (name, fallback) => {
  const value = Number(env(name, fallback));
  if (!Number.isFinite(value) || value < 0)
    throw new Error(`${name}: expected a non-negative number, got ${env(name, fallback)}`);
  return value;
};

/** LiveKit drops a participant that has not connected media after a minute; stay below that. */
const MAX_STAY_S = 55;

export const settings = {
  url: env("LIVEKIT_URL", ""),
  apiKey: env("LIVEKIT_API_KEY", ""),
  apiSecret: env("LIVEKIT_API_SECRET", ""),
  target: Math.max(1, Math.round(num("TARGET_CONNECTIONS", 100))),
  rampUp: env("RAMP_UP", "5m"),
  hold: env("HOLD", "10m"),
  rampDown: env("RAMP_DOWN", "2m"),
  perRoom: Math.max(1, Math.round(num("PARTICIPANTS_PER_ROOM", 10))),
  roomPrefix: env("ROOM_PREFIX", "k6-signalling"),
  stayMin: Math.min(num("STAY_MIN_S", 15), MAX_STAY_S),
  stayMax: Math.min(num("STAY_MAX_S", 50), MAX_STAY_S),
  pauseMin: num("PAUSE_MIN_S", 1),
  pauseMax: num("PAUSE_MAX_S", 5),
  joinTimeout: num("JOIN_TIMEOUT_S", 10),
  pingInterval: num("PING_INTERVAL_S", 5), // LiveKit's ping_interval (JoinResponse)
  joinP95: num("JOIN_P95_MS", 1000),
  joinP99: num("JOIN_P99_MS", 3000),
  maxJoinFailed: num("MAX_JOIN_FAILED_RATE", 0.01),
  maxDropped: num("MAX_DROPPED_RATE", 0.01),
};

export const options = {
  scenarios: {
    signalling: {
      executor: "ramping-vus",
      startVUs: 0,
      stages: [
        { duration: settings.rampUp, target: settings.target },
        { duration: settings.hold, target: settings.target },
        { duration: settings.rampDown, target: 0 },
      ],
      // A VU leaving the test finishes its stay and says goodbye instead of vanishing.
      gracefulRampDown: `${Math.ceil(settings.stayMax + settings.joinTimeout + 5)}s`,
      gracefulStop: `${Math.ceil(settings.stayMax + settings.joinTimeout + 5)}s`,
    },
  },
  thresholds: {
    livekit_join_latency: [`p(95)<${settings.joinP95}`, `p(99)<${settings.joinP99}`],
    livekit_join_failed: [`rate<${settings.maxJoinFailed}`],
    livekit_connection_dropped: [`rate<${settings.maxDropped}`],
  },
};

/** Time from opening the WebSocket to LiveKit's JoinResponse. */
export const joinLatency = new Trend("livekit_join_latency", true);
/** 1 per join that got no JoinResponse (refused, error, timeout), 0 per join that did. */
export const joinFailed = new Rate("livekit_join_failed");
/** Of the joins that succeeded: 1 if the server closed the connection before the participant left. */
export const dropped = new Rate("livekit_connection_dropped");
/** Signalling round trip, from pingReq to its pongResp. */
export const signalRtt = new Trend("livekit_signal_rtt", true);
export const joins = new Counter("livekit_joins");

const PROTOBUF_JOIN_TAG = 0x0a; // SignalResponse.join = 1, length-delimited
const PROTOBUF_LEAVE_TAG = 0x42; // SignalResponse.leave = 8, length-delimited

/** What the server's first frame says: 'join', 'leave' (refused) or 'other'. */
export function classifyFirstFrame(data) {
  if (typeof data === "string") {
    try {
      const msg = JSON.parse(data);
      return msg.join ? "join" : msg.leave ? "leave" : "other";
    } catch (e) {
      return "other";
    }
  }
  const bytes = new Uint8Array(data);
  if (bytes.length === 0) return "other";
  return bytes[0] === PROTOBUF_JOIN_TAG ? "join" : bytes[0] === PROTOBUF_LEAVE_TAG ? "leave" : "other";
}

const between = (min, max) => min + Math.random() * Math.max(0, max - min);

// One identity per VU for the whole test: a rejoin is the same person coming back. The random part keeps
// several k6 processes (pods, laptops) from kicking each other's participants out.
const runId = Math.random().toString(36).slice(2, 8);

export function setup() {
  for (const key of ["url", "apiKey", "apiSecret"]) {
    if (!settings[key]) throw new Error("set LIVEKIT_URL, LIVEKIT_API_KEY and LIVEKIT_API_SECRET (-e NAME=value)");
  }
}

export default function () {
  // Think time first: VUs ramping up do not all join in the same second, and a rejoin comes after a pause.
  sleep(between(settings.pauseMin, settings.pauseMax));

  const room = `${settings.roomPrefix}-${Math.floor((__VU - 1) / settings.perRoom)}`;
  const identity = `k6-${runId}-${__VU}`;
  const token = mintJoinToken({
    apiKey: settings.apiKey,
    apiSecret: settings.apiSecret,
    identity,
    room,
    nowSeconds: Date.now() / 1000,
  });

  const openedAt = Date.now();
  const ws = new WebSocket(signalUrl(settings.url, token));
  ws.binaryType = "arraybuffer";

  let state = "joining"; // joining -> joined -> leaving -> closed
  let pingTimer;
  let leaveTimer;
  const pings = {}; // pingReq timestamp -> sent at

  const fail = (why) => {
    if (state !== "joining") return;
    state = "closed";
    joinFailed.add(1, { reason: why });
    try {
      ws.close();
    } catch (e) {
      // already closed
    }
  };
  const joinTimer = setTimeout(() => fail("timeout"), settings.joinTimeout * 1000);

  const leave = () => {
    if (state !== "joined") return;
    state = "leaving";
    clearInterval(pingTimer);
    ws.send(JSON.stringify({ leave: { reason: "CLIENT_INITIATED", action: "DISCONNECT" } }));
    ws.close();
  };

  ws.onmessage = (event) => {
    if (state === "joining") {
      const kind = classifyFirstFrame(event.data);
      if (kind !== "join") return fail(kind === "leave" ? "refused" : "unexpected-first-frame");
      clearTimeout(joinTimer);
      state = "joined";
      joinLatency.add(Date.now() - openedAt);
      joinFailed.add(0);
      joins.add(1);
      // From here on, JSON: the first text frame switches the server to protojson for this connection.
      const ping = () => {
        const timestamp = Date.now();
        pings[timestamp] = timestamp;
        ws.send(JSON.stringify({ pingReq: { timestamp } }));
      };
      ping();
      pingTimer = setInterval(ping, settings.pingInterval * 1000);
      leaveTimer = setTimeout(leave, between(settings.stayMin, settings.stayMax) * 1000);
      return;
    }
    if (typeof event.data !== "string") return;
    let msg;
    try {
      msg = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    const echoed = msg.pongResp && Number(msg.pongResp.lastPingTimestamp);
    if (echoed && pings[echoed] !== undefined) {
      signalRtt.add(Date.now() - pings[echoed]);
      delete pings[echoed];
    }
  };

  ws.onerror = () => fail("error");

  ws.onclose = () => {
    clearTimeout(joinTimer);
    clearTimeout(leaveTimer);
    clearInterval(pingTimer);
    if (state === "joining") {
      state = "closed";
      joinFailed.add(1, { reason: "closed" });
      return;
    }
    if (state === "joined") dropped.add(1);
    else if (state === "leaving") dropped.add(0);
    state = "closed";
  };
}
