/**
 * Room shapes and the preset mixes of them that the capacity model sizes for. Pure data, no Pulumi.
 *
 * Bitrates are kbps "on the wire" (RTP payload plus RTP/UDP/IP headers), because both the NIC and
 * LiveKit's benchmark byte counts see the headers.
 */

/** What one receiver renders: `tracks` remote videos, each at the simulcast layer of `kbps`. */
export interface VideoReceiveTier {
  tracks: number;
  kbps: number;
}

/** One kind of room. All rooms of a kind have the same shape. */
export interface RoomKind {
  /** Short name used in tables and errors, e.g. "video-meeting". */
  name: string;
  /** Participants per room who publish: a microphone track if `audioKbps` > 0, a camera track if `videoLayersKbps` is not empty. */
  publishers: number;
  /** Participants per room who only receive (viewers, listeners). */
  subscribers: number;
  /**
   * Whether publishers also receive each other (true in any real room; default true). LiveKit's load
   * tester publishers do not subscribe, so the benchmark scenarios set false.
   */
  publishersSubscribe?: boolean;
  /** Average kbps of one published audio track, over talk, silence (Opus DTX) and mute. 0 = no audio. */
  audioKbps: number;
  /** Simulcast layers of one published camera track, kbps, lowest first. Empty = no video. */
  videoLayersKbps: number[];
  /**
   * What each receiver renders, best tier first: e.g. the speaker at 1700 kbps, then 8 thumbnails at
   * 160 kbps. A receiver fills the tiers in order with the remote videos there are; videos beyond the
   * tiers stay subscribed but paused (adaptive stream), which costs CPU but no bandwidth.
   */
  videoReceive: VideoReceiveTier[];
  /**
   * Dynacast: publishers stop sending layers nobody receives (LiveKit client option `dynacast`).
   * When true, a publisher uploads only the layers up to the highest tier anyone renders. Default false.
   */
  dynacast?: boolean;
}

/** A room kind and the share of all participants who are in rooms of that kind. */
export interface RoomMixEntry extends RoomKind {
  /** Fraction of participants (0 < share <= 1); the shares of a mix sum to 1. */
  share: number;
}

export interface RoomMix {
  name: string;
  description?: string;
  kinds: RoomMixEntry[];
  /** The preset this mix is, when it is one (a custom mix may take any name). */
  preset?: PresetName;
}

// ---------------------------------------------------------------------------------------------
// Bitrates
// ---------------------------------------------------------------------------------------------

/**
 * Camera simulcast layers of a 720p capture with LiveKit's default presets: h180 160 kbps, h360 450 kbps,
 * h720 1,700 kbps (livekit-client `VideoPresets`; 180p and 360p are the default simulcast layers under a
 * 720p track). These are encoder maxima: a talking head usually sends less, which covers the ~4% of
 * RTP/UDP/IP headers on ~1,200-byte video packets.
 */
export const LAYER_180P_KBPS = 160;
export const LAYER_360P_KBPS = 450;
export const LAYER_720P_KBPS = 1700;
export const CAMERA_720P_SIMULCAST_KBPS: readonly number[] = [LAYER_180P_KBPS, LAYER_360P_KBPS, LAYER_720P_KBPS];

/**
 * Opus speech while talking: 24 kbps (livekit-client `AudioPresets.speech`) plus headers of 50 packets/s
 * x ~50 bytes (IP 20 + UDP 8 + RTP 12 + SRTP tag and extensions) = 20 kbps, so about 44 kbps on the wire.
 */
export const AUDIO_TALKING_KBPS = 44;
/** Opus DTX in silence sends one frame every 400 ms: about 2.5 packets/s, ~1 kbps with headers. */
export const AUDIO_SILENT_KBPS = 1;
/**
 * Opus while talking with livekit-client's default audio (v2.21.0 src/room/defaults.ts `publishDefaults`):
 * `AudioPresets.music`, 48 kbps (src/room/track/options.ts), with RED, which sends each frame again in the next
 * packet: 96 kbps of payload plus the same ~20 kbps of headers as AUDIO_TALKING_KBPS.
 */
export const CLIENT_DEFAULT_AUDIO_TALKING_KBPS = 2 * 48 + 20;

/**
 * Average per audio track when `speakers` take turns and one talks at a time: one track at the talking
 * rate, the others in DTX silence. (LiveKit's audio benchmark assumes 3 kbps of payload per speaker
 * across 10 speakers, about 6 kbps on the wire: the same order as this gives for 10 speakers.)
 */
export function conversationAudioKbps(speakers: number): number {
  return (AUDIO_TALKING_KBPS + (speakers - 1) * AUDIO_SILENT_KBPS) / speakers;
}

/**
 * A room kind as livekit-client runs it with its defaults (v2.21.0 src/room/defaults.ts `roomOptionDefaults`:
 * `adaptiveStream: false`, `dynacast: false`): every receiver gets every remote camera at its top layer,
 * publishers send every layer, and audio is scaled from AUDIO_TALKING_KBPS to CLIENT_DEFAULT_AUDIO_TALKING_KBPS.
 * docs/sizing-and-cost.md, "Client settings these figures assume", compares the two.
 */
