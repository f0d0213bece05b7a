import { describeValue } from '@x/checks';
import type { Collection, Db, Document, Filter } from 'mongodb';
import { checkKnownKeys, checkObject, checkString } from './argument-checks.js';
import { InvalidArgumentError } from './batcher-error.js';
import { FINAL_JOB_STATES, type JobRecord, type JobState, type TaskAttemptError, type TaskState } from './job.js';
import type {
  ClaimOptions,
  ItemCounts,
  ItemSettlement,
  JobItemRecord,
  JobStore,
  ListItemsOptions,
  NewJob,
} from './job-store.js';

/**
 * Options of {@link mongoJobStore}.
 *
 * @example
 * ```ts
 * const options: MongoJobStoreOptions = { db: client.db('app'), jobsCollection: 'llm_jobs' };
 * ```
 */
export interface MongoJobStoreOptions {
  /** The database (from the official `mongodb` driver). */
  db: Db;
  /** Collection of job documents. @default 'llm_batcher_jobs' */
  jobsCollection?: string;
  /** Collection of per-task item documents. @default 'llm_batcher_items' */
  itemsCollection?: string;
}

interface JobDocument {
  _id: string;
  name?: string;
  idempotencyKey?: string;
  /**
   * Always present, unique: `key:<idempotencyKey>`, or `id:<_id>` for a job created without a key.
   * A plain unique index on it does what a partial unique index on `idempotencyKey` would, and
   * works on every MongoDB-compatible server (FerretDB 1.24 has no partial indexes).
   */
  dedupeKey: string;
  state: JobState;
  total: number;
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  finishedAt?: number;
}

interface ItemDocument {
  jobId: string;
  taskId: string;
  seq: number;
  payload: unknown;
  state: TaskState;
  attempts: number;
  errors: TaskAttemptError[];
  output?: unknown;
  error?: string;
  leaseId?: string;
  leaseExpiresAt?: number;
  notBefore: number;
}

function isDuplicateKey(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 11000) return true;
  const writeErrors = (error as { writeErrors?: unknown } | null)?.writeErrors;
  return Array.isArray(writeErrors) && writeErrors.every((e) => (e as { code?: unknown }).code === 11000);
}

function dedupeKeyOf(job: NewJob): string {
  return job.idempotencyKey === undefined ? `id:${job.id}` : `key:${job.idempotencyKey}`;
}

function toRecord(doc: JobDocument): JobRecord {
  const record: JobRecord = {
    id: doc._id,
    state: doc.state,
    total: doc.total,
    createdAt: doc.createdAt,
    updatedAt: doc.updatedAt,
  };
  if (doc.name !== undefined && doc.name !== null) record.name = doc.name;
  if (doc.idempotencyKey !== undefined && doc.idempotencyKey !== null) record.idempotencyKey = doc.idempotencyKey;
  if (doc.startedAt !== undefined && doc.startedAt !== null) record.startedAt = doc.startedAt;
  if (doc.finishedAt !== undefined && doc.finishedAt !== null) record.finishedAt = doc.finishedAt;
  return record;
}

function toItem(doc: ItemDocument): JobItemRecord {
  const item: JobItemRecord = {
    jobId: doc.jobId,
    taskId: doc.taskId,
    seq: doc.seq,
    payload: doc.payload,
    state: doc.state,
    attempts: doc.attempts,
    errors: doc.errors ?? [],
    notBefore: doc.notBefore,
  };
  if (doc.output !== undefined) item.output = doc.output;
  if (doc.error !== undefined && doc.error !== null) item.error = doc.error;
  if (doc.leaseId !== undefined && doc.leaseId !== null) item.leaseId = doc.leaseId;
  if (doc.leaseExpiresAt !== undefined && doc.leaseExpiresAt !== null) item.leaseExpiresAt = doc.leaseExpiresAt;
  return item;
}

class MongoJobStore implements JobStore {
  readonly #jobs: Collection<JobDocument>;
  readonly #items: Collection<ItemDocument>;
  #indexes: Promise<void> | undefined;

  constructor(db: Db, jobsCollection: string, itemsCollection: string) {
    this.#jobs = db.collection<JobDocument>(jobsCollection);
    this.#items = db.collection<ItemDocument>(itemsCollection);
  }

