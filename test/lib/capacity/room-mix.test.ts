/**
 * The room kinds and preset mixes the capacity model sizes for: their shapes as the kinds' and presets' own
 * descriptions state them, the bitrates of livekit-client's presets, and livekit-client's defaults.
 */
import {
  AUDIO_SILENT_KBPS,
  AUDIO_TALKING_KBPS,
  CAMERA_720P_SIMULCAST_KBPS,
  CLIENT_DEFAULT_AUDIO_TALKING_KBPS,
  conversationAudioKbps,
  isPresetName,
  LAYER_180P_KBPS,
  LAYER_360P_KBPS,
  LAYER_720P_KBPS,
  PRESET_NAMES,
  presetMix,
  ROOM_KINDS,
  withClientDefaults,
} from "../../../lib/capacity/room-mix";

describe("bitrates", () => {
  it("takes the camera layers of livekit-client's VideoPresets h180, h360 and h720, lowest first", () => {
    expect(CAMERA_720P_SIMULCAST_KBPS).toEqual([160, 450, 1700]);
  });

  it("prices livekit-client's default audio (music preset, 48 kbps, with RED) at twice the payload plus headers", () => {
    expect(CLIENT_DEFAULT_AUDIO_TALKING_KBPS).toBe(116);
  });

  it("averages one speaker talking while the others stay in DTX silence", () => {
    expect(conversationAudioKbps(1)).toBe(AUDIO_TALKING_KBPS);
    expect(conversationAudioKbps(2)).toBe((44 + 1) / 2);
    // LiveKit's audio benchmark: about 6 kbps on the wire per speaker across 10 speakers.
    expect(conversationAudioKbps(10)).toBeCloseTo((44 + 9 * AUDIO_SILENT_KBPS) / 10, 9);
  });
});

describe("room kinds", () => {
  const shape = (name: string) => {
    const k = ROOM_KINDS[name];
    return [k.name, k.publishers, k.subscribers, k.videoReceive, k.dynacast ?? false];
  };

  it("are the shapes their descriptions name, under their own names", () => {
    expect(shape("voice-call")).toEqual(["voice-call", 2, 0, [], false]);
    expect(shape("audio-room")).toEqual(["audio-room", 10, 90, [], false]);
    expect(shape("video-meeting")).toEqual(["video-meeting", 6, 0, [{ tracks: 5, kbps: LAYER_360P_KBPS }], true]);
    expect(shape("large-meeting")).toEqual([
      "large-meeting",
      10,
      40,
      [
        { tracks: 1, kbps: LAYER_720P_KBPS },
        { tracks: 8, kbps: LAYER_180P_KBPS },
      ],
      true,
    ]);
    expect(shape("webinar")).toEqual([
      "webinar",
      2,
      200,
      [
        { tracks: 1, kbps: LAYER_720P_KBPS },
        { tracks: 1, kbps: LAYER_360P_KBPS },
      ],
      true,
    ]);
    expect(shape("livestream")).toEqual(["livestream", 1, 300, [{ tracks: 1, kbps: LAYER_720P_KBPS }], true]);
  });

  it("gives audio-only kinds no camera, the others 720p simulcast, and the livestream's host a continuous talker", () => {
    for (const name of ["voice-call", "audio-room"]) expect(ROOM_KINDS[name].videoLayersKbps).toEqual([]);
    for (const name of ["video-meeting", "large-meeting", "webinar", "livestream"])
      expect(ROOM_KINDS[name].videoLayersKbps).toEqual([160, 450, 1700]);
    expect(ROOM_KINDS["voice-call"].audioKbps).toBe(conversationAudioKbps(2));
    expect(ROOM_KINDS["audio-room"].audioKbps).toBe(conversationAudioKbps(10));
    expect(ROOM_KINDS["video-meeting"].audioKbps).toBe(conversationAudioKbps(6));
    expect(ROOM_KINDS["large-meeting"].audioKbps).toBe(conversationAudioKbps(10));
    expect(ROOM_KINDS.webinar.audioKbps).toBe(conversationAudioKbps(2));
    expect(ROOM_KINDS.livestream.audioKbps).toBe(AUDIO_TALKING_KBPS);
  });
});

