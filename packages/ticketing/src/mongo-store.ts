import { randomBytes } from 'node:crypto';
import type { Collection, Db, Document } from 'mongodb';
import type { Allocator, AllocatorContext } from './allocator.js';
import { InvalidArgumentError } from './errors.js';
import type { EventDefinition, RefusalRecord } from './event-inventory.js';
import { assertInteger, assertKnownOptions } from './input-validation.js';
import { LedgerAllocator, type LedgerRecords } from './ledger-allocator.js';
import { mongoLedgerBackend } from './mongo-ledger-backend.js';
import type { LedgerBackend } from './partition-ledger.js';
import type { AuditEntry, HoldRecord, Order, PaymentRecord, PaymentStatus } from './records.js';
import type { TicketingStore } from './ticketing-store.js';

/**
 * Options of {@link mongoStore}.
 *
 * @example
 * ```ts
 * const options: MongoStoreOptions = { db: client.db('tickets'), collectionPrefix: 'shop_', partitionSize: 500 };
 * ```
 */
export interface MongoStoreOptions {
  /** A connected database handle from the official `mongodb` driver (`client.db(name)`). */
  db: Db;
  /**
   * Prefix of every collection name (see the package README for the list).
   * @default 'ticketing_'
   */
  collectionPrefix?: string;
  /**
   * Units (or seats) per partition document of a new event: smaller partitions spread contention
   * further and keep each document smaller; a hold within one partition costs the fewest writes.
   * @default 1000
   */
  partitionSize?: number;
}

/** Seat labels per seat-map document (a 100,000-seat map is 100 documents of a few KB). */
const SEATS_PER_CHUNK = 1_000;

/**
 * A {@link TicketingStore} on MongoDB through the official driver, for several app servers sharing
 * one database (a replica set in production). No multi-document transactions, and no document
 * that grows with the sale:
 *
 * - An event's units (or seats) are split over partition documents; a hold takes units with one
 *   conditional update per partition (`free >= q`, `$inc`), so holds on different partitions
 *   never touch the same document and no write can oversell. Holds, waitlist entries, offers,
 *   refusals, orders, payments and audit entries are each their own small document.
 * - Every write is a conditional single-document update or an insert keyed by a unique id, so a
 *   retry after a crash at any step converges (see the package README for the layout).
 * - Nothing needs a partial or TTL index, `arrayFilters` or `$pull` with a condition, so it also
 *   runs on FerretDB.
 *
 * Indexes are created on first use.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createTicketing } from '@x/ticketing';
 * import { mongoStore } from '@x/ticketing/mongodb';
 *
 * const client = await new MongoClient(process.env.MONGODB_URI!).connect();
 * const tix = createTicketing({ store: mongoStore({ db: client.db('tickets') }) });
 * ```
 */
export function mongoStore(options: MongoStoreOptions): TicketingStore {
  return new MongoStore(options);
}

type Stored<T> = T & { _id: string };

class MongoStore implements TicketingStore {
  readonly #events: Collection<Document>;
  readonly #seatMaps: Collection<Document>;
  readonly #refusals: Collection<Document>;
  readonly #holds: Collection<Document>;
  readonly #payments: Collection<Document>;
  readonly #orders: Collection<Document>;
  readonly #audit: Collection<Document>;
  /** `_id` = event, user and idempotency key: the unique claim of a key by one hold id. */
  readonly #holdKeys: Collection<Document>;
  readonly #ledger: LedgerBackend;
  readonly #partitionSize: number | undefined;
  readonly #orderPrefix = randomBytes(4).toString('hex');
  #orderCounter = 0;
  #ready: Promise<void> | null = null;

  constructor(options: MongoStoreOptions) {
    if (typeof options !== 'object' || options === null || typeof options.db?.collection !== 'function') {
      throw new InvalidArgumentError('db', 'a mongodb Db (client.db(name))', options?.db);
    }
    assertKnownOptions('mongoStore', options, ['db', 'collectionPrefix', 'partitionSize']);
    const prefix = options.collectionPrefix ?? 'ticketing_';
    if (typeof prefix !== 'string') throw new InvalidArgumentError('collectionPrefix', 'a string', prefix);
    if (options.partitionSize !== undefined) assertInteger('partitionSize', options.partitionSize, 1);
    this.#partitionSize = options.partitionSize;
    const db = options.db;
    this.#events = db.collection(`${prefix}events`);
    this.#seatMaps = db.collection(`${prefix}seat_maps`);
    this.#refusals = db.collection(`${prefix}refusals`);
    this.#holds = db.collection(`${prefix}holds`);
    this.#payments = db.collection(`${prefix}payments`);
    this.#orders = db.collection(`${prefix}orders`);
    this.#audit = db.collection(`${prefix}audit`);
    this.#holdKeys = db.collection(`${prefix}hold_keys`);
    this.#ledger = mongoLedgerBackend(db, prefix);
  }

