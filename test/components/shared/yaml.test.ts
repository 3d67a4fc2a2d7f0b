/**
 * YAML the components render (config files, values): a long value stays on one line, so a hostname or a secret is
 * never folded where a reader or a grep expects it whole, and the text reads back as the value.
 */
import { parse } from "yaml";
import { toYaml } from "../../../components/shared/yaml";

describe("toYaml", () => {
  it("keeps a long value on one line and reads back as what it was given", () => {
    const value = {
      hostname: `${"a".repeat(60)}.${"b".repeat(60)}.example.com`,
      secret: "x".repeat(200),
      words: Array.from({ length: 40 }, (_, i) => `word${i}`).join(" "),
    };
    const text = toYaml(value);
    expect(text.split("\n").filter((line) => line !== "")).toHaveLength(3);
    expect(parse(text)).toEqual(value);
  });
});
