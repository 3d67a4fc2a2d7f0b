/** The capacity model: regions. */
import { EPS } from "./plan";

/** A region of the split, as `regionSharesSchema` (lib/capacity/input.ts) parses it. */
export interface RegionShare {
  name: string;
  /** Fraction of the total; regions without one split what the others leave, evenly. */
  share?: number;
}

/**
 * Splits a total across regions: given shares first, the rest evenly among regions without one.
 * Rounds to whole participants, handing the remainder to the largest fractions, so the parts sum to the total.
 */
export function splitParticipants(
  total: number,
  regions: RegionShare[],
): { name: string; share: number; participants: number }[] {
  const given = regions.reduce((s, r) => s + (r.share ?? 0), 0);
  const unset = regions.filter((r) => r.share === undefined).length;
  const shares = regions.map((r) => r.share ?? (1 - given) / unset);
  const exact = shares.map((s) => (total * s) / shares.reduce((a, b) => a + b, 0));
  const parts = exact.map((x) => Math.floor(x + EPS));
  let left = total - parts.reduce((a, b) => a + b, 0);
  // Array.prototype.sort is stable, so of equal fractions the region listed first comes first.
  const order = exact.map((x, i) => ({ i, frac: x - Math.floor(x + EPS) })).sort((a, b) => b.frac - a.frac);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return regions.map((r, i) => ({ name: r.name, share: shares[i], participants: parts[i] }));
}
