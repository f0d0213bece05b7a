/**
 * The partitioned allocation ledger: an event's units split over partition documents, so two
 * holds on different partitions never touch the same document, and a hold larger than one
 * partition reserves step by step with every step recorded, so a crash at any step leaves a hold
 * that is either completed or fully released on its next access. Every write is one conditional
 * single-document update ({@link LedgerBackend}); nothing reads or rewrites a document that grows
 * with the sale.
 *
 * Documents:
 * - partition `{ eventId, index, capacity, free, pooled, sold, entries: { <holdId>: { quantity, expiresAt[, seats] } }, seats: { <seat>: <holdId> }, nextExpiry, version }`:
 *   `free + pooled + sold + Σ entries = capacity` after every single write (`pooled`: units
 *   reserved for the waitlist, which only offers take); a take is
 *   `{ _id, free: { $gte: q }, entries.<hold>: { $exists: false } } → $inc { free: -q }, $set entry`.
 *   Bounded: at most `capacity` entries (every live hold has at least one unit).
 * - seats (seated events): partition `k` holds seats `[k * partitionSize, (k + 1) * partitionSize)`
 *   of the seat map, in seat-map order. The partition's `seats` map names the hold of every seat
 *   that is held or sold (key: the seat name as a field key, see `field-key.ts`); a seat absent
 *   from it is unmapped. The map and the counters are orthogonal: `free + pooled` = unmapped
 *   seats, `sold + Σ entries` = mapped seats, after every single write. A take of seats adds
 *   `seats.<key>: { $exists: false }` for each seat to its condition and `$set seats.<key>: hold`
 *   to its update; a release or expiry unsets the hold's seats in the write that frees its units;
 *   a sale keeps them (they now mean sold to that hold); a return unsets exactly the returned
 *   seats in the write that moves their units back. A hold naming no seats (and every waitlist
 *   offer) gets seats picked from a read of the partition: the first run of adjacent free seats,
 *   else the first free seats.
 * - hold `{ status, parts, quantity, expiresAt, settled, … }`: its status is the commit point;
 *   `parts` lists every partition that may hold one of its entries, written before the take.
 * - user counter `{ units, entries: { <holdId>: q } }` (events with a per-user limit): a take is
 *   `{ _id, units: { $lte: limit - q }, entries.<hold>: { $exists: false } } → $inc { units: q }`.
 *   Bounded by the limit.
 * - waitlist: a queue document `{ head, seq }` per event (`head`: the line position served next),
 *   one entry document per person in line (`_id` = event + position, inserted at the first free
 *   position, so positions have no gaps), one join claim per user, and one notice document per
 *   offer (the outbox). While anyone waits, freed and free units move to `pooled`, and offers are
 *   made in line order from `pooled`; a notice is written before the head moves past its entry.
 *
 * @packageDocumentation
 */

import { InvalidArgumentError } from './errors.js';

/** A partition's unit counters that holds take from: `free` for the public, `pooled` for waitlist offers. */
export type Pool = 'free' | 'pooled';

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
  /** The counter the units came from: `free` (a public hold) or `pooled` (a waitlist offer). */
  source: Pool;
  /** The waitlist entry an offer was made to, or `null`. */
  entryId: string | null;
  /** Whether `extend` already used the hold's one extension (absent on holds stored before it existed). */
  extended?: boolean;
  /**
   * The seats of a seated event's hold, in seat-map order (set when the hold is inserted if the
   * buyer named them, else when it turns `active`); `null` for general admission. Returns do not
   * change it: it records what the hold was given.
   */
  seats: string[] | null;
}

/** A waitlist entry's state in the ledger. */
export type LedgerEntryStatus = 'waiting' | 'offering' | 'offered' | 'skipped' | 'purchased' | 'expired' | 'declined';

/** One person in line (one small document; `id` = event + position). */
export interface LedgerEntry {
  /** `<eventId>#<seq>`. */
  id: string;
  /** The event. */
  eventId: string;
  /** 1-based line position, without gaps. */
  seq: number;
  /** Who waits. */
  userId: string;
  /** Units wanted. */
  quantity: number;
  /** Where the entry is. */
  status: LedgerEntryStatus;
  /** Offer attempts so far (each gets its own hold id). */
  attempt: number;
  /** The current offer's hold id. */
  holdId: string | null;
  /** Epoch ms. */
  joinedAt: number;
  /** Units wanted by this entry and every entry before it in line (for the count of units waiting). */
  cum?: number;
}

/** An offer notice in the outbox (one document, unique on `id`). */
export interface LedgerNotice {
  /** `n_<holdId>`: stable across redeliveries. */
  id: string;
  /** The event. */
  eventId: string;
  /** Who is offered. */
  userId: string;
  /** The offer's hold. */
  holdId: string;
  /** The entry offered to. */
  entryId: string;
  /** Units offered. */
  quantity: number;
  /** The offer's seats (seated events), or `null`. */
  seats?: string[] | null;
  /** Epoch ms. */
  expiresAt: number;
  /** Whether it was delivered. */
  delivered: boolean;
}

/** One live reservation inside a partition. */
export interface PartitionEntry {
  /** Units of this hold in this partition. */
  quantity: number;
  /** The hold's expiry when the entry was written (a cache: the hold document decides). */
  expiresAt: number;
  /** Present (`true`) on a waitlist offer's entry (its units came from `pooled` and count in `offered`). */
  offer?: boolean;
  /** The seats this entry holds in the partition (seated events only; `quantity` of them). */
  seats?: string[];
}

/** A partition document: a slice of an event's capacity. */
export interface PartitionDoc {
  /** The event. */
  eventId: string;
  /** 0-based partition number. */
  index: number;
  /** Units in this partition. */
  capacity: number;
  /** Units nobody holds or bought, open to the public. */
  free: number;
  /** Units nobody holds or bought, reserved for the waitlist (only offers take them). */
  pooled: number;
  /** Units bought. */
  sold: number;
  /** Units in offer entries (part of Σ entries, counted apart so availability tells offers from holds). */
  offered?: number;
  /** Live (or not yet repaired) reservations by hold id. */
  entries: Record<string, PartitionEntry>;
  /**
   * Seated events: the hold id of every held or sold seat of this partition, by seat name (absent:
   * the seat is free or reserved for the waitlist as a count). Empty for general admission.
   */
  seats: Record<string, string>;
  /** A lower bound of the entries' `expiresAt` (`NO_EXPIRY` when none): repair looks only when it has passed. */
  nextExpiry: number;
  /** Incremented by every write that adds an entry (guards the `nextExpiry` recomputation). */
  version: number;
}

/**
 * Which partitions {@link LedgerBackend.partitionCounters} returns (all when empty): a query, so
 * an operation reads only the partitions that can serve it (none when the event is sold out).
 */
export interface PartitionFilter {
  /** Only partitions whose `field` is at least `atLeast`. */
  field?: Pool | 'sold';
  /** The minimum for `field`. */
  atLeast?: number;
  /** Only partitions whose `nextExpiry` is at most this (an entry may have expired). */
  expiredBy?: number;
  /** Only these partitions. */
  indexes?: readonly number[];
}

/** The small counters of a partition (no entries). */
export type PartitionCounters = Pick<
  PartitionDoc,
  'index' | 'free' | 'pooled' | 'nextExpiry' | 'capacity' | 'sold' | 'offered'
>;

