import { stringify } from "yaml";

/** YAML with no line folding, so long values (hostnames, secrets) stay on one line. */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0 });
}