  /** Creates the indexes once per store (idempotent on the server). */
  #ready(): Promise<void> {
    this.#indexes ??= (async () => {
      // invariant: one job per idempotency key (jobs without a key get their own id as dedupe key)
      await this.#jobs.createIndex({ dedupeKey: 1 }, { unique: true, name: 'dedupeKey_unique' });
      // invariant: one item per (job, task); re-inserting after a crash cannot duplicate a task
      await this.#items.createIndex({ jobId: 1, taskId: 1 }, { unique: true, name: 'jobId_taskId_unique' });
      await this.#items.createIndex({ jobId: 1, state: 1, seq: 1 }, { name: 'jobId_state_seq' });
      await this.#items.createIndex({ jobId: 1, seq: 1 }, { name: 'jobId_seq' });
    })().catch((error: unknown) => {
      this.#indexes = undefined;
      throw error;
    });
    return this.#indexes;
  }

  async createJob(job: NewJob): Promise<{ job: JobRecord; created: boolean }> {
    await this.#ready();
    if (job.idempotencyKey !== undefined) {
      const existing = await this.#jobs.findOne({ dedupeKey: dedupeKeyOf(job) });
      if (existing) return { job: toRecord(existing), created: false };
    }
    // Items first, then the job document: a job is visible only once all its items exist. A crash
    // in between leaves orphan items of a job id nobody knows, never a job with missing tasks.
    const items: ItemDocument[] = job.tasks.map((task, seq) => ({
      jobId: job.id,
      taskId: task.id,
      seq,
      payload: task.payload,
      state: 'pending',
      attempts: 0,
      errors: [],
      notBefore: 0,
    }));
    for (let start = 0; start < items.length; start += 1000) {
      await this.#items.insertMany(items.slice(start, start + 1000), { ordered: false });
    }
    const doc: JobDocument = {
      _id: job.id,
      state: 'queued',
      total: job.tasks.length,
      createdAt: job.createdAt,
      updatedAt: job.createdAt,
      dedupeKey: dedupeKeyOf(job),
      ...(job.name === undefined ? {} : { name: job.name }),
      ...(job.idempotencyKey === undefined ? {} : { idempotencyKey: job.idempotencyKey }),
    };
    try {
      await this.#jobs.insertOne(doc);
    } catch (error) {
      if (job.idempotencyKey === undefined || !isDuplicateKey(error)) throw error;
      // lost a race on the idempotency key: drop our items, return the winner
      await this.#items.deleteMany({ jobId: job.id });
      const winner = await this.#jobs.findOne({ dedupeKey: dedupeKeyOf(job) });
      if (!winner) throw error;
      return { job: toRecord(winner), created: false };
    }
    return { job: toRecord(doc), created: true };
  }

  async getJob(jobId: string): Promise<JobRecord | undefined> {
    const doc = await this.#jobs.findOne({ _id: jobId });
    return doc ? toRecord(doc) : undefined;
  }

  async transitionJob(
    jobId: string,
    from: readonly JobState[],
    to: JobState,
    now: number,
  ): Promise<JobRecord | undefined> {
    const set: Partial<JobDocument> = { state: to, updatedAt: now };
    if (FINAL_JOB_STATES.includes(to)) set.finishedAt = now;
    // startedAt is set only by the first move to running, through an aggregation-free $min
    const update: Document = { $set: set };
    if (to === 'running') update.$min = { startedAt: now };
    const doc = await this.#jobs.findOneAndUpdate({ _id: jobId, state: { $in: [...from] } }, update, {
      returnDocument: 'after',
    });
    return doc ? toRecord(doc) : undefined;
  }

  async claimItems(jobId: string, options: ClaimOptions): Promise<JobItemRecord[]> {
    const claimed: JobItemRecord[] = [];
    const filter: Filter<ItemDocument> = {
      jobId,
      $or: [
        { state: 'pending', notBefore: { $lte: options.now } },
        { state: 'leased', leaseExpiresAt: { $lte: options.now } },
      ],
    };
    // One atomic conditional update per item: two runners can never lease the same item at once.
    while (claimed.length < options.limit) {
      const doc = await this.#items.findOneAndUpdate(
        filter,
        { $set: { state: 'leased', leaseId: options.leaseId, leaseExpiresAt: options.now + options.leaseMs } },
        { sort: { seq: 1 }, returnDocument: 'after' },
      );
      if (!doc) break;
      claimed.push(toItem(doc));
    }
    return claimed;
  }

  async renewLease(
    jobId: string,
    taskIds: readonly string[],
    leaseId: string,
    leaseExpiresAt: number,
  ): Promise<number> {
    const result = await this.#items.updateMany(
      { jobId, taskId: { $in: [...taskIds] }, state: 'leased', leaseId },
      { $set: { leaseExpiresAt } },
    );
    return result.modifiedCount;
  }

  async settleItem(jobId: string, taskId: string, leaseId: string, settlement: ItemSettlement): Promise<boolean> {
    const set: Partial<ItemDocument> = {
      state: settlement.state,
      attempts: settlement.attempts,
      errors: settlement.errors,
    };
    if (settlement.state === 'succeeded') set.output = settlement.output;
    if (settlement.state === 'failed') set.error = settlement.error;
    if (settlement.state === 'pending') set.notBefore = settlement.notBefore;
    // invariant: written only while our lease holds, so each result is written exactly once
    const result = await this.#items.updateOne(
      { jobId, taskId, state: 'leased', leaseId },
      { $set: set, $unset: { leaseId: '', leaseExpiresAt: '' } },
    );
    return result.modifiedCount === 1;
  }

  async cancelItems(jobId: string, now: number): Promise<number> {
    const result = await this.#items.updateMany(
      { jobId, $or: [{ state: 'pending' }, { state: 'leased', leaseExpiresAt: { $lte: now } }] },
      { $set: { state: 'cancelled' }, $unset: { leaseId: '', leaseExpiresAt: '' } },
    );
    return result.modifiedCount;
  }

  async countItems(jobId: string): Promise<ItemCounts> {
    const counts: ItemCounts = { pending: 0, leased: 0, succeeded: 0, failed: 0, cancelled: 0, attempts: 0 };
    // Grouped by (state, attempts) with a single accumulator, summed here: at most 5 states x
    // max-attempts groups. (FerretDB 1.24 returns 0 for every $group accumulator after the first.)
    const groups = await this.#items
      .aggregate<{ _id: { state: TaskState; attempts: number }; count: number }>([
        { $match: { jobId } },
        { $group: { _id: { state: '$state', attempts: '$attempts' }, count: { $sum: 1 } } },
      ])
      .toArray();
    for (const { _id: group, count } of groups) {
      if (group.state in counts) counts[group.state as keyof Omit<ItemCounts, 'attempts'>] += count;
      counts.attempts += group.attempts * count;
    }
    return counts;
  }

  async listItems(jobId: string, options: ListItemsOptions): Promise<JobItemRecord[]> {
    const filter: Filter<ItemDocument> = { jobId, seq: { $gt: options.afterSeq } };
    if (options.states) filter.state = { $in: [...options.states] };
    const docs = await this.#items.find(filter).sort({ seq: 1 }).limit(options.limit).toArray();
    return docs.map(toItem);
  }
}