/** A ticket return: sold units given back, step by step (one document, unique on `id`). */
export interface LedgerReturn {
  /** Unique per return (derived from the order and tickets by the caller). */
  id: string;
  /** The event. */
  eventId: string;
  /** The sold hold the units came from. */
  holdId: string;
  /** Its buyer. */
  userId: string;
  /** The partitions and units (and, seated, the seats) to give back, chosen when the return was recorded. */
  steps: { index: number; quantity: number; seats?: string[] }[];
  /** `returning` until every step is applied. */
  status: 'returning' | 'returned';
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
  partitionCounters(eventId: string, where?: PartitionFilter): Promise<PartitionCounters[]>;
  /** A whole partition document (bounded by its capacity), for repair and checks. */
  readPartition(eventId: string, index: number): Promise<PartitionDoc | undefined>;
  /**
   * What picking seats in a partition needs, if it has at least `quantity` units of `source`
   * (else `undefined`, at the cost of a miss): its seat map and the hold's entry there. The read
   * is bounded by the partition size; the entries of other holds are not read.
   */
  readSeatMap(
    eventId: string,
    index: number,
    holdId: string,
    source: Pool,
    quantity: number,
  ): Promise<{ seats: Record<string, string>; entry: PartitionEntry | undefined } | undefined>;
  /**
   * The holds the given seats of a partition are mapped to (`owners`; unmapped seats are absent)
   * and the partition's `nextExpiry`: a read of those keys only.
   */
  readSeats(
    eventId: string,
    index: number,
    seats: readonly string[],
  ): Promise<{ owners: Record<string, string>; nextExpiry: number }>;
  /** One entry (with its seats), or `undefined`. */
  readEntry(eventId: string, index: number, holdId: string): Promise<PartitionEntry | undefined>;
  /**
   * Takes `entry.quantity` units of `source` for `holdId` unless it has an entry there, and, when
   * `entry.seats` is given, maps those seats to `holdId` if every one of them is unmapped (one
   * conditional write). Returns the hold's entry there now (`undefined`: not enough units, or a
   * seat is taken).
   */
  take(
    eventId: string,
    index: number,
    holdId: string,
    entry: PartitionEntry,
    source: Pool,
  ): Promise<PartitionEntry | undefined>;
  /**
   * Removes the entry when it has exactly `quantity`, adding it to `to`; when `to` is a pool,
   * the entry's `seats` are unmapped in the same write (a sale keeps them mapped). With `offer`
   * (the entry was a waitlist offer's) the units also come off `offered`.
   */
  settleEntry(
    eventId: string,
    index: number,
    holdId: string,
    quantity: number,
    to: Pool | 'sold',
    seats?: readonly string[],
    offer?: boolean,
  ): Promise<void>;
  /** Moves `quantity` units from one counter to the other if `from` has them; true when moved. */
  moveUnits(eventId: string, index: number, from: Pool, to: Pool, quantity: number): Promise<boolean>;
  /** The waitlist queue of an event (`{ head: 1, seq: 0 }` before anyone joined). */
  readQueue(eventId: string): Promise<{ head: number; seq: number }>;
  /** Raises the queue's `seq` hint to at least `seq`. */
  noteSeq(eventId: string, seq: number): Promise<void>;
  /** Moves the head from `from` to `from + 1` if it is still at `from`. */
  advanceHead(eventId: string, from: number): Promise<void>;
  /** Inserts an entry unless its position is taken; true when inserted. */
  insertEntry(entry: LedgerEntry): Promise<boolean>;
  /** The entry at a position. */
  getEntry(eventId: string, seq: number): Promise<LedgerEntry | undefined>;
  /** Applies `set` if the entry's status is one of `from`; true when applied. */
  transitionEntry(
    eventId: string,
    seq: number,
    from: readonly LedgerEntryStatus[],
    set: Partial<Pick<LedgerEntry, 'status' | 'attempt' | 'holdId'>>,
  ): Promise<boolean>;
  /** Claims the user's place in line at `seq`; returns the claimed position (an earlier claim wins). */
  claimJoin(eventId: string, userId: string, seq: number): Promise<number>;
  /** The position the user's claim names, or `undefined` when the user is not in line. */
  readJoin(eventId: string, userId: string): Promise<number | undefined>;
  /** Removes the user's claim if it is at `seq` (the entry left the line). */
  releaseJoin(eventId: string, userId: string, seq: number): Promise<void>;
  /** Inserts a return unless its id exists; returns the stored one either way. */
  insertReturn(record: LedgerReturn): Promise<LedgerReturn>;
  /** A return by id. */
  getReturn(returnId: string): Promise<LedgerReturn | undefined>;
  /** Marks a return `returned` (idempotent). */
  finishReturn(returnId: string): Promise<void>;
  /**
   * Moves `quantity` sold units back to `to` in one partition once per `returnId` (a marker
   * `returns.<id>` is set in the same write); with `seats`, only if every one of `seats.names` is
   * mapped to `seats.holdId`, and they are unmapped in the same write. True when moved now or before.
   */
  unsell(
    eventId: string,
    index: number,
    returnId: string,
    quantity: number,
    to: Pool,
    seats?: { holdId: string; names: readonly string[] },
  ): Promise<boolean>;
  /** Removes the return marker from a partition. */
  clearReturn(eventId: string, index: number, returnId: string): Promise<void>;
  /** Takes `quantity` off the user's units for `holdId` once per `returnId`. */
  userReturn(eventId: string, userId: string, holdId: string, returnId: string, quantity: number): Promise<void>;
  /** Removes the return marker from the user's counter. */
  userClearReturn(eventId: string, userId: string, returnId: string): Promise<void>;
  /** Inserts a notice unless its id exists. */
  insertNotice(notice: LedgerNotice): Promise<void>;
  /** Undelivered notices, oldest first, at most `limit`. */
  pendingNotices(limit: number): Promise<LedgerNotice[]>;
  /** Marks a notice delivered. */
  markDelivered(noticeId: string): Promise<void>;
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
  /** Inserts a hold unless its id exists; returns the stored hold either way, and whether this call inserted it. */
  insertHold(hold: LedgerHold): Promise<{ hold: LedgerHold; inserted: boolean }>;
  /** A hold. */
  getHold(holdId: string): Promise<LedgerHold | undefined>;
  /** Applies `set` if the hold's status is one of `from` (and, with `liveAt`, `expiresAt > liveAt`); true when applied. */
  transitionHold(
    holdId: string,
    from: readonly LedgerHoldStatus[],
    set: Partial<Pick<LedgerHold, 'status' | 'parts' | 'expiresAt' | 'paymentId' | 'settled' | 'extended' | 'seats'>>,
    liveAt?: number,
  ): Promise<boolean>;
}

/**
 * Told (synchronously) about transitions the ledger makes, wherever they happen (read-time
 * expiry inside another operation included), so the caller can write its audit log.
 */
export interface LedgerObserver {
  /** A hold reached its final state and was settled by this process. */
  settled?(hold: LedgerHold, now: number): void;
  /** An offer was made to a waiting entry (its notice is in the outbox). */
  offered?(notice: LedgerNotice, now: number): void;
  /** A waiting entry was passed over (its user would exceed the per-user limit). */
  skipped?(entry: LedgerEntry, now: number): void;
}

/** Outcome of {@link PartitionLedger.reserve}. */
export type ReserveOutcome =
  | { status: 'ok'; hold: LedgerHold }
  | { status: 'sold_out'; free: number }
  | { status: 'per_user_limit' }
  | { status: 'not_live'; hold: LedgerHold }
  /** Seated events: the requested seats that are not available (after read-time repair of expired holds). */
  | { status: 'seat_taken'; seats: string[] };

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
  /**
   * The seat map in display order (seated event: `capacity === seats.length`, names unique and
   * non-empty, any characters), or `null`/absent for general admission. Partition `k` holds seats
   * `[k * partitionSize, (k + 1) * partitionSize)`; adjacent means consecutive in this order.
   */
  seats?: readonly string[] | null;
}

/** A reservation request: `seats` names the exact seats (seated events), else the ledger picks. */
export interface ReserveRequest extends Pick<LedgerHold, 'id' | 'eventId' | 'userId' | 'quantity' | 'expiresAt'> {
  /** The seats to hold (`quantity` of them, all of the event's seat map), or `null`/absent to let the ledger pick. */
  seats?: readonly string[] | null;
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
  readonly #offerTtlMs: number;
  readonly #observer: LedgerObserver;
  /**
   * Per event and pool, the partitions that had units at this process's last counter read (a
   * hint for the first guess only: a stale entry costs one failed take, never a wrong answer).
   */
  readonly #withUnits = new Map<string, number[]>();
  readonly #events = new Map<string, LedgerEvent>();
  /** Seated events' seat maps with each seat's position (built once per event, in memory). */
  readonly #layouts = new Map<string, SeatLayout>();
  /** Events whose freed units may be due to the waitlist (pumped at the end of the public call). */
  readonly #toPump = new Set<string>();
  /**
   * The one pass serving the lines in #toPump (null when none runs), and the latest `now` of the
   * calls that joined it. One pass per process: concurrent calls that free units queue their event
   * for it instead of each serving the same head entry (a herd that, over a network, made every
   * pump repeat every other pump's steps).
   */
  #draining: Promise<void> | null = null;
  #drainNow = Number.NEGATIVE_INFINITY;
  /** Per event, the `pump` calls waiting for the next pass over its line (settled by that pass). */
  readonly #passWaiters = new Map<string, { promise: Promise<void>; settle: (error?: unknown) => void }>();

  constructor(
    backend: LedgerBackend,
    options: {
      partitionSize?: number;
      reservingTimeoutMs?: number;
      offerTtlMs?: number;
      observer?: LedgerObserver;
    } = {},
  ) {
    this.#backend = backend;
    this.#observer = options.observer ?? {};
    this.#partitionSize = options.partitionSize ?? DEFAULT_PARTITION_SIZE;
    this.#reservingTimeoutMs = options.reservingTimeoutMs ?? 30_000;
    this.#offerTtlMs = options.offerTtlMs ?? 900_000;
  }

