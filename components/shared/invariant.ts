/**
 * The one way a component asserts something: a rule its settings, already validated one by one in the config
 * schema, must keep together (a limit at or above its request, relay ports clear of the SFU's), or a value
 * another component derived. A broken invariant is the one bad-input error (lib/errors.ts), one line
 * `<key>: <problem>, got <value>`, with the key as the component's settings name it (`coturn relayPorts`).
 */
import { InputError } from "../../lib/errors";

export function invariant(condition: unknown, key: string, problem: string, value: unknown): asserts condition {
  if (!condition) throw new InputError(key, problem, value);
}
