/**
 * The cost model's prices (lib/capacity/prices.ts): the line refusing each part of a price file, the figures of a
 * table by their paths, an override laid over the pinned table, and the lines naming what the table lacks.
 */
import {
  PINNED_PRICES,
  priceFigures,
  priceOf,
  PriceTable,
  priceTableSchema,
  regionPrices,
  withPriceOverride,
} from "../../../lib/capacity/prices";
import { InputError, keyPath, parseInput } from "../../../lib/errors";

const figure = { usd: 1, source: "contract 42", read: "2026-07-01" };
const lineOf = (override: unknown) => {
  try {
    withPriceOverride(PINNED_PRICES, override);
    return "ok";
  } catch (e) {
    expect(e).toBeInstanceOf(InputError);
    return (e as Error).message;
  }
};
const inUsEast = (prices: Record<string, unknown>) => ({ regions: { "us-east-1": prices } });

describe("a price file", () => {
  it.each([
    [
      "a date with more before it",
      { ...figure, read: "on 2026-07-01" },
      'read: every price needs the date it was read, YYYY-MM-DD, got "on 2026-07-01"',
    ],
    [
      "a date with more after it",
      { ...figure, read: "2026-07-01 noon" },
      'read: every price needs the date it was read, YYYY-MM-DD, got "2026-07-01 noon"',
    ],
    ["an estimate that is no boolean", { ...figure, estimate: "yes" }, 'estimate: must be true or false, got "yes"'],
    ["a basis that is no string", { ...figure, basis: 3 }, "basis: must say what the estimate is based on, got 3"],
    [
      "an estimate with a blank basis",
      { ...figure, estimate: true, basis: "  " },
      'basis: an estimate must say what it is based on, got "  "',
    ],
    ["a figure that is no object", 0.1, "must be a price: { usd, source, read }, got 0.1"],
  ])("refuses %s, naming the figure's key", (_what, value, line) => {
    expect(lineOf(inUsEast({ natGatewayPerGB: value }))).toBe(
      `price file.regions.us-east-1.natGatewayPerGB${line.startsWith("must") ? ": " : "."}${line}`,
    );
  });

  it("takes an estimate that says what it is based on, and a figure that is no estimate without one", () => {
    expect(lineOf(inUsEast({ natGatewayPerGB: { ...figure, estimate: true, basis: "the list price less 10%" } }))).toBe(
      "ok",
    );
    expect(lineOf(inUsEast({ natGatewayPerGB: { ...figure, estimate: false } }))).toBe("ok");
  });

  it.each([
    ["a per-type list that is no object", { ec2PerHour: [] }, "ec2PerHour: must map each type to its price, got []"],
    [
      "tiers that are no list",
      { dataTransferOutTiers: figure },
      `dataTransferOutTiers: must be a list of tiers, lowest first, got ${JSON.stringify(figure)}`,
    ],
    [
      "vended log tiers that are no list",
      { cloudwatchVendedLogsIngestTiers: 1 },
      "cloudwatchVendedLogsIngestTiers: must be a list of tiers, lowest first, got 1",
    ],
    [
      "a tier bound of 0 GB",
      { dataTransferOutTiers: [{ ...figure, upToGB: 0 }] },
      "dataTransferOutTiers[0].upToGB: must be the tier's upper bound in GB, or null for none, got 0",
    ],
  ])("refuses %s", (_what, prices, line) => {
    expect(lineOf(inUsEast(prices))).toBe(`price file.regions.us-east-1.${line}`);
  });

  it.each([
    [
      "a region that is no object",
      { regions: { "us-east-1": 5 } },
      "price file.regions.us-east-1: must be an object of prices, got 5",
    ],
    ["a description that is no string", { description: 5 }, "price file.description: must be a string, got 5"],
    ["a currency that is no string", { currency: 5 }, "price file.currency: must be a currency such as USD, got 5"],
  ])("refuses %s", (_what, override, line) => {
    expect(lineOf(override)).toBe(line);
  });
});

describe("a whole price table", () => {
  const tableLine = (table: unknown) => {
    try {
      parseInput(priceTableSchema, table, { keyOf: (path) => keyPath(path, "prices") });
      return "ok";
    } catch (e) {
      return (e as Error).message;
    }
  };

  it("states its currency as a string, its description as a string if any, and every region as an object of prices", () => {
    expect(tableLine(PINNED_PRICES)).toBe("ok");
    expect(tableLine({ ...PINNED_PRICES, currency: 1 })).toBe("prices.currency: must be a currency such as USD, got 1");
    expect(tableLine({ ...PINNED_PRICES, description: false })).toBe("prices.description: must be a string, got false");
    expect(tableLine({ ...PINNED_PRICES, regions: { "us-east-1": [] } })).toBe(
      "prices.regions.us-east-1: must be an object of prices, got []",
    );
  });
});

