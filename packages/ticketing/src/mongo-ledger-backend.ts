import type { Collection, Db, Document } from 'mongodb';
import { fieldKey, fromFieldKey } from './field-key.js';
import type {
  LedgerBackend,
  LedgerEntry,
  LedgerEntryStatus,
  LedgerHold,
  LedgerNotice,
  LedgerReturn,
  PartitionDoc,
  PartitionEntry,
  PartitionFilter,
  Pool,
  UserUnitsDoc,
} from './partition-ledger.js';

/**
 * The {@link LedgerBackend} on MongoDB (official driver 7). Collections (`<prefix>partitions`,
 * `<prefix>ledger_holds`, `<prefix>user_units`, `<prefix>queues`, `<prefix>waitlist`,
 * `<prefix>waitlist_claims`, `<prefix>offer_outbox`); every write is one conditional `updateOne` /
 * `insertOne` on one small document, with no `arrayFilters`, no `$pull` with a condition and no
 * partial or TTL index, so it runs on MongoDB and on FerretDB 1.24 alike:
 *
 * - take: `updateOne({ _id, free: { $gte: q }, 'entries.<hold>': { $exists: false }[, 'seats.<seat>': { $exists: false } …] },
 *   { $inc: { free: -q, version: 1 }, $set: { 'entries.<hold>': …[, 'seats.<seat>': hold …] }, $min: { nextExpiry } })`;
 * - settle: `updateOne({ _id, 'entries.<hold>.quantity': q }, { $unset: { 'entries.<hold>': ''[, 'seats.<seat>': '' …] }, $inc: { free | sold: q } })`
 *   (seats stay mapped when sold);
 * - seat return: `updateOne({ _id, sold: { $gte: q }, 'returns.<id>': { $exists: false }, 'seats.<seat>': hold … },
 *   { $inc: { sold: -q, free: q }, $unset: { 'seats.<seat>': '' … }, $set: { 'returns.<id>': q } })`;
 * - user limit: `updateOne({ _id, units: { $lte: limit - q }, 'entries.<hold>': { $exists: false } }, { $inc: { units: q }, … })`;
 * - hold transitions: `updateOne({ _id, status: { $in: from }[, expiresAt: { $gt: now }] }, { $set })`.
 *
 * @example
 * ```ts
 * const ledger = new PartitionLedger(mongoLedgerBackend(client.db('tickets')));
 * ```
 */
export function mongoLedgerBackend(db: Db, collectionPrefix = 'ticketing_'): LedgerBackend {
  return new MongoLedgerBackend(db, collectionPrefix);
}

function partitionId(eventId: string, index: number): string {
  return `${eventId}\u0000${index}`;
}

function userId(eventId: string, user: string): string {
  return `${eventId}\u0000${user}`;
}

function decodeEntries<T>(raw: unknown): Record<string, T> {
  // No prototype: a seat may be called `__proto__`.
  const out = Object.create(null) as Record<string, T>;
  for (const [key, value] of Object.entries((raw ?? {}) as Record<string, T>)) out[fromFieldKey(key)] = value;
  return out;
}

class MongoLedgerBackend implements LedgerBackend {
  readonly #partitions: Collection<Document>;
  readonly #holds: Collection<Document>;
  readonly #users: Collection<Document>;
  readonly #queues: Collection<Document>;
  readonly #entries: Collection<Document>;
  readonly #claims: Collection<Document>;
  readonly #outbox: Collection<Document>;
  readonly #returns: Collection<Document>;
  #order = 0;
  #ready: Promise<void> | null = null;

  constructor(db: Db, prefix: string) {
    this.#partitions = db.collection(`${prefix}partitions`);
    this.#holds = db.collection(`${prefix}ledger_holds`);
    this.#users = db.collection(`${prefix}user_units`);
    this.#queues = db.collection(`${prefix}queues`);
    this.#entries = db.collection(`${prefix}waitlist`);
    this.#claims = db.collection(`${prefix}waitlist_claims`);
    this.#outbox = db.collection(`${prefix}offer_outbox`);
    this.#returns = db.collection(`${prefix}ledger_returns`);
  }

