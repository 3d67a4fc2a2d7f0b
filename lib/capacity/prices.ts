/**
 * The cost model's prices: a pinned table per AWS region (lib/prices/aws-prices.json), each figure with the
 * page it comes from, the date it was recorded and, for an estimate, its basis. A stack or the command may
 * override any subset with a file of the same shape. Pure: the caller reads override files; no network.
 */
import PINNED from "../prices/aws-prices.json";
import { InputError } from "../errors";

/** One price, with where it comes from. */
export interface PriceFigure {
  usd: number;
  /** URL of the page the figure comes from (or, in an override, any reference such as a contract). */
  source: string;
  /** Date the figure was read, YYYY-MM-DD. */
  read: string;
  /** True when the figure could not be confirmed against its source; `basis` says how it was reached. */
  estimate?: boolean;
  basis?: string;
}

/** A data-transfer-out tier: the price of each GB up to `upToGB` of the month (null: no upper bound). */
export interface PriceTier extends PriceFigure {
  upToGB: number | null;
}

export interface RegionPrices {
  /** EC2 on-demand, Linux, per instance-hour, by instance type. */
  ec2PerHour: Record<string, PriceFigure>;
  /** Spot as a share of on-demand (a planning figure). */
  spotShareOfOnDemand: PriceFigure;
  eksClusterPerHour: PriceFigure;
  natGatewayPerHour: PriceFigure;
  natGatewayPerGB: PriceFigure;
  albPerHour: PriceFigure;
  albPerLcuHour: PriceFigure;
  nlbPerHour: PriceFigure;
  nlbPerNlcuHour: PriceFigure;
  /** ElastiCache (Valkey) per node-hour, by node type. */
  elasticachePerHour: Record<string, PriceFigure>;
  ebsGp3PerGBMonth: PriceFigure;
  s3StandardPerGBMonth: PriceFigure;
  s3PutPer1000: PriceFigure;
  cloudwatchLogsIngestPerGB: PriceFigure;
  cloudwatchLogsStoragePerGBMonth: PriceFigure;
  /** Across Availability Zones, or through a public IP within the region: charged on both sides. */
  intraRegionPerGBEachDirection: PriceFigure;
  /** Data transfer out to the internet, by the month's volume. */
  dataTransferOutTiers: PriceTier[];
}

export interface PriceTable {
  description?: string;
  currency: string;
  regions: Record<string, RegionPrices>;
}

/** The pinned table shipped with the project. */
export const PINNED_PRICES: PriceTable = PINNED as PriceTable;

const DATE = /^\d{4}-\d{2}-\d{2}$/;

function isFigure(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && "usd" in v;
}

/**
 * Every figure of a table (or an override) as [path, figure]: the table's leaves are the objects with a
 * `usd` field.
 */
export function priceFigures(node: unknown, at = "prices"): [string, Record<string, unknown>][] {
  if (isFigure(node)) return [[at, node]];
  if (Array.isArray(node)) return node.flatMap((v, i) => priceFigures(v, `${at}[${i}]`));
  if (typeof node === "object" && node !== null)
    return Object.entries(node).flatMap(([k, v]) => priceFigures(v, `${at}.${k}`));
  return [];
}

/** Throws on the first figure without a price, a source, a read date, or an estimate without a basis. */
export function checkPriceFigures(node: unknown, at = "prices"): void {
  for (const [path, f] of priceFigures(node, at)) {
    if (typeof f.usd !== "number" || !Number.isFinite(f.usd) || f.usd < 0)
      throw new InputError(`${path}.usd`, "must be a price in USD of at least 0", f.usd);
    if (typeof f.source !== "string" || f.source.trim() === "")
      throw new InputError(`${path}.source`, "every price needs its source (a URL or reference)", f.source);
    if (typeof f.read !== "string" || !DATE.test(f.read))
      throw new InputError(`${path}.read`, "every price needs the date it was read, YYYY-MM-DD", f.read);
    if (f.estimate === true && (typeof f.basis !== "string" || f.basis.trim() === ""))
      throw new InputError(`${path}.basis`, "an estimate must say what it is based on", f.basis);
  }
}

/**
 * The pinned table with an override laid over it: objects merge key by key, a figure or a tier list
 * replaces what it overrides. The override's figures need a source and a date too.
 */
export function withPriceOverride(base: PriceTable, override: unknown, name = "price file"): PriceTable {
  if (typeof override !== "object" || override === null || Array.isArray(override))
    throw new InputError(name, 'must be an object like { "regions": { "<aws region>": { ... } } }', override);
  checkPriceFigures(override, name);
  const merge = (a: unknown, b: unknown): unknown => {
    if (isFigure(b) || Array.isArray(b) || typeof b !== "object" || b === null) return b;
    if (typeof a !== "object" || a === null || Array.isArray(a) || isFigure(a)) return b;
    const out: Record<string, unknown> = { ...(a as Record<string, unknown>) };
    for (const [k, v] of Object.entries(b)) out[k] = merge(out[k], v);
    return out;
  };
  return merge(base, override) as PriceTable;
}

/** A region's prices, or a one-line error naming the regions the table knows. */
export function regionPrices(table: PriceTable, awsRegion: string): RegionPrices {
  const prices = table.regions[awsRegion];
  if (!prices)
    throw new InputError(
      "awsRegion",
      `no prices for this region (priced: ${Object.keys(table.regions).join(", ")}; add it with a price file)`,
      awsRegion,
    );
  return prices;
}

/** A figure of a per-type price list, or a one-line error naming the priced types. */
export function priceOf(list: Record<string, PriceFigure>, type: string, key: string, awsRegion: string): number {
  const f = list[type];
  if (!f)
    throw new InputError(
      key,
      `no ${awsRegion} price for this type (priced: ${Object.keys(list).join(", ")}; add it with a price file)`,
      type,
    );
  return f.usd;
}
