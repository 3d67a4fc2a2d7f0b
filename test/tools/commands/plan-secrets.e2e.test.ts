/**
 * End to end: the plan command masks secrets unless asked to show them. Every shipped stack is planned in child
 * processes, exactly as `npm run plan` runs: written masked as by default (the run the test files share,
 * shared-plan-runs.ts), and revealed (`--show-secrets`) while printing the raw result (`--emit-json`, which still
 * marks each secret). No secret value the raw plan marks, nor any value of a Kubernetes Secret, nor the base64 of
 * either, may appear anywhere in the masked plan.json, manifests/ or helm/; the revealed plan must show them (so the
 * check looks at the right files). Two runs of one program and stack file plan the same secrets: the pretend cloud
 * derives every generated value from the resource's name (tools/plan/mock-cloud.ts), and the masked plan is checked
 * to be the raw plan written masked.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse } from "yaml";
import { isSecret, PlanResult } from "../../../tools/plan/result";
import { writePlan } from "../../../tools/plan/output";
import { listStackNames, readStackFile, stackFilePath } from "../../../stacks/stack-files";
import { planCommand, projectRoot } from "../../support/plan";
import { SHARED_RUN_HOOK_TIMEOUT_MS, sharedPlanRun } from "../../support/shared-plan-runs";

const stacks = listStackNames(projectRoot);
const roleOf = (stack: string) =>
  readStackFile(stackFilePath(projectRoot, stack), stack).config["livekit-platform:role"];
const outDir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-plan-secrets-"));

interface Planned {
  raw: PlanResult;
  masked: string;
  revealed: string;
}

const plans = new Map<string, Promise<Planned>>();
/** Plans `stack` masked, revealed and raw; a stack that reads others (global) after them, which caches them. */
function planned(stack: string): Promise<Planned> {
  if (!plans.has(stack)) {
    const before = roleOf(stack) === "region" ? [] : stacks.filter((s) => roleOf(s) === "region").map(planned);
    const revealed = path.join(outDir, stack, "revealed");
    const check = <T extends { code: number; stderr: string }>(what: string, run: T): T => {
      if (run.code !== 0) throw new Error(`plan ${stack} ${what} exited ${run.code}: ${run.stderr}`);
      return run;
    };
    plans.set(
      stack,
      Promise.all(before).then(async () => {
        // The raw result and the plan written revealed come from one run (--emit-json with --out).
        const [shared, raw] = await Promise.all([
          sharedPlanRun(stack).then((run) => check("(shared)", run)),
          planCommand(stack, "--emit-json", "--out", revealed, "--show-secrets").then((run) =>
            check("--show-secrets", run),
          ),
        ]);
        return { raw: raw.result!, masked: shared.out, revealed };
      }),
    );
  }
  return plans.get(stack)!;
}

/** Every string in a value, keys included. */
function stringsIn(value: unknown, out: string[] = []): string[] {
  if (typeof value === "string") out.push(value);
  else if (Array.isArray(value)) value.forEach((v) => stringsIn(v, out));
  else if (value !== null && typeof value === "object") {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      stringsIn(v, out);
    }
  }
  return out;
}

/** The raw plan's secret strings (marked secret, or a value of a Secret's data) and its public strings. */
function classify(raw: PlanResult): { secrets: Set<string>; publicStrings: string[] } {
  const secrets = new Set<string>();
  const publicStrings: string[] = [];
  const walk = (value: unknown, secret: boolean): void => {
    if (isSecret(value)) return walk(value.value, true);
    if (typeof value === "string") {
      if (secret) secrets.add(value);
      else publicStrings.push(value);
    } else if (Array.isArray(value)) value.forEach((v) => walk(v, secret));
    else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) {
        publicStrings.push(k);
        walk(v, secret);
      }
    }
  };
  for (const r of raw.resources) {
    const inputs = r.inputs as Record<string, unknown>;
    const isK8sSecret = r.type === "kubernetes:core/v1:Secret";
    for (const [key, value] of Object.entries(inputs)) {
      // Secret data is secret whether or not the program marked it (its keys are not).
      if (isK8sSecret && (key === "data" || key === "stringData")) {
        const data = isSecret(value) ? value.value : value;
        for (const [k, v] of Object.entries((data ?? {}) as Record<string, unknown>)) {
          publicStrings.push(k);
          walk(v, true);
        }
      } else {
        publicStrings.push(key);
        walk(value, false);
      }
    }
  }
  walk(raw.outputs, false);
  return { secrets, publicStrings };
}

