/**
 * `@x/llm-batcher/mongodb`: the MongoDB task source and job store, on their own entry point so that
 * the main entry's types name nothing from the optional `mongodb` peer dependency. Install
 * `mongodb` (driver 7) to use them.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createBatcher, httpLlmClient } from '@x/llm-batcher';
 * import { mongoJobStore, mongoTaskSource } from '@x/llm-batcher/mongodb';
 *
 * const db = (await new MongoClient(process.env.MONGODB_URI!).connect()).db('app');
 * const batcher = createBatcher({
 *   source: mongoTaskSource({ collection: db.collection('tasks') }),
 *   store: mongoJobStore({ db }),
 *   client: httpLlmClient({ url: 'http://127.0.0.1:8080/batch' }),
 * });
 * ```
 *
 * @packageDocumentation
 */
export type { MongoJobStoreOptions } from './mongo-job-store.js';
export { mongoJobStore } from './mongo-job-store.js';
export type { MongoTaskSourceOptions } from './mongo-task-source.js';
export { mongoTaskSource } from './mongo-task-source.js';
