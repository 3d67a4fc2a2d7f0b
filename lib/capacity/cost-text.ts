/**
 * The two sentences about cost that the capacity command and the plan summary both print: what internet
 * transfer costs (the line the bill rides on) at list and under a negotiated price, and the cost per
 * participant-minute beside the managed services'. From an estimate, or from the same fields of a region's
 * `sizing.cost` output; several regions add up first (`sumCostFigures`).
 */
import { CostEstimate } from "./cost";
import { ManagedCost } from "./managed";

export type CostFigures = Pick<
  CostEstimate,
  "monthlyUsd" | "dataTransferOut" | "participantMinutes" | "recordingUsd" | "perParticipantMinute" | "managed"
>;

const perMinute = (usd: number, minutes: number) => (minutes > 0 ? usd / minutes : null);

/** Several regions' figures as one: sums, and the rates and shares of the sums. */
export function sumCostFigures(list: CostFigures[]): CostFigures {
  const sum = (f: (c: CostFigures) => number) => list.reduce((s, c) => s + f(c), 0);
  const monthlyUsd = sum((c) => c.monthlyUsd);
  const minutes = sum((c) => c.participantMinutes);
  const recordingUsd = sum((c) => c.recordingUsd);
  const gib = sum((c) => c.dataTransferOut.gib);
  const usd = sum((c) => c.dataTransferOut.usd);
  const negotiated = list.every((c) => c.dataTransferOut.negotiated !== undefined)
    ? {
        usdPerGiB: list[0].dataTransferOut.negotiated!.usdPerGiB,
        usd: sum((c) => c.dataTransferOut.negotiated!.usd),
        monthlyUsd: sum((c) => c.dataTransferOut.negotiated!.monthlyUsd),
      }
    : undefined;
  const managed: ManagedCost[] = list[0].managed.map((first, i) => {
    const usdOf = sum((c) => c.managed[i].monthlyUsd);
    return {
      ...first,
      monthlyUsd: usdOf,
      usdPerParticipantMinute: perMinute(usdOf, minutes),
      estimate: list.some((c) => c.managed[i].estimate),
      notes: [...new Set(list.flatMap((c) => c.managed[i].notes))],
    };
  });
  return {
    monthlyUsd,
    dataTransferOut: {
      gib,
      usd,
      usdPerGiB: gib > 0 ? usd / gib : 0,
      share: usd / (monthlyUsd || 1),
      ...(negotiated ? { negotiated } : {}),
    },
    participantMinutes: minutes,
    recordingUsd,
    perParticipantMinute: {
      usd: perMinute(monthlyUsd, minutes),
      withoutRecordingUsd: perMinute(monthlyUsd - recordingUsd, minutes),
      ...(negotiated
        ? {
            negotiated: {
              usd: perMinute(negotiated.monthlyUsd, minutes),
              withoutRecordingUsd: perMinute(negotiated.monthlyUsd - recordingUsd, minutes),
            },
          }
        : {}),
    },
    managed,
  };
}

const dollars = (n: number) => `$${Math.round(n).toLocaleString("en-US")}`;
/** A price per unit below a dollar, to three significant digits: $0.0801, $0.000957, $0.0000441. */
export const unitPrice = (n: number | null) => (n === null ? "-" : `$${Number(n.toPrecision(3))}`);
const pct = (f: number) => `${Math.round(f * 100)}%`;

/**
 * Internet transfer in one sentence: GiB a month (and decimal PB), the list price per GiB and what it comes to,
 * its share of the month, and the month under the negotiated price or how to give one (`hint`).
 */
export function transferSentence(c: CostFigures, hint: string, money: (n: number) => string = dollars): string {
  const t = c.dataTransferOut;
  const pb = (t.gib * 2 ** 30) / 1e15;
  const volume = `${Math.round(t.gib).toLocaleString("en-US")} GiB a month (${pb >= 0.1 ? `${pb.toFixed(2)} PB` : `${((t.gib * 2 ** 30) / 1e12).toFixed(1)} TB`} decimal)`;
  const list = `Internet transfer: ${volume} at ${unitPrice(t.usdPerGiB)}/GiB list = ${money(t.usd)}, ${pct(t.share)} of the month`;
  if (!t.negotiated) return `${list}; ${hint}.`;
  const n = t.negotiated;
  return `${list}; at the negotiated ${unitPrice(n.usdPerGiB)}/GiB: ${money(n.usd)}, ${money(n.monthlyUsd)} a month in all.`;
}

/**
 * Cost per participant-minute: self-hosted (all lines, without recording, and under the negotiated transfer
 * price when given) beside the managed services' list prices for the calls alone.
 */
export function perMinuteSentence(c: CostFigures): string {
  const p = c.perParticipantMinute;
  const minutes = `${(c.participantMinutes / 1e6).toLocaleString("en-US", { maximumFractionDigits: 1 })} M participant-minutes a month`;
  const negotiated = p.negotiated
    ? `; ${unitPrice(p.negotiated.withoutRecordingUsd)} at the negotiated transfer price`
    : "";
  const managed = c.managed
    .map((m) => `${m.name} ${unitPrice(m.usdPerParticipantMinute)}${m.estimate ? "*" : ""}`)
    .join(", ");
  const estimates = c.managed.some((m) => m.estimate) ? " (* an estimate: lib/prices/managed-alternatives.json)" : "";
  return (
    `Per participant-minute (${minutes}): self-hosted ${unitPrice(p.usd)}, ${unitPrice(p.withoutRecordingUsd)} without recording${negotiated}; ` +
    `the calls alone on managed services at list: ${managed}${estimates}.`
  );
}
