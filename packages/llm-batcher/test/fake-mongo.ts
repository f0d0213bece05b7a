/**
 * A small in-process stand-in for the parts of the official MongoDB driver that the MongoDB
 * adapters use (filters with $or/$in/$lte/$gt/$type, $set/$unset/$min updates, sort/limit,
 * unique indexes, a $match + $group aggregation). It lets the contract suite
 * exercise the adapters' logic when no server is available; it is not a substitute for the real
 * suite, which runs when MONGODB_URI is set.
 */
type Doc = Record<string, unknown>;

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(a) < String(b) ? -1 : String(a) > String(b) ? 1 : 0;
}

function matchesCondition(value: unknown, condition: unknown): boolean {
  if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
    const ops = condition as Record<string, unknown>;
    if (Object.keys(ops).some((k) => k.startsWith('$'))) {
      return Object.entries(ops).every(([op, arg]) => {
        switch (op) {
          case '$in':
            return (arg as unknown[]).some((candidate) => candidate === value);
          case '$lte':
            return value !== undefined && value !== null && compare(value, arg) <= 0;
          case '$gt':
            return value !== undefined && value !== null && compare(value, arg) > 0;
          case '$type':
            return arg === 'string' ? typeof value === 'string' : false;
          default:
            throw new Error(`fake-mongo: unsupported operator ${op}`);
        }
      });
    }
  }
  return value === condition;
}

export function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([key, condition]) => {
    if (key === '$or') return (condition as Doc[]).some((branch) => matches(doc, branch));
    return matchesCondition(doc[key], condition);
  });
}

function applyUpdate(doc: Doc, update: Doc): void {
  for (const [op, fields] of Object.entries(update)) {
    for (const [key, value] of Object.entries(fields as Doc)) {
      if (op === '$set') doc[key] = structuredClone(value);
      else if (op === '$unset') delete doc[key];
      else if (op === '$min') {
        if (doc[key] === undefined || compare(value, doc[key]) < 0) doc[key] = value;
      } else throw new Error(`fake-mongo: unsupported update ${op}`);
    }
  }
}

interface Index {
  keys: string[];
  unique: boolean;
  partial?: Doc;
}

class DuplicateKeyError extends Error {
  code = 11000;
}

class FakeCursor {
  #docs: Doc[];
  constructor(docs: Doc[]) {
    this.#docs = docs;
  }
  sort(spec: Record<string, 1 | -1>): this {
    const entries = Object.entries(spec);
    this.#docs.sort((a, b) => {
      for (const [key, direction] of entries) {
        const c = compare(a[key], b[key]);
        if (c !== 0) return c * direction;
      }
      return 0;
    });
    return this;
  }
  limit(n: number): this {
    this.#docs = this.#docs.slice(0, n);
    return this;
  }
  async toArray(): Promise<Doc[]> {
    return this.#docs.map((doc) => structuredClone(doc));
  }
}

export class FakeCollection {
  readonly docs: Doc[] = [];
  readonly indexes: Index[] = [];
  #nextId = 1;

  async createIndex(spec: Record<string, number>, options: { unique?: boolean; partialFilterExpression?: Doc } = {}) {
    this.indexes.push({
      keys: Object.keys(spec),
      unique: options.unique === true,
      ...(options.partialFilterExpression ? { partial: options.partialFilterExpression } : {}),
    });
    return Object.keys(spec).join('_');
  }