describe("a table's figures", () => {
  it("are every object with a usd, by its path from `prices`, lists by index", () => {
    const table = {
      regions: {
        "us-east-1": {
          eksClusterPerHour: figure,
          dataTransferOutTiers: [
            { ...figure, upToGB: 10 },
            { ...figure, upToGB: null },
          ],
        },
      },
    };
    expect(priceFigures(table).map(([path]) => path)).toEqual([
      "prices.regions.us-east-1.eksClusterPerHour",
      "prices.regions.us-east-1.dataTransferOutTiers[0]",
      "prices.regions.us-east-1.dataTransferOutTiers[1]",
    ]);
    expect(priceFigures(table, "ours")[0]).toEqual(["ours.regions.us-east-1.eksClusterPerHour", figure]);
  });

  it("leave out what is no figure: values, null, empty lists", () => {
    expect(priceFigures({ currency: "USD", description: null, tiers: [], n: 5 })).toEqual([]);
  });
});

describe("an override laid over the pinned table", () => {
  const pinned = PINNED_PRICES.regions["ap-south-1"];

  it("replaces one type's price and keeps the other types' and the other prices", () => {
    const table = withPriceOverride(PINNED_PRICES, {
      regions: { "ap-south-1": { ec2PerHour: { "c6i.2xlarge": figure } } },
    });
    const prices = table.regions["ap-south-1"];
    expect(prices.ec2PerHour["c6i.2xlarge"]).toEqual(figure);
    expect(prices.ec2PerHour["c6i.4xlarge"]).toEqual(pinned.ec2PerHour["c6i.4xlarge"]);
    expect(prices.natGatewayPerGB).toEqual(pinned.natGatewayPerGB);
    expect(table.regions["us-east-1"]).toEqual(PINNED_PRICES.regions["us-east-1"]);
    expect(table.currency).toBe("USD");
  });

  it("replaces a whole figure: a pinned estimate's basis does not stay on a confirmed price", () => {
    expect(pinned.natGatewayPerGB.estimate).toBe(true);
    const table = withPriceOverride(PINNED_PRICES, { regions: { "ap-south-1": { natGatewayPerGB: figure } } });
    expect(table.regions["ap-south-1"].natGatewayPerGB).toEqual(figure);
  });

  it("replaces a whole tier list, shorter or not", () => {
    const tiers = [{ ...figure, upToGB: null }];
    const table = withPriceOverride(PINNED_PRICES, { regions: { "ap-south-1": { dataTransferOutTiers: tiers } } });
    expect(table.regions["ap-south-1"].dataTransferOutTiers).toEqual(tiers);
    expect(Array.isArray(table.regions["ap-south-1"].dataTransferOutTiers)).toBe(true);
  });

  it("adds a region or a type the table lacks, and takes its own description and currency", () => {
    const table = withPriceOverride(PINNED_PRICES, {
      description: "our contract",
      currency: "EUR",
      regions: { "xx-test-1": { eksClusterPerHour: figure }, "ap-south-1": { ec2PerHour: { "z9.huge": figure } } },
    });
    expect(table.description).toBe("our contract");
    expect(table.currency).toBe("EUR");
    expect(table.regions["xx-test-1"]).toEqual({ eksClusterPerHour: figure });
    expect(table.regions["ap-south-1"].ec2PerHour["z9.huge"]).toEqual(figure);
  });

  it("leaves the pinned table as it was", () => {
    const before = JSON.stringify(PINNED_PRICES);
    withPriceOverride(PINNED_PRICES, { regions: { "ap-south-1": { ec2PerHour: { "c6i.2xlarge": figure } } } });
    expect(JSON.stringify(PINNED_PRICES)).toBe(before);
  });
});

describe("what the table lacks", () => {
  const table: PriceTable = { currency: "USD", regions: { "ap-south-1": PINNED_PRICES.regions["ap-south-1"] } };

  it("is a line naming the priced regions", () => {
    expect(regionPrices(table, "ap-south-1")).toBe(PINNED_PRICES.regions["ap-south-1"]);
    expect(() => regionPrices(PINNED_PRICES, "xx-test-1")).toThrow(InputError);
    expect(() =>
      regionPrices(
        { currency: "USD", regions: { a: table.regions["ap-south-1"], b: table.regions["ap-south-1"] } },
        "c",
      ),
    ).toThrow('awsRegion: no prices for this region (priced: a, b; add it with a price file), got "c"');
  });

  it("is a line naming the priced types, under the caller's key", () => {
    const list = { "c6i.xlarge": figure, "c6i.2xlarge": { ...figure, usd: 2 } };
    expect(priceOf(list, "c6i.2xlarge", "nodeType", "ap-south-1")).toBe(2);
    expect(() => priceOf(list, "c7i.xlarge", "nodeType", "ap-south-1")).toThrow(InputError);
    expect(() => priceOf(list, "c7i.xlarge", "nodeType", "ap-south-1")).toThrow(
      'nodeType: no ap-south-1 price for this type (priced: c6i.xlarge, c6i.2xlarge; add it with a price file), got "c7i.xlarge"',
    );
  });
});
