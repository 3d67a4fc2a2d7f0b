/**
 * The cost model's prices: a pinned table per AWS region (lib/prices/aws-prices.json), each figure with the
 * page it comes from, the date it was recorded and, for an estimate, its basis. A stack or the command may
 * override any subset with a file of the same shape (`priceOverrideSchema`). Pure: the caller reads override
 * files; no network.
 */
import { z } from "zod";
import PINNED from "../prices/aws-prices.json";
import { InputError, keyPath, parseInput } from "../errors";
import { numberSchema, strictFields } from "../schema";

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
  /** A public IPv4 address, in use or idle, per hour: on every public-IP node, NAT gateway and load balancer zone. */
  publicIpv4PerHour: PriceFigure;
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
  /**
   * Vended logs (an AWS service's own, such as VPC flow logs) delivered to CloudWatch Logs, by the month's
   * volume: their ingestion price. Stored like any log (cloudwatchLogsStoragePerGBMonth).
   */
  cloudwatchVendedLogsIngestTiers: PriceTier[];
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

const SOURCE = "every price needs its source (a URL or reference)";
const READ = "every price needs the date it was read, YYYY-MM-DD";

const figureShape = {
  usd: numberSchema("must be a price in USD of at least 0", { min: 0 }),
  source: z.string({ error: SOURCE }).refine((s) => s.trim() !== "", { error: SOURCE }),
  read: z.string({ error: READ }).regex(/^\d{4}-\d{2}-\d{2}$/, { error: READ }),
  estimate: z.boolean({ error: "must be true or false" }).optional(),
  basis: z.string({ error: "must say what the estimate is based on" }).optional(),
};

/** An estimate says what it is based on. */
function needsBasis(f: { estimate?: boolean; basis?: string }, ctx: z.RefinementCtx) {
  if (f.estimate === true && (f.basis === undefined || f.basis.trim() === "")) {
    ctx.addIssue({
      code: "custom",
      path: ["basis"],
      input: f.basis,
      message: "an estimate must say what it is based on",
    });
  }
}

const FIGURE = "must be a price: { usd, source, read }";
const figure = strictFields(figureShape, FIGURE).superRefine(needsBasis);
/** One price with its provenance (`PriceFigure`): the other price files (managed services) use it too. */
export const priceFigureSchema = figure;
const tier = strictFields(
  {
    ...figureShape,
    upToGB: numberSchema("must be the tier's upper bound in GB, or null for none", { gt: 0 }).nullable(),
  },
  FIGURE,
).superRefine(needsBasis);
const perType = z.record(z.string(), figure, { error: "must map each type to its price" });

const regionPricesShape = {
  ec2PerHour: perType,
  spotShareOfOnDemand: figure,
  eksClusterPerHour: figure,
  natGatewayPerHour: figure,
  natGatewayPerGB: figure,
  publicIpv4PerHour: figure,
  albPerHour: figure,
  albPerLcuHour: figure,
  nlbPerHour: figure,
  nlbPerNlcuHour: figure,
  elasticachePerHour: perType,
  ebsGp3PerGBMonth: figure,
  s3StandardPerGBMonth: figure,
  s3PutPer1000: figure,
  cloudwatchLogsIngestPerGB: figure,
  cloudwatchLogsStoragePerGBMonth: figure,
  cloudwatchVendedLogsIngestTiers: z.array(tier, { error: "must be a list of tiers, lowest first" }),
  intraRegionPerGBEachDirection: figure,
  dataTransferOutTiers: z.array(tier, { error: "must be a list of tiers, lowest first" }),
};
const TABLE = 'must be an object like { "regions": { "<aws region>": { ... } } }';

/** A whole price table: every region with every price (the pinned table's shape). */
export const priceTableSchema = strictFields(
  {
    description: z.string({ error: "must be a string" }).optional(),
    currency: z.string({ error: "must be a currency such as USD" }),
    regions: z.record(z.string(), strictFields(regionPricesShape, "must be an object of prices")),
  },
  TABLE,
) satisfies z.ZodType<PriceTable>;

/** A price file laid over the pinned table: any subset of its shape, each figure complete. */
export const priceOverrideSchema = strictFields(
  {
    description: z.string({ error: "must be a string" }).optional(),
    currency: z.string({ error: "must be a currency such as USD" }).optional(),
    regions: z.record(z.string(), strictFields(regionPricesShape, "must be an object of prices").partial()).optional(),
  },
  TABLE,
);

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

/** An object an override merges into key by key: the table, a region, a per-type list; not a figure, list or value. */
function isBranch(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v) && !("usd" in v);
}

/**
 * The pinned table with an override laid over it: objects merge key by key, a figure or a tier list
 * replaces what it overrides. The override is parsed with `priceOverrideSchema`; an error's key starts with
 * `name`.
 */
export function withPriceOverride(base: PriceTable, override: unknown, name = "price file"): PriceTable {
  const parsed = parseInput(priceOverrideSchema, override, { keyOf: (path) => keyPath(path, name) });
  const merge = (a: unknown, b: unknown): unknown =>
    isBranch(a) && isBranch(b)
      ? { ...a, ...Object.fromEntries(Object.entries(b).map(([k, v]) => [k, merge(a[k], v)])) }
      : b;
  return merge(base, parsed) as PriceTable;
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
