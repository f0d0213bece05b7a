/**
 * `@x/ticketing/mongodb`: the MongoDB store, on its own entry point so that the main entry's types
 * name nothing from the optional `mongodb` peer dependency. Install `mongodb` (driver 7) to use it.
 *
 * @example
 * ```ts
 * import { MongoClient } from 'mongodb';
 * import { createTicketing } from '@x/ticketing';
 * import { mongoStore } from '@x/ticketing/mongodb';
 *
 * const client = await new MongoClient(process.env.MONGODB_URI!).connect();
 * const ticketing = createTicketing({ store: mongoStore({ db: client.db('tickets') }) });
 * ```
 *
 * @packageDocumentation
 */
export type { MongoStoreOptions } from './mongo-store.js';
export { mongoStore } from './mongo-store.js';
