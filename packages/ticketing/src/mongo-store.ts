import { randomBytes } from 'node:crypto';
import type { AnyBulkWriteOperation, Collection, Db, Document } from 'mongodb';
import type { Allocator, AllocatorContext } from './allocator.js';
import { InvalidArgumentError, StoreContentionError } from './errors.js';
import type { EventDocument, JournalRecord } from './event-inventory.js';
import { EventInventory } from './event-inventory.js';
import { fieldKey } from './field-key.js';
import { assertInteger, assertKnownOptions } from './input-validation.js';
import { InventoryAllocator, type InventoryStore } from './inventory-allocator.js';
import type { AuditEntry, HoldRecord, Notice, Order, PaymentRecord, PaymentStatus } from './records.js';
import type { TicketingStore } from './ticketing-store.js';

/**
 * Options of {@link mongoStore}.
 *
 * @example
 * ```ts
 * const options: MongoStoreOptions = { db: client.db('tickets'), collectionPrefix: 'shop_' };
 * ```
 */
export interface MongoStoreOptions {
  /** A connected database handle from the official `mongodb` driver (`client.db(name)`). */
  db: Db;
  /**
   * Prefix of the collection names (`<prefix>events`, `holds`, `payments`, `orders`, `outbox`, `audit`).
   * @default 'ticketing_'
   */
  collectionPrefix?: string;
  /**
   * Compare-and-swap attempts on one event document before {@link StoreContentionError}.
   * @default 64
   */
  maxAttempts?: number;
  /**
   * How long delivered outbox notices are kept before the TTL index removes them, in ms.
   * @default 604_800_000 (7 days)
   */
  deliveredNoticeRetentionMs?: number;
}

/**
 * A {@link TicketingStore} on MongoDB through the official driver, for several app servers sharing
 * one database (a replica set in production). No multi-document transactions:
 *
 * - Each event's inventory is one document, changed by compare-and-swap on its `version`
 *   (`replaceOne({ _id, version })`, retried on conflict), so the capacity, seat, per-user and
 *   waitlist guards are checked and applied atomically: concurrent servers never oversell.
 * - Transitions are journaled inside that same document and then moved to the `audit` and
 *   `outbox` collections (idempotent upserts keyed by id), so a crash between a state change and
 *   its notification loses nothing.
 * - Unique indexes: `payments._id` = paymentId, `holds (eventId, userId, idempotencyKey)`,
 *   `orders.holdId`. A TTL index drops delivered notices after `deliveredNoticeRetentionMs`.
 *
 * Indexes are created on first use. The inventory document grows with sales, refusals and
 * waitlist entries (about 100–200 bytes each), so one event fits well under the 16 MB document
 * limit up to roughly 50,000 of them.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createTicketing } from '@x/ticketing';
import { mongoStore } from '@x/ticketing/mongodb';
 *
 * const client = await new MongoClient(process.env.MONGODB_URI!).connect();
 * const tix = createTicketing({ store: mongoStore({ db: client.db('tickets') }) });
 * ```
 */
export function mongoStore(options: MongoStoreOptions): TicketingStore {
  return new MongoStore(options);
}

type Stored<T> = T & { _id: string };

class MongoStore implements TicketingStore, InventoryStore {
  readonly #events: Collection<Document>;
  readonly #holds: Collection<Document>;
  readonly #payments: Collection<Document>;
  readonly #orders: Collection<Document>;
  readonly #outbox: Collection<Document>;
  readonly #audit: Collection<Document>;
  /** `_id` = event, user and idempotency key: the unique claim of a key by one hold id. */
  readonly #holdKeys: Collection<Document>;
  readonly #maxAttempts: number;
  readonly #retentionMs: number;
  readonly #orderPrefix = randomBytes(4).toString('hex');
  #orderCounter = 0;
  #prunedAt = Number.NEGATIVE_INFINITY;
  #ready: Promise<void> | null = null;

