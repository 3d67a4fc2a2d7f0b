/**
 * Where the token service remembers which region each room is pinned to, and which LiveKit room (its SID)
 * the pin belongs to.
 *
 * The interface is what a shared store needs to be safe with several token service replicas: the first
 * pin of a room is an atomic "set if absent" (Redis `SET room pin NX`, DynamoDB `PutItem` with
 * `attribute_not_exists(room)`); every later change is a compare-and-set on the whole pin (a Lua script
 * comparing the stored value, or `PutItem` with a condition on region, sid and pinnedAt), so two replicas that
 * race agree on one pin; and deletion is conditional on the SID (Lua, or `DeleteItem` with `sid = :sid`), so
 * `room_finished` from an older copy of the room never removes the pin of a newer one. The in-memory store
 * below is for the example and its tests: one process, lost on restart.
 */

export interface Pin {
  /** Region label, a key of the global stack's `regionUrls`. */
  region: string;
  /** When the pin was made (ms since the epoch): for expiry or audits. */
  pinnedAt: number;
  /**
   * The room's SID (`RM_…`) once LiveKit has created it in `region` (from the `room_started` webhook);
   * unset until then. A pin is deleted only by `room_finished` for this SID.
   */
  sid?: string;
}

export interface PinStore {
  get(room: string): Promise<Pin | undefined>;
  /** Pins `room` to `pin` unless it is pinned already; returns the pin that holds afterwards. */
  pinIfAbsent(room: string, pin: Pin): Promise<Pin>;
  /**
   * Replaces the pin only if it is still `expected` (same region, SID and pinnedAt); returns the pin that
   * holds afterwards (`next`, or whatever another replica put there first), undefined if there is none.
   */
  replace(room: string, expected: Pin, next: Pin): Promise<Pin | undefined>;
  /** Forgets a room only if its pin carries `sid` (LiveKit's `room_finished`); true if it did. */
  deleteIfSid(room: string, sid: string): Promise<boolean>;
}

export function samePin(a: Pin, b: Pin): boolean {
  return a.region === b.region && a.pinnedAt === b.pinnedAt && a.sid === b.sid;
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

  async replace(room: string, expected: Pin, next: Pin): Promise<Pin | undefined> {
    const current = this.pins.get(room);
    if (current === undefined || !samePin(current, expected)) return current;
    this.pins.set(room, next);
    return next;
  }

  async deleteIfSid(room: string, sid: string): Promise<boolean> {
    if (this.pins.get(room)?.sid !== sid) return false;
    this.pins.delete(room);
    return true;
  }
}
