import {
  type LedgerBackend,
  type LedgerEntry,
  type LedgerEntryStatus,
  type LedgerHold,
  type LedgerNotice,
  type LedgerReturn,
  NO_EXPIRY,
  type PartitionDoc,
  type PartitionEntry,
  type PartitionFilter,
  type Pool,
  type UserUnitsDoc,
} from './partition-ledger.js';

/**
 * The in-memory {@link LedgerBackend}: each method applies synchronously (one turn of the event
 * loop), the same single-document atomicity as MongoDB, and copies records in and out.
 *
 * @example
 * ```ts
 * const ledger = new PartitionLedger(memoryLedgerBackend());
 * ```
 */
export function memoryLedgerBackend(): LedgerBackend {
  return new MemoryLedgerBackend();
}

class MemoryLedgerBackend implements LedgerBackend {
  readonly #partitions = new Map<string, PartitionDoc[]>();
  readonly #users = new Map<string, UserUnitsDoc>();
  readonly #holds = new Map<string, LedgerHold>();
  readonly #queues = new Map<string, { head: number; seq: number }>();
  readonly #entries = new Map<string, LedgerEntry>();
  readonly #claims = new Map<string, number>();
  readonly #notices = new Map<string, LedgerNotice>();
  readonly #pending = new Set<string>();
  readonly #returns = new Map<string, LedgerReturn>();
  /** Return markers per partition (`eventId\u0000index`) and per user, as the MongoDB documents keep them. */
  readonly #returnMarks = new Set<string>();

  async createPartitions(partitions: readonly PartitionDoc[]): Promise<void> {
    const eventId = partitions[0]?.eventId;
    if (eventId === undefined || this.#partitions.has(eventId)) return;
    this.#partitions.set(
      eventId,
      // Seat maps without a prototype: a seat may be called `__proto__`.
      partitions.map((p) => ({ ...p, entries: {}, seats: Object.create(null) as Record<string, string> })),
    );
  }