  openAllocator(context: AllocatorContext): Allocator {
    return new LedgerAllocator(
      this.#ledger,
      this.#records(),
      context,
      this.#partitionSize === undefined ? {} : { partitionSize: this.#partitionSize },
    );
  }

  #init(): Promise<void> {
    this.#ready ??= (async () => {
      await Promise.all([
        this.#payments.createIndex({ eventId: 1 }, { name: 'by_event' }),
        this.#orders.createIndex({ holdId: 1 }, { unique: true, name: 'one_order_per_hold' }),
        this.#orders.createIndex({ eventId: 1 }, { name: 'by_event' }),
        this.#audit.createIndex({ eventId: 1, order: 1 }, { name: 'by_event' }),
        this.#seatMaps.createIndex({ eventId: 1, chunk: 1 }, { name: 'by_event' }),
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

  /** Definitions (seat maps in chunks of their own), refusals and the audit log, for the ledger allocator. */
  #records(): LedgerRecords {
    return {
      insertDefinition: async (definition) => {
        await this.#init();
        const { seats, ...rest } = definition;
        // The seat map first (idempotent upserts): the definition, inserted last, makes the event exist.
        if (seats) {
          for (let chunk = 0; chunk * SEATS_PER_CHUNK < seats.length; chunk++) {
            await this.#seatMaps.updateOne(
              { _id: `${definition.id}#${chunk}` } as Document,
              {
                $setOnInsert: {
                  eventId: definition.id,
                  chunk,
                  seats: seats.slice(chunk * SEATS_PER_CHUNK, (chunk + 1) * SEATS_PER_CHUNK),
                },
              },
              { upsert: true },
            );
          }
        }
        try {
          await this.#events.insertOne({
            ...rest,
            _id: definition.id,
            seated: seats !== null,
            ready: false,
          } as Document);
          return true;
        } catch (error) {
          if (isDuplicateKey(error)) return false;
          throw error;
        }
      },
      getDefinition: async (eventId) => {
        await this.#init();
        const raw = await this.#events.findOne({ _id: eventId } as Document);
        if (!raw) return undefined;
        const { _id, seated, ready, ...rest } = raw;
        let seats: string[] | null = null;
        if (seated) {
          const chunks = await this.#seatMaps.find({ eventId }).sort({ chunk: 1 }).toArray();
          seats = chunks.flatMap((chunk) => chunk.seats as string[]);
        }
        return { definition: { ...(rest as Omit<EventDefinition, 'seats'>), seats }, ready: ready === true };
      },
      markReady: async (eventId) => {
        await this.#events.updateOne({ _id: eventId } as Document, { $set: { ready: true } });
      },
      listEventIds: async () => {
        await this.#init();
        const rows = await this.#events.find({}, { projection: { _id: 1 } }).toArray();
        return rows.map((row) => String(row._id));
      },
      insertRefusal: async (eventId, refusal) => {
        await this.#init();
        try {
          await this.#refusals.insertOne({ ...refusal, eventId, _id: refusal.holdId } as Document);
          return { ...refusal };
        } catch (error) {
          if (!isDuplicateKey(error)) throw error;
        }
        const { eventId: _event, ...stored } = fromStored<RefusalRecord & { eventId: string }>(
          (await this.#refusals.findOne({ _id: refusal.holdId } as Document))!,
        );
        return stored;
      },
      getRefusal: async (holdId) => {
        await this.#init();
        const raw = await this.#refusals.findOne({ _id: holdId } as Document);
        if (!raw) return undefined;
        const { eventId: _event, ...stored } = fromStored<RefusalRecord & { eventId: string }>(raw);
        return stored;
      },
      appendAudit: (entries) => this.#appendAudit(entries),
    };
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

  async appendAudit(entry: AuditEntry): Promise<void> {
    await this.#appendAudit([entry]);
  }

  /** Inserts keyed by entry id, in the order given; an entry already there (a retry) is skipped. */
  async #appendAudit(entries: readonly AuditEntry[]): Promise<void> {
    await this.#init();
    for (const entry of entries) {
      try {
        // an insert, not an upsert: half the bytes on the wire (no filter, no update operators)
        const { id, ...fields } = entry; // the id is the `_id`, stored once
        await this.#audit.insertOne({ _id: id, ...fields, order: this.#nextOrder() } as Document);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  async listAudit(eventId: string): Promise<AuditEntry[]> {
    await this.#init();
    const rows = await this.#audit.find({ eventId }).sort({ order: 1 }).toArray();
    return rows.map((row) => {
      const { _id, order, ...fields } = row;
      return { id: String(_id), ...fields } as AuditEntry;
    });
  }
}

function fromStored<T>(raw: Document): T {
  const { _id, ...rest } = raw as Stored<Document>;
  return rest as T;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