  #init(): Promise<void> {
    this.#ready ??= Promise.all([
      this.#partitions.createIndex({ eventId: 1, index: 1 }, { unique: true, name: 'by_event' }),
      this.#outbox.createIndex({ delivered: 1, order: 1 }, { name: 'pending' }),
    ])
      .then(() => undefined)
      .catch((error: unknown) => {
        this.#ready = null;
        throw error;
      });
    return this.#ready;
  }

  async createPartitions(partitions: readonly PartitionDoc[]): Promise<void> {
    await this.#init();
    for (const partition of partitions) {
      try {
        await this.#partitions.insertOne({
          ...partition,
          _id: partitionId(partition.eventId, partition.index),
        } as Document);
      } catch (error) {
        if (!isDuplicateKey(error)) throw error;
      }
    }
  }

  async partitionCounters(eventId: string, where: PartitionFilter = {}) {
    await this.#init();
    const query: Document = { eventId };
    if (where.field !== undefined) query[where.field] = { $gte: where.atLeast ?? 0 };
    if (where.expiredBy !== undefined) query.nextExpiry = { $lte: where.expiredBy };
    if (where.indexes !== undefined) query.index = { $in: [...where.indexes] };
    const rows = await this.#partitions
      .find(query, { projection: { index: 1, free: 1, pooled: 1, nextExpiry: 1, capacity: 1, sold: 1, offered: 1 } })
      .sort({ index: 1 })
      .toArray();
    return rows.map((row) => ({
      index: row.index as number,
      free: row.free as number,
      pooled: row.pooled as number,
      nextExpiry: row.nextExpiry as number,
      capacity: row.capacity as number,
      sold: row.sold as number,
      offered: (row.offered as number | undefined) ?? 0,
    }));
  }

  async readPartition(eventId: string, index: number): Promise<PartitionDoc | undefined> {
    const raw = await this.#partitions.findOne({ _id: partitionId(eventId, index) } as Document);
    if (!raw) return undefined;
    const { _id, ...rest } = raw;
    return {
      ...(rest as PartitionDoc),
      entries: decodeEntries<PartitionEntry>(raw.entries),
      seats: decodeEntries<string>(raw.seats),
    };
  }

  async readSeatMap(eventId: string, index: number, holdId: string, source: Pool, quantity: number) {
    const key = fieldKey(holdId);
    const raw = await this.#partitions.findOne(
      { _id: partitionId(eventId, index), [source]: { $gte: quantity } } as Document,
      { projection: { seats: 1, [`entries.${key}`]: 1 } },
    );
    if (!raw) return undefined;
    const entry = (raw.entries as Record<string, PartitionEntry> | undefined)?.[key];
    return { seats: decodeEntries<string>(raw.seats), entry: entry ? storedEntry(entry) : undefined };
  }

  async readSeats(eventId: string, index: number, seats: readonly string[]) {
    const projection: Document = { nextExpiry: 1 };
    for (const seat of seats) projection[`seats.${fieldKey(seat)}`] = 1;
    const raw = await this.#partitions.findOne({ _id: partitionId(eventId, index) } as Document, { projection });
    return {
      owners: decodeEntries<string>(raw?.seats),
      nextExpiry: (raw?.nextExpiry as number | undefined) ?? Number.MAX_SAFE_INTEGER,
    };
  }

  async readEntry(eventId: string, index: number, holdId: string): Promise<PartitionEntry | undefined> {
    const key = `entries.${fieldKey(holdId)}`;
    const raw = await this.#partitions.findOne({ _id: partitionId(eventId, index) } as Document, {
      projection: { [key]: 1 },
    });
    const entry = (raw?.entries as Record<string, PartitionEntry> | undefined)?.[fieldKey(holdId)];
    return entry ? storedEntry(entry) : undefined;
  }

  async take(eventId: string, index: number, holdId: string, entry: PartitionEntry, source: Pool) {
    const key = `entries.${fieldKey(holdId)}`;
    const filter: Document = {
      _id: partitionId(eventId, index),
      [source]: { $gte: entry.quantity },
      [key]: { $exists: false },
    };
    const stored = storedEntry(entry);
    const set: Document = { [key]: stored };
    for (const seat of entry.seats ?? []) {
      filter[`seats.${fieldKey(seat)}`] = { $exists: false };
      set[`seats.${fieldKey(seat)}`] = holdId;
    }
    const written = await this.#partitions.updateOne(filter, {
      $inc: { [source]: -entry.quantity, version: 1, ...(entry.offer ? { offered: entry.quantity } : {}) },
      $set: set,
      $min: { nextExpiry: entry.expiresAt },
    });
    if (written.matchedCount === 1) return stored;
    return this.readEntry(eventId, index, holdId);
  }

  async settleEntry(
    eventId: string,
    index: number,
    holdId: string,
    quantity: number,
    to: Pool | 'sold',
    seats?: readonly string[],
    offer = false,
  ) {
    const key = `entries.${fieldKey(holdId)}`;
    const unset: Document = { [key]: '' };
    if (to !== 'sold') for (const seat of seats ?? []) unset[`seats.${fieldKey(seat)}`] = '';
    await this.#partitions.updateOne({ _id: partitionId(eventId, index), [`${key}.quantity`]: quantity } as Document, {
      $unset: unset,
      $inc: offer ? { [to]: quantity, offered: -quantity } : { [to]: quantity },
    });
  }

  async moveUnits(eventId: string, index: number, from: Pool, to: Pool, quantity: number) {
    const written = await this.#partitions.updateOne(
      { _id: partitionId(eventId, index), [from]: { $gte: quantity } } as Document,
      { $inc: { [from]: -quantity, [to]: quantity } },
    );
    return written.matchedCount === 1;
  }

  async readQueue(eventId: string) {
    const raw = await this.#queues.findOne({ _id: eventId } as Document);
    return { head: (raw?.head as number | undefined) ?? 1, seq: (raw?.seq as number | undefined) ?? 0 };
  }

  async #ensureQueue(eventId: string): Promise<void> {
    try {
      await this.#queues.insertOne({ _id: eventId, head: 1, seq: 0 } as Document);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async noteSeq(eventId: string, seq: number) {
    const written = await this.#queues.updateOne({ _id: eventId } as Document, { $max: { seq } });
    if (written.matchedCount === 0) {
      await this.#ensureQueue(eventId);
      await this.#queues.updateOne({ _id: eventId } as Document, { $max: { seq } });
    }
  }

  async advanceHead(eventId: string, from: number) {
    const written = await this.#queues.updateOne({ _id: eventId, head: from } as Document, { $inc: { head: 1 } });
    if (written.matchedCount === 0 && from === 1) {
      await this.#ensureQueue(eventId);
      await this.#queues.updateOne({ _id: eventId, head: from } as Document, { $inc: { head: 1 } });
    }
  }

  async insertEntry(entry: LedgerEntry) {
    try {
      await this.#entries.insertOne({ ...entry, _id: entry.id } as Document);
      return true;
    } catch (error) {
      if (isDuplicateKey(error)) return false;
      throw error;
    }
  }

  async getEntry(eventId: string, seq: number) {
    const raw = await this.#entries.findOne({ _id: `${eventId}#${seq}` } as Document);
    if (!raw) return undefined;
    const { _id, ...rest } = raw;
    return rest as LedgerEntry;
  }

  async transitionEntry(
    eventId: string,
    seq: number,
    from: readonly LedgerEntryStatus[],
    set: Partial<Pick<LedgerEntry, 'status' | 'attempt' | 'holdId'>>,
  ) {
    const written = await this.#entries.updateOne(
      { _id: `${eventId}#${seq}`, status: { $in: [...from] } } as Document,
      { $set: set },
    );
    return written.matchedCount === 1;
  }

  async claimJoin(eventId: string, user: string, seq: number) {
    const _id = userId(eventId, user);
    try {
      await this.#claims.insertOne({ _id, seq } as Document);
      return seq;
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const raw = await this.#claims.findOne({ _id } as Document);
    return (raw?.seq as number | undefined) ?? seq;
  }

  async readJoin(eventId: string, user: string) {
    const raw = await this.#claims.findOne({ _id: userId(eventId, user) } as Document);
    return raw?.seq as number | undefined;
  }

  async releaseJoin(eventId: string, user: string, seq: number) {
    await this.#claims.deleteMany({ _id: userId(eventId, user), seq } as Document);
  }

  async insertReturn(record: LedgerReturn) {
    try {
      await this.#returns.insertOne({ ...record, _id: record.id } as Document);
      return structuredClone(record);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    const { _id, ...rest } = (await this.#returns.findOne({ _id: record.id } as Document))!;
    return rest as LedgerReturn;
  }

  async getReturn(returnId: string) {
    const raw = await this.#returns.findOne({ _id: returnId } as Document);
    if (!raw) return undefined;
    const { _id, ...rest } = raw;
    return rest as LedgerReturn;
  }

  async finishReturn(returnId: string) {
    await this.#returns.updateOne({ _id: returnId } as Document, { $set: { status: 'returned' } });
  }

  async unsell(
    eventId: string,
    index: number,
    returnId: string,
    quantity: number,
    to: Pool,
    seats?: { holdId: string; names: readonly string[] },
  ) {
    const mark = `returns.${fieldKey(returnId)}`;
    const filter: Document = { _id: partitionId(eventId, index), sold: { $gte: quantity }, [mark]: { $exists: false } };
    const update: Document = { $inc: { sold: -quantity, [to]: quantity }, $set: { [mark]: quantity } };
    if (seats && seats.names.length > 0) {
      const unset: Document = {};
      for (const seat of seats.names) {
        filter[`seats.${fieldKey(seat)}`] = seats.holdId;
        unset[`seats.${fieldKey(seat)}`] = '';
      }
      update.$unset = unset;
    }
    const written = await this.#partitions.updateOne(filter, update);
    if (written.matchedCount === 1) return true;
    const marked = await this.#partitions.findOne(
      { _id: partitionId(eventId, index), [mark]: { $exists: true } } as Document,
      { projection: { _id: 1 } },
    );
    return marked !== null;
  }

  async clearReturn(eventId: string, index: number, returnId: string) {
    await this.#partitions.updateOne({ _id: partitionId(eventId, index) } as Document, {
      $unset: { [`returns.${fieldKey(returnId)}`]: '' },
    });
  }

  async userReturn(eventId: string, user: string, holdId: string, returnId: string, quantity: number) {
    const mark = `returns.${fieldKey(returnId)}`;
    await this.#users.updateOne({ _id: userId(eventId, user), [mark]: { $exists: false } } as Document, {
      $inc: { units: -quantity, [`entries.${fieldKey(holdId)}`]: -quantity },
      $set: { [mark]: quantity },
    });
  }

  async userClearReturn(eventId: string, user: string, returnId: string) {
    await this.#users.updateOne({ _id: userId(eventId, user) } as Document, {
      $unset: { [`returns.${fieldKey(returnId)}`]: '' },
    });
  }

  async insertNotice(notice: LedgerNotice) {
    const order = `${Date.now().toString(36).padStart(9, '0')}${(++this.#order).toString(36).padStart(7, '0')}`;
    try {
      await this.#outbox.insertOne({ ...notice, _id: notice.id, order } as Document);
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
  }

  async pendingNotices(limit: number) {
    await this.#init();
    const rows = await this.#outbox.find({ delivered: false }).sort({ order: 1 }).limit(limit).toArray();
    return rows.map(({ _id, order, ...notice }) => notice as LedgerNotice);
  }

  async markDelivered(noticeId: string) {
    // Delivered notices are history (the audit log records the delivery): removed, as on the
    // memory backend, so the outbox holds only what is pending and its query stays small.
    await this.#outbox.deleteMany({ _id: noticeId } as Document);
  }

  async refreshEntry(eventId: string, index: number, holdId: string, expiresAt: number) {
    const key = `entries.${fieldKey(holdId)}`;
    await this.#partitions.updateOne({ _id: partitionId(eventId, index), [key]: { $exists: true } } as Document, {
      $set: { [`${key}.expiresAt`]: expiresAt },
    });
  }

  async setNextExpiry(eventId: string, index: number, version: number, nextExpiry: number) {
    await this.#partitions.updateOne({ _id: partitionId(eventId, index), version } as Document, {
      $set: { nextExpiry },
    });
  }

  async userTake(eventId: string, user: string, holdId: string, quantity: number, limit: number) {
    const _id = userId(eventId, user);
    const key = `entries.${fieldKey(holdId)}`;
    for (let attempt = 0; attempt < 4; attempt++) {
      const written = await this.#users.updateOne(
        { _id, units: { $lte: limit - quantity }, [key]: { $exists: false } } as Document,
        { $inc: { units: quantity }, $set: { [key]: quantity } },
      );
      if (written.matchedCount === 1) return true;
      const raw = await this.#users.findOne({ _id } as Document, { projection: { [key]: 1 } });
      if (raw) return (raw.entries as Record<string, number> | undefined)?.[fieldKey(holdId)] !== undefined;
      if (quantity > limit) return false;
      try {
        await this.#users.insertOne({ _id, units: quantity, entries: { [fieldKey(holdId)]: quantity } } as Document);
        return true;
      } catch (error) {
        if (!isDuplicateKey(error)) throw error; // created concurrently: go through the guard again
      }
    }
    return false;
  }

  async userGive(eventId: string, user: string, holdId: string) {
    const _id = userId(eventId, user);
    const key = `entries.${fieldKey(holdId)}`;
    const raw = await this.#users.findOne({ _id } as Document, { projection: { [key]: 1 } });
    const quantity = (raw?.entries as Record<string, number> | undefined)?.[fieldKey(holdId)];
    if (quantity === undefined) return;
    await this.#users.updateOne({ _id, [key]: quantity } as Document, {
      $unset: { [key]: '' },
      $inc: { units: -quantity },
    });
  }

  async readUser(eventId: string, user: string): Promise<UserUnitsDoc | undefined> {
    const raw = await this.#users.findOne({ _id: userId(eventId, user) } as Document);
    return raw ? { units: raw.units as number, entries: decodeEntries<number>(raw.entries) } : undefined;
  }

  async insertHold(hold: LedgerHold) {
    try {
      await this.#holds.insertOne({ ...hold, _id: hold.id } as Document);
      return { hold: { ...hold, parts: [...hold.parts] }, inserted: true };
    } catch (error) {
      if (!isDuplicateKey(error)) throw error;
    }
    return { hold: (await this.getHold(hold.id))!, inserted: false };
  }

  async getHold(holdId: string): Promise<LedgerHold | undefined> {
    const raw = await this.#holds.findOne({ _id: holdId } as Document);
    if (!raw) return undefined;
    const { _id, ...rest } = raw;
    return { ...(rest as LedgerHold), seats: (raw.seats as string[] | null | undefined) ?? null };
  }

  async transitionHold(
    holdId: string,
    from: readonly LedgerHold['status'][],
    set: Partial<Pick<LedgerHold, 'status' | 'parts' | 'expiresAt' | 'paymentId' | 'settled' | 'extended' | 'seats'>>,
    liveAt?: number,
  ) {
    const filter: Document = { _id: holdId, status: { $in: [...from] } };
    if (liveAt !== undefined) filter.expiresAt = { $gt: liveAt };
    const written = await this.#holds.updateOne(filter, { $set: set });
    return written.matchedCount === 1;
  }
}

/** An entry as stored: the seats only when it has any (general-admission entries stay two fields). */
function storedEntry(entry: PartitionEntry): PartitionEntry {
  const stored: PartitionEntry = { quantity: entry.quantity, expiresAt: entry.expiresAt };
  if (entry.offer) stored.offer = true;
  if (entry.seats) stored.seats = [...entry.seats];
  return stored;
}

function isDuplicateKey(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}
