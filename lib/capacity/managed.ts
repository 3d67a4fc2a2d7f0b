/**
 * What the calls a region plans would cost on the managed services people weigh against self-hosting: LiveKit
 * Cloud, the Amazon Chime SDK, Agora and Cloudflare RealtimeKit, each by its own meter, from the pinned list
 * prices in lib/prices/managed-alternatives.json. The calls alone: recording is priced separately by every one
 * of them and left out here, as the self-hosted figure it is compared with leaves it out
 * (`CostEstimate.perParticipantMinute.withoutRecordingUsd`). Pure: no network.
 */
import { z } from "zod";
import PINNED from "../prices/managed-alternatives.json";
import { numberSchema, strictFields } from "../schema";
import { PriceFigure, priceFigureSchema } from "./prices";
import { RoomMixEntry } from "./room-mix";
import { CapacityPlan } from "./types";

export interface ManagedPrices {
  description?: string;
  currency: string;
  livekitCloud: { name: string; perConnectionMinute: PriceFigure; perDownstreamGB: PriceFigure };
  chimeSdk: { name: string; perAttendeeMinute: PriceFigure; maxAttendeesPerSession: number };
  agora: {
    name: string;
    per1000Minutes: Record<AgoraVideoType, PriceFigure>;
  };
  cloudflareRealtimeKit: {
    name: string;
    perAudioVideoParticipantMinute: PriceFigure;
    perAudioOnlyParticipantMinute: PriceFigure;
  };
}

export type ManagedService = "livekitCloud" | "chimeSdk" | "agora" | "cloudflareRealtimeKit";
export const MANAGED_SERVICES: readonly ManagedService[] = [
  "livekitCloud",
  "chimeSdk",
  "agora",
  "cloudflareRealtimeKit",
];

/** Agora's usage types: audio when a user subscribes to no video, else by the aggregate resolution received. */
export type AgoraVideoType = "audio" | "hd" | "fullHd" | "twoK" | "twoKPlus";

const name = z.string({ error: "must be the service's name" }).min(1, { error: "must be the service's name" });

/** The managed services' price file: each service with the figures its meter needs, each with its provenance. */
export const managedPricesSchema = strictFields(
  {
    description: z.string({ error: "must be a string" }).optional(),
    currency: z.string({ error: "must be a currency such as USD" }),
    livekitCloud: strictFields(
      { name, perConnectionMinute: priceFigureSchema, perDownstreamGB: priceFigureSchema },
      "must be an object of prices",
    ),
    chimeSdk: strictFields(
      {
        name,
        perAttendeeMinute: priceFigureSchema,
        maxAttendeesPerSession: numberSchema("must be a positive integer", { int: true, min: 1 }),
      },
      "must be an object of prices",
    ),
    agora: strictFields(
      {
        name,
        per1000Minutes: strictFields(
          {
            audio: priceFigureSchema,
            hd: priceFigureSchema,
            fullHd: priceFigureSchema,
            twoK: priceFigureSchema,
            twoKPlus: priceFigureSchema,
          },
          "must be an object of prices",
        ),
      },
      "must be an object of prices",
    ),
    cloudflareRealtimeKit: strictFields(
      { name, perAudioVideoParticipantMinute: priceFigureSchema, perAudioOnlyParticipantMinute: priceFigureSchema },
      "must be an object of prices",
    ),
  },
  "must be an object of the managed services' prices",
) satisfies z.ZodType<ManagedPrices>;

/** The pinned file shipped with the project (its schema is checked by the cost tests). */
export const PINNED_MANAGED_PRICES: ManagedPrices = PINNED as ManagedPrices;

/** LiveKit Cloud meters decimal GB (docs.livekit.io/cloud/pricing: "GB = 1000 MB"). */
export const BYTES_PER_DECIMAL_GB = 1e9;

/**
 * Agora's aggregate resolution bounds (pixels a user receives, summed over the videos it subscribes to), from
 * its pricing page (AgoraIO/Docs-Source shared/video-sdk/reference/_pricing.mdx, "Video usage"): HD up to
 * 1280 x 720, Full HD up to 1920 x 1080, 2K up to 2560 x 1440, 2K+ above.
 */
export const AGORA_MAX_PIXELS = { hd: 1280 * 720, fullHd: 1920 * 1080, twoK: 2560 * 1440 } as const;

/**
 * Pixels of a simulcast layer the room kinds receive: the top layer is the 720p capture the room kinds assume
 * (livekit-client's h720 preset), and each layer below halves both sides (h360, h180). A tier between layers
 * counts as the layer at or above its rate.
 */
export function layerPixels(kind: Pick<RoomMixEntry, "videoLayersKbps">, kbps: number): number {
  const layers = [...kind.videoLayersKbps].sort((a, b) => a - b);
  const top = layers.length - 1;
  const at = layers.findIndex((l) => l >= kbps);
  const steps = at < 0 ? 0 : top - at;
  return (1280 * 720) / 4 ** steps;
}

/** Pixels one receiver of a room gets when `remotes` others publish video: the tiers it renders. */
export function receivedPixels(kind: RoomMixEntry, remotes: number): number {
  if (kind.videoLayersKbps.length === 0) return 0;
  let left = remotes;
  let pixels = 0;
  for (const tier of kind.videoReceive) {
    const shown = Math.min(left, tier.tracks);
    pixels += shown * layerPixels(kind, tier.kbps);
    left -= shown;
  }
  return pixels;
}

