/**
 * The partitioned allocation ledger: an event's units split over partition documents, so two
 * holds on different partitions never touch the same document, and a hold larger than one
 * partition reserves step by step with every step recorded, so a crash at any step leaves a hold
 * that is either completed or fully released on its next access. Every write is one conditional
 * single-document update ({@link LedgerBackend}); nothing reads or rewrites a document that grows
 * with the sale.
 *
 * Documents:
 * - partition `{ eventId, index, capacity, free, sold, entries: { <holdId>: { quantity, expiresAt } }, nextExpiry, version }`:
 *   `free + sold + Σ entries = capacity` after every single write; a take is
 *   `{ _id, free: { $gte: q }, entries.<hold>: { $exists: false } } → $inc { free: -q }, $set entry`.
 *   Bounded: at most `capacity` entries (every live hold has at least one unit).
 * - hold `{ status, parts, quantity, expiresAt, settled, … }`: its status is the commit point;
 *   `parts` lists every partition that may hold one of its entries, written before the take.
 * - user counter `{ units, entries: { <holdId>: q } }` (events with a per-user limit): a take is
 *   `{ _id, units: { $lte: limit - q }, entries.<hold>: { $exists: false } } → $inc { units: q }`.
 *   Bounded by the limit.
 *
 * @packageDocumentation
 */

/** Where a ledger hold is. `reserving` until every step is taken; the others are final except `active`. */
export type LedgerHoldStatus = 'reserving' | 'active' | 'sold' | 'released' | 'expired' | 'rejected';

/** A hold as the ledger stores it (one small document per hold). */
export interface LedgerHold {
  /** Hold id, unique. */
  id: string;
  /** The event. */
  eventId: string;
  /** The buyer. */
  userId: string;
  /** Units reserved. */
  quantity: number;
  /** Lifecycle state; changing it is the commit point of every operation. */
  status: LedgerHoldStatus;
  /** Every partition that may hold an entry of this hold (written before each take). */
  parts: number[];
  /** Epoch ms. */
  createdAt: number;
  /** Epoch ms; an `active` hold is live while `now < expiresAt`. */
  expiresAt: number;
  /** The payment that bought it (`sold` only). */
  paymentId: string | null;
  /** Whether the partitions (and user counter) reflect the final status. */
  settled: boolean;
}

/** One live reservation inside a partition. */
export interface PartitionEntry {
  /** Units of this hold in this partition. */
  quantity: number;
  /** The hold's expiry when the entry was written (a cache: the hold document decides). */
  expiresAt: number;
}

/** A partition document: a slice of an event's capacity. */
export interface PartitionDoc {
  /** The event. */
  eventId: string;
  /** 0-based partition number. */
  index: number;
  /** Units in this partition. */
  capacity: number;
  /** Units nobody holds or bought. */
  free: number;
  /** Units bought. */
  sold: number;
  /** Live (or not yet repaired) reservations by hold id. */
  entries: Record<string, PartitionEntry>;
  /** A lower bound of the entries' `expiresAt` (`NO_EXPIRY` when none): repair looks only when it has passed. */
  nextExpiry: number;
  /** Incremented by every write that adds an entry (guards the `nextExpiry` recomputation). */
  version: number;
}

/** A per-user-per-event counter (events with a per-user limit). */
export interface UserUnitsDoc {
  /** Units the user holds or bought. */
  units: number;
  /** Units by hold id. */
  entries: Record<string, number>;
}

/**
 * The single-document atomic operations the ledger needs from a database. Each method is one
 * conditional write or one read of one document (or of the small counters of an event's
 * partitions); implementations: memory and MongoDB.
 */