/**
 * A {@link JobStore} in MongoDB, through the official `mongodb` driver (an optional peer
 * dependency). Jobs are one document each; every task of a job is an item document with a unique
 * `(jobId, taskId)` index. Claims are conditional `findOneAndUpdate`s, result writes are
 * `updateOne`s conditional on the lease id, the idempotency key has a unique index: no
 * multi-document transaction is needed, and several processes may share a job. Indexes are
 * created on first use.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createBatcher } from '@x/llm-batcher';
import { mongoJobStore, mongoTaskSource } from '@x/llm-batcher/mongodb';
 *
 * const mongo = await new MongoClient(process.env.MONGODB_URI!).connect();
 * const db = mongo.db('app');
 * const batcher = createBatcher({
 *   source: mongoTaskSource({ collection: db.collection('tasks') }),
 *   store: mongoJobStore({ db }),
 *   client,
 * });
 * ```
 */
export function mongoJobStore(options: MongoJobStoreOptions): JobStore {
  const record = checkObject('options', options);
  checkKnownKeys('mongoJobStore', record, ['db', 'jobsCollection', 'itemsCollection']);
  if (typeof (options.db as { collection?: unknown } | undefined)?.collection !== 'function') {
    throw new InvalidArgumentError(`Expected \`db\` to be a MongoDB Db, got ${describeValue(options.db)}`);
  }
  return new MongoJobStore(
    options.db,
    checkString('jobsCollection', options.jobsCollection ?? 'llm_batcher_jobs'),
    checkString('itemsCollection', options.itemsCollection ?? 'llm_batcher_items'),
  );
}
