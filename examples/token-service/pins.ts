/**
 * Where the token service remembers which region each room is pinned to.
 *
 * The interface is what a shared store needs to be safe with several token service replicas: the first
 * pin of a room is an atomic "set if absent" (Redis `SET room region NX`, DynamoDB `PutItem` with
 * `attribute_not_exists(room)`), and moving a room off a region that is down is a compare-and-set (a Lua
 * script comparing the old value, or `PutItem` with `region = :old`), so two replicas that race agree on
 * one region. The in-memory store below is for the example and its tests: one process, lost on restart.
 */

export interface Pin {
  /** Region label, a key of the global stack's `regionUrls`. */
  region: string;
  /** When the pin was made (ms since the epoch): for expiry or audits. */
  pinnedAt: number;
}

export interface PinStore {
  get(room: string): Promise<Pin | undefined>;
  /** Pins `room` to `pin` unless it is pinned already; returns the pin that holds afterwards. */
  pinIfAbsent(room: string, pin: Pin): Promise<Pin>;
  /**
   * Replaces the pin only if it is still `expected` (same region); returns the pin that holds afterwards
   * (`next`, or whatever another replica put there first).
   */
  replace(room: string, expected: Pin, next: Pin): Promise<Pin>;
  /** Forgets a room (LiveKit's `room_finished` webhook); its next participant pins it afresh. */
  delete(room: string): Promise<void>;
}

export class InMemoryPinStore implements PinStore {
  private readonly pins = new Map<string, Pin>();

  async get(room: string): Promise<Pin | undefined> {
    return this.pins.get(room);
  }

  async pinIfAbsent(room: string, pin: Pin): Promise<Pin> {
    const existing = this.pins.get(room);
    if (existing) return existing;
    this.pins.set(room, pin);
    return pin;
  }

  async replace(room: string, expected: Pin, next: Pin): Promise<Pin> {
    const current = this.pins.get(room);
    if (current !== undefined && current.region !== expected.region) return current;
    this.pins.set(room, next);
    return next;
  }

  async delete(room: string): Promise<void> {
    this.pins.delete(room);
  }
}
