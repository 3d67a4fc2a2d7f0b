/**
 * "LiveKit overview": load, traffic, media quality and sessions, per LiveKit node and per region. The quality
 * panels use the same PromQL builders as the alerts, so a panel shows what an alert measures.
 */
import {
  DEFAULT_THRESHOLDS,
  histogramQuantileExpr,
  jitterMsExpr,
  nackRatioExpr,
  packetLossRatioExpr,
  packetRateExpr,
} from "../alert-rules";
import { dashboard, GrafanaDashboard, labelVariable, Layout, RATE } from "./layout";

export function renderLivekitOverviewDashboard(): GrafanaDashboard {
  const m = ['region=~"$region"', 'node_id=~"$node"'];
  const s = (metric: string, extra: string[] = []) => `${metric}{${[...m, ...extra].join(",")}}`;
  const byNode = { matchers: m, window: RATE, by: ["region", "node_id", "direction"] };
  const byDir = { matchers: m, window: RATE, by: ["region", "direction"] };
  const t = DEFAULT_THRESHOLDS;
  const L = new Layout();

  L.row("Load");
  L.add({ kind: "stat", title: "Rooms", unit: "short", targets: [[`sum(${s("livekit_room_total")})`, "rooms"]] });
  L.add({
    kind: "stat",
    title: "Participants",
    unit: "short",
    targets: [[`sum(${s("livekit_participant_total")})`, "participants"]],
  });
  L.add({
    kind: "stat",
    title: "Published tracks",
    unit: "short",
    targets: [[`sum(${s("livekit_track_published_total")})`, "published"]],
  });
  L.add({
    kind: "stat",
    title: "Subscribed tracks",
    unit: "short",
    targets: [[`sum(${s("livekit_track_subscribed_total")})`, "subscribed"]],
  });
  L.add({
    title: "Rooms per node",
    unit: "short",
    targets: [[`sum by (region, node_id) (${s("livekit_room_total")})`, "{{region}} {{node_id}}"]],
  });
  L.add({
    title: "Participants per node",
    unit: "short",
    targets: [[`sum by (region, node_id) (${s("livekit_participant_total")})`, "{{region}} {{node_id}}"]],
  });
  L.add({
    title: "Tracks by kind",
    unit: "short",
    targets: [
      [`sum by (region, kind) (${s("livekit_track_published_total")})`, "{{region}} published {{kind}}"],
      [`sum by (region, kind) (${s("livekit_track_subscribed_total")})`, "{{region}} subscribed {{kind}}"],
    ],
  });
  L.add({
    title: "Rooms and participants per region",
    unit: "short",
    targets: [
      [`sum by (region) (${s("livekit_room_total")})`, "{{region}} rooms"],
      [`sum by (region) (${s("livekit_participant_total")})`, "{{region}} participants"],
    ],
  });

  L.row("Traffic");
  L.add({
    title: "Bitrate in / out per region",
    unit: "bps",
    description: "incoming = from publishers, outgoing = to subscribers (retransmissions included)",
    targets: [
      [`8 * sum by (region, direction) (rate(${s("livekit_packet_bytes")}[${RATE}]))`, "{{region}} {{direction}}"],
    ],
  });
  L.add({
    title: "Bitrate per node",
    unit: "bps",
    targets: [
      [
        `8 * sum by (region, node_id, direction) (rate(${s("livekit_packet_bytes")}[${RATE}]))`,
        "{{node_id}} {{direction}}",
      ],
    ],
  });
  L.add({
    title: "Packets per second",
    unit: "pps",
    targets: [
      [packetRateExpr(byDir), "{{region}} {{direction}}"],
      [
        `sum by (region, direction) (rate(${s("livekit_packet_total", ['transmission="retransmit"'])}[${RATE}]))`,
        "{{region}} {{direction}} retransmit",
      ],
    ],
  });
  L.add({
    title: "NACKs and PLIs per second",
    unit: "ops",
    targets: [
      [`sum by (region, direction) (rate(${s("livekit_nack_total")}[${RATE}]))`, "{{region}} NACK {{direction}}"],
      [`sum by (region, direction) (rate(${s("livekit_pli_total")}[${RATE}]))`, "{{region}} PLI {{direction}}"],
    ],
  });

  L.row("Media quality");
  L.add({
    title: "Packet loss (lost / expected packets)",
    unit: "percentunit",
    threshold: t.packetLossRatio,
    description:
      'What the LiveKitPacketLossHigh alert measures: rate(livekit_packet_loss_total) / rate(livekit_packet_total{transmission="initial"}).',
    targets: [[packetLossRatioExpr(byNode), "{{node_id}} {{direction}}"]],
  });
  L.add({
    title: "Jitter p95",
    unit: "ms",
    threshold: t.jitterMs,
    description: "livekit_jitter_us is in microseconds; shown in ms. What the LiveKitJitterHigh alert measures.",
    targets: [[jitterMsExpr(0.95, byNode), "{{node_id}} {{direction}}"]],
  });
  L.add({
    title: "Round-trip time",
    unit: "ms",
    targets: [
      [histogramQuantileExpr("livekit_rtt_ms", 0.5, byDir), "{{region}} {{direction}} p50"],
      [histogramQuantileExpr("livekit_rtt_ms", 0.95, byDir), "{{region}} {{direction}} p95"],
    ],
  });
  L.add({
    title: "NACKs per packet",
    unit: "percentunit",
    threshold: t.nackRatio,
    targets: [[nackRatioExpr(byNode), "{{node_id}} {{direction}}"]],
  });
  L.add({
    title: "Per-stream packet loss p95",
    unit: "percent",
    description:
      "95th percentile of the loss each track stream saw per stats interval (livekit_packet_loss_percent, 0-100).",
    targets: [[histogramQuantileExpr("livekit_packet_loss_percent", 0.95, byDir), "{{region}} {{direction}}"]],
  });
  L.add({
    title: "Connection quality score",
    unit: "none",
    description: "LiveKit's quality score, 1 (poor) to 4.5 (excellent).",
    targets: [
      [
        histogramQuantileExpr("livekit_quality_score", 0.5, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p50",
      ],
      [
        histogramQuantileExpr("livekit_quality_score", 0.05, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p5",
      ],
    ],
  });

  L.row("Sessions");
  L.add({
    title: "Join latency",
    unit: "ms",
    targets: [
      [
        histogramQuantileExpr("livekit_session_join_latency_ms", 0.5, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p50",
      ],
      [
        histogramQuantileExpr("livekit_session_join_latency_ms", 0.95, { matchers: m, window: RATE, by: ["region"] }),
        "{{region}} p95",
      ],
    ],
  });
  L.add({
    title: "Join funnel",
    unit: "ops",
    description: "signal_connected -> rtc_init -> rtc_connected -> rtc_active; *_failed and rtc_failure are failures.",
    targets: [
      [`sum by (region, state) (rate(${s("livekit_participant_join_total")}[${RATE}]))`, "{{region}} {{state}}"],
    ],
  });
  L.add({
    title: "Message-bus (Redis) RPC errors",
    unit: "ops",
    description: "psrpc calls between LiveKit nodes and egress go through Redis; errors here often mean Redis trouble.",
    targets: [
      [
        `sum by (region, service, method, error_code) (rate(${s("livekit_psrpc_error_total")}[${RATE}]))`,
        "{{region}} {{service}}.{{method}} {{error_code}}",
      ],
    ],
  });

  return dashboard(
    "livekit-overview",
    "LiveKit overview",
    "Rooms, participants, tracks, bitrate, packet loss, jitter, RTT and join latency per LiveKit node and region.",
    [
      labelVariable("region", "Region", "livekit_room_total", "region"),
      labelVariable("node", "LiveKit node", 'livekit_room_total{region=~"$region"}', "node_id"),
    ],
    L,
  );
}