  constructor(options: MongoStoreOptions) {
    if (typeof options !== 'object' || options === null || typeof options.db?.collection !== 'function') {
      throw new InvalidArgumentError('db', 'a mongodb Db (client.db(name))', options?.db);
    }
    assertKnownOptions('mongoStore', options, ['db', 'collectionPrefix', 'maxAttempts', 'deliveredNoticeRetentionMs']);
    const prefix = options.collectionPrefix ?? 'ticketing_';
    if (typeof prefix !== 'string') throw new InvalidArgumentError('collectionPrefix', 'a string', prefix);
    this.#maxAttempts = options.maxAttempts ?? 64;
    assertInteger('maxAttempts', this.#maxAttempts, 1);
    this.#retentionMs = options.deliveredNoticeRetentionMs ?? 604_800_000;
    assertInteger('deliveredNoticeRetentionMs', this.#retentionMs, 0);
    const db = options.db;
    this.#events = db.collection(`${prefix}events`);
    this.#holds = db.collection(`${prefix}holds`);
    this.#payments = db.collection(`${prefix}payments`);
    this.#orders = db.collection(`${prefix}orders`);
    this.#outbox = db.collection(`${prefix}outbox`);
    this.#audit = db.collection(`${prefix}audit`);
    this.#holdKeys = db.collection(`${prefix}hold_keys`);
  }

  openAllocator(context: AllocatorContext): Allocator {
    return new InventoryAllocator(this, context);
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      await Promise.all([
        this.#payments.createIndex({ eventId: 1 }, { name: 'by_event' }),
        this.#orders.createIndex({ holdId: 1 }, { unique: true, name: 'one_order_per_hold' }),
        this.#orders.createIndex({ eventId: 1 }, { name: 'by_event' }),
        this.#outbox.createIndex({ deliveredAt: 1, order: 1 }, { name: 'pending' }),
        this.#audit.createIndex({ eventId: 1, order: 1 }, { name: 'by_event' }),
      ]);
    })().catch((error: unknown) => {
      this.#ready = null;
      throw error;
    });
    return this.#ready;
  }

