/**
 * The cost sentences and the sum of several regions' cost figures (lib/capacity/cost-text.ts), on figures given
 * by hand: what several regions come to together, and how each figure is written.
 */
import {
  type CostFigures,
  perMinuteSentence,
  sumCostFigures,
  transferSentence,
  unitPrice,
} from "../../../lib/capacity/cost-text";
import type { ManagedCost } from "../../../lib/capacity/managed";

const managed = (monthlyUsd: number, minutes: number, estimate = false, notes: string[] = []): ManagedCost => ({
  service: "livekitCloud" as ManagedCost["service"],
  name: "LiveKit Cloud",
  monthlyUsd,
  usdPerParticipantMinute: minutes > 0 ? monthlyUsd / minutes : null,
  estimate,
  notes,
});

/** One region's figures: `minutes` participant-minutes, a month of `monthlyUsd` of which `transferUsd` transfer. */
function region(
  o: {
    monthlyUsd: number;
    minutes: number;
    gib: number;
    transferUsd: number;
    recordingUsd?: number;
    negotiatedPerGiB?: number;
  },
  m: ManagedCost = managed(o.minutes * 0.001, o.minutes),
): CostFigures {
  const recordingUsd = o.recordingUsd ?? 0;
  const per = (usd: number) => (o.minutes > 0 ? usd / o.minutes : null);
  const negotiated =
    o.negotiatedPerGiB === undefined
      ? undefined
      : {
          usdPerGiB: o.negotiatedPerGiB,
          usd: o.gib * o.negotiatedPerGiB,
          monthlyUsd: o.monthlyUsd - o.transferUsd + o.gib * o.negotiatedPerGiB,
        };
  return {
    monthlyUsd: o.monthlyUsd,
    dataTransferOut: {
      gib: o.gib,
      usd: o.transferUsd,
      usdPerGiB: o.gib > 0 ? o.transferUsd / o.gib : 0,
      share: o.transferUsd / o.monthlyUsd,
      ...(negotiated ? { negotiated } : {}),
    },
    participantMinutes: o.minutes,
    recordingUsd,
    perParticipantMinute: {
      usd: per(o.monthlyUsd),
      withoutRecordingUsd: per(o.monthlyUsd - recordingUsd),
      ...(negotiated
        ? {
            negotiated: {
              usd: per(negotiated.monthlyUsd),
              withoutRecordingUsd: per(negotiated.monthlyUsd - recordingUsd),
            },
          }
        : {}),
    },
    managed: [m],
  };
}

describe("several regions' cost figures as one", () => {
  const mumbai = region({
    monthlyUsd: 6000,
    minutes: 2e6,
    gib: 40_000,
    transferUsd: 3000,
    recordingUsd: 1000,
    negotiatedPerGiB: 0.02,
  });
  const singapore = region({ monthlyUsd: 4000, minutes: 3e6, gib: 10_000, transferUsd: 1000, negotiatedPerGiB: 0.02 });

  it("add up the month, the minutes and the transfer, and take rates and shares of the sums", () => {
    const both = sumCostFigures([mumbai, singapore]);
    expect(both.monthlyUsd).toBe(10_000);
    expect(both.participantMinutes).toBe(5e6);
    expect(both.dataTransferOut).toMatchObject({ gib: 50_000, usd: 4000, usdPerGiB: 0.08, share: 0.4 });
    expect(both.perParticipantMinute.usd).toBeCloseTo(0.002, 10);
    expect(both.perParticipantMinute.withoutRecordingUsd).toBeCloseTo(9000 / 5e6, 10);
  });

  it("keep the negotiated price when every region has one, with and without recording", () => {
    const both = sumCostFigures([mumbai, singapore]);
    expect(both.dataTransferOut.negotiated).toEqual({ usdPerGiB: 0.02, usd: 1000, monthlyUsd: 7000 });
    expect(both.perParticipantMinute.negotiated!.usd).toBeCloseTo(7000 / 5e6, 10);
    expect(both.perParticipantMinute.negotiated!.withoutRecordingUsd).toBeCloseTo(6000 / 5e6, 10);
  });

  it("drop the negotiated price when one region has none: the sum would mix prices", () => {
    const listOnly = region({ monthlyUsd: 4000, minutes: 3e6, gib: 10_000, transferUsd: 1000 });
    const both = sumCostFigures([mumbai, listOnly]);
    expect(both.dataTransferOut.negotiated).toBeUndefined();
    expect(both.perParticipantMinute.negotiated).toBeUndefined();
  });

  it("mark a managed service's figure an estimate when any region's is, and keep each note once", () => {
    const a = region({ monthlyUsd: 100, minutes: 1e5, gib: 10, transferUsd: 1 }, managed(100, 1e5, true, ["n1"]));
    const b = region(
      { monthlyUsd: 100, minutes: 1e5, gib: 10, transferUsd: 1 },
      managed(300, 1e5, false, ["n1", "n2"]),
    );
    const [m] = sumCostFigures([a, b]).managed;
    expect(m).toMatchObject({ name: "LiveKit Cloud", monthlyUsd: 400, usdPerParticipantMinute: 0.002, estimate: true });
    expect(m.notes).toEqual(["n1", "n2"]);
  });

  it("have no per-minute price without participant-minutes, and no transfer price without transfer", () => {
    const idle = region({ monthlyUsd: 500, minutes: 0, gib: 0, transferUsd: 0 });
    const sum = sumCostFigures([idle, idle]);
    expect(sum.perParticipantMinute.usd).toBeNull();
    expect(sum.perParticipantMinute.withoutRecordingUsd).toBeNull();
    expect(sum.managed[0].usdPerParticipantMinute).toBeNull();
    expect(sum.dataTransferOut.usdPerGiB).toBe(0);
    expect(perMinuteSentence(sum)).toContain("self-hosted -, - without recording");
  });
});

