/**
 * Which value keys a pinned Helm chart reads. A chart silently ignores a value it does not read (a typo, a key
 * renamed upstream), so the values a release passes are checked against a catalogue of the chart's own keys:
 * test/fixtures/chart-values/<chart>-<version>.txt, made from the chart's values.yaml and the `.Values` paths its
 * templates name at that version (each file's header says where from). A path is read when the catalogue lists
 * it, lists something below it, or lists a map above it that the chart passes on whole (`<path>.*`).
 */
import * as fs from "fs";
import * as path from "path";

const CATALOGUES = path.join(__dirname, "..", "fixtures", "chart-values");

export interface ChartKeys {
  /** `<chart>-<version>`, the catalogue's file name. */
  source: string;
  /** Every listed path, and every path above one (split into segments and joined with "\u0000"). */
  known: Set<string>;
  /** Maps the chart passes on whole: any path below one is read. */
  open: Set<string>;
}

const join = (segments: string[]) => segments.join("\u0000");

/** The catalogue of `chart` at `version`; a missing one fails with the file to write. */
export function chartKeys(chart: string, version: string): ChartKeys {
  const source = `${chart}-${version}`;
  const file = path.join(CATALOGUES, `${source}.txt`);
  if (!fs.existsSync(file)) {
    throw new Error(`no key catalogue for ${source}: write ${path.relative(process.cwd(), file)} from the chart`);
  }
  const known = new Set<string>();
  const open = new Set<string>();
  for (const line of fs.readFileSync(file, "utf8").split("\n")) {
    if (line === "" || line.startsWith("#")) continue;
    // Keys may hold dots of their own only in maps passed on whole, which end the path.
    const segments = line.split(".");
    if (segments[segments.length - 1] === "*") {
      segments.pop();
      open.add(join(segments));
    }
    for (let i = 1; i <= segments.length; i++) known.add(join(segments.slice(0, i)));
  }
  return { source, known, open };
}

/** The leaf paths of a values object: a scalar, a list or an empty map ends a path. */
export function valuePaths(values: unknown, prefix: string[] = []): string[][] {
  if (values !== null && typeof values === "object" && !Array.isArray(values) && Object.keys(values).length > 0) {
    return Object.entries(values).flatMap(([key, value]) => valuePaths(value, [...prefix, key]));
  }
  return [prefix];
}

/** The paths of `values` the chart does not read, dotted. */
export function unreadValuePaths(values: unknown, keys: ChartKeys): string[] {
  const read = (segments: string[]) =>
    keys.known.has(join(segments)) || segments.some((_, i) => i > 0 && keys.open.has(join(segments.slice(0, i))));
  return valuePaths(values)
    .filter((segments) => !read(segments))
    .map((segments) => segments.join("."));
}
