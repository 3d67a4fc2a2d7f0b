/**
 * How a stack file writes this program's config keys: `livekit-platform:<key>` and a path inside it. Its own
 * module, so that config.ts and the modules it calls (sizing.ts) name keys the same way without a cycle.
 */
import { keyPath } from "../lib/errors";

/** The Pulumi project name; config keys of this program are `livekit-platform:<key>`. */
export const PROJECT = "livekit-platform";

/** Config keys outside this project's namespace that the program reads, by schema field. */
const foreignKeys: Record<string, string> = { awsRegion: "aws:region" };

/** The config key (with path) a schema path refers to, as the user writes it in the stack file. */
export function configKey(path: readonly PropertyKey[]): string {
  const [head, ...rest] = path.map(String);
  if (head === undefined) return `${PROJECT}:<config>`;
  return keyPath(rest, foreignKeys[head] ?? `${PROJECT}:${head}`);
}