export interface LedgerBackend {
  /** Creates the partition documents of an event (idempotent). */
  createPartitions(partitions: readonly PartitionDoc[]): Promise<void>;
  /** Every partition's `index`, `free` and `nextExpiry` (no entries). */
  partitionCounters(
    eventId: string,
  ): Promise<Pick<PartitionDoc, 'index' | 'free' | 'nextExpiry' | 'capacity' | 'sold'>[]>;
  /** A whole partition document (bounded by its capacity), for repair and checks. */
  readPartition(eventId: string, index: number): Promise<PartitionDoc | undefined>;
  /** The quantity of one entry, or `undefined`. */
  readEntry(eventId: string, index: number, holdId: string): Promise<number | undefined>;
  /** Takes `quantity` free units for `holdId` unless it has an entry there; returns the entry's quantity now (0: not enough free). */
  take(eventId: string, index: number, holdId: string, entry: PartitionEntry): Promise<number>;
  /** Removes the entry when it has exactly `quantity`, adding it to `free` (`to: 'free'`) or `sold`. */
  settleEntry(eventId: string, index: number, holdId: string, quantity: number, to: 'free' | 'sold'): Promise<void>;
  /** Sets an entry's cached expiry (no-op without the entry). */
  refreshEntry(eventId: string, index: number, holdId: string, expiresAt: number): Promise<void>;
  /** Sets `nextExpiry` if the partition is still at `version`. */
  setNextExpiry(eventId: string, index: number, version: number, nextExpiry: number): Promise<void>;
  /** Adds `quantity` for `holdId` to the user's units if that stays within `limit`; true when the entry is there now. */
  userTake(eventId: string, userId: string, holdId: string, quantity: number, limit: number): Promise<boolean>;
  /** Removes the user's entry for `holdId` (idempotent). */
  userGive(eventId: string, userId: string, holdId: string): Promise<void>;
  /** The user's counter document. */
  readUser(eventId: string, userId: string): Promise<UserUnitsDoc | undefined>;
  /** Inserts a hold unless its id exists; returns the stored hold either way. */
  insertHold(hold: LedgerHold): Promise<LedgerHold>;
  /** A hold. */
  getHold(holdId: string): Promise<LedgerHold | undefined>;
  /** Applies `set` if the hold's status is one of `from` (and, with `liveAt`, `expiresAt > liveAt`); true when applied. */
  transitionHold(
    holdId: string,
    from: readonly LedgerHoldStatus[],
    set: Partial<Pick<LedgerHold, 'status' | 'parts' | 'expiresAt' | 'paymentId' | 'settled'>>,
    liveAt?: number,
  ): Promise<boolean>;
}

/** Outcome of {@link PartitionLedger.reserve}. */
export type ReserveOutcome =
  | { status: 'ok'; hold: LedgerHold }
  | { status: 'sold_out'; free: number }
  | { status: 'per_user_limit' }
  | { status: 'not_live'; hold: LedgerHold };

/** Outcome of {@link PartitionLedger.sell}. */
export type SellOutcome =
  | { status: 'sold'; hold: LedgerHold }
  | { status: 'not_live' | 'already_paid'; hold: LedgerHold };

/** Static layout of one event in the ledger. */
export interface LedgerEvent {
  /** The event. */
  eventId: string;
  /** Total units. */
  capacity: number;
  /** Most units per user, or `null`. */
  perUserLimit: number | null;
}

/** `nextExpiry` of a partition without entries (a finite number: stored as is by every server). */
export const NO_EXPIRY = Number.MAX_SAFE_INTEGER;

/** Default units per partition: a partition document stays small (about 60 bytes per live entry). */
export const DEFAULT_PARTITION_SIZE = 1_000;

/**
 * The ledger's algorithms over a {@link LedgerBackend}. Holds go through
 * `reserving → active → sold | released | expired` (or `reserving → rejected | expired`); each
 * transition is one conditional write on the hold document and is the commit point, after which
 * the partitions (and the user counter) are settled by idempotent single-entry writes. Whoever
 * next touches a hold whose settlement a crash interrupted finishes it ({@link PartitionLedger.resolve}).
 *
 * @example
 * ```ts
 * const ledger = new PartitionLedger(memoryLedgerBackend());
 * await ledger.createEvent({ eventId: 'gig', capacity: 5000, perUserLimit: 4 });
 * const outcome = await ledger.reserve({ id: 'h1', eventId: 'gig', userId: 'ada', quantity: 2, expiresAt: now + 600_000 }, now);
 * ```
 */
