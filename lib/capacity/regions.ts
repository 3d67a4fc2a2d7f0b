/** The capacity model: regions. */
import { EPS } from "./plan";
import { fail, isInt, isNum } from "./validation";
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
  if (!isInt(total, 1)) fail("participants", "must be a positive integer", total);
  if (regions.length === 0) fail("regions", "must name at least one region", regions);
  const names = regions.map((r) => r.name);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) fail("regions", "region names must be unique", dup);
  for (const r of regions) {
    if (!/^[a-z0-9][a-z0-9-]*$/.test(r.name))
      fail("regions", "region names are lowercase letters, digits and hyphens", r.name);
    if (r.share !== undefined && (!isNum(r.share, 0, 1) || r.share === 0))
      fail(`regions.${r.name}`, "share must be a fraction above 0 and at most 1", r.share);
  }
  const given = regions.reduce((s, r) => s + (r.share ?? 0), 0);
  const unset = regions.filter((r) => r.share === undefined).length;
  if (unset === 0 && Math.abs(given - 1) > 0.001) fail("regions", "shares must sum to 1", Number(given.toFixed(4)));
  if (unset > 0 && given > 1 - 0.001)
    fail("regions", "shares leave nothing for the regions without one", Number(given.toFixed(4)));
  const shares = regions.map((r) => r.share ?? (1 - given) / unset);
  const exact = shares.map((s) => (total * s) / shares.reduce((a, b) => a + b, 0));
  const parts = exact.map((x) => Math.floor(x + EPS));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact
    .map((x, i) => ({ i, frac: x - Math.floor(x + EPS) }))
    .sort((a, b) => b.frac - a.frac || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]++;
    left--;
  }
  return regions.map((r, i) => ({ name: r.name, share: shares[i], participants: parts[i] }));
}