  /** Creates the partitions of an event (idempotent); a seated event's seats are split over them in seat-map order. */
  async createEvent(event: LedgerEvent): Promise<void> {
    const layout = seatLayout(event);
    const partitions: PartitionDoc[] = [];
    for (let index = 0, left = event.capacity; left > 0; index++, left -= this.#partitionSize) {
      const capacity = Math.min(left, this.#partitionSize);
      partitions.push({
        eventId: event.eventId,
        index,
        capacity,
        free: capacity,
        pooled: 0,
        sold: 0,
        offered: 0,
        entries: {},
        seats: {},
        nextExpiry: NO_EXPIRY,
        version: 0,
      });
    }
    await this.#backend.createPartitions(partitions);
    this.#know(event, layout);
  }

  /** Registers an event created by another process (the ledger needs its limit and seat map). */
  knowEvent(event: LedgerEvent): void {
    this.#know(event, seatLayout(event));
  }

  /** Remembers an event's limit and, seated, its seat layout. */
  #know(event: LedgerEvent, layout: SeatLayout | null): void {
    this.#events.set(event.eventId, { ...event });
    if (layout) this.#layouts.set(event.eventId, layout);
    else this.#layouts.delete(event.eventId);
  }

  /** The partition of a seat position. */
  #partitionOf(position: number): number {
    return Math.floor(position / this.#partitionSize);
  }