  /** An increasing, process-unique sort key (insertion order within a process, time order across). */
  #nextOrder(): string {
    return `${Date.now().toString(36).padStart(9, '0')}${(++this.#orderCounter).toString(36).padStart(7, '0')}${this.#orderPrefix}`;
  }

  async insertEvent(doc: EventDocument): Promise<boolean> {
    await this.#init();
    try {
      await this.#events.insertOne(encodeEvent(doc));
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
    await this.#drain(doc.id, doc.journal);
    return true;
  }

  async #loadInventory(
    eventId: string,
  ): Promise<{ inventory: EventInventory; version: number; raw: Document } | undefined> {
    const raw = await this.#events.findOne({ _id: eventId } as Document);
    if (!raw) return undefined;
    const doc = decodeEvent(raw);
    return { inventory: EventInventory.fromDocument(doc), version: doc.version, raw };
  }

  async readEvent<R>(eventId: string, read: (inventory: EventInventory) => R): Promise<R | undefined> {
    await this.#init();
    const loaded = await this.#loadInventory(eventId);
    return loaded ? read(loaded.inventory) : undefined;
  }

  async updateEvent<R>(eventId: string, apply: (inventory: EventInventory) => R): Promise<R | undefined> {
    await this.#init();
    for (let attempt = 0; attempt < this.#maxAttempts; attempt++) {
      const loaded = await this.#loadInventory(eventId);
      if (!loaded) return undefined;
      const result = apply(loaded.inventory);
      if (!loaded.inventory.dirty) {
        // Nothing changed; still move journal records a crashed writer left behind.
        if (loaded.inventory.journal.length > 0) await this.#drain(eventId, loaded.inventory.journal);
        return result;
      }
      const next = loaded.inventory.toDocument();
      // The guard: applied only if nobody wrote the document since we read it. Only what changed
      // is sent (`$set`/`$unset` of single entries), so the bytes of a write do not grow with the event.
      const written = await this.#events.updateOne(
        { _id: eventId, version: loaded.version } as Document,
        changes(loaded.raw, encodeEvent(next)),
      );
      if (written.matchedCount === 1) {
        await this.#drain(eventId, next.journal);
        return result;
      }
      await backoff(attempt);
    }
    throw new StoreContentionError(eventId, this.#maxAttempts);
  }

  /** Copies journal records to the audit log and outbox (idempotent upserts), then removes them from the event. */
  async #drain(eventId: string, journal: readonly JournalRecord[]): Promise<void> {
    if (journal.length === 0) return;
    const audit: AnyBulkWriteOperation<Document>[] = [];
    const outbox: AnyBulkWriteOperation<Document>[] = [];
    for (const record of journal) {
      if (record.kind === 'audit') {
        audit.push({
          updateOne: {
            filter: { _id: record.id } as Document,
            update: { $setOnInsert: { ...record.entry, order: this.#nextOrder() } },
            upsert: true,
          },
        });
      } else {
        outbox.push({
          updateOne: {
            filter: { _id: record.id } as Document,
            update: { $setOnInsert: { notice: record.notice, deliveredAt: null, order: this.#nextOrder() } },
            upsert: true,
          },
        });
      }
    }
    await Promise.all([
      audit.length > 0 ? bulkUpsert(this.#audit, audit) : undefined,
      outbox.length > 0 ? bulkUpsert(this.#outbox, outbox) : undefined,
    ]);
    // Bumping the version makes any concurrent compare-and-swap based on the old journal retry.
    // `$unset` of each entry (not `$pull` with a condition, which FerretDB ignores).
    const unset: Record<string, ''> = {};
    for (const record of journal) unset[`journal.${fieldKey(record.id)}`] = '';
    await this.#events.updateOne({ _id: eventId } as Document, { $unset: unset, $inc: { version: 1 } } as Document);
  }

  /** Drains journals that a crash left in event documents. */
  async #drainLeftovers(): Promise<void> {
    const stuck = await this.#events
      .find({ journal: { $ne: {} } }, { projection: { journal: 1 } })
      .limit(100)
      .toArray();
    for (const raw of stuck) await this.#drain(String(raw._id), Object.values(raw.journal ?? {}) as JournalRecord[]);
  }

  async getEventDocument(eventId: string): Promise<EventDocument | undefined> {
    await this.#init();
    const raw = await this.#events.findOne({ _id: eventId } as Document);
    return raw ? decodeEvent(raw) : undefined;
  }

  async listEventIds(): Promise<string[]> {
    await this.#init();
    const rows = await this.#events.find({}, { projection: { _id: 1 } }).toArray();
    return rows.map((row) => String(row._id));
  }

  async insertHold(hold: HoldRecord): Promise<HoldRecord> {
    await this.#init();
    let record = hold;
    if (hold.idempotencyKey !== null) {
      // The key is claimed first, in its own document (unique `_id`): whoever claims it names the
      // hold. A writer that crashed after the claim left no hold record; the next one creates it.
      const keyId = `${hold.eventId}\u0000${hold.userId}\u0000${hold.idempotencyKey}`;
      try {
        await this.#holdKeys.insertOne({ _id: keyId, holdId: hold.id } as Document);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
        const claim = await this.#holdKeys.findOne({ _id: keyId } as Document);
        if (!claim) throw new Error(`hold key of ${hold.id}: duplicate key but no claim (deleted concurrently?)`);
        record = { ...hold, id: String(claim.holdId) };
      }
    }
    try {
      await this.#holds.insertOne({ ...record, _id: record.id } as Document);
      return { ...record };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await this.#holds.findOne({ _id: record.id } as Document);
    if (!existing) throw new Error(`hold ${record.id}: duplicate key but no existing record (deleted concurrently?)`);
    return fromStored<HoldRecord>(existing);
  }

  async getHold(holdId: string): Promise<HoldRecord | undefined> {
    await this.#init();
    const raw = await this.#holds.findOne({ _id: holdId } as Document);
    return raw ? fromStored<HoldRecord>(raw) : undefined;
  }

  async updateHold(holdId: string, patch: Partial<Pick<HoldRecord, 'status' | 'expiresAt'>>): Promise<void> {
    await this.#init();
    await this.#holds.updateOne({ _id: holdId } as Document, { $set: patch });
  }

  async insertPayment(payment: PaymentRecord): Promise<PaymentRecord> {
    await this.#init();
    try {
      await this.#payments.insertOne({ ...payment, _id: payment.paymentId } as Document);
      return { ...payment };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await this.#payments.findOne({ _id: payment.paymentId } as Document);
    return fromStored<PaymentRecord>(existing!);
  }

  async getPayment(paymentId: string): Promise<PaymentRecord | undefined> {
    await this.#init();
    const raw = await this.#payments.findOne({ _id: paymentId } as Document);
    return raw ? fromStored<PaymentRecord>(raw) : undefined;
  }

  async transitionPayment(
    paymentId: string,
    from: readonly PaymentStatus[],
    patch: Partial<Pick<PaymentRecord, 'status' | 'orderId' | 'refundReason' | 'updatedAt'>>,
  ): Promise<boolean> {
    await this.#init();
    const result = await this.#payments.updateOne({ _id: paymentId, status: { $in: [...from] } } as Document, {
      $set: patch,
    });
    return result.matchedCount === 1;
  }

  async listPayments(eventId: string): Promise<PaymentRecord[]> {
    await this.#init();
    const rows = await this.#payments.find({ eventId }).sort({ updatedAt: 1, _id: 1 }).toArray();
    return rows.map((row) => fromStored<PaymentRecord>(row));
  }

  async insertOrder(order: Order): Promise<Order> {
    await this.#init();
    try {
      await this.#orders.insertOne({ ...structuredClone(order), _id: order.id } as Document);
      return structuredClone(order);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const existing = await this.#orders.findOne({ _id: order.id } as Document);
    return fromStored<Order>(existing!);
  }

  async getOrder(orderId: string): Promise<Order | undefined> {
    await this.#init();
    const raw = await this.#orders.findOne({ _id: orderId } as Document);
    return raw ? fromStored<Order>(raw) : undefined;
  }

  async markTicketsReturned(orderId: string, ticketIds: readonly string[]): Promise<Order | undefined> {
    await this.#init();
    const raw = await this.#orders.findOne({ _id: orderId } as Document);
    if (!raw) return undefined;
    const order = fromStored<Order>(raw);
    const wanted = new Set(ticketIds);
    // A targeted `$set` per ticket by position (the ticket list of an order never changes shape):
    // no `arrayFilters`, which FerretDB lacks, and bytes in proportion to the tickets returned.
    const set: Record<string, 'returned'> = {};
    order.tickets.forEach((ticket, i) => {
      if (wanted.has(ticket.id) && ticket.status !== 'returned') set[`tickets.${i}.status`] = 'returned';
    });
    if (Object.keys(set).length === 0) return order;
    const updated = await this.#orders.findOneAndUpdate(
      { _id: orderId } as Document,
      { $set: set },
      {
        returnDocument: 'after',
      },
    );
    return updated ? fromStored<Order>(updated) : undefined;
  }

  async listOrders(eventId: string): Promise<Order[]> {
    await this.#init();
    const rows = await this.#orders.find({ eventId }).sort({ createdAt: 1, _id: 1 }).toArray();
    return rows.map((row) => fromStored<Order>(row));
  }

  async pendingNotices(limit: number): Promise<Notice[]> {
    await this.#init();
    await this.#drainLeftovers();
    const rows = await this.#outbox.find({ deliveredAt: null }).sort({ order: 1 }).limit(limit).toArray();
    return rows.map((row) => row.notice as Notice);
  }

  async markNoticeDelivered(noticeId: string, at: number): Promise<void> {
    await this.#init();
    await this.#outbox.updateOne({ _id: noticeId, deliveredAt: null } as Document, { $set: { deliveredAt: at } });
    // Delivered notices older than the retention are deleted here, at most once a minute (no TTL
    // index: FerretDB has none, and a range delete on the `pending` index costs the same).
    if (at - this.#prunedAt >= 60_000) {
      this.#prunedAt = at;
      await this.#outbox.deleteMany({ deliveredAt: { $lte: at - this.#retentionMs } } as Document);
    }
  }

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#init();
    await bulkUpsert(this.#audit, [
      {
        updateOne: {
          filter: { _id: entry.id } as Document,
          update: { $setOnInsert: { ...entry, order: this.#nextOrder() } },
          upsert: true,
        },
      },
    ]);
  }

  async listAudit(eventId: string): Promise<AuditEntry[]> {
    await this.#init();
    const raw = await this.#events.findOne({ _id: eventId } as Document, { projection: { journal: 1 } });
    const leftover = Object.values(raw?.journal ?? {}) as JournalRecord[];
    if (leftover.length > 0) await this.#drain(eventId, leftover);
    const rows = await this.#audit.find({ eventId }).sort({ order: 1 }).toArray();
    return rows.map((row) => {
      const { _id, order, ...entry } = row;
      return entry as AuditEntry;
    });
  }
}

/** The fields of an event document stored as objects keyed by record id, so a write touches single entries. */
const KEYED = ['allocations', 'sales', 'refusals', 'waitlist', 'journal'] as const;
const KEY_OF: Record<(typeof KEYED)[number], (record: never) => string> = {
  allocations: (a: { holdId: string }) => a.holdId,
  sales: (s: { holdId: string }) => s.holdId,
  refusals: (r: { holdId: string }) => r.holdId,
  waitlist: (e: { id: string }) => e.id,
  journal: (j: { id: string }) => j.id,
};

/** Event definition fields: written once by `insertEvent`, never compared or sent again. */
const IMMUTABLE = new Set([
  'id',
  'name',
  'capacity',
  'seats',
  'perUserLimit',
  'saleStartsAt',
  'requireAdmission',
  'createdAt',
]);

/** The stored form of an event document: record lists become objects keyed by record id. */
function encodeEvent(doc: EventDocument): Document {
  const out: Document = { ...structuredClone(doc), _id: doc.id };
  for (const field of KEYED) {
    const keyed: Document = {};
    for (const record of doc[field] as never[]) keyed[fieldKey(KEY_OF[field](record))] = structuredClone(record);
    out[field] = keyed;
  }
  return out;
}

function decodeEvent(raw: Document): EventDocument {
  const doc = fromStored<Document>(raw);
  for (const field of KEYED) doc[field] = Object.values(doc[field] ?? {});
  return doc as EventDocument;
}

/** The `$set`/`$unset` that turn stored document `before` into `after`: top-level fields and single keyed entries. */
function changes(before: Document, after: Document): Document {
  const set: Document = {};
  const unset: Record<string, ''> = {};
  for (const [field, value] of Object.entries(after)) {
    if (field === '_id' || IMMUTABLE.has(field)) continue;
    if ((KEYED as readonly string[]).includes(field)) {
      const old = (before[field] ?? {}) as Document;
      for (const [key, entry] of Object.entries(value as Document)) {
        if (!(key in old) || JSON.stringify(old[key]) !== JSON.stringify(entry)) set[`${field}.${key}`] = entry;
      }
      for (const key of Object.keys(old)) if (!(key in (value as Document))) unset[`${field}.${key}`] = '';
    } else if (JSON.stringify(before[field]) !== JSON.stringify(value)) {
      set[field] = value;
    }
  }
  return Object.keys(unset).length > 0 ? { $set: set, $unset: unset } : { $set: set };
}

function fromStored<T>(raw: Document): T {
  const { _id, ...rest } = raw as Stored<Document>;
  return rest as T;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

/** Idempotent upserts; a duplicate-key race between two upserts of the same id means it is already there. */
async function bulkUpsert(
  collection: Collection<Document>,
  operations: AnyBulkWriteOperation<Document>[],
): Promise<void> {
  try {
    await collection.bulkWrite(operations, { ordered: false });
  } catch (error) {
    const writeErrors = (error as { writeErrors?: { code?: number }[] | { code?: number } }).writeErrors;
    const list = Array.isArray(writeErrors) ? writeErrors : writeErrors ? [writeErrors] : [];
    if (list.length === 0 || list.some((e) => e.code !== 11000)) throw error;
  }
}

function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(50, 2 ** Math.min(attempt, 6));
  return new Promise((resolve) => setTimeout(resolve, ms));
}