/** Agora's usage type for a user receiving this many pixels of video. */
export function agoraVideoType(pixels: number): AgoraVideoType {
  if (pixels <= 0) return "audio";
  if (pixels <= AGORA_MAX_PIXELS.hd) return "hd";
  if (pixels <= AGORA_MAX_PIXELS.fullHd) return "fullHd";
  if (pixels <= AGORA_MAX_PIXELS.twoK) return "twoK";
  return "twoKPlus";
}

/** The calls of one room kind over the month, as the services meter them. */
export interface KindUsage {
  name: string;
  video: boolean;
  roomSize: number;
  /** Minutes of participants connected, publishers' and subscribers' apart. */
  publisherMinutes: number;
  subscriberMinutes: number;
  /** What the SFU sends to the participants, decimal GB. */
  downstreamGB: number;
  /** Agora's usage type of a publisher and of a subscriber. */
  agora: { publisher: AgoraVideoType; subscriber: AgoraVideoType };
}

/** The plan's calls by room kind over `peakEquivalentHours`: the participants the nodes carry (`loadRooms`). */
export function kindUsage(plan: CapacityPlan, peakEquivalentHours: number): KindUsage[] {
  const minutes = peakEquivalentHours * 60;
  return plan.kinds.map((k) => {
    const kind = plan.mix.kinds.find((m) => m.name === k.name)!;
    const publishersSubscribe = kind.publishersSubscribe ?? true;
    return {
      name: k.name,
      video: kind.videoLayersKbps.length > 0,
      roomSize: k.roomSize,
      publisherMinutes: k.loadRooms * kind.publishers * minutes,
      subscriberMinutes: k.loadRooms * kind.subscribers * minutes,
      downstreamGB: (k.loadRooms * k.perRoom.egressMbps * 1e6 * 3600 * peakEquivalentHours) / 8 / BYTES_PER_DECIMAL_GB,
      agora: {
        publisher: agoraVideoType(publishersSubscribe ? receivedPixels(kind, kind.publishers - 1) : 0),
        subscriber: agoraVideoType(receivedPixels(kind, kind.publishers)),
      },
    };
  });
}

export interface ManagedCost {
  service: ManagedService;
  name: string;
  /** USD a month for the calls alone, at list prices. */
  monthlyUsd: number;
  usdPerParticipantMinute: number | null;
  /** True while a figure used is an estimate (lib/prices/managed-alternatives.json gives its basis). */
  estimate: boolean;
  notes: string[];
}

const cents = (x: number) => Math.round(x * 100) / 100;

/** The plan's calls over the month on each managed service, at its list prices. */
export function managedCosts(
  plan: CapacityPlan,
  peakEquivalentHours: number,
  prices: ManagedPrices = PINNED_MANAGED_PRICES,
): ManagedCost[] {
  const usage = kindUsage(plan, peakEquivalentHours);
  const minutes = usage.reduce((s, k) => s + k.publisherMinutes + k.subscriberMinutes, 0);
  const result = (service: ManagedService, usd: number, figures: PriceFigure[], notes: string[] = []): ManagedCost => ({
    service,
    name: prices[service].name,
    monthlyUsd: cents(usd),
    usdPerParticipantMinute: minutes > 0 ? usd / minutes : null,
    estimate: figures.some((f) => f.estimate === true),
    notes,
  });

  const lk = prices.livekitCloud;
  const downstreamGB = usage.reduce((s, k) => s + k.downstreamGB, 0);
  const livekit = result(
    "livekitCloud",
    minutes * lk.perConnectionMinute.usd + downstreamGB * lk.perDownstreamGB.usd,
    [lk.perConnectionMinute, lk.perDownstreamGB],
    [`${Math.round(downstreamGB).toLocaleString("en-US")} GB (10^9 bytes) downstream`],
  );

  const chime = prices.chimeSdk;
  const oversized = usage.filter((k) => k.roomSize > chime.maxAttendeesPerSession).map((k) => k.name);
  const chimeCost = result(
    "chimeSdk",
    minutes * chime.perAttendeeMinute.usd,
    [chime.perAttendeeMinute],
    oversized.length > 0
      ? [
          `${oversized.join(", ")} rooms exceed a session's ${chime.maxAttendeesPerSession} attendees: they need media replication, priced separately and not included`,
        ]
      : [],
  );

  const agora = prices.agora.per1000Minutes;
  const agoraUsd = usage.reduce(
    (s, k) =>
      s +
      (k.publisherMinutes * agora[k.agora.publisher].usd + k.subscriberMinutes * agora[k.agora.subscriber].usd) / 1000,
    0,
  );
  const agoraCost = result("agora", agoraUsd, Object.values(agora), [
    "list prices before Agora's volume discounts (published up to 10% on the first 3 million minutes a month; by contract above)",
  ]);

  const cf = prices.cloudflareRealtimeKit;
  const cfUsd = usage.reduce(
    (s, k) =>
      s +
      (k.publisherMinutes + k.subscriberMinutes) *
        (k.video ? cf.perAudioVideoParticipantMinute.usd : cf.perAudioOnlyParticipantMinute.usd),
    0,
  );
  const cfCost = result("cloudflareRealtimeKit", cfUsd, [
    cf.perAudioVideoParticipantMinute,
    cf.perAudioOnlyParticipantMinute,
  ]);

  return [livekit, chimeCost, agoraCost, cfCost];
}
