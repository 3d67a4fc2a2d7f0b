/**
 * k6/signalling.js without k6: its ES modules run in Node with k6's modules replaced by fakes (a WebSocket
 * the test drives, metrics that record), so the join/stay/leave logic and what it reports are checked here.
 * The in-cluster Job (k6/job.yaml) is checked against what the platform really names in job.plan.test.ts.
 */
import * as path from "path";
import { k6Crypto, k6Encoding, loadK6Module } from "../support/k6";
import { findProjectRoot } from "../../stacks/stack-files";

const k6Dir = path.join(findProjectRoot(__dirname), "k6");

/** A metric that remembers what was added. */
class Recorder {
  samples: { value: number; tags?: Record<string, string> }[] = [];
  constructor(
    readonly name: string,
    readonly isTime = false,
  ) {}
  add(value: number, tags?: Record<string, string>) {
    this.samples.push({ value, tags });
  }
  get values() {
    return this.samples.map((s) => s.value);
  }
}

/** The k6/websockets WebSocket, driven by the test. */
class FakeWebSocket {
  static last?: FakeWebSocket;
  binaryType = "blob";
  sent: unknown[] = [];
  closed = false;
  onmessage?: (e: { data: unknown }) => void;
  onclose?: (e: object) => void;
  onerror?: (e: object) => void;
  constructor(readonly url: string) {
    FakeWebSocket.last = this;
  }
  send(data: unknown) {
    if (this.closed) throw new Error("send after close");
    this.sent.push(data);
  }
  close() {
    if (this.closed) return;
    this.closed = true;
    setImmediate(() => this.onclose?.({})); // like k6: the close event follows
  }
  /** The server sends a frame. */
  receive(data: unknown) {
    this.onmessage?.({ data });
  }
  /** The server drops the connection. */
  drop() {
    this.closed = true;
    this.onclose?.({});
  }
  json() {
    return this.sent.map((s) => JSON.parse(String(s)));
  }
}

const ENV = {
  LIVEKIT_URL: "https://mumbai.livekit.example.com",
  LIVEKIT_API_KEY: "APIk6",
  LIVEKIT_API_SECRET: "secret-0123456789",
  TARGET_CONNECTIONS: "1500",
  PARTICIPANTS_PER_ROOM: "4",
  // Short; the tests run them on a fake clock.
  STAY_MIN_S: "0.3",
  STAY_MAX_S: "0.3",
  PAUSE_MIN_S: "0",
  PAUSE_MAX_S: "0",
  JOIN_TIMEOUT_S: "2",
  PING_INTERVAL_S: "0.05",
};

function loadScript(env: Record<string, string> = ENV, vu = 6) {
  const metrics: Record<string, Recorder> = {};
  const metric = (isTimeDefault: boolean) =>
    class extends Recorder {
      constructor(name: string, isTime = isTimeDefault) {
        super(name, isTime);
        metrics[name] = this;
      }
    };
  const script = loadK6Module(
    path.join(k6Dir, "signalling.js"),
    {
      k6: { sleep: () => undefined },
      "k6/metrics": { Trend: metric(false), Rate: metric(false), Counter: metric(false) },
      "k6/timers": { setTimeout, clearTimeout, setInterval, clearInterval },
      "k6/websockets": { WebSocket: FakeWebSocket },
      "k6/crypto": k6Crypto,
      "k6/encoding": k6Encoding,
    },
    { __ENV: env, __VU: vu },
  );
  return { script, metrics };
}

/**
 * Time passing, on jest's fake clock: the script's timers (k6/timers is the test's own setTimeout and friends) and
 * its Date.now() move together, so a 450 ms stay takes no real time and a busy machine cannot stretch it.
 */
const sleep = (ms: number) => jest.advanceTimersByTimeAsync(ms);
const JOIN_RESPONSE = new Uint8Array([0x0a, 0x02, 0x08, 0x01]).buffer; // SignalResponse{join: ...}
const LEAVE = new Uint8Array([0x42, 0x02, 0x10, 0x02]).buffer; // SignalResponse{leave: ...}

