/** Errors of the capacity model. */

/** A capacity input the model cannot work with. The message is one line naming the value and the problem. */
export class CapacityError extends Error {
  /** `key`: the input field at fault (e.g. `mix.kinds[0].share`); the message is `<key>: <problem>, got <value>`. */
  constructor(
    readonly key: string,
    readonly problem: string,
    readonly value: unknown,
  ) {
    super(`${key}: ${problem}, got ${show(value)}`);
    this.name = "CapacityError";
  }
}

export function show(value: unknown): string {
  return value === undefined ? "nothing" : JSON.stringify(value);
}