export class PartitionLedger {
  readonly #backend: LedgerBackend;
  readonly #partitionSize: number;
  /** A `reserving` hold older than this is rejected by whoever reads it (its creator is presumed crashed). */
  readonly #reservingTimeoutMs: number;
  readonly #events = new Map<string, LedgerEvent>();

  constructor(backend: LedgerBackend, options: { partitionSize?: number; reservingTimeoutMs?: number } = {}) {
    this.#backend = backend;
    this.#partitionSize = options.partitionSize ?? DEFAULT_PARTITION_SIZE;
    this.#reservingTimeoutMs = options.reservingTimeoutMs ?? 30_000;
  }

  /** Creates the partitions of an event (idempotent). */
  async createEvent(event: LedgerEvent): Promise<void> {
    const partitions: PartitionDoc[] = [];
    for (let index = 0, left = event.capacity; left > 0; index++, left -= this.#partitionSize) {
      const capacity = Math.min(left, this.#partitionSize);
      partitions.push({
        eventId: event.eventId,
        index,
        capacity,
        free: capacity,
        sold: 0,
        entries: {},
        nextExpiry: NO_EXPIRY,
        version: 0,
      });
    }
    await this.#backend.createPartitions(partitions);
    this.#events.set(event.eventId, { ...event });
  }

  /** Registers an event created by another process (the ledger needs its limit). */
  knowEvent(event: LedgerEvent): void {
    this.#events.set(event.eventId, { ...event });
  }

  #event(eventId: string): LedgerEvent {
    const event = this.#events.get(eventId);
    if (!event) throw new Error(`ledger: unknown event ${eventId}`);
    return event;
  }

