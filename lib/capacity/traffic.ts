/** The capacity model: traffic of one room. */
import { RoomKind } from "./room-mix";
export interface RoomTraffic {
  participants: number;
  /** Published tracks (audio + camera). */
  publishedTracks: number;
  /** Subscribed tracks summed over receivers ("down tracks"), paused ones included. */
  downTracks: number;
  /** Down tracks that carry media (audio, and videos a receiver renders). */
  forwardedTracks: number;
  /** Media the SFU sends to receivers, Mbps. */
  egressMbps: number;
  /** Media the SFU receives from publishers, Mbps. */
  ingressMbps: number;
  /** The busiest participant's larger direction (what it receives or what it publishes), Mbps. */
  maxParticipantMbps: number;
}

/** What one receiver gets when `remotes` other participants publish. */
function receiverTraffic(kind: RoomKind, remotes: number) {
  const hasAudio = kind.audioKbps > 0;
  const hasVideo = kind.videoLayersKbps.length > 0;
  let downTracks = 0;
  let forwarded = 0;
  let kbps = 0;
  if (hasAudio) {
    downTracks += remotes;
    forwarded += remotes;
    kbps += remotes * kind.audioKbps;
  }
  if (hasVideo) {
    downTracks += remotes;
    let left = remotes;
    for (const tier of kind.videoReceive) {
      const shown = Math.min(left, tier.tracks);
      forwarded += shown;
      kbps += shown * tier.kbps;
      left -= shown;
    }
  }
  return { downTracks, forwarded, kbps };
}

/** Kbps one publisher uploads: its audio and the camera layers someone receives (all, without dynacast). */
function publisherUploadKbps(kind: RoomKind): number {
  const layers = kind.videoLayersKbps;
  let video = layers.reduce((sum, l) => sum + l, 0);
  if (kind.dynacast && layers.length > 0) {
    // Dynacast pauses layers above the best one any receiver renders; the lowest layer always flows.
    const best = Math.max(0, ...kind.videoReceive.filter((t) => t.tracks > 0).map((t) => t.kbps));
    video = layers.filter((l, i) => i === 0 || l <= best).reduce((sum, l) => sum + l, 0);
  }
  return kind.audioKbps + video;
}

/**
 * Traffic of one room. Subscribers receive every publisher; publishers receive the others (unless
 * `publishersSubscribe` is false). Every remote track is subscribed (LiveKit auto-subscribe); videos past
 * the receive tiers are paused by adaptive stream: a down track that costs CPU but sends no media.
 */
export function roomTraffic(kind: RoomKind): RoomTraffic {
  const publishersSubscribe = kind.publishersSubscribe ?? true;
  const tracksPerPublisher = (kind.audioKbps > 0 ? 1 : 0) + (kind.videoLayersKbps.length > 0 ? 1 : 0);
  const subscriber = receiverTraffic(kind, kind.publishers);
  const publisher = publishersSubscribe
    ? receiverTraffic(kind, kind.publishers - 1)
    : { downTracks: 0, forwarded: 0, kbps: 0 };
  const pubReceivers = publishersSubscribe ? kind.publishers : 0;
  return {
    participants: kind.publishers + kind.subscribers,
    publishedTracks: kind.publishers * tracksPerPublisher,
    downTracks: kind.subscribers * subscriber.downTracks + pubReceivers * publisher.downTracks,
    forwardedTracks: kind.subscribers * subscriber.forwarded + pubReceivers * publisher.forwarded,
    egressMbps: (kind.subscribers * subscriber.kbps + pubReceivers * publisher.kbps) / 1000,
    ingressMbps: (kind.publishers * publisherUploadKbps(kind)) / 1000,
    maxParticipantMbps:
      Math.max(kind.subscribers > 0 ? subscriber.kbps : 0, publisher.kbps, publisherUploadKbps(kind)) / 1000,
  };
}
