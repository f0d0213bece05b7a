import type { Db } from 'mongodb';

/**
 * An in-process stand-in for the small part of the MongoDB driver API that mongoStore uses
 * (single-document operations only, as on a real server: each call is atomic on one document,
 * and calls interleave at every await). It is NOT MongoDB: it lets the adapter's logic (compare-
 * and-swap retries, journal draining, unique indexes, idempotent upserts) run in CI without a
 * server. The real-server suite runs when MONGODB_URI is set.
 */
type Doc = Record<string, unknown>;

class DuplicateKeyError extends Error {
  code = 11000;
}

function clone<T>(value: T): T {
  return structuredClone(value);
}

/** Field names are own properties only (a field may be called `constructor` or `__proto__`, as on a server). */
function getPath(doc: unknown, path: string): unknown {
  let current: unknown = doc;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}

function setOwn(doc: Doc, key: string, value: unknown): void {
  Object.defineProperty(doc, key, { value, writable: true, enumerable: true, configurable: true });
}

function setPath(doc: Doc, path: string, value: unknown): void {
  const parts = path.split('.');
  let current = doc;
  for (const part of parts.slice(0, -1)) {
    let next = Object.hasOwn(current, part) ? current[part] : undefined;
    if (next === null || typeof next !== 'object') {
      next = {};
      setOwn(current, part, next);
    }
    current = next as Doc;
  }
  setOwn(current, parts.at(-1)!, value);
}

function unsetPath(doc: Doc, path: string): void {
  const parts = path.split('.');
  const parent = getPath(doc, parts.slice(0, -1).join('.'));
  if (parts.length === 1) delete doc[path];
  else if (parent !== null && typeof parent === 'object') delete (parent as Doc)[parts.at(-1)!];
}

function matchesValue(actual: unknown, condition: unknown): boolean {
  if (condition !== null && typeof condition === 'object' && !Array.isArray(condition)) {
    const ops = condition as Record<string, unknown>;
    const keys = Object.keys(ops);
    if (keys.length > 0 && keys.every((k) => k.startsWith('$'))) {
      return keys.every((op) => {
        const arg = ops[op];
        switch (op) {
          case '$in':
            return (arg as unknown[]).some((v) => (Array.isArray(actual) ? actual.includes(v) : actual === v));
          case '$ne':
            return JSON.stringify(actual ?? null) !== JSON.stringify(arg);
          case '$lte':
            return typeof actual === 'number' && actual <= (arg as number);
          case '$gte':
            return typeof actual === 'number' && actual >= (arg as number);
          case '$gt':
            return typeof actual === 'number' && actual > (arg as number);
          case '$exists':
            return (actual !== undefined) === arg;
          case '$type':
            return arg === 'string' ? typeof actual === 'string' : false;
          default:
            throw new Error(`fake mongo: unsupported operator ${op}`);
        }
      });
    }
  }
  if (condition === null) return actual === null || actual === undefined;
  if (Array.isArray(actual) && !Array.isArray(condition)) return actual.includes(condition);
  return JSON.stringify(actual) === JSON.stringify(condition);
}

function matches(doc: Doc, filter: Doc): boolean {
  return Object.entries(filter).every(([path, condition]) => matchesValue(getPath(doc, path), condition));
}