describe("k6 signalling script", () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ["nextTick", "queueMicrotask"] }));
  afterEach(() => jest.useRealTimers());

  it("ramps virtual users to the target and holds them, with join latency and failure thresholds", () => {
    const { script } = loadScript();
    const scenario = script.options.scenarios.signalling;
    expect(scenario.executor).toBe("ramping-vus");
    expect(scenario.stages).toEqual([
      { duration: "5m", target: 1500 },
      { duration: "10m", target: 1500 },
      { duration: "2m", target: 0 },
    ]);
    expect(script.options.thresholds).toEqual({
      livekit_join_latency: ["p(95)<1000", "p(99)<3000"],
      livekit_join_failed: ["rate<0.01"],
      livekit_connection_dropped: ["rate<0.01"],
    });
  });

  it("keeps every stay under LiveKit's one-minute limit for participants without media", () => {
    const { script } = loadScript({ ...ENV, STAY_MIN_S: "120", STAY_MAX_S: "600" });
    expect(script.settings.stayMax).toBe(55);
    expect(script.settings.stayMin).toBe(55);
  });

  it("refuses to start without the URL and the API key pair", () => {
    const { script } = loadScript({ ...ENV, LIVEKIT_API_SECRET: "" });
    expect(() => script.setup()).toThrow(/LIVEKIT_API_SECRET/);
  });

  it("joins, measures the JoinResponse, pings in JSON, then leaves and closes", async () => {
    const { script, metrics } = loadScript();
    script.default();
    const ws = FakeWebSocket.last!;
    expect(ws.binaryType).toBe("arraybuffer");
    const url = new URL(ws.url);
    expect(`${url.protocol}//${url.host}${url.pathname}`).toBe("wss://mumbai.livekit.example.com/rtc");
    const claims = JSON.parse(Buffer.from(url.searchParams.get("access_token")!.split(".")[1], "base64url").toString());
    // VU 6 with 4 per room: the second room.
    expect(claims).toEqual(
      expect.objectContaining({
        iss: "APIk6",
        sub: expect.stringMatching(/^k6-[a-z0-9]+-6$/),
        video: { room: "k6-signalling-1", roomJoin: true },
      }),
    );

    await sleep(5);
    ws.receive(JOIN_RESPONSE);
    expect(metrics.livekit_join_latency.values).toHaveLength(1);
    expect(metrics.livekit_join_latency.values[0]).toBe(5);
    expect(metrics.livekit_join_failed.values).toEqual([0]);
    const [ping] = ws.json();
    expect(ping).toEqual({ pingReq: { timestamp: expect.any(Number) } });

    // The server, now in JSON mode, echoes the ping.
    await sleep(3);
    ws.receive(
      JSON.stringify({
        pongResp: { lastPingTimestamp: String(ping.pingReq.timestamp), timestamp: String(Date.now()) },
      }),
    );
    expect(metrics.livekit_signal_rtt.values).toHaveLength(1);
    expect(metrics.livekit_signal_rtt.values[0]).toBe(3);

    await sleep(450); // past the stay
    const sent = ws.json();
    expect(sent.filter((m) => m.pingReq).length).toBeGreaterThanOrEqual(2);
    expect(sent[sent.length - 1]).toEqual({ leave: { reason: "CLIENT_INITIATED", action: "DISCONNECT" } });
    expect(ws.closed).toBe(true);
    await sleep(1);
    expect(metrics.livekit_connection_dropped.values).toEqual([0]);
    expect(metrics.livekit_joins.values).toEqual([1]);
  });

  it("counts a refused join (the server's first frame is a leave) as a failure", async () => {
    const { script, metrics } = loadScript();
    script.default();
    const ws = FakeWebSocket.last!;
    ws.receive(LEAVE);
    await sleep(1);
    expect(metrics.livekit_join_failed.samples).toEqual([{ value: 1, tags: { reason: "refused" } }]);
    expect(metrics.livekit_join_latency.values).toEqual([]);
    expect(ws.closed).toBe(true);
    expect(metrics.livekit_connection_dropped.values).toEqual([]);
  });

  it("counts a join that never answers, and one closed before answering, as failures", async () => {
    const silent = loadScript({ ...ENV, JOIN_TIMEOUT_S: "0.1" });
    silent.script.default();
    await sleep(300);
    expect(silent.metrics.livekit_join_failed.samples).toEqual([{ value: 1, tags: { reason: "timeout" } }]);
    expect(FakeWebSocket.last!.closed).toBe(true);

    const closed = loadScript({ ...ENV, JOIN_TIMEOUT_S: "0.1" });
    closed.script.default();
    FakeWebSocket.last!.drop();
    expect(closed.metrics.livekit_join_failed.samples).toEqual([{ value: 1, tags: { reason: "closed" } }]);
    await sleep(300); // the join timer was cleared: no second sample
    expect(closed.metrics.livekit_join_failed.samples).toHaveLength(1);
  });

  it("counts a connection the server closes during the stay as dropped", async () => {
    const { script, metrics } = loadScript();
    script.default();
    const ws = FakeWebSocket.last!;
    ws.receive(JOIN_RESPONSE);
    await sleep(10);
    ws.drop();
    expect(metrics.livekit_connection_dropped.values).toEqual([1]);
    const sentBefore = ws.sent.length;
    await sleep(450); // timers are gone: no ping, no leave on a closed socket
    expect(ws.sent.length).toBe(sentBefore);
  });

  it("tells LiveKit's first frames apart", () => {
    const { script } = loadScript();
    expect(script.classifyFirstFrame(JOIN_RESPONSE)).toBe("join");
    expect(script.classifyFirstFrame(LEAVE)).toBe("leave");
    expect(script.classifyFirstFrame(new Uint8Array([0x2a]).buffer)).toBe("other"); // update (field 5)
    expect(script.classifyFirstFrame('{"join":{"room":{}}}')).toBe("join");
    expect(script.classifyFirstFrame("not json")).toBe("other");
  });
});
