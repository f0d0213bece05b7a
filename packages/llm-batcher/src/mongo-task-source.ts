import { describeValue } from '@x/checks';
import type { Collection, Document } from 'mongodb';
import { checkFunction, checkKnownKeys, checkObject } from './argument-checks.js';
import { InvalidArgumentError } from './batcher-error.js';
import type { LlmTask, TaskSource } from './task.js';

/**
 * Options of {@link mongoTaskSource}.
 *
 * @example
 * ```ts
 * import { ObjectId } from 'mongodb';
 * const options: MongoTaskSourceOptions = { collection: db.collection('tasks'), toDocumentId: (id) => new ObjectId(id) };
 * ```
 */
export interface MongoTaskSourceOptions {
  /** The collection holding one task per document. */
  collection: Collection<Document>;
  /** Turns a task id into the document's `_id` (e.g. `new ObjectId(id)`). @default the id string itself */
  toDocumentId?: (id: string) => unknown;
  /** The payload sent for a document. @default the document without `_id` */
  toPayload?: (document: Document) => unknown;
}

/**
 * A {@link TaskSource} over a MongoDB collection (official driver): a task's id is `String(_id)`
 * and its payload the document without `_id`. Filters are MongoDB query documents; matches come
 * in `_id` order.
 *
 * @example
 * ```ts
 * import { mongoTaskSource } from '@x/llm-batcher/mongodb';
 * const source = mongoTaskSource({ collection: db.collection('tasks') });
 * await batcher.createJob({ filter: { batch: 'reviews-2026-11', status: 'new' } });
 * ```
 */
export function mongoTaskSource(options: MongoTaskSourceOptions): TaskSource {
  const record = checkObject('options', options);
  checkKnownKeys('mongoTaskSource', record, ['collection', 'toDocumentId', 'toPayload']);
  const collection = options.collection;
  if (typeof (collection as { find?: unknown } | undefined)?.find !== 'function') {
    throw new InvalidArgumentError(
      `Expected \`collection\` to be a MongoDB Collection, got ${describeValue(collection)}`,
    );
  }
  if (options.toDocumentId !== undefined) checkFunction('toDocumentId', options.toDocumentId);
  if (options.toPayload !== undefined) checkFunction('toPayload', options.toPayload);
  const toDocumentId = options.toDocumentId ?? ((id: string) => id);
  const toPayload =
    options.toPayload ??
    ((document: Document) => {
      const { _id, ...rest } = document;
      return rest;
    });
  const toTask = (document: Document): LlmTask => ({ id: String(document._id), payload: toPayload(document) });
  return {
    async findByIds(ids) {
      const found: LlmTask[] = [];
      for (let start = 0; start < ids.length; start += 1000) {
        const chunk = ids.slice(start, start + 1000).map(toDocumentId);
        const docs = await collection.find({ _id: { $in: chunk } } as Document).toArray();
        for (const doc of docs) found.push(toTask(doc));
      }
      return found;
    },
    async findByFilter(filter, limit) {
      if (typeof filter === 'function') {
        throw new InvalidArgumentError(
          'Expected `filter` to be a MongoDB query document for mongoTaskSource, got a function',
        );
      }
      const docs = await collection
        .find(filter as Document)
        .sort({ _id: 1 })
        .limit(limit)
        .toArray();
      return docs.map(toTask);
    },
  };
}
