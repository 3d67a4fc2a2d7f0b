/**
 * The zod building blocks every schema is made of: each check fails with the one message that says what the value
 * must be (the config's error line is that message), and an object names the fields it knows when given another.
 */
import { fraction, numberSchema, strictFields, wholeNumber } from "../../lib/schema";
import { z } from "zod";

const problem = (schema: z.ZodType, value: unknown) => {
  const result = schema.safeParse(value);
  // Every check that fails says so; what matters is the message they say it with.
  return result.success ? undefined : [...new Set(result.error.issues.map((issue) => issue.message))];
};

describe("numberSchema", () => {
  it("fails every check with the same message, and only the checks asked for", () => {
    const schema = numberSchema("must be a port", { int: true, gt: 0, min: 1, max: 65535 });
    for (const value of ["80", 0, 0.5, 65536, -1]) expect(problem(schema, value)).toEqual(["must be a port"]);
    for (const value of [1, 65535]) expect(problem(schema, value)).toBeUndefined();
    expect(problem(numberSchema("must be a number"), 0.5)).toBeUndefined();
    expect(problem(numberSchema("must be positive", { gt: 0 }), 0)).toEqual(["must be positive"]);
    expect(problem(numberSchema("must be positive", { gt: 0 }), 0.001)).toBeUndefined();
  });
});

describe("wholeNumber", () => {
  it("accepts both bounds and the integers between, nothing else, with 'must be <what>'", () => {
    const schema = wholeNumber(2, 4, "an integer from 2 to 4");
    for (const value of [2, 3, 4]) expect(problem(schema, value)).toBeUndefined();
    for (const value of [1, 5, 2.5, "3"]) expect(problem(schema, value)).toEqual(["must be an integer from 2 to 4"]);
  });
});

describe("fraction", () => {
  it("accepts 0, 1 and the shares between, with 'must be a fraction from 0 to 1' by default", () => {
    for (const value of [0, 0.25, 1]) expect(problem(fraction(), value)).toBeUndefined();
    for (const value of [-0.01, 1.01]) expect(problem(fraction(), value)).toEqual(["must be a fraction from 0 to 1"]);
    expect(problem(fraction("a share of the peak"), 2)).toEqual(["must be a share of the peak"]);
  });
});

describe("strictFields", () => {
  const schema = strictFields({ a: z.number(), b: z.string().optional() }, "must be a map with a and b");

  it("names the fields it knows when given one it does not", () => {
    expect(problem(schema, { a: 1, c: 2 })).toEqual(["unknown field (expected a, b)"]);
    expect(problem(strictFields({ a: z.number() }, "x", ["a", "alias"]), { a: 1, c: 2 })).toEqual([
      "unknown field (expected a, alias)",
    ]);
  });

  it("says what it holds when given something other than an object, and passes a good one", () => {
    expect(problem(schema, "a=1")).toEqual(["must be a map with a and b"]);
    expect(problem(schema, { a: 1, b: "x" })).toBeUndefined();
  });
});