  #event(eventId: string): LedgerEvent {
    const event = this.#events.get(eventId);
    if (!event) throw new Error(`ledger: unknown event ${eventId}`);
    return event;
  }

  /**
   * Reserves `quantity` public units for a new hold (idempotent on `id`: a retry continues where
   * a crashed attempt stopped). Steps: insert the hold (`reserving`), take the user's units, then
   * per partition: record it in `parts`, take; finally `reserving → active`.
   *
   * Seated events: with `request.seats`, exactly those seats (all partitions recorded with the
   * hold, one conditional take per partition; a seat held by an expired hold is repaired and the
   * take retried once; if any seat is unavailable the whole hold is aborted and the outcome is
   * `seat_taken` listing them). Without, the ledger picks `quantity` seats: adjacent seats within
   * one partition when it can, else any free seats.
   *
   * @throws InvalidArgumentError when `seats` is given for a general-admission event, names an
   * unknown seat or one twice, or does not have `quantity` seats.
   */
  async reserve(request: ReserveRequest, now: number): Promise<ReserveOutcome> {
    const outcome = await this.#reserve({ ...request, source: 'free', entryId: null }, now);
    await this.#pumpDue(now);
    return outcome;
  }

  async #reserve(
    request: ReserveRequest & Pick<LedgerHold, 'source' | 'entryId'>,
    now: number,
  ): Promise<ReserveOutcome> {
    const event = this.#event(request.eventId);
    const layout = this.#layouts.get(request.eventId) ?? null;
    const source = request.source;
    const named = request.seats == null ? null : namedSeats(layout, request.seats, request.quantity);
    // First guess: the whole hold from one partition picked by the hold id, recorded with the hold
    // itself, so an uncontended hold costs three writes (hold, take, activate) and no counter read.
    // Named seats: their partitions are known, all recorded with the hold.
    const partitions = Math.ceil(event.capacity / this.#partitionSize);
    // Among the partitions this process last saw with units of `source` (if any), so that near a
    // sell-out a hold does not first try a partition known to be full and then read every counter.
    const hint = this.#withUnits.get(`${request.eventId}\u0000${source}`);
    const guess =
      named === null && request.quantity <= this.#partitionSize
        ? hint && hint.length > 0
          ? hint[hashOf(request.id) % hint.length]!
          : hashOf(request.id) % partitions
        : -1;
    if (named) {
      // A refusal costs reads only: named seats held or sold by others (after repair) are reported
      // before any write, unless the per-user limit may refuse first (then the full path decides).
      const unavailable = await this.#unavailableSeats(
        request.eventId,
        request.id,
        this.#byPartition(layout!, named),
        now,
      );
      if (unavailable.length > 0 && (await this.#withinLimit(event, request.userId, request.quantity))) {
        return { status: 'seat_taken', seats: unavailable };
      }
    }
    const { seats: _, ...fields } = request;
    const { hold, inserted } = await this.#backend.insertHold({
      ...fields,
      status: 'reserving',
      parts: named
        ? [...new Set(named.map((seat) => this.#partitionOf(layout!.position.get(seat)!)))]
        : guess >= 0
          ? [guess]
          : [],
      createdAt: now,
      paymentId: null,
      settled: false,
      seats: named,
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
    // The stored hold decides (a retry of a crashed attempt names the seats the first one named).
    if (layout && hold.seats !== null) return this.#reserveNamed(hold, layout, now);
    const parts = new Set(hold.parts);
    /** This hold's entry in each partition (a retry after a crash finds the earlier takes). */
    const taken = new Map<number, PartitionEntry>();
    /** Seated holds of 2+ seats look for adjacent seats in a few partitions before taking any free seats. */
    const adjacentIn = new Set<number>();
    const wantsAdjacent = layout !== null && hold.quantity > 1;
    if (inserted && guess >= 0) {
      adjacentIn.add(guess);
      const entry = await this.#takeUnits(hold, guess, hold.quantity, source, layout, wantsAdjacent);
      if (entry === 'lost') return this.#lost(hold, now, parts);
      if (entry) taken.set(guess, entry);
    } else {
      for (const index of parts) {
        const entry = await this.#backend.readEntry(hold.eventId, index, hold.id);
        if (entry !== undefined) taken.set(index, entry);
      }
    }
    let got = sum([...taken.values()].map((e) => e.quantity));
    let repaired = false;
    for (let attempt = 0; got < hold.quantity && attempt < 8; attempt++) {
      // One read of every partition's counters answers both questions a miss asks: where units of
      // `source` are, and (when too few) which partitions hold entries that may have expired. A
      // sold-out hold costs one pass over the event's partitions, not two.
      const all = await this.#backend.partitionCounters(hold.eventId);
      const counters = all.filter((c) => c[source] >= 1);
      this.#withUnits.set(
        `${hold.eventId}\u0000${source}`,
        counters.filter((c) => c[source] >= hold.quantity).map((c) => c.index),
      );
      const usable = counters
        .filter((c) => !taken.has(c.index) && c[source] > 0)
        .map((c) => ({ index: c.index, free: c[source] }));
      const free = sum(usable.map((c) => c.free));
      if (free < hold.quantity - got) {
        const due = repaired ? [] : all.filter((c) => c.nextExpiry <= now);
        if (repaired || !(await this.#repairPartitions(hold.eventId, due, now))) {
          await this.#abort(hold, now, parts);
          return { status: 'sold_out', free };
        }
        repaired = true;
        continue;
      }
      if (wantsAdjacent && got === 0 && adjacentIn.size < ADJACENT_TRIES) {
        // Partitions that could serve the whole hold, from the one the hold id picks: each is read
        // (its seat map) and taken from only if it has a run of adjacent seats.
        const whole = usable.filter((c) => c.free >= hold.quantity && !adjacentIn.has(c.index));
        const seed = hashOf(hold.id) % Math.max(1, whole.length);
        for (const c of [...whole.slice(seed), ...whole.slice(0, seed)]) {
          if (adjacentIn.size >= ADJACENT_TRIES) break;
          adjacentIn.add(c.index);
          const record = () => this.#recordPart(hold, parts, c.index);
          const entry = await this.#takeUnits(hold, c.index, hold.quantity, source, layout, true, record);
          if (entry === 'lost') return this.#lost(hold, now, parts);
          if (entry) {
            taken.set(c.index, entry);
            got += entry.quantity;
            break;
          }
        }
        if (got >= hold.quantity) break;
      }
      for (const step of plan(usable, hold.quantity - got, hashOf(hold.id))) {
        if (!parts.has(step.index)) {
          parts.add(step.index);
          // The partition is recorded before its take: after a crash, `parts` names every entry.
          if (!(await this.#backend.transitionHold(hold.id, ['reserving'], { parts: [...parts] }))) {
            return this.#lost(hold, now, parts);
          }
        }
        const entry = await this.#takeUnits(hold, step.index, step.quantity, source, layout);
        if (entry === 'lost') return this.#lost(hold, now, parts);
        if (entry) {
          taken.set(step.index, entry);
          got += entry.quantity;
        }
        if (got >= hold.quantity) break;
      }
    }
    if (got !== hold.quantity) {
      await this.#abort(hold, now, parts);
      return { status: 'sold_out', free: 0 };
    }
    // Seated: the picked seats are recorded on the hold in the write that activates it.
    const seats = layout
      ? inSeatOrder(
          layout,
          [...taken.values()].flatMap((e) => e.seats ?? []),
        )
      : null;
    // Every take is done, so the partitions holding an entry are known exactly: the active hold
    // lists only those (a guessed partition that was full drops out), and its sale or release
    // then touches one partition, without reading its entry, in the common case. The list is
    // always written: a concurrent call reserving the same hold id (two pumps serving one offer,
    // a retried idempotency key) may have recorded partitions of its own; whatever it took there
    // is a stray that it frees when its next write finds the hold decided (see #lost).
    const held = [...taken.keys()].sort((x, y) => x - y);
    const activate: Parameters<LedgerBackend['transitionHold']>[2] = { status: 'active', parts: held };
    if (layout) activate.seats = seats;
    if (!(await this.#backend.transitionHold(hold.id, ['reserving'], activate))) {
      return this.#lost(hold, now, parts);
    }
    return { status: 'ok', hold: { ...hold, parts: held, status: 'active', seats } };
  }

  /** Records a partition in the hold's `parts` (before any take there); false when the hold is no longer `reserving`. */
  async #recordPart(hold: LedgerHold, parts: Set<number>, index: number): Promise<boolean> {
    if (parts.has(index)) return true;
    parts.add(index);
    return this.#backend.transitionHold(hold.id, ['reserving'], { parts: [...parts] });
  }

  /**
   * One partition's take of `quantity` units for a hold naming no seats. General admission: one
   * conditional write. Seated: read the partition's seat map (bounded by the partition size),
   * pick seats (adjacent when it can; with `adjacentOnly`, nothing unless they are), take them
   * conditionally; a lost race re-reads and picks again, a bounded number of times. `record`
   * runs before the take (it records the partition in `parts`). Returns the hold's entry there,
   * `undefined`, or `'lost'` when the hold stopped `reserving` under us.
   */
  async #takeUnits(
    hold: LedgerHold,
    index: number,
    quantity: number,
    source: Pool,
    layout: SeatLayout | null,
    adjacentOnly = false,
    record: () => Promise<boolean> = async () => true,
  ): Promise<PartitionEntry | undefined | 'lost'> {
    const entry = entryFor(hold, quantity);
    if (!layout) return this.#backend.take(hold.eventId, index, hold.id, entry, source);
    for (let attempt = 0; attempt < SEAT_PICK_ATTEMPTS; attempt++) {
      const view = await this.#backend.readSeatMap(hold.eventId, index, hold.id, source, quantity);
      // Short of units (a miss reads nothing): only an entry of this hold made before can serve.
      if (!view) return this.#backend.readEntry(hold.eventId, index, hold.id);
      if (view.entry) return view.entry;
      const start = index * this.#partitionSize;
      const end = Math.min(start + this.#partitionSize, layout.seats.length);
      // invariant: free + pooled = unmapped seats, so enough units in one read means enough seats.
      const seats = pickSeats(layout.seats, start, end, view.seats, quantity, adjacentOnly);
      if (!seats) return undefined;
      if (!(await record())) return 'lost';
      const taken = await this.#backend.take(hold.eventId, index, hold.id, { ...entry, seats }, source);
      if (taken) return taken;
    }
    return undefined;
  }

  /**
   * Takes the named seats of a seated hold, one conditional write per partition (all partitions
   * were recorded with the hold). A take that fails on a partition whose entries may have expired
   * repairs it and tries once more; any seat still unavailable aborts the whole hold (undoing the
   * takes made) and reports every requested seat that is unavailable after repair.
   */
  async #reserveNamed(hold: LedgerHold, layout: SeatLayout, now: number): Promise<ReserveOutcome> {
    const groups = this.#byPartition(layout, hold.seats!);
    let failed = false;
    for (const [index, seats] of groups) {
      // A retry after a crash finds its earlier takes: `take` returns the entry already there.
      const entry: PartitionEntry = { ...entryFor(hold, seats.length), seats };
      let taken = await this.#backend.take(hold.eventId, index, hold.id, entry, hold.source);
      if (!taken && (await this.#repairPartition(hold.eventId, index, now))) {
        taken = await this.#backend.take(hold.eventId, index, hold.id, entry, hold.source);
      }
      if (!taken) {
        failed = true;
        break;
      }
    }
    if (!failed) {
      if (!(await this.#backend.transitionHold(hold.id, ['reserving'], { status: 'active' }))) {
        return this.#lost(hold, now);
      }
      return { status: 'ok', hold: { ...hold, status: 'active' } };
    }
    await this.#abort(hold, now);
    const unavailable = await this.#unavailableSeats(hold.eventId, hold.id, groups, now);
    if (unavailable.length > 0) return { status: 'seat_taken', seats: unavailable };
    // Every seat is unmapped but the units are reserved for the waitlist (or a race freed them just now).
    const counters = await this.#backend.partitionCounters(hold.eventId, { field: hold.source, atLeast: 1 });
    return { status: 'sold_out', free: sum(counters.map((c) => c[hold.source])) };
  }

  /** Seats grouped by partition, partitions in index order, seats in the given order. */
  #byPartition(layout: SeatLayout, seats: readonly string[]): Map<number, string[]> {
    const groups = new Map<number, string[]>();
    for (const seat of seats) {
      const index = this.#partitionOf(layout.position.get(seat)!);
      groups.set(index, [...(groups.get(index) ?? []), seat]);
    }
    return new Map([...groups].sort(([a], [b]) => a - b));
  }

  /**
   * The requested seats held or sold by a hold other than `holdId`, in seat-map order: a read of
   * those seat keys per partition; a partition whose entries may have expired is repaired and
   * read again first when one of them is mapped.
   */
  async #unavailableSeats(
    eventId: string,
    holdId: string,
    groups: ReadonlyMap<number, readonly string[]>,
    now: number,
  ): Promise<string[]> {
    const unavailable: string[] = [];
    for (const [index, seats] of groups) {
      let view = await this.#backend.readSeats(eventId, index, seats);
      const others = () =>
        seats.filter((seat) => {
          const owner = ownerOf(view.owners, seat);
          return owner !== undefined && owner !== holdId;
        });
      if (others().length > 0 && view.nextExpiry <= now) {
        await this.#repairPartitions(eventId, [{ index, nextExpiry: view.nextExpiry }], now);
        view = await this.#backend.readSeats(eventId, index, seats);
      }
      unavailable.push(...others());
    }
    return unavailable;
  }

  /** Repairs one partition if its earliest entry may have expired; true when it looked. */
  async #repairPartition(eventId: string, index: number, now: number): Promise<boolean> {
    const due = await this.#backend.partitionCounters(eventId, { indexes: [index], expiredBy: now });
    if (due.length === 0) return false;
    await this.#repairPartitions(eventId, due, now);
    return true;
  }

  /** Whether the user's stored units leave room for `quantity` more (always, without a limit). */
  async #withinLimit(event: LedgerEvent, userId: string, quantity: number): Promise<boolean> {
    if (event.perUserLimit === null) return true;
    const user = await this.#backend.readUser(event.eventId, userId);
    return (user?.units ?? 0) + quantity <= event.perUserLimit;
  }

  /**
   * Someone else decided the hold while we reserved (it timed out, or a concurrent call reserving
   * the same hold id activated or aborted it): free what this call took outside the decided
   * hold's partitions, settle, and report. `ours` names the partitions this call recorded.
   */
  async #lost(hold: LedgerHold, now: number, ours: Iterable<number> = []): Promise<ReserveOutcome> {
    const current = await this.resolve((await this.#backend.getHold(hold.id))!, now);
    await this.#freeStrays(current, ours);
    await this.#freeLateTakes(current);
    return current.status === 'active' ? { status: 'ok', hold: current } : { status: 'not_live', hold: current };
  }

  async #abort(hold: LedgerHold, now: number, ours: Iterable<number> = []): Promise<void> {
    const decided = await this.#backend.transitionHold(hold.id, ['reserving'], { status: 'rejected' });
    const current = await this.#backend.getHold(hold.id);
    if (!current) return;
    const resolved = await this.resolve(current, now);
    if (!decided) {
      await this.#freeStrays(resolved, ours);
      await this.#freeLateTakes(resolved);
    }
  }

  /**
   * Frees this hold's entries in partitions of `ours` that the decided hold does not list. Two
   * calls reserving one hold id at once (two pumps serving one offer, on one server or two; a
   * retried idempotency key) each take where they planned; the call that activates the hold
   * lists exactly the partitions of its own takes, so an entry anywhere else is a stray that no
   * sale or release would ever settle. A stray left by a call that crashed is freed by the next
   * repair of its partition (see #repairPartitions).
   */
  async #freeStrays(hold: LedgerHold, ours: Iterable<number>): Promise<void> {
    if (hold.status === 'reserving') return;
    for (const index of new Set(ours)) {
      if (hold.parts.includes(index)) continue;
      const entry = await this.#backend.readEntry(hold.eventId, index, hold.id);
      if (entry !== undefined) await this.#freeEntry(hold.eventId, index, hold.id, entry);
    }
  }

  /** Frees one partition entry's units (to the waitlist's pool while anyone waits) and marks the event for a pump. */
  async #freeEntry(eventId: string, index: number, holdId: string, entry: PartitionEntry, waiting?: boolean) {
    const to: Pool = (waiting ?? (await this.#waiting(eventId))) ? 'pooled' : 'free';
    await this.#backend.settleEntry(eventId, index, holdId, entry.quantity, to, entry.seats, entry.offer === true);
    this.#toPump.add(eventId);
  }

  /**
   * A reserving hold that someone else decided (its reserving timeout or expiry passed while this
   * call was still taking) may have been settled before this call's last takes landed in
   * partitions it had recorded: those entries (and user units) are freed now. Idempotent; only
   * for holds decided not to be sold.
   */
  async #freeLateTakes(hold: LedgerHold): Promise<void> {
    if (hold.status === 'reserving' || hold.status === 'active' || hold.status === 'sold') return;
    let waiting: boolean | undefined;
    for (const index of hold.parts) {
      const entry = await this.#backend.readEntry(hold.eventId, index, hold.id);
      if (entry === undefined) continue;
      waiting ??= await this.#waiting(hold.eventId);
      await this.#freeEntry(hold.eventId, index, hold.id, entry, waiting);
    }
    if (this.#event(hold.eventId).perUserLimit !== null)
      await this.#backend.userGive(hold.eventId, hold.userId, hold.id);
  }

  /**
   * Moves a live hold's expiry to `max(expiresAt, now + graceMs)`, once per hold (a second call
   * changes nothing), and refreshes the expiry its partition entries cache. Returns the hold as it
   * stands after, or `undefined` when it is not live.
   */
  async extend(holdId: string, graceMs: number, now: number): Promise<LedgerHold | undefined> {
    const stored = await this.#backend.getHold(holdId);
    if (!stored) return undefined;
    const hold = await this.resolve(stored, now);
    if (hold.status !== 'active') return undefined;
    if (hold.extended) return hold;
    const expiresAt = Math.max(hold.expiresAt, now + graceMs);
    if (!(await this.#backend.transitionHold(holdId, ['active'], { expiresAt, extended: true }, now))) {
      const current = await this.#backend.getHold(holdId);
      return current?.status === 'active' && current.expiresAt > now ? current : undefined;
    }
    for (const index of hold.parts) await this.#backend.refreshEntry(hold.eventId, index, holdId, expiresAt);
    return { ...hold, expiresAt, extended: true };
  }

  /** Releases a live hold: `active → released`, then its units go back (to the waitlist first). */
  async release(holdId: string, now: number): Promise<LedgerHold | undefined> {
    await this.#backend.transitionHold(holdId, ['active'], { status: 'released' }, now);
    const hold = await this.#backend.getHold(holdId);
    const resolved = hold ? await this.resolve(hold, now) : undefined;
    await this.#pumpDue(now);
    return resolved;
  }

  /** Sells a live hold to `paymentId`: `active → sold`, then its entries become sold units. Idempotent per payment. */
  async sell(holdId: string, paymentId: string, now: number): Promise<SellOutcome | undefined> {
    await this.#backend.transitionHold(holdId, ['active'], { status: 'sold', paymentId }, now);
    const stored = await this.#backend.getHold(holdId);
    if (!stored) return undefined;
    const hold = await this.resolve(stored, now);
    await this.#pumpDue(now);
    if (hold.status !== 'sold') return { status: 'not_live', hold };
    return hold.paymentId === paymentId ? { status: 'sold', hold } : { status: 'already_paid', hold };
  }

  /** A hold as it stands at `now`, with any settlement a crash left unfinished completed. */
  async getHold(holdId: string, now: number): Promise<LedgerHold | undefined> {
    const hold = await this.#backend.getHold(holdId);
    const resolved = hold ? await this.resolve(hold, now) : undefined;
    await this.#pumpDue(now);
    return resolved;
  }

  /**
   * Finishes whatever is due for `hold` at `now`: a hold past its expiry (or a `reserving` one
   * past the reserving timeout) is decided `expired`/`rejected`; a decided hold whose partitions
   * were not settled gets its entries sold, or freed (to the waitlist's pool while anyone waits),
   * and its user units returned. Idempotent.
   */
  async resolve(hold: LedgerHold, now: number, waiting?: boolean): Promise<LedgerHold> {
    let current = hold;
    const due =
      (current.status === 'active' && current.expiresAt <= now) ||
      (current.status === 'reserving' &&
        (current.createdAt + this.#reservingTimeoutMs <= now || current.expiresAt <= now));
    if (due) {
      const to: LedgerHoldStatus = current.status === 'active' ? 'expired' : 'rejected';
      current = (await this.#backend.transitionHold(current.id, [current.status], { status: to }))
        ? { ...current, status: to }
        : (await this.#backend.getHold(current.id))!;
    }
    if (current.status === 'reserving' || current.status === 'active' || current.settled) return current;
    const sold = current.status === 'sold';
    const to: Pool | 'sold' = sold ? 'sold' : (waiting ?? (await this.#waiting(current.eventId))) ? 'pooled' : 'free';
    /** Whether this call gave units back, or moved the line: only then is the line served. */
    let moved = false;
    for (const index of current.parts) {
      // A hold with one partition took all its units there in one take (all or nothing), so its
      // entry, if still there, holds exactly its quantity and seats: no read needed (settleEntry
      // checks the quantity).
      const entry: Pick<PartitionEntry, 'quantity' | 'seats'> | undefined =
        current.parts.length === 1 && current.status !== 'rejected'
          ? { quantity: current.quantity, ...(current.seats ? { seats: current.seats } : {}) }
          : await this.#backend.readEntry(current.eventId, index, current.id);
      if (entry !== undefined) {
        await this.#backend.settleEntry(
          current.eventId,
          index,
          current.id,
          entry.quantity,
          to,
          entry.seats,
          current.source === 'pooled',
        );
        moved = true;
      }
    }
    if (!sold && this.#event(current.eventId).perUserLimit !== null) {
      await this.#backend.userGive(current.eventId, current.userId, current.id);
    }
    // A rejected offer never reached its user: the pump that made it decides what the entry does next.
    if (current.entryId !== null && current.status !== 'rejected') {
      const seq = seqOf(current.entryId);
      const status: LedgerEntryStatus = sold ? 'purchased' : current.status === 'released' ? 'declined' : 'expired';
      if (await this.#backend.transitionEntry(current.eventId, seq, ['offered', 'offering'], { status })) {
        await this.#backend.releaseJoin(current.eventId, current.userId, seq);
        moved = true;
      }
    }
    const settled = await this.#backend.transitionHold(current.id, [current.status], { settled: true });
    // A hold refused before it took anything (sold out, over the limit) frees nothing: no pump, so
    // a refusal costs no pass over the event's partitions.
    if (!sold && moved) this.#toPump.add(current.eventId);
    if (settled) this.#observer.settled?.({ ...current, settled: true }, now);
    return { ...current, settled: true };
  }

  /** Whether anyone waits in line (the entry at the head exists). */
  async #waiting(eventId: string): Promise<boolean> {
    const queue = await this.#backend.readQueue(eventId);
    return (await this.#backend.getEntry(eventId, queue.head)) !== undefined;
  }

  // ---------------------------------------------------------------- waitlist

  /**
   * Puts a user in line for `quantity` units (idempotent per user while the entry waits or holds
   * an offer): the entry is inserted at the first free position after the queue's `seq` hint, then
   * the user's claim names it; an entry that lost the claim to an earlier one is skipped when served.
   */
  async join(request: { eventId: string; userId: string; quantity: number }, now: number): Promise<LedgerEntry> {
    const queue = await this.#backend.readQueue(request.eventId);
    let seq = queue.seq + 1;
    /** Units wanted up to the entry before `n` (positions have no gaps: it exists unless n = 1). */
    const before = async (n: number) =>
      n > 1 ? ((await this.#backend.getEntry(request.eventId, n - 1))?.cum ?? 0) : 0;
    let cum = (await before(seq)) + request.quantity;
    const entry = (n: number): LedgerEntry => ({
      id: `${request.eventId}#${n}`,
      eventId: request.eventId,
      seq: n,
      userId: request.userId,
      quantity: request.quantity,
      status: 'waiting',
      attempt: 0,
      holdId: null,
      joinedAt: now,
      cum,
    });
    while (!(await this.#backend.insertEntry(entry(seq)))) {
      seq++;
      cum = (await before(seq)) + request.quantity;
    }
    await this.#backend.noteSeq(request.eventId, seq);
    const claimed = await this.#backend.claimJoin(request.eventId, request.userId, seq);
    if (claimed !== seq) await this.#backend.transitionEntry(request.eventId, seq, ['waiting'], { status: 'skipped' });
    this.#toPump.add(request.eventId);
    await this.#pumpDue(now);
    return (await this.#backend.getEntry(request.eventId, claimed)) ?? entry(claimed);
  }

  /** An entry by id. */
  async entry(eventId: string, entryId: string): Promise<LedgerEntry | undefined> {
    return this.#backend.getEntry(eventId, seqOf(entryId));
  }

  /**
   * Serves the line of every event whose units were freed during this call. When a pass is already
   * running, the event waits in #toPump for it and the call returns at once (that pass serves it).
   */
  async #pumpDue(now: number): Promise<void> {
    this.#drainNow = Math.max(this.#drainNow, now);
    if (this.#draining || this.#toPump.size === 0) return;
    await this.#drain();
  }

  /** Runs the pass (or joins the one running) until #toPump is empty. */
  #drain(): Promise<void> {
    this.#draining ??= (async () => {
      try {
        while (this.#toPump.size > 0) {
          const [eventId] = this.#toPump as Set<string>;
          this.#toPump.delete(eventId!);
          // Whoever queues the event from here on waits for the next pass.
          const waiters = this.#passWaiters.get(eventId!);
          this.#passWaiters.delete(eventId!);
          try {
            await this.#serveLine(eventId!, this.#drainNow);
          } catch (error) {
            waiters?.settle(error);
            throw error;
          }
          waiters?.settle();
        }
      } finally {
        this.#draining = null;
        this.#drainNow = Number.NEGATIVE_INFINITY;
      }
    })();
    return this.#draining;
  }

  /**
   * Serves the event's line and returns once a pass that started after this call has served it
   * (the caller may have freed units a running pass already looked for). One pass runs per process.
   */
  async pump(eventId: string, now: number): Promise<void> {
    this.#toPump.add(eventId);
    this.#drainNow = Math.max(this.#drainNow, now);
    let waiters = this.#passWaiters.get(eventId);
    if (!waiters) {
      let settle!: (error?: unknown) => void;
      const promise = new Promise<void>((resolve, reject) => {
        settle = (error) => (error === undefined ? resolve() : reject(error));
      });
      waiters = { promise, settle };
      this.#passWaiters.set(eventId, waiters);
    }
    // The pass ends with every queued event served, so it settles ours first; a pass that fails on
    // another event before reaching ours reports its error here.
    await Promise.race([waiters.promise, this.#drain()]);
  }

  /**
   * Serves the line in order. For the entry at the head: `waiting → offering` (once the pool
   * plus free units cover it; free units move to the pool first), reserve the offer hold from the
   * pool, write its notice, `offering → offered`, and only then move the head. Every step is
   * idempotent, so whoever pumps next continues after a crash; when nobody waits, the pool goes
   * back to the public.
   */
  async #serveLine(eventId: string, now: number): Promise<void> {
    for (let served = 0; served < 10_000; served++) {
      const queue = await this.#backend.readQueue(eventId);
      const entry = await this.#backend.getEntry(eventId, queue.head);
      if (!entry) {
        await this.#moveAll(eventId, 'pooled', 'free');
        return;
      }
      if (entry.status === 'waiting') {
        // One pass over the counters: the pool, and the free units to move into it.
        const counters = await this.#backend.partitionCounters(eventId);
        let pooled = sum(counters.map((c) => c.pooled));
        if (pooled < entry.quantity) {
          // Reserved ahead of the public: free units go to the line while anyone waits.
          for (const c of counters) {
            if (c.free > 0 && (await this.#backend.moveUnits(eventId, c.index, 'free', 'pooled', c.free))) {
              pooled += c.free;
            }
          }
          // Counted from that one read (a pool that shrank since is found by the reservation below).
          if (pooled < entry.quantity) return;
        }
        const attempt = entry.attempt + 1;
        await this.#backend.transitionEntry(eventId, entry.seq, ['waiting'], {
          status: 'offering',
          attempt,
          holdId: `o_${entry.id}_${attempt}`,
        });
        continue;
      }
      if (entry.status === 'offering') {
        const holdId = entry.holdId!;
        const outcome = await this.#reserve(
          {
            id: holdId,
            eventId,
            userId: entry.userId,
            quantity: entry.quantity,
            expiresAt: now + this.#offerTtlMs,
            source: 'pooled',
            entryId: entry.id,
          },
          now,
        );
        if (outcome.status === 'per_user_limit') {
          if (await this.#backend.transitionEntry(eventId, entry.seq, ['offering'], { status: 'skipped' })) {
            this.#observer.skipped?.({ ...entry, status: 'skipped' }, now);
          }
          await this.#backend.releaseJoin(eventId, entry.userId, entry.seq);
        } else if (outcome.status === 'ok') {
          // The notice is written before the head moves: a crash here is finished by the next pump.
          const notice: LedgerNotice = {
            id: `n_${holdId}`,
            eventId,
            userId: entry.userId,
            holdId,
            entryId: entry.id,
            quantity: entry.quantity,
            seats: outcome.hold.seats,
            expiresAt: outcome.hold.expiresAt,
            delivered: false,
          };
          await this.#backend.insertNotice(notice);
          if (await this.#backend.transitionEntry(eventId, entry.seq, ['offering'], { status: 'offered' })) {
            this.#observer.offered?.(notice, now);
          }
        } else {
          // The pool shrank under us (returned to the public a moment ago), or this attempt's hold
          // was rejected after a crash: back in line, and a new attempt gets a new hold id.
          await this.#backend.transitionEntry(eventId, entry.seq, ['offering'], { status: 'waiting' });
          if (outcome.status === 'sold_out') return;
        }
        continue;
      }
      await this.#backend.advanceHead(eventId, entry.seq);
    }
  }

  async #moveAll(eventId: string, from: Pool, to: Pool): Promise<void> {
    for (const counter of await this.#backend.partitionCounters(eventId, { field: from, atLeast: 1 })) {
      if (counter[from] > 0) await this.#backend.moveUnits(eventId, counter.index, from, to, counter[from]);
    }
  }

  /**
   * Gives `quantity` sold units of a sold hold back (a ticket return), once per `returnId`: the
   * return document records the partitions first; each partition moves its sold units back with a
   * marker in the same write, so a retry after a crash at any step applies each step once. The
   * units go to the waitlist's pool while anyone waits.
   *
   * Seated events: `seats` names exactly the sold seats given back (`quantity` of them, all the
   * hold's and still sold to it, else nothing happens and the result is false); their seat keys
   * are unmapped in the writes that move their units. Without `seats`, the first `quantity` of
   * the hold's seats still sold to it are given back.
   *
   * @throws InvalidArgumentError when `seats` is given for a general-admission event, names a seat
   * twice, or does not have `quantity` seats.
   */
  async returnUnits(
    holdId: string,
    returnId: string,
    quantity: number,
    now: number,
    seats?: readonly string[],
  ): Promise<boolean> {
    const stored = await this.#backend.getHold(holdId);
    if (stored?.status !== 'sold') return false;
    // A sale a crash left unsettled is settled first: its units are sold units before any goes back.
    const hold = await this.resolve(stored, now);
    const layout = this.#layouts.get(hold.eventId) ?? null;
    if (seats !== undefined && !layout) {
      throw new InvalidArgumentError('seats', 'absent for a general-admission event', seats);
    }
    const recorded = await this.#backend.getReturn(returnId);
    if (recorded) return this.#applyReturn(hold, recorded, now);
    if (layout) {
      const steps = await this.#seatReturnSteps(hold, layout, quantity, seats);
      if (!steps) return false;
      const record = await this.#backend.insertReturn({
        id: returnId,
        eventId: hold.eventId,
        holdId,
        userId: hold.userId,
        steps,
        status: 'returning',
      });
      return this.#applyReturn(hold, record, now);
    }
    // The hold's own partitions first (they hold its sold units unless other returns took them).
    const own = await this.#backend.partitionCounters(hold.eventId, {
      indexes: hold.parts,
      field: 'sold',
      atLeast: 1,
    });
    const counters =
      sum(own.map((c) => c.sold)) >= quantity
        ? own
        : await this.#backend.partitionCounters(hold.eventId, { field: 'sold', atLeast: 1 });
    const ours = new Set(hold.parts);
    const steps: { index: number; quantity: number }[] = [];
    let left = quantity;
    for (const counter of [...counters].sort((a, b) => Number(ours.has(b.index)) - Number(ours.has(a.index)))) {
      if (left === 0) break;
      const take = Math.min(left, counter.sold);
      if (take > 0) steps.push({ index: counter.index, quantity: take });
      left -= take;
    }
    if (left > 0) return false;
    const record = await this.#backend.insertReturn({
      id: returnId,
      eventId: hold.eventId,
      holdId,
      userId: hold.userId,
      steps,
      status: 'returning',
    });
    return this.#applyReturn(hold, record, now);
  }

  async #applyReturn(hold: LedgerHold, record: LedgerReturn, now: number): Promise<boolean> {
    const { id: returnId, holdId } = record;
    if (record.status === 'returning') {
      const to: Pool = (await this.#waiting(hold.eventId)) ? 'pooled' : 'free';
      let applied = true;
      for (const step of record.steps) {
        const seats = step.seats ? { holdId, names: step.seats } : undefined;
        applied = (await this.#backend.unsell(hold.eventId, step.index, returnId, step.quantity, to, seats)) && applied;
      }
      // Another return took the last sold units of a chosen partition first: not finished, reported.
      if (!applied) return false;
      const units = sum(record.steps.map((s) => s.quantity));
      if (this.#event(hold.eventId).perUserLimit !== null) {
        await this.#backend.userReturn(hold.eventId, hold.userId, holdId, returnId, units);
      }
      await this.#backend.finishReturn(returnId);
    }
    for (const step of record.steps) await this.#backend.clearReturn(hold.eventId, step.index, returnId);
    if (this.#event(hold.eventId).perUserLimit !== null) {
      await this.#backend.userClearReturn(hold.eventId, hold.userId, returnId);
    }
    this.#toPump.add(hold.eventId);
    await this.#pumpDue(now);
    return true;
  }

  /**
   * The steps of a seated return: the named seats (or the first `quantity` of the hold's seats)
   * grouped by partition, each still sold to the hold (read from its partitions: those seats'
   * keys only); `null` when a seat is not the hold's or no longer sold to it.
   */
  async #seatReturnSteps(
    hold: LedgerHold,
    layout: SeatLayout,
    quantity: number,
    named: readonly string[] | undefined,
  ): Promise<{ index: number; quantity: number; seats: string[] }[] | null> {
    const own = new Set(hold.seats ?? []);
    const wanted = named === undefined ? null : namedSeats(layout, named, quantity);
    if (wanted?.some((seat) => !own.has(seat))) return null;
    const groups = this.#byPartition(layout, wanted ?? hold.seats ?? []);
    const steps: { index: number; quantity: number; seats: string[] }[] = [];
    let left = quantity;
    for (const [index, seats] of groups) {
      if (left === 0) break;
      // The hold is settled (resolved above): a seat mapped to it is sold to it.
      const { owners } = await this.#backend.readSeats(hold.eventId, index, seats);
      const stillSold = seats.filter((seat) => ownerOf(owners, seat) === hold.id);
      if (wanted && stillSold.length !== seats.length) return null;
      const give = stillSold.slice(0, left);
      if (give.length > 0) steps.push({ index, quantity: give.length, seats: give });
      left -= give.length;
    }
    return left === 0 ? steps : null;
  }

  /** Undelivered offer notices (the outbox), oldest first. */
  pendingNotices(limit: number): Promise<LedgerNotice[]> {
    return this.#backend.pendingNotices(limit);
  }

  /** Marks a notice delivered (after the notifier took it: delivery is at least once). */
  markDelivered(noticeId: string): Promise<void> {
    return this.#backend.markDelivered(noticeId);
  }

  /**
   * The sweeper's pass (reads find the same holds expired without it): repairs every partition
   * whose earliest entry has expired at `now`, settling the holds due and freeing strays. Returns
   * the holds it found expired, each once. Serving the line is left to the caller.
   */
  async expireDue(eventId: string, now: number): Promise<LedgerHold[]> {
    const expired = new Map<string, LedgerHold>();
    const due = await this.#backend.partitionCounters(eventId, { expiredBy: now });
    await this.#repairPartitions(eventId, due, now, expired);
    return [...expired.values()];
  }

  /**
   * Repairs partitions whose earliest entry may have expired; true when any unit was freed.
   * Holds found expired (in a partition they list) are added to `expired`.
   */
  async #repairPartitions(
    eventId: string,
    counters: readonly Pick<PartitionCounters, 'index' | 'nextExpiry'>[],
    now: number,
    expired?: Map<string, LedgerHold>,
  ): Promise<boolean> {
    let freed = false;
    /** Whether anyone waits, asked once per repair pass (the pass itself adds nobody to the line). */
    let waiting: boolean | undefined;
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
        // An entry without a hold document cannot be made by the ledger (the hold is inserted first).
        if (!stored) continue;
        waiting ??= await this.#waiting(eventId);
        const hold = await this.resolve(stored, now, waiting);
        if (hold.status !== 'reserving' && !hold.parts.includes(counter.index)) {
          // A stray: taken by a call that reserved the same hold id as another and crashed before
          // it could free it (the decided hold lists every partition it counts).
          await this.#freeEntry(eventId, counter.index, holdId, entry, waiting);
          freed = true;
        } else if (hold.status === 'active' || hold.status === 'reserving') {
          // Extended by beginPayment after the entry was written: refresh the cached expiry.
          await this.#backend.refreshEntry(eventId, counter.index, holdId, hold.expiresAt);
          next = Math.min(next, hold.expiresAt);
        } else if (hold.status !== 'sold') {
          // Settled before and still here: a late take of a call that crashed before freeing it.
          if (stored.settled) await this.#freeLateTakes(hold);
          if (hold.status === 'expired') expired?.set(hold.id, hold);
          freed = true;
        }
      }
      await this.#backend.setNextExpiry(eventId, counter.index, partition.version, next);
    }
    return freed;
  }

  /** The seat-map problems of one partition of a seated event (see {@link PartitionLedger.check}). */
  #checkSeats(partition: PartitionDoc, layout: SeatLayout, known: ReadonlyMap<string, LedgerHold>): string[] {
    const problems: string[] = [];
    const { index } = partition;
    const mapped = Object.entries(partition.seats ?? {});
    const inEntries = sum(Object.values(partition.entries).map((e) => e.quantity));
    if (mapped.length !== partition.sold + inEntries) {
      problems.push(`partition ${index}: ${mapped.length} mapped seats != sold ${partition.sold} + held ${inEntries}`);
    }
    for (const [seat, holdId] of mapped) {
      const position = layout.position.get(seat);
      if (position === undefined || this.#partitionOf(position) !== index) {
        problems.push(`partition ${index}: seat ${seat} does not belong to it`);
      }
      const entry = partition.entries[holdId];
      const hold = known.get(holdId);
      const inEntry = entry?.seats?.includes(seat) ?? false;
      const soldTo = hold?.status === 'sold' && (hold.seats?.includes(seat) ?? false);
      if (!inEntry && !soldTo)
        problems.push(`partition ${index}: seat ${seat} mapped to ${holdId}, which neither holds nor bought it`);
    }
    for (const [holdId, entry] of Object.entries(partition.entries)) {
      const seats = entry.seats ?? [];
      if (seats.length !== entry.quantity) {
        problems.push(`partition ${index}: entry of ${holdId} lists ${seats.length} seats for ${entry.quantity} units`);
      }
      for (const seat of seats) {
        if (ownerOf(partition.seats, seat) !== holdId)
          problems.push(`partition ${index}: seat ${seat} of ${holdId}'s entry is not mapped to it`);
      }
    }
    return problems;
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

  /** Counts at `now`, judging expiry from the entries (reads the partitions whose entries may have expired). */
  async counts(
    eventId: string,
    now: number,
  ): Promise<{ capacity: number; sold: number; held: number; pooled: number; available: number }> {
    const { offered, ...counts } = await this.breakdown(eventId, now);
    return { ...counts, held: counts.held + offered };
  }

  /**
   * Counts at `now` with live offers apart from public holds (`held` here excludes `offered`),
   * plus the units wanted by entries waiting in line (from the entries' running totals, so two reads).
   */
  async breakdown(
    eventId: string,
    now: number,
  ): Promise<{ capacity: number; sold: number; held: number; offered: number; pooled: number; available: number }> {
    const counters = await this.#backend.partitionCounters(eventId);
    let capacity = 0;
    let sold = 0;
    let held = 0;
    let offered = 0;
    let pooled = 0;
    for (const counter of counters) {
      capacity += counter.capacity;
      sold += counter.sold;
      pooled += counter.pooled;
      const inEntries = counter.capacity - counter.free - counter.pooled - counter.sold;
      if (inEntries === 0) continue;
      if (counter.nextExpiry > now) {
        offered += counter.offered ?? 0;
        held += inEntries - (counter.offered ?? 0);
        continue;
      }
      const partition = await this.#backend.readPartition(eventId, counter.index);
      for (const entry of Object.values(partition?.entries ?? {})) {
        if (entry.expiresAt <= now) continue;
        if (entry.offer) offered += entry.quantity;
        else held += entry.quantity;
      }
    }
    return { capacity, sold, held, offered, pooled, available: capacity - sold - held - offered - pooled };
  }

  /**
   * Units wanted by the entries from the head of the line to the last one joined (running totals
   * of two entries; entries behind the head that left the line early are still counted).
   */
  async waitingUnits(eventId: string): Promise<number> {
    const queue = await this.#backend.readQueue(eventId);
    if (queue.seq < queue.head) return 0;
    const [last, passed] = await Promise.all([
      this.#backend.getEntry(eventId, queue.seq),
      queue.head > 1 ? this.#backend.getEntry(eventId, queue.head - 1) : undefined,
    ]);
    return Math.max(0, (last?.cum ?? 0) - (passed?.cum ?? 0));
  }

  /**
   * The user bought: their entry still waiting in line (if any) will never be offered. Idempotent.
   */
  async purchasedBy(eventId: string, userId: string, now: number): Promise<void> {
    const seq = await this.#backend.readJoin(eventId, userId);
    if (seq === undefined) return;
    if (await this.#backend.transitionEntry(eventId, seq, ['waiting'], { status: 'purchased' })) {
      await this.#backend.releaseJoin(eventId, userId, seq);
      this.#toPump.add(eventId);
      await this.#pumpDue(now);
    }
  }

  /**
   * Checks the order of the line around its head: no entry the head passed still waits (the last
   * 1,000 passed are read), and no entry behind the head was offered (the next 1,000 are read).
   */
  async checkLine(eventId: string): Promise<string[]> {
    const problems: string[] = [];
    const queue = await this.#backend.readQueue(eventId);
    for (let seq = Math.max(1, queue.head - 1_000); seq < queue.head; seq++) {
      const entry = await this.#backend.getEntry(eventId, seq);
      if (entry?.status === 'waiting' || entry?.status === 'offering') {
        problems.push(`entry #${seq} still ${entry.status} behind the head (#${queue.head})`);
      }
    }
    for (let seq = queue.head + 1; seq <= Math.min(queue.seq, queue.head + 1_000); seq++) {
      const entry = await this.#backend.getEntry(eventId, seq);
      if (entry?.status === 'offered' || entry?.status === 'offering') {
        problems.push(`entry #${seq} ${entry.status} before the head (#${queue.head}) was served`);
      }
    }
    return problems;
  }

  /** The queue position of a waiting entry counted from the head (0 when it is not waiting). */
  async position(entry: LedgerEntry): Promise<number> {
    if (entry.status !== 'waiting' && entry.status !== 'offering') return 0;
    const queue = await this.#backend.readQueue(entry.eventId);
    return Math.max(1, entry.seq - queue.head + 1);
  }

  /**
   * Checks the ledger's invariants for an event: per partition `free + pooled + sold + Σ entries
   * = capacity`, no negative counter; every entry belongs to a known hold; every settled hold has
   * no entries left; every active hold's entries sum to its quantity; user counters equal the sum
   * of their entries and stay within the limit. Seated events, per partition: mapped seats =
   * `sold + Σ entries`; every mapped seat lies in the partition and belongs to an entry of that
   * partition listing it or to a `sold` hold (among `holds`) listing it; every entry's seats are
   * mapped to its hold, `quantity` of them. Returns the problems found.
   */
  async check(eventId: string, holds: readonly LedgerHold[]): Promise<string[]> {
    const event = this.#event(eventId);
    const layout = this.#layouts.get(eventId) ?? null;
    const problems: string[] = [];
    const byHold = new Map<string, number>();
    const known = new Map(holds.map((h) => [h.id, h]));
    for (const counter of await this.#backend.partitionCounters(eventId)) {
      const partition = (await this.#backend.readPartition(eventId, counter.index))!;
      if (layout) problems.push(...this.#checkSeats(partition, layout, known));
      let inEntries = 0;
      let inOffers = 0;
      for (const [holdId, entry] of Object.entries(partition.entries)) {
        inEntries += entry.quantity;
        if (entry.offer) inOffers += entry.quantity;
        byHold.set(holdId, (byHold.get(holdId) ?? 0) + entry.quantity);
        const hold = known.get(holdId);
        if (hold && hold.status !== 'reserving' && !hold.parts.includes(partition.index)) {
          problems.push(
            `partition ${partition.index}: stray entry of ${holdId} (${hold.status}), not in its partitions`,
          );
        }
      }
      const { index, free, pooled, sold, capacity } = partition;
      if (free < 0 || pooled < 0 || sold < 0) problems.push(`partition ${index}: negative counter`);
      if ((partition.offered ?? 0) !== inOffers) {
        problems.push(`partition ${index}: offered ${partition.offered ?? 0} != units in offer entries ${inOffers}`);
      }
      if (free + pooled + sold + inEntries !== capacity) {
        problems.push(
          `partition ${index}: free ${free} + pooled ${pooled} + sold ${sold} + held ${inEntries} != capacity ${capacity}`,
        );
      }
    }
    for (const [holdId, units] of byHold) {
      const hold = known.get(holdId);
      if (!hold) problems.push(`entries of unknown hold ${holdId}`);
      else if (hold.settled) {
        problems.push(`settled hold ${holdId} (${hold.status}) still has ${units} units in partitions`);
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
        const total = sum(Object.values(user.entries));
        if (total !== user.units) problems.push(`user ${userId}: units ${user.units} != Σ entries ${total}`);
        if (user.units > event.perUserLimit) {
          problems.push(`user ${userId}: ${user.units} units > limit ${event.perUserLimit}`);
        }
      }
    }
    return problems;
  }
}

/** A seated event's seat map and each seat's position in it. */
interface SeatLayout {
  /** The seat map in display order. */
  seats: readonly string[];
  /** Seat name → position in `seats`. */
  position: Map<string, number>;
}

/** How many partitions a seated hold of 2+ seats reads looking for adjacent seats before taking any free seats. */
const ADJACENT_TRIES = 3;

/** How many times a pick of seats in one partition is re-read and retried after losing a race. */
const SEAT_PICK_ATTEMPTS = 8;

/** The layout of a seated event, `null` for general admission; throws on a malformed seat map. */
function seatLayout(event: LedgerEvent): SeatLayout | null {
  if (event.seats == null) return null;
  if (!Array.isArray(event.seats) || event.seats.length !== event.capacity) {
    throw new InvalidArgumentError('seats', `an array of ${event.capacity} seat names (the capacity)`, event.seats);
  }
  const position = new Map<string, number>();
  event.seats.forEach((seat, i) => {
    if (typeof seat !== 'string' || seat === '') {
      throw new InvalidArgumentError(`seats[${i}]`, 'a non-empty string', seat);
    }
    if (position.has(seat)) throw new InvalidArgumentError(`seats[${i}]`, 'a seat name not used before', seat);
    position.set(seat, i);
  });
  return { seats: [...event.seats], position };
}

/** Validates the seats a request names (`quantity` distinct seats of the map) and returns them in seat-map order. */
function namedSeats(layout: SeatLayout | null, seats: readonly string[], quantity: number): string[] {
  if (!layout) throw new InvalidArgumentError('seats', 'null or absent for a general-admission event', seats);
  if (!Array.isArray(seats) || seats.length !== quantity) {
    throw new InvalidArgumentError('seats', `an array of ${quantity} seat names (the quantity)`, seats);
  }
  for (const seat of seats) {
    if (!layout.position.has(seat)) throw new InvalidArgumentError('seats', "names of the event's seats", seat);
  }
  if (new Set(seats).size !== seats.length) {
    throw new InvalidArgumentError('seats', 'distinct seat names', seats);
  }
  return inSeatOrder(layout, seats);
}

/** The hold a seat is mapped to (own keys only: a seat may be called `constructor`). */
function ownerOf(mapped: Record<string, string>, seat: string): string | undefined {
  return Object.hasOwn(mapped, seat) ? mapped[seat] : undefined;
}

/** The seats sorted by their position in the seat map. */
function inSeatOrder(layout: SeatLayout, seats: readonly string[]): string[] {
  return [...seats].sort((a, b) => layout.position.get(a)! - layout.position.get(b)!);
}

/**
 * Picks `quantity` unmapped seats among `seats[start, end)` (one partition): the first run of
 * `quantity` adjacent ones, else (unless `adjacentOnly`) the first unmapped ones in seat-map order
 * (as `EventInventory` picks on the whole map: a block when there is one, else the first free
 * seats). `null` when there are none such. O(partition size).
 */
function pickSeats(
  seats: readonly string[],
  start: number,
  end: number,
  mapped: Record<string, string>,
  quantity: number,
  adjacentOnly = false,
): string[] | null {
  const first: string[] = [];
  let run = 0;
  for (let i = start; i < end; i++) {
    if (Object.hasOwn(mapped, seats[i]!)) {
      run = 0;
      continue;
    }
    if (++run === quantity) return seats.slice(i - quantity + 1, i + 1);
    if (first.length < quantity) first.push(seats[i]!);
  }
  return first.length === quantity && !adjacentOnly ? first : null;
}

/** The line position of an entry id (`<eventId>#<seq>`). */
function seqOf(entryId: string): number {
  return Number(entryId.slice(entryId.lastIndexOf('#') + 1));
}

/**
 * Which partitions to take from: the whole quantity from one partition when one has enough
 * (starting at a partition chosen by the hold id, so concurrent holds spread out), else the
 * largest free slices first.
 */
function plan(
  counters: readonly { index: number; free: number }[],
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

/** The partition entry of `quantity` units of `hold` (flagged when it is a waitlist offer's). */
function entryFor(hold: LedgerHold, quantity: number): PartitionEntry {
  return hold.source === 'pooled'
    ? { quantity, expiresAt: hold.expiresAt, offer: true }
    : { quantity, expiresAt: hold.expiresAt };
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