  #partition(eventId: string, index: number): PartitionDoc | undefined {
    return this.#partitions.get(eventId)?.[index];
  }

  async partitionCounters(eventId: string, where: PartitionFilter = {}) {
    const { field, atLeast = 0, expiredBy, indexes } = where;
    const only = indexes ? new Set(indexes) : null;
    const partitions = (this.#partitions.get(eventId) ?? []).filter(
      (p) =>
        (field === undefined || p[field] >= atLeast) &&
        (expiredBy === undefined || p.nextExpiry <= expiredBy) &&
        (only === null || only.has(p.index)),
    );
    return partitions.map(({ index, free, pooled, nextExpiry, capacity, sold, offered }) => ({
      index,
      free,
      pooled,
      nextExpiry,
      capacity,
      sold,
      offered: offered ?? 0,
    }));
  }

  async readPartition(eventId: string, index: number): Promise<PartitionDoc | undefined> {
    const partition = this.#partition(eventId, index);
    // The entry map itself, not a copy (copying 1,000 entries per repair dominated the cost): the
    // ledger only reads it, through Object.entries/values snapshots, and entries are replaced,
    // never changed in place. The seat map is shared too: the ledger reads it synchronously
    // (picking, checks) before its next call.
    return partition ? { ...partition } : undefined;
  }

  async readSeatMap(eventId: string, index: number, holdId: string, source: Pool, quantity: number) {
    const partition = this.#partition(eventId, index);
    if (!partition || partition[source] < quantity) return undefined;
    const entry = partition.entries[holdId];
    // The seat map itself (see readPartition): the ledger picks from it before its next call.
    return { seats: partition.seats, entry: entry ? copyEntry(entry) : undefined };
  }

  async readSeats(eventId: string, index: number, seats: readonly string[]) {
    const partition = this.#partition(eventId, index);
    const owners = Object.create(null) as Record<string, string>;
    for (const seat of seats) {
      if (partition && Object.hasOwn(partition.seats, seat)) owners[seat] = partition.seats[seat]!;
    }
    return { owners, nextExpiry: partition?.nextExpiry ?? NO_EXPIRY };
  }

  async readEntry(eventId: string, index: number, holdId: string): Promise<PartitionEntry | undefined> {
    const entry = this.#partition(eventId, index)?.entries[holdId];
    return entry ? copyEntry(entry) : undefined;
  }

  async take(eventId: string, index: number, holdId: string, entry: PartitionEntry, source: Pool) {
    const partition = this.#partition(eventId, index);
    if (!partition) return undefined;
    const existing = partition.entries[holdId];
    if (existing) return copyEntry(existing);
    if (partition[source] < entry.quantity) return undefined;
    if (entry.seats?.some((seat) => Object.hasOwn(partition.seats, seat))) return undefined;
    partition[source] -= entry.quantity;
    if (entry.offer) partition.offered = (partition.offered ?? 0) + entry.quantity;
    partition.entries[holdId] = copyEntry(entry);
    for (const seat of entry.seats ?? []) partition.seats[seat] = holdId;
    partition.nextExpiry = Math.min(partition.nextExpiry, entry.expiresAt);
    partition.version++;
    return copyEntry(entry);
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
    const partition = this.#partition(eventId, index);
    if (partition?.entries[holdId]?.quantity !== quantity) return;
    delete partition.entries[holdId];
    partition[to] += quantity;
    if (offer) partition.offered = (partition.offered ?? 0) - quantity;
    if (to !== 'sold') unmap(partition, holdId, seats ?? []);
  }

  async moveUnits(eventId: string, index: number, from: Pool, to: Pool, quantity: number) {
    const partition = this.#partition(eventId, index);
    if (!partition || partition[from] < quantity) return false;
    partition[from] -= quantity;
    partition[to] += quantity;
    return true;
  }

  async readQueue(eventId: string) {
    return { ...(this.#queues.get(eventId) ?? { head: 1, seq: 0 }) };
  }

  #queue(eventId: string) {
    let queue = this.#queues.get(eventId);
    if (!queue) {
      queue = { head: 1, seq: 0 };
      this.#queues.set(eventId, queue);
    }
    return queue;
  }

  async noteSeq(eventId: string, seq: number) {
    const queue = this.#queue(eventId);
    queue.seq = Math.max(queue.seq, seq);
  }

  async advanceHead(eventId: string, from: number) {
    const queue = this.#queue(eventId);
    if (queue.head === from) queue.head++;
  }

  async insertEntry(entry: LedgerEntry) {
    if (this.#entries.has(entry.id)) return false;
    this.#entries.set(entry.id, { ...entry });
    return true;
  }

  async getEntry(eventId: string, seq: number) {
    const entry = this.#entries.get(`${eventId}#${seq}`);
    return entry ? { ...entry } : undefined;
  }

  async transitionEntry(
    eventId: string,
    seq: number,
    from: readonly LedgerEntryStatus[],
    set: Partial<Pick<LedgerEntry, 'status' | 'attempt' | 'holdId'>>,
  ) {
    const entry = this.#entries.get(`${eventId}#${seq}`);
    if (!entry || !from.includes(entry.status)) return false;
    Object.assign(entry, set);
    return true;
  }

  async claimJoin(eventId: string, userId: string, seq: number) {
    const key = `${eventId}\u0000${userId}`;
    const claimed = this.#claims.get(key);
    if (claimed !== undefined) return claimed;
    this.#claims.set(key, seq);
    return seq;
  }

  async readJoin(eventId: string, userId: string) {
    return this.#claims.get(`${eventId}\u0000${userId}`);
  }

  async releaseJoin(eventId: string, userId: string, seq: number) {
    const key = `${eventId}\u0000${userId}`;
    if (this.#claims.get(key) === seq) this.#claims.delete(key);
  }

  async insertReturn(record: LedgerReturn) {
    const existing = this.#returns.get(record.id) ?? record;
    this.#returns.set(record.id, existing);
    return structuredClone(existing);
  }

  async getReturn(returnId: string) {
    const record = this.#returns.get(returnId);
    return record ? structuredClone(record) : undefined;
  }

  async finishReturn(returnId: string) {
    const record = this.#returns.get(returnId);
    if (record) record.status = 'returned';
  }

  async unsell(
    eventId: string,
    index: number,
    returnId: string,
    quantity: number,
    to: Pool,
    seats?: { holdId: string; names: readonly string[] },
  ) {
    const mark = `${eventId}\u0000${index}\u0000${returnId}`;
    if (this.#returnMarks.has(mark)) return true;
    const partition = this.#partition(eventId, index);
    if (!partition || partition.sold < quantity) return false;
    if (seats?.names.some((seat) => !Object.hasOwn(partition.seats, seat) || partition.seats[seat] !== seats.holdId)) {
      return false;
    }
    partition.sold -= quantity;
    partition[to] += quantity;
    if (seats) unmap(partition, seats.holdId, seats.names);
    this.#returnMarks.add(mark);
    return true;
  }

  async clearReturn(eventId: string, index: number, returnId: string) {
    this.#returnMarks.delete(`${eventId}\u0000${index}\u0000${returnId}`);
  }

  async userReturn(eventId: string, userId: string, holdId: string, returnId: string, quantity: number) {
    const mark = `${eventId}\u0000${userId}\u0000user\u0000${returnId}`;
    const user = this.#users.get(`${eventId}\u0000${userId}`);
    if (!user || this.#returnMarks.has(mark)) return;
    user.units -= quantity;
    user.entries[holdId] = (user.entries[holdId] ?? 0) - quantity;
    if (user.entries[holdId] === 0) delete user.entries[holdId];
    this.#returnMarks.add(mark);
  }

  async userClearReturn(eventId: string, userId: string, returnId: string) {
    this.#returnMarks.delete(`${eventId}\u0000${userId}\u0000user\u0000${returnId}`);
  }

  async insertNotice(notice: LedgerNotice) {
    if (this.#notices.has(notice.id)) return;
    this.#notices.set(notice.id, { ...notice });
    this.#pending.add(notice.id);
  }

  async pendingNotices(limit: number) {
    const out: LedgerNotice[] = [];
    for (const id of this.#pending) {
      if (out.length >= limit) break;
      out.push({ ...this.#notices.get(id)! });
    }
    return out;
  }

  async markDelivered(noticeId: string) {
    // Delivered notices are history: dropped at once.
    if (this.#pending.delete(noticeId)) this.#notices.delete(noticeId);
  }

  async refreshEntry(eventId: string, index: number, holdId: string, expiresAt: number) {
    const partition = this.#partition(eventId, index);
    const entry = partition?.entries[holdId];
    if (partition && entry) partition.entries[holdId] = { ...entry, expiresAt };
  }

  async setNextExpiry(eventId: string, index: number, version: number, nextExpiry: number) {
    const partition = this.#partition(eventId, index);
    if (partition && partition.version === version) partition.nextExpiry = nextExpiry;
  }

  async userTake(eventId: string, userId: string, holdId: string, quantity: number, limit: number) {
    const key = `${eventId}\u0000${userId}`;
    let user = this.#users.get(key);
    if (user?.entries[holdId] !== undefined) return true;
    if ((user?.units ?? 0) + quantity > limit) return false;
    if (!user) {
      user = { units: 0, entries: {} };
      this.#users.set(key, user);
    }
    user.units += quantity;
    user.entries[holdId] = quantity;
    return true;
  }

  async userGive(eventId: string, userId: string, holdId: string) {
    const user = this.#users.get(`${eventId}\u0000${userId}`);
    const quantity = user?.entries[holdId];
    if (!user || quantity === undefined) return;
    delete user.entries[holdId];
    user.units -= quantity;
  }

  async readUser(eventId: string, userId: string) {
    const user = this.#users.get(`${eventId}\u0000${userId}`);
    return user ? structuredClone(user) : undefined;
  }

  async insertHold(hold: LedgerHold) {
    const existing = this.#holds.get(hold.id);
    if (existing) return { hold: copyHold(existing), inserted: false };
    this.#holds.set(hold.id, copyHold(hold));
    return { hold: copyHold(hold), inserted: true };
  }

  async getHold(holdId: string) {
    const hold = this.#holds.get(holdId);
    return hold ? copyHold(hold) : undefined;
  }

  async transitionHold(
    holdId: string,
    from: readonly LedgerHold['status'][],
    set: Partial<Pick<LedgerHold, 'status' | 'parts' | 'expiresAt' | 'paymentId' | 'settled' | 'extended' | 'seats'>>,
    liveAt?: number,
  ) {
    const hold = this.#holds.get(holdId);
    if (!hold || !from.includes(hold.status)) return false;
    if (liveAt !== undefined && !(hold.expiresAt > liveAt)) return false;
    Object.assign(hold, set);
    if (set.parts) hold.parts = [...set.parts];
    if (set.seats) hold.seats = [...set.seats];
    return true;
  }
}

/** A copy of an entry (its seat list too): records go in and out by value. */
function copyEntry(entry: PartitionEntry): PartitionEntry {
  return entry.seats ? { ...entry, seats: [...entry.seats] } : { ...entry };
}

/** A copy of a hold (its `parts` and `seats` too). */
function copyHold(hold: LedgerHold): LedgerHold {
  return { ...hold, parts: [...hold.parts], seats: hold.seats ? [...hold.seats] : null };
}

/** Unmaps the seats still mapped to `holdId`. */
function unmap(partition: PartitionDoc, holdId: string, seats: readonly string[]): void {
  for (const seat of seats)
    if (Object.hasOwn(partition.seats, seat) && partition.seats[seat] === holdId) delete partition.seats[seat];
}
