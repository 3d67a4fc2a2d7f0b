/**
 * lib/capacity/traffic.ts: what one room sends and receives, counted by hand for small rooms. Each receiver fills
 * the receive tiers in order with the remote videos there are; videos past the tiers are subscribed but paused;
 * dynacast stops the layers above the best one anyone renders, but never the lowest.
 */
import { roomTraffic } from "../../../lib/capacity/traffic";
import type { RoomKind } from "../../../lib/capacity/room-mix";

const CAMERA = [150, 500, 1700];

describe("a room's traffic", () => {
  it("a meeting: everyone receives every other publisher, tiers filled in order, every layer uploaded without dynacast", () => {
    const meeting: RoomKind = {
      name: "meeting",
      publishers: 3,
      subscribers: 10,
      audioKbps: 32,
      videoLayersKbps: CAMERA,
      // A subscriber sees 3 videos: 1 at 500 kbps, 2 at 150; a publisher sees 2: 1 at 500, 1 at 150.
      videoReceive: [
        { tracks: 1, kbps: 500 },
        { tracks: 3, kbps: 150 },
      ],
    };
    expect(roomTraffic(meeting)).toEqual({
      participants: 13,
      publishedTracks: 6,
      downTracks: 10 * 6 + 3 * 4,
      forwardedTracks: 10 * 6 + 3 * 4,
      egressMbps: (10 * (3 * 32 + 500 + 2 * 150) + 3 * (2 * 32 + 500 + 150)) / 1000,
      ingressMbps: (3 * (32 + 150 + 500 + 1700)) / 1000,
      maxParticipantMbps: (32 + 150 + 500 + 1700) / 1000,
    });
  });

  it("a webinar with dynacast: videos past the tiers are paused, layers above the best rendered tier not sent", () => {
    const webinar: RoomKind = {
      name: "webinar",
      publishers: 6,
      subscribers: 100,
      publishersSubscribe: false,
      audioKbps: 32,
      videoLayersKbps: CAMERA,
      // A tier nobody fills does not count as rendered.
      videoReceive: [
        { tracks: 2, kbps: 500 },
        { tracks: 0, kbps: 1700 },
      ],
      dynacast: true,
    };
    expect(roomTraffic(webinar)).toEqual({
      participants: 106,
      publishedTracks: 12,
      downTracks: 100 * 12,
      forwardedTracks: 100 * (6 + 2),
      egressMbps: (100 * (6 * 32 + 2 * 500)) / 1000,
      ingressMbps: (6 * (32 + 150 + 500)) / 1000,
      maxParticipantMbps: (6 * 32 + 2 * 500) / 1000,
    });
  });

  it("audio only: one track per publisher; with no listener, the busiest participant is a publisher", () => {
    const call: RoomKind = {
      name: "call",
      publishers: 4,
      subscribers: 0,
      audioKbps: 32,
      videoLayersKbps: [],
      videoReceive: [],
      dynacast: true,
    };
    expect(roomTraffic(call)).toEqual({
      participants: 4,
      publishedTracks: 4,
      downTracks: 4 * 3,
      forwardedTracks: 4 * 3,
      egressMbps: (4 * 3 * 32) / 1000,
      ingressMbps: (4 * 32) / 1000,
      maxParticipantMbps: (3 * 32) / 1000,
    });
  });

  it("video only: one track per publisher, and dynacast still sends the lowest layer", () => {
    const cameras: RoomKind = {
      name: "cameras",
      publishers: 2,
      subscribers: 1,
      audioKbps: 0,
      videoLayersKbps: [300, 900],
      videoReceive: [{ tracks: 1, kbps: 150 }],
      dynacast: true,
    };
    expect(roomTraffic(cameras)).toEqual({
      participants: 3,
      publishedTracks: 2,
      downTracks: 1 * 2 + 2 * 1,
      forwardedTracks: 1 * 1 + 2 * 1,
      egressMbps: (150 + 2 * 150) / 1000,
      ingressMbps: (2 * 300) / 1000,
      maxParticipantMbps: 300 / 1000,
    });
  });
});