export function withClientDefaults(kind: RoomKind): RoomKind {
  const layers = kind.videoLayersKbps;
  return {
    ...kind,
    audioKbps: (kind.audioKbps * CLIENT_DEFAULT_AUDIO_TALKING_KBPS) / AUDIO_TALKING_KBPS,
    videoLayersKbps: [...layers],
    videoReceive: layers.length > 0 ? [{ tracks: kind.publishers, kbps: Math.max(...layers) }] : [],
    dynacast: false,
  };
}

// ---------------------------------------------------------------------------------------------
// Room kinds
// ---------------------------------------------------------------------------------------------

/** The room kinds presets are made of; a custom mix can start from one with `{ "kind": "<name>" }`. */
export const ROOM_KINDS: Readonly<Record<string, RoomKind>> = Object.freeze({
  /** 1:1 voice call. */
  "voice-call": {
    name: "voice-call",
    publishers: 2,
    subscribers: 0,
    audioKbps: conversationAudioKbps(2),
    videoLayersKbps: [],
    videoReceive: [],
  },
  /** Audio room (a "space"): 10 speakers on stage, 90 listeners. */
  "audio-room": {
    name: "audio-room",
    publishers: 10,
    subscribers: 90,
    audioKbps: conversationAudioKbps(10),
    videoLayersKbps: [],
    videoReceive: [],
  },
  /** Team meeting: 6 people with cameras on, each sees the other 5 in a grid of 360p tiles. */
  "video-meeting": {
    name: "video-meeting",
    publishers: 6,
    subscribers: 0,
    audioKbps: conversationAudioKbps(6),
    videoLayersKbps: [...CAMERA_720P_SIMULCAST_KBPS],
    videoReceive: [{ tracks: 5, kbps: LAYER_360P_KBPS }],
    dynacast: true,
  },
  /** All-hands: 10 cameras on, 40 people watching; speaker view of 1 large video and 8 thumbnails. */
  "large-meeting": {
    name: "large-meeting",
    publishers: 10,
    subscribers: 40,
    audioKbps: conversationAudioKbps(10),
    videoLayersKbps: [...CAMERA_720P_SIMULCAST_KBPS],
    videoReceive: [
      { tracks: 1, kbps: LAYER_720P_KBPS },
      { tracks: 8, kbps: LAYER_180P_KBPS },
    ],
    dynacast: true,
  },
  /** Webinar: 2 presenters on camera, 200 attendees who see the main presenter at 720p and the other at 360p. */
  webinar: {
    name: "webinar",
    publishers: 2,
    subscribers: 200,
    audioKbps: conversationAudioKbps(2),
    videoLayersKbps: [...CAMERA_720P_SIMULCAST_KBPS],
    videoReceive: [
      { tracks: 1, kbps: LAYER_720P_KBPS },
      { tracks: 1, kbps: LAYER_360P_KBPS },
    ],
    dynacast: true,
  },
  /** Livestream: 1 host talking continuously, 300 viewers at 720p. */
  livestream: {
    name: "livestream",
    publishers: 1,
    subscribers: 300,
    audioKbps: AUDIO_TALKING_KBPS,
    videoLayersKbps: [...CAMERA_720P_SIMULCAST_KBPS],
    videoReceive: [{ tracks: 1, kbps: LAYER_720P_KBPS }],
    dynacast: true,
  },
});

function entry(kind: string, share: number): RoomMixEntry {
  const base = ROOM_KINDS[kind];
  return {
    ...base,
    videoLayersKbps: [...base.videoLayersKbps],
    videoReceive: base.videoReceive.map((t) => ({ ...t })),
    share,
  };
}

// ---------------------------------------------------------------------------------------------
// Presets
// ---------------------------------------------------------------------------------------------

export const PRESET_NAMES = ["meetings", "webinar", "livestream", "audio", "voice-calls", "mixed"] as const;
export type PresetName = (typeof PRESET_NAMES)[number];

/** Builds a fresh copy of a preset (callers may mutate what they get). */
export function presetMix(name: PresetName): RoomMix {
  switch (name) {
    case "meetings":
      return {
        name,
        description: "mostly small video meetings, some all-hands",
        kinds: [entry("video-meeting", 0.8), entry("large-meeting", 0.2)],
      };
    case "webinar":
      return { name, description: "webinars: 2 presenters, 200 attendees", kinds: [entry("webinar", 1)] };
    case "livestream":
      return { name, description: "one host to 300 viewers at 720p", kinds: [entry("livestream", 1)] };
    case "audio":
      return {
        name,
        description: "audio only: audio rooms and 1:1 voice calls",
        kinds: [entry("audio-room", 0.6), entry("voice-call", 0.4)],
      };
    case "voice-calls":
      return { name, description: "1:1 voice calls only", kinds: [entry("voice-call", 1)] };
    case "mixed":
      return {
        name,
        description: "a blend of meetings, webinars, livestreams and audio",
        kinds: [
          entry("video-meeting", 0.35),
          entry("large-meeting", 0.1),
          entry("webinar", 0.15),
          entry("livestream", 0.1),
          entry("audio-room", 0.15),
          entry("voice-call", 0.15),
        ],
      };
  }
}

export function isPresetName(name: string): name is PresetName {
  return (PRESET_NAMES as readonly string[]).includes(name);
}