describe("livekit-client's defaults (no adaptive stream, no dynacast)", () => {
  it("sends every remote camera at its top layer, every layer published, audio as the music preset with RED", () => {
    const meeting = ROOM_KINDS["video-meeting"];
    const client = withClientDefaults(meeting);
    expect(client.videoReceive).toEqual([{ tracks: 6, kbps: 1700 }]);
    expect(client.videoLayersKbps).toEqual([160, 450, 1700]);
    expect(client.dynacast).toBe(false);
    expect(client.audioKbps).toBeCloseTo((conversationAudioKbps(6) * 116) / 44, 9);
    expect([client.name, client.publishers, client.subscribers]).toEqual(["video-meeting", 6, 0]);
  });

  it("receives no video in an audio-only room", () => {
    expect(withClientDefaults(ROOM_KINDS["voice-call"]).videoReceive).toEqual([]);
  });

  it("leaves the kind it was given as it was", () => {
    const kind = { ...ROOM_KINDS.webinar, videoLayersKbps: [...ROOM_KINDS.webinar.videoLayersKbps] };
    withClientDefaults(kind).videoLayersKbps.push(9999);
    expect(kind.videoLayersKbps).toEqual([160, 450, 1700]);
  });
});

describe("preset mixes", () => {
  const kindsOf = (name: (typeof PRESET_NAMES)[number]) => presetMix(name).kinds.map((k) => [k.name, k.share]);

  it("are made of the kinds and shares each one describes", () => {
    expect(kindsOf("meetings")).toEqual([
      ["video-meeting", 0.8],
      ["large-meeting", 0.2],
    ]);
    expect(kindsOf("webinar")).toEqual([["webinar", 1]]);
    expect(kindsOf("livestream")).toEqual([["livestream", 1]]);
    expect(kindsOf("audio")).toEqual([
      ["audio-room", 0.6],
      ["voice-call", 0.4],
    ]);
    expect(kindsOf("voice-calls")).toEqual([["voice-call", 1]]);
    expect(kindsOf("mixed")).toEqual([
      ["video-meeting", 0.35],
      ["large-meeting", 0.1],
      ["webinar", 0.15],
      ["livestream", 0.1],
      ["audio-room", 0.15],
      ["voice-call", 0.15],
    ]);
  });

  it("carry each kind's whole shape, under the preset's own name and description", () => {
    for (const name of PRESET_NAMES) {
      const mix = presetMix(name);
      expect(mix.name).toBe(name);
      for (const { share, ...kind } of mix.kinds) {
        expect(share).toBeGreaterThan(0);
        expect(kind).toEqual(ROOM_KINDS[kind.name]);
      }
    }
    expect(Object.fromEntries(PRESET_NAMES.map((name) => [name, presetMix(name).description]))).toEqual({
      meetings: "mostly small video meetings, some all-hands",
      webinar: "webinars: 2 presenters, 200 attendees",
      livestream: "one host to 300 viewers at 720p",
      audio: "audio only: audio rooms and 1:1 voice calls",
      "voice-calls": "1:1 voice calls only",
      mixed: "a blend of meetings, webinars, livestreams and audio",
    });
  });

  it("are fresh copies: changing one changes neither the room kinds nor the next copy", () => {
    const mix = presetMix("meetings");
    mix.kinds[0].videoLayersKbps.push(9999);
    mix.kinds[0].videoReceive[0].kbps = 1;
    expect(ROOM_KINDS["video-meeting"].videoLayersKbps).toEqual([160, 450, 1700]);
    expect(ROOM_KINDS["video-meeting"].videoReceive).toEqual([{ tracks: 5, kbps: 450 }]);
    expect(presetMix("meetings").kinds[0].videoReceive).toEqual([{ tracks: 5, kbps: 450 }]);
  });

  it("are named only by the preset names", () => {
    for (const name of PRESET_NAMES) expect(isPresetName(name)).toBe(true);
    for (const name of ["video-meeting", "custom", "", "Mixed"]) expect(isPresetName(name)).toBe(false);
  });
});