describe("the cost sentences", () => {
  it("write a unit price to three significant digits, and a missing one as -", () => {
    expect(unitPrice(0.080149)).toBe("$0.0801");
    expect(unitPrice(0.00095712)).toBe("$0.000957");
    expect(unitPrice(null)).toBe("-");
  });

  it("give the transfer in TB below 0.1 PB (decimal) and in PB from there", () => {
    const figures = (gib: number) => region({ monthlyUsd: 10_000, minutes: 1e6, gib, transferUsd: 2000 });
    // 1e14 bytes is 0.1 PB exactly.
    expect(transferSentence(figures(1e14 / 2 ** 30), "hint")).toContain("GiB a month (0.10 PB decimal)");
    expect(transferSentence(figures(50_000), "hint")).toContain("50,000 GiB a month (53.7 TB decimal)");
  });

  it("end the transfer sentence with the hint, or with the month at the negotiated price", () => {
    const list = region({ monthlyUsd: 10_000, minutes: 1e6, gib: 50_000, transferUsd: 4000 });
    expect(transferSentence(list, "give a negotiated price")).toBe(
      "Internet transfer: 50,000 GiB a month (53.7 TB decimal) at $0.08/GiB list = $4,000, 40% of the month; give a negotiated price.",
    );
    const negotiated = region({
      monthlyUsd: 10_000,
      minutes: 1e6,
      gib: 50_000,
      transferUsd: 4000,
      negotiatedPerGiB: 0.02,
    });
    expect(transferSentence(negotiated, "unused")).toBe(
      "Internet transfer: 50,000 GiB a month (53.7 TB decimal) at $0.08/GiB list = $4,000, 40% of the month; at the negotiated $0.02/GiB: $1,000, $7,000 a month in all.",
    );
  });

  it("give the minutes in millions to one decimal, self-hosted beside the managed services", () => {
    const c = region({
      monthlyUsd: 24_691.356,
      minutes: 12_345_678,
      gib: 1000,
      transferUsd: 100,
      recordingUsd: 12_345.678,
    });
    expect(perMinuteSentence(c)).toBe(
      "Per participant-minute (12.3 M participant-minutes a month): self-hosted $0.002, $0.001 without recording; " +
        "the calls alone on managed services at list: LiveKit Cloud $0.001.",
    );
  });

  it("add the negotiated price without recording, and mark estimates with their source", () => {
    const c = region(
      { monthlyUsd: 6000, minutes: 2e6, gib: 40_000, transferUsd: 3000, recordingUsd: 1000, negotiatedPerGiB: 0.02 },
      managed(4000, 2e6, true),
    );
    expect(perMinuteSentence(c)).toBe(
      "Per participant-minute (2 M participant-minutes a month): self-hosted $0.003, $0.0025 without recording; $0.0014 at the negotiated transfer price; " +
        "the calls alone on managed services at list: LiveKit Cloud $0.002* (* an estimate: lib/prices/managed-alternatives.json).",
    );
  });
});