  /**
   * Reserves `quantity` units for a new hold (idempotent on `id`: a retry continues where a
   * crashed attempt stopped). Steps: insert the hold (`reserving`), take the user's units, then
   * per partition: record it in `parts`, take; finally `reserving → active`.
   */
  async reserve(
    request: Pick<LedgerHold, 'id' | 'eventId' | 'userId' | 'quantity' | 'expiresAt'>,
    now: number,
  ): Promise<ReserveOutcome> {
    const event = this.#event(request.eventId);
    const hold = await this.#backend.insertHold({
      ...request,
      status: 'reserving',
      parts: [],
      createdAt: now,
      paymentId: null,
      settled: false,
    });
    if (hold.status !== 'reserving') {
      const resolved = await this.resolve(hold, now);
      return resolved.status === 'active' ? { status: 'ok', hold: resolved } : { status: 'not_live', hold: resolved };
    }
    if (event.perUserLimit !== null) {
      let ok = await this.#backend.userTake(hold.eventId, hold.userId, hold.id, hold.quantity, event.perUserLimit);
      if (!ok && (await this.#repairUser(hold.eventId, hold.userId, now)) > 0) {
        ok = await this.#backend.userTake(hold.eventId, hold.userId, hold.id, hold.quantity, event.perUserLimit);
      }
      if (!ok) {
        await this.#abort(hold, now);
        return { status: 'per_user_limit' };
      }
    }
    const parts = new Set(hold.parts);
    /** Units this hold has in each partition (a retry after a crash finds the earlier takes). */
    const taken = new Map<number, number>();
    for (const index of parts) {
      const quantity = await this.#backend.readEntry(hold.eventId, index, hold.id);
      if (quantity !== undefined) taken.set(index, quantity);
    }
    let got = sum(taken.values());
    let repaired = false;
    for (let attempt = 0; got < hold.quantity && attempt < 8; attempt++) {
      const counters = await this.#backend.partitionCounters(hold.eventId);
      const usable = counters.filter((c) => !taken.has(c.index) && c.free > 0);
      const free = sum(usable.map((c) => c.free));
      if (free < hold.quantity - got) {
        if (repaired || !(await this.#repairPartitions(hold.eventId, counters, now))) {
          await this.#abort(hold, now);
          return { status: 'sold_out', free };
        }
        repaired = true;
        continue;
      }
      for (const step of plan(usable, hold.quantity - got, hashOf(hold.id))) {
        if (!parts.has(step.index)) {
          parts.add(step.index);
          // The partition is recorded before its take: after a crash, `parts` names every entry.
          if (!(await this.#backend.transitionHold(hold.id, ['reserving'], { parts: [...parts] }))) {
            return this.#lost(hold, now);
          }
        }
        const quantity = await this.#backend.take(hold.eventId, step.index, hold.id, {
          quantity: step.quantity,
          expiresAt: hold.expiresAt,
        });
        if (quantity > 0) {
          taken.set(step.index, quantity);
          got += quantity;
        }
        if (got >= hold.quantity) break;
      }
    }
    if (got !== hold.quantity) {
      await this.#abort(hold, now);
      return { status: 'sold_out', free: 0 };
    }
    if (!(await this.#backend.transitionHold(hold.id, ['reserving'], { status: 'active' })))
      return this.#lost(hold, now);
    return { status: 'ok', hold: { ...hold, parts: [...parts], status: 'active' } };
  }

  /** Someone else decided the hold while we reserved (it timed out): settle and report. */
  async #lost(hold: LedgerHold, now: number): Promise<ReserveOutcome> {
    const current = await this.resolve((await this.#backend.getHold(hold.id))!, now);
    return current.status === 'active' ? { status: 'ok', hold: current } : { status: 'not_live', hold: current };
  }

  async #abort(hold: LedgerHold, now: number): Promise<void> {
    await this.#backend.transitionHold(hold.id, ['reserving'], { status: 'rejected' });
    const current = await this.#backend.getHold(hold.id);
    if (current) await this.resolve(current, now);
  }

  /** Extends a live hold's expiry; false when it is not live. */
  async extend(holdId: string, expiresAt: number, now: number): Promise<boolean> {
    return this.#backend.transitionHold(holdId, ['active'], { expiresAt }, now);
  }

  /** Releases a live hold: `active → released`, then its units go back to the partitions. */
  async release(holdId: string, now: number): Promise<LedgerHold | undefined> {
    await this.#backend.transitionHold(holdId, ['active'], { status: 'released' }, now);
    const hold = await this.#backend.getHold(holdId);
    return hold ? this.resolve(hold, now) : undefined;
  }

  /** Sells a live hold to `paymentId`: `active → sold`, then its entries become sold units. Idempotent per payment. */
  async sell(holdId: string, paymentId: string, now: number): Promise<SellOutcome | undefined> {
    await this.#backend.transitionHold(holdId, ['active'], { status: 'sold', paymentId }, now);
    const stored = await this.#backend.getHold(holdId);
    if (!stored) return undefined;
    const hold = await this.resolve(stored, now);
    if (hold.status !== 'sold') return { status: 'not_live', hold };
    return hold.paymentId === paymentId ? { status: 'sold', hold } : { status: 'already_paid', hold };
  }

  /** A hold as it stands at `now`, with any settlement a crash left unfinished completed. */
  async getHold(holdId: string, now: number): Promise<LedgerHold | undefined> {
    const hold = await this.#backend.getHold(holdId);
    return hold ? this.resolve(hold, now) : undefined;
  }

  /**
   * Finishes whatever is due for `hold` at `now`: a hold past its expiry (or a `reserving` one
   * past the reserving timeout) is decided `expired`/`rejected`; a decided hold whose partitions
   * were not settled gets its entries freed (or sold) and its user units returned. Idempotent.
   */
  async resolve(hold: LedgerHold, now: number): Promise<LedgerHold> {
    let current = hold;
    const due =
      (current.status === 'active' && current.expiresAt <= now) ||
      (current.status === 'reserving' &&
        (current.createdAt + this.#reservingTimeoutMs <= now || current.expiresAt <= now));
    if (due) {
      const to: LedgerHoldStatus = current.status === 'active' ? 'expired' : 'rejected';
      await this.#backend.transitionHold(current.id, [current.status], { status: to });
      current = (await this.#backend.getHold(current.id))!;
    }
    if (current.status === 'reserving' || current.status === 'active' || current.settled) return current;
    const to = current.status === 'sold' ? 'sold' : 'free';
    for (const index of current.parts) {
      const quantity = await this.#backend.readEntry(current.eventId, index, current.id);
      if (quantity !== undefined) await this.#backend.settleEntry(current.eventId, index, current.id, quantity, to);
    }
    if (to === 'free' && this.#event(current.eventId).perUserLimit !== null) {
      await this.#backend.userGive(current.eventId, current.userId, current.id);
    }
    await this.#backend.transitionHold(current.id, [current.status], { settled: true });
    return { ...current, settled: true };
  }

  /** Repairs partitions whose earliest entry may have expired; true when any unit was freed. */
  async #repairPartitions(
    eventId: string,
    counters: readonly Pick<PartitionDoc, 'index' | 'nextExpiry' | 'free'>[],
    now: number,
  ): Promise<boolean> {
    let freed = false;
    for (const counter of counters) {
      if (counter.nextExpiry > now) continue;
      const partition = await this.#backend.readPartition(eventId, counter.index);
      if (!partition) continue;
      let next = NO_EXPIRY;
      for (const [holdId, entry] of Object.entries(partition.entries)) {
        if (entry.expiresAt > now) {
          next = Math.min(next, entry.expiresAt);
          continue;
        }
        const stored = await this.#backend.getHold(holdId);
        const hold = stored ? await this.resolve(stored, now) : undefined;
        if (!hold) {
          // An entry without a hold document cannot be made by the ledger (the hold is inserted first).
          continue;
        }
        if (hold.status === 'active' || hold.status === 'reserving') {
          // Extended by beginPayment after the entry was written: refresh the cached expiry.
          await this.#backend.refreshEntry(eventId, counter.index, holdId, hold.expiresAt);
          next = Math.min(next, hold.expiresAt);
        } else if (hold.status !== 'sold') {
          freed = true;
        }
      }
      await this.#backend.setNextExpiry(eventId, counter.index, partition.version, next);
    }
    return freed;
  }

  /** Settles the user's holds that are due; returns how many were freed. */
  async #repairUser(eventId: string, userId: string, now: number): Promise<number> {
    const user = await this.#backend.readUser(eventId, userId);
    let freed = 0;
    for (const holdId of Object.keys(user?.entries ?? {})) {
      const stored = await this.#backend.getHold(holdId);
      if (!stored) continue;
      const hold = await this.resolve(stored, now);
      if (hold.status !== 'active' && hold.status !== 'sold' && hold.status !== 'reserving') freed++;
    }
    return freed;
  }

  /** Counts at `now`, judging expiry from the entries (reads every partition: for availability and checks). */
  async counts(
    eventId: string,
    now: number,
  ): Promise<{ capacity: number; sold: number; held: number; available: number }> {
    const counters = await this.#backend.partitionCounters(eventId);
    let capacity = 0;
    let sold = 0;
    let held = 0;
    for (const counter of counters) {
      capacity += counter.capacity;
      sold += counter.sold;
      const inEntries = counter.capacity - counter.free - counter.sold;
      if (inEntries === 0) continue;
      if (counter.nextExpiry > now) {
        held += inEntries;
        continue;
      }
      const partition = await this.#backend.readPartition(eventId, counter.index);
      for (const entry of Object.values(partition?.entries ?? {})) if (entry.expiresAt > now) held += entry.quantity;
    }
    return { capacity, sold, held, available: capacity - sold - held };
  }

  /**
   * Checks the ledger's invariants for an event: per partition `free + sold + Σ entries =
   * capacity` and `free >= 0`; every entry belongs to a hold that lists the partition; every
   * settled hold has no entries left; every active hold's entries sum to its quantity; user
   * counters equal the sum of their entries and stay within the limit. Returns the problems found.
   */
  async check(eventId: string, holds: readonly LedgerHold[]): Promise<string[]> {
    const event = this.#event(eventId);
    const problems: string[] = [];
    const byHold = new Map<string, number>();
    for (const counter of await this.#backend.partitionCounters(eventId)) {
      const partition = (await this.#backend.readPartition(eventId, counter.index))!;
      let inEntries = 0;
      for (const [holdId, entry] of Object.entries(partition.entries)) {
        inEntries += entry.quantity;
        byHold.set(holdId, (byHold.get(holdId) ?? 0) + entry.quantity);
      }
      if (partition.free < 0) problems.push(`partition ${partition.index}: free ${partition.free} < 0`);
      if (partition.free + partition.sold + inEntries !== partition.capacity) {
        problems.push(
          `partition ${partition.index}: free ${partition.free} + sold ${partition.sold} + held ${inEntries} != capacity ${partition.capacity}`,
        );
      }
    }
    const known = new Map(holds.map((h) => [h.id, h]));
    for (const [holdId, units] of byHold) {
      const hold = known.get(holdId);
      if (!hold) problems.push(`entries of unknown hold ${holdId}`);
      else if (hold.settled)
        problems.push(`settled hold ${holdId} (${hold.status}) still has ${units} units in partitions`);
      else if (hold.status === 'active' && units !== hold.quantity) {
        problems.push(`active hold ${holdId} has ${units} of ${hold.quantity} units in partitions`);
      }
    }
    for (const hold of holds) {
      if (hold.status === 'active' && (byHold.get(hold.id) ?? 0) !== hold.quantity) {
        problems.push(`active hold ${hold.id} has ${byHold.get(hold.id) ?? 0} of ${hold.quantity} units in partitions`);
      }
    }
    if (event.perUserLimit !== null) {
      for (const userId of new Set(holds.map((h) => h.userId))) {
        const user = await this.#backend.readUser(eventId, userId);
        if (!user) continue;
        const sum = Object.values(user.entries).reduce((a, b) => a + b, 0);
        if (sum !== user.units) problems.push(`user ${userId}: units ${user.units} != Σ entries ${sum}`);
        if (user.units > event.perUserLimit)
          problems.push(`user ${userId}: ${user.units} units > limit ${event.perUserLimit}`);
      }
    }
    return problems;
  }
}

/**
 * Which partitions to take from: the whole quantity from one partition when one has enough
 * (starting at a partition chosen by the hold id, so concurrent holds spread out), else the
 * largest free slices first.
 */
function plan(
  counters: readonly Pick<PartitionDoc, 'index' | 'free'>[],
  quantity: number,
  seed: number,
): { index: number; quantity: number }[] {
  const n = counters.length;
  for (let k = 0; k < n; k++) {
    const counter = counters[(seed + k) % n]!;
    if (counter.free >= quantity) return [{ index: counter.index, quantity }];
  }
  const steps: { index: number; quantity: number }[] = [];
  let left = quantity;
  for (const counter of [...counters].sort((a, b) => b.free - a.free)) {
    if (left === 0) break;
    const take = Math.min(left, counter.free);
    steps.push({ index: counter.index, quantity: take });
    left -= take;
  }
  return steps;
}

function sum(values: Iterable<number>): number {
  let total = 0;
  for (const value of values) total += value;
  return total;
}

function hashOf(id: string): number {
  let h = 2166136261;
  for (let i = 0; i < id.length; i++) h = Math.imul(h ^ id.charCodeAt(i), 16777619);
  return h >>> 0;
}