/** plan.json, every manifest and every Helm values file of a written plan, parsed: their strings. */
function writtenStrings(dir: string): Map<string, string[]> {
  const files = new Map<string, string[]>();
  files.set("plan.json", stringsIn(JSON.parse(fs.readFileSync(path.join(dir, "plan.json"), "utf8"))));
  for (const sub of ["manifests", "helm"]) {
    const root = path.join(dir, sub);
    if (!fs.existsSync(root)) continue;
    for (const file of fs.readdirSync(root, { recursive: true }).map(String)) {
      if (!file.endsWith(".yaml")) continue;
      const text = fs.readFileSync(path.join(root, file), "utf8");
      // The parsed strings (escaping undone) and the raw text (a value split over YAML lines).
      files.set(path.join(sub, file), [...stringsIn(parse(text)), text]);
    }
  }
  return files;
}

/** Where any of `needles` occurs in the written plan: "file: needle" lines. */
function occurrences(files: Map<string, string[]>, needles: Map<string, string>): string[] {
  const found: string[] = [];
  for (const [file, strings] of files) {
    for (const [needle, what] of needles) {
      if (strings.some((s) => s.includes(needle))) found.push(`${file}: ${what}`);
    }
  }
  return found;
}

describe.each(stacks)("the plan of %s", (stack) => {
  it(
    "masks every secret by default: no secret value nor its base64 in plan.json, manifests or Helm values",
    async () => {
      const { raw, masked, revealed } = await planned(stack);
      // The masked run planned what the raw one did, value for value: the raw result written masked is its plan.json
      // (so a secret only the masked run generated, which the search below would not know, fails here).
      const rewritten = path.join(outDir, stack, "raw-masked");
      writePlan(raw, rewritten, false);
      const planJson = (dir: string) => fs.readFileSync(path.join(dir, "plan.json"), "utf8");
      expect(planJson(masked) === planJson(rewritten)).toBe(true);
      const { secrets, publicStrings } = classify(raw);
      // A value that is also public (the SDK marks all of a Secret's stringData, "admin" included) proves nothing.
      const telling = [...secrets].filter((s) => s.length >= 8 && !publicStrings.some((p) => p.includes(s)));
      const needles = new Map<string, string>();
      for (const s of telling) {
        const label = `secret ${s.slice(0, 4)}… (${s.length} chars)`;
        needles.set(s, label);
        needles.set(Buffer.from(s).toString("base64"), `base64 of ${label}`);
      }
      if (roleOf(stack) === "region") expect(telling.length).toBeGreaterThanOrEqual(4); // API key, Redis, TURN, Grafana
      expect(occurrences(writtenStrings(masked), needles)).toEqual([]);
      // With --show-secrets, every one of them is there: the search above looks where secrets go.
      const shown = [...writtenStrings(revealed).values()].flat();
      expect(telling.filter((s) => !shown.some((x) => x.includes(s))).map((s) => `${s.slice(0, 4)}…`)).toEqual([]);
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );

  it(
    "writes each masked Secret with its keys and every value masked",
    async () => {
      const { masked, revealed } = await planned(stack);
      const secretFiles = (dir: string) =>
        fs.existsSync(path.join(dir, "manifests"))
          ? fs
              .readdirSync(path.join(dir, "manifests"), { recursive: true })
              .map(String)
              .filter((f) => /(^|\/)Secret-[^/]+\.yaml$/.test(f))
              .sort()
          : [];
      const files = secretFiles(masked);
      expect(files).toEqual(secretFiles(revealed));
      if (roleOf(stack) === "region") expect(files.length).toBeGreaterThan(0);
      for (const file of files) {
        const hidden = parse(fs.readFileSync(path.join(masked, "manifests", file), "utf8"));
        const shown = parse(fs.readFileSync(path.join(revealed, "manifests", file), "utf8"));
        for (const field of ["data", "stringData"]) {
          if (shown[field] === undefined) continue;
          const keys = Object.keys(shown[field]).sort();
          expect({ file, field, masked: hidden[field] }).toEqual({
            file,
            field,
            masked: Object.fromEntries(keys.map((k) => [k, "[secret]"])),
          });
        }
        // plan.json shows the object as the manifest does.
        const plan = JSON.parse(fs.readFileSync(path.join(masked, "plan.json"), "utf8"));
        const inPlan = plan.resources.find(
          (r: { type: string; inputs: { metadata?: { name?: string; namespace?: string } } }) =>
            r.type === "kubernetes:core/v1:Secret" &&
            r.inputs.metadata?.name === hidden.metadata.name &&
            r.inputs.metadata?.namespace === hidden.metadata.namespace,
        );
        expect(inPlan.inputs).toEqual(hidden);
      }
    },
    SHARED_RUN_HOOK_TIMEOUT_MS,
  );
});