function tick(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

class FakeCursor {
  #docs: Doc[];
  constructor(docs: Doc[]) {
    this.#docs = docs;
  }
  sort(spec: Record<string, 1 | -1>): this {
    const keys = Object.entries(spec);
    this.#docs.sort((a, b) => {
      for (const [key, dir] of keys) {
        const x = getPath(a, key) as string | number;
        const y = getPath(b, key) as string | number;
        if (x < y) return -dir;
        if (x > y) return dir;
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
    await tick();
    return clone(this.#docs);
  }
}

interface UniqueIndex {
  keys: string[];
  partial?: Doc;
}

/** Optional crash injection at driver level: the same shape as the store-level FaultPlan. */
export interface DriverFaults {
  armed: boolean;
  failAt: number;
  mode: 'before' | 'after';
  calls: number;
  log: string[];
}

class FakeCollection {
  #docs = new Map<string, Doc>();
  #unique: UniqueIndex[] = [];
  readonly faults: DriverFaults | undefined;
  readonly name: string;

  constructor(name: string, faults?: DriverFaults) {
    this.name = name;
    this.faults = faults;
  }

  async createIndex(spec: Record<string, number>, options: { unique?: boolean; partialFilterExpression?: Doc } = {}) {
    await tick();
    if (options.unique) {
      this.#unique.push({
        keys: Object.keys(spec),
        ...(options.partialFilterExpression ? { partial: options.partialFilterExpression } : {}),
      });
    }
    return 'index';
  }

  #checkUnique(doc: Doc, ignoreId?: string): void {
    for (const index of this.#unique) {
      if (index.partial && !matches(doc, index.partial)) continue;
      const key = JSON.stringify(index.keys.map((k) => getPath(doc, k)));
      for (const other of this.#docs.values()) {
        if (other._id === ignoreId) continue;
        if (index.partial && !matches(other, index.partial)) continue;
        if (JSON.stringify(index.keys.map((k) => getPath(other, k))) === key)
          throw new DuplicateKeyError('E11000 duplicate key');
      }
    }
  }

  #find(filter: Doc): Doc | undefined {
    if (typeof filter._id === 'string' && Object.keys(filter).length >= 1) {
      const doc = this.#docs.get(filter._id);
      return doc && matches(doc, filter) ? doc : undefined;
    }
    for (const doc of this.#docs.values()) if (matches(doc, filter)) return doc;
    return undefined;
  }

  async insertOne(doc: Doc) {
    await tick();
    const id = String(doc._id);
    if (this.#docs.has(id)) throw new DuplicateKeyError('E11000 duplicate key _id');
    this.#checkUnique(doc);
    this.#docs.set(id, clone(doc));
    return { insertedId: id };
  }

  async findOne(filter: Doc, options: { projection?: Record<string, 1> } = {}) {
    await tick();
    const doc = this.#find(filter);
    if (!doc) return null;
    if (!options.projection) return clone(doc);
    const out: Doc = { _id: doc._id };
    for (const key of Object.keys(options.projection)) {
      const value = getPath(doc, key);
      if (value !== undefined) setPath(out, key, clone(value));
    }
    return out;
  }

  find(filter: Doc, options: { projection?: Record<string, 1> } = {}) {
    const docs = [...this.#docs.values()].filter((d) => matches(d, filter));
    const projected = options.projection
      ? docs.map((d) => {
          const out: Doc = { _id: d._id };
          for (const key of Object.keys(options.projection!)) out[key] = d[key];
          return out;
        })
      : docs;
    return new FakeCursor(projected);
  }

  async replaceOne(filter: Doc, doc: Doc) {
    await tick();
    const found = this.#find(filter);
    if (!found) return { matchedCount: 0, modifiedCount: 0 };
    this.#docs.set(String(found._id), clone({ ...doc, _id: found._id }));
    return { matchedCount: 1, modifiedCount: 1 };
  }

  #apply(doc: Doc, update: Doc, inserting: boolean, arrayFilters?: Doc[]): void {
    for (const [op, fields] of Object.entries(update)) {
      for (const [path, value] of Object.entries(fields as Doc)) {
        switch (op) {
          case '$set':
            if (path.includes('.$[')) {
              const [arrayPath, rest] = path.split('.$[') as [string, string];
              const [name, field] = rest.split('].') as [string, string];
              const filter = arrayFilters!.find((f) => Object.keys(f)[0]!.startsWith(`${name}.`))!;
              const [filterPath, condition] = Object.entries(filter)[0]!;
              const inner = filterPath.slice(name.length + 1);
              for (const element of getPath(doc, arrayPath) as Doc[]) {
                if (matchesValue(getPath(element, inner), condition)) element[field] = clone(value);
              }
            } else setPath(doc, path, clone(value));
            break;
          case '$unset':
            unsetPath(doc, path);
            break;
          case '$setOnInsert':
            if (inserting) doc[path] = clone(value);
            break;
          case '$inc':
            setPath(doc, path, ((getPath(doc, path) as number) ?? 0) + (value as number));
            break;
          case '$max': {
            const current = getPath(doc, path) as number | undefined;
            if (current === undefined || (value as number) > current) setPath(doc, path, value);
            break;
          }
          case '$min': {
            const current = getPath(doc, path) as number | undefined;
            if (current === undefined || (value as number) < current) setPath(doc, path, value);
            break;
          }
          case '$pull':
            doc[path] = (doc[path] as Doc[]).filter((element) => !matches(element, value as Doc));
            break;
          default:
            throw new Error(`fake mongo: unsupported update ${op}`);
        }
      }
    }
  }

  async updateOne(filter: Doc, update: Doc, options: { upsert?: boolean } = {}) {
    await tick();
    const found = this.#find(filter);
    if (found) {
      this.#apply(found, update, false);
      return { matchedCount: 1, modifiedCount: 1 };
    }
    if (!options.upsert) return { matchedCount: 0, modifiedCount: 0 };
    const doc: Doc = { _id: filter._id };
    this.#apply(doc, update, true);
    if (this.#docs.has(String(doc._id))) throw new DuplicateKeyError('E11000 duplicate key _id');
    this.#checkUnique(doc);
    this.#docs.set(String(doc._id), doc);
    return { matchedCount: 0, modifiedCount: 0, upsertedCount: 1 };
  }

  async deleteMany(filter: Doc) {
    await tick();
    let deletedCount = 0;
    for (const [id, doc] of this.#docs) {
      if (matches(doc, filter)) {
        this.#docs.delete(id);
        deletedCount++;
      }
    }
    return { deletedCount };
  }

  async findOneAndUpdate(filter: Doc, update: Doc, options: { arrayFilters?: Doc[] } = {}) {
    await tick();
    const found = this.#find(filter);
    if (!found) return null;
    this.#apply(found, update, false, options.arrayFilters);
    return clone(found);
  }

  async bulkWrite(operations: { updateOne: { filter: Doc; update: Doc; upsert?: boolean } }[]) {
    for (const { updateOne } of operations) {
      await this.updateOne(updateOne.filter, updateOne.update, { upsert: updateOne.upsert ?? false });
    }
    return {};
  }
}

const crashable = new Set([
  'insertOne',
  'findOne',
  'replaceOne',
  'updateOne',
  'findOneAndUpdate',
  'bulkWrite',
  'deleteMany',
]);

/** Wraps a collection so the armed `failAt`-th driver call throws before or after it applies. */
function withFaults(collection: FakeCollection, faults: DriverFaults): FakeCollection {
  return new Proxy(collection, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || !crashable.has(String(property))) {
        return typeof value === 'function' ? value.bind(target) : value;
      }
      return async (...args: unknown[]) => {
        if (!faults.armed) return value.apply(target, args);
        faults.calls++;
        const name = `${target.name}.${String(property)}`;
        faults.log.push(name);
        const fail = faults.calls === faults.failAt;
        if (fail && faults.mode === 'before') throw new Error(`injected crash before ${name}`);
        const result = await value.apply(target, args);
        if (fail) throw new Error(`injected crash after ${name}`);
        return result;
      };
    },
  });
}

/** A fake `Db` holding fake collections, optionally crashing at a chosen driver call. */
export function fakeDb(faults?: DriverFaults): Db {
  const collections = new Map<string, FakeCollection>();
  return {
    collection(name: string) {
      let collection = collections.get(name);
      if (!collection) {
        collection = new FakeCollection(name);
        if (faults) collection = withFaults(collection, faults);
        collections.set(name, collection);
      }
      return collection;
    },
  } as unknown as Db;
}