  #checkUnique(doc: Doc): void {
    const uniques: Index[] = [{ keys: ['_id'], unique: true }, ...this.indexes.filter((i) => i.unique)];
    for (const index of uniques) {
      if (index.partial && !matches(doc, index.partial)) continue;
      const clash = this.docs.some(
        (other) => (!index.partial || matches(other, index.partial)) && index.keys.every((k) => other[k] === doc[k]),
      );
      if (clash) throw new DuplicateKeyError(`E11000 duplicate key on ${index.keys.join(',')}`);
    }
  }

  async insertOne(doc: Doc) {
    const copy = structuredClone(doc);
    copy._id ??= `oid-${this.#nextId++}`;
    this.#checkUnique(copy);
    this.docs.push(copy);
    return { insertedId: copy._id };
  }

  async insertMany(docs: Doc[], _options?: { ordered?: boolean }) {
    const writeErrors: Array<{ code: number }> = [];
    for (const doc of docs) {
      try {
        await this.insertOne(doc);
      } catch {
        writeErrors.push({ code: 11000 });
      }
    }
    if (writeErrors.length > 0) throw Object.assign(new Error('E11000 bulk'), { code: 11000, writeErrors });
    return { insertedCount: docs.length };
  }

  async findOne(filter: Doc) {
    const doc = this.docs.find((d) => matches(d, filter));
    return doc ? structuredClone(doc) : null;
  }

  find(filter: Doc) {
    return new FakeCursor(this.docs.filter((d) => matches(d, filter)));
  }

  async findOneAndUpdate(
    filter: Doc,
    update: Doc,
    options: { sort?: Record<string, 1 | -1>; returnDocument?: string } = {},
  ) {
    const candidates = this.docs.filter((d) => matches(d, filter));
    if (options.sort) {
      const entries = Object.entries(options.sort);
      candidates.sort((a, b) => {
        for (const [key, direction] of entries) {
          const c = compare(a[key], b[key]);
          if (c !== 0) return c * direction;
        }
        return 0;
      });
    }
    const doc = candidates[0];
    if (!doc) return null;
    const before = structuredClone(doc);
    applyUpdate(doc, update);
    return structuredClone(options.returnDocument === 'after' ? doc : before);
  }

  async updateOne(filter: Doc, update: Doc) {
    const doc = this.docs.find((d) => matches(d, filter));
    if (doc) applyUpdate(doc, update);
    return { matchedCount: doc ? 1 : 0, modifiedCount: doc ? 1 : 0 };
  }

  async updateMany(filter: Doc, update: Doc) {
    const hits = this.docs.filter((d) => matches(d, filter));
    for (const doc of hits) applyUpdate(doc, update);
    return { matchedCount: hits.length, modifiedCount: hits.length };
  }

  async deleteMany(filter: Doc) {
    const before = this.docs.length;
    const keep = this.docs.filter((d) => !matches(d, filter));
    this.docs.length = 0;
    this.docs.push(...keep);
    return { deletedCount: before - keep.length };
  }

  aggregate(pipeline: Doc[]) {
    let docs = this.docs;
    const out: Doc[] = [];
    for (const stage of pipeline) {
      if (stage.$match) docs = docs.filter((d) => matches(d, stage.$match as Doc));
      else if (stage.$group) {
        const spec = stage.$group as Record<string, unknown>;
        // `_id` is a `$field` or an object of them ({ state: '$state', attempts: '$attempts' })
        const groupKey = (doc: Doc): unknown =>
          typeof spec._id === 'string'
            ? doc[spec._id.slice(1)]
            : Object.fromEntries(
                Object.entries(spec._id as Record<string, string>).map(([name, path]) => [name, doc[path.slice(1)]]),
              );
        const groups = new Map<string, Doc>();
        for (const doc of docs) {
          const key = groupKey(doc);
          let group = groups.get(JSON.stringify(key));
          if (!group) {
            group = { _id: key };
            for (const name of Object.keys(spec)) if (name !== '_id') group[name] = 0;
            groups.set(JSON.stringify(key), group);
          }
          for (const [name, acc] of Object.entries(spec)) {
            if (name === '_id') continue;
            const sum = (acc as { $sum: unknown }).$sum;
            const add = typeof sum === 'string' ? Number(doc[sum.slice(1)] ?? 0) : Number(sum);
            group[name] = (group[name] as number) + add;
          }
        }
        out.push(...groups.values());
        docs = out;
      } else throw new Error('fake-mongo: unsupported stage');
    }
    return { toArray: async () => docs.map((d) => structuredClone(d)) };
  }
}

export class FakeDb {
  readonly #collections = new Map<string, FakeCollection>();
  collection(name: string): FakeCollection {
    let collection = this.#collections.get(name);
    if (!collection) {
      collection = new FakeCollection();
      this.#collections.set(name, collection);
    }
    return collection;
  }
}
