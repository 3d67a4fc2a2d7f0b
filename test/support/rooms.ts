/**
 * Global rooms mode fixtures: a project folder of its own (Pulumi.yaml and region stack files) and the region
 * stack planned in process against it, with the hub's outputs fed to the members' StackReference.
 */
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { parse, stringify } from "yaml";
import { parseStackConfig, RegionSettings } from "../../stacks/config";
import { sizedRegion } from "../../stacks/sizing";
import { asReferencedStack, PlanResult, ReferencedStack, runProgram } from "../../tools/plan/engine";
import { projectName, projectRoot } from "./plan";
import { stackFilePath } from "../../stacks/stack-files";

export interface FixtureRegion {
  stack: string;
  awsRegion: string;
  cidr: string;
}

/**
 * Egress's and the load tests' key pairs from config, in the clear, as global rooms mode requires them (the same
 * in every region file).
 */
export const SERVICE_KEYS = {
  egress: { id: "EGRESSexamplekey1", secret: "e".repeat(48) },
  loadTest: { id: "LOADTESTexamplekey1", secret: "l".repeat(48) },
};

/**
 * The shipped mumbai file with another stack's region, label and CIDR, and `rooms` set; in global mode with
 * SERVICE_KEYS, which it requires.
 */
export function regionFixture(region: FixtureRegion, rooms: unknown): Record<string, unknown> {
  const { config } = parse(fs.readFileSync(stackFilePath(projectRoot, "mumbai"), "utf8")) as {
    config: Record<string, unknown>;
  };
  return {
    ...config,
    "aws:region": region.awsRegion,
    "aws:defaultTags": { tags: { project: "livekit-platform", stack: region.stack } },
    "livekit-platform:regionLabel": region.stack,
    "livekit-platform:network": { cidr: region.cidr, availabilityZones: 3 },
    "livekit-platform:rooms": rooms,
    // The same application key in every region, in the clear (the shipped file's is a `secure:` placeholder).
    "livekit-platform:applicationKeys": { signing: "APPexamplekey0001", keys: { APPexamplekey0001: "a".repeat(48) } },
    ...((rooms as { mode?: string } | undefined)?.mode === "global"
      ? { "livekit-platform:serviceKeys": SERVICE_KEYS }
      : {}),
  };
}

/** A temp project folder with Pulumi.yaml and these stack files (stack -> config map). */
export function fixtureProject(files: Record<string, Record<string, unknown>>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "lk-rooms-"));
  fs.copyFileSync(path.join(projectRoot, "Pulumi.yaml"), path.join(dir, "Pulumi.yaml"));
  for (const [stack, config] of Object.entries(files)) {
    fs.writeFileSync(path.join(dir, `Pulumi.${stack}.yaml`), stringify({ config }));
  }
  return dir;
}

/** Pulumi's raw config map (structured values as JSON text) of a fixture. */
function rawConfig(config: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(config).map(([k, v]) => [k, typeof v === "string" ? v : JSON.stringify(v)]));
}

/** Plans region stack `stack` of the fixture project in process; `referenced` answers its StackReferences. */
export async function planFixtureRegion(
  root: string,
  stack: string,
  config: Record<string, unknown>,
  referenced: Record<string, PlanResult> = {},
): Promise<PlanResult> {
  const raw = rawConfig(config);
  const { regionStack } = await import("../../stacks/region");
  return runProgram(() => regionStack(sizedRegion(parseStackConfig(raw, stack) as RegionSettings), root), {
    project: projectName,
    stack,
    config: raw,
    resolveStackReference: async (name): Promise<ReferencedStack | undefined> => {
      const [, project, refStack] = name.split("/");
      const result = project === projectName ? referenced[refStack] : undefined;
      return result && asReferencedStack(result);
    },
  });
}
