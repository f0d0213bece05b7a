import type { Db } from 'mongodb';
import { UsageError } from './usage-error.js';

/** The MongoDB driver module, loaded on demand. */
export type MongoDriver = typeof import('mongodb');

/** Where the batch commands find MongoDB. */
export interface MongoTarget {
  uri: string;
  db: string;
  /** How long to wait for a reachable server before failing, in milliseconds. */
  serverSelectionTimeoutMs: number;
}

/**
 * MongoDB could not be reached (or refused us) when a command connected: the message names the
 * URI tried, with its password redacted, and what to check. The `x` tool exits with code 1.
 */
export class MongoConnectionError extends Error {
  override name = 'MongoConnectionError';
}

/** `uri` with the password of its user info replaced by `***`, for messages. */
export function redactMongoUri(uri: string): string {
  const scheme = /^[a-z+]+:\/\//i.exec(uri);
  if (!scheme) return uri;
  const start = scheme[0].length;
  const query = uri.indexOf('?', start);
  const at = uri.lastIndexOf('@', query === -1 ? uri.length : query);
  if (at < start) return uri;
  const colon = uri.indexOf(':', start);
  if (colon === -1 || colon > at) return uri;
  return `${uri.slice(0, colon + 1)}***${uri.slice(at)}`;
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
}

/**
 * Connects, runs `work` with the database, and always closes the connection, so a command never
 * leaves the process hanging on an open driver. A URI the driver cannot parse is a
 * {@link UsageError} naming `--mongo-uri`; a failed connection is a {@link MongoConnectionError}.
 */
export async function withMongoDb<T>(
  target: MongoTarget,
  work: (db: Db, driver: MongoDriver) => Promise<T>,
): Promise<T> {
  // Loaded on demand: the driver is the heaviest import, and only the batch commands need it.
  const driver = await import('mongodb');
  const { MongoClient } = driver;
  const shown = redactMongoUri(target.uri);
  let client: InstanceType<typeof MongoClient>;
  try {
    // The constructor parses the URI and its options, and throws on what it cannot use.
    client = new MongoClient(target.uri, {
      serverSelectionTimeoutMS: target.serverSelectionTimeoutMs,
      connectTimeoutMS: target.serverSelectionTimeoutMs,
      appName: 'x-cli',
    });
  } catch (error) {
    throw new UsageError(
      `Expected --mongo-uri (or $MONGODB_URI) to be a connection string the MongoDB driver accepts, got \`${shown}\`: ${reason(error)}`,
    );
  }
  try {
    try {
      await client.connect();
    } catch (error) {
      const auth = /auth/i.test(reason(error));
      throw new MongoConnectionError(
        `cannot connect to MongoDB at ${shown} within ${target.serverSelectionTimeoutMs} ms (--mongo-timeout-ms): ${reason(error)}. ` +
          (auth
            ? 'Check the user name, password and authSource in --mongo-uri.'
            : 'Check that the server is running and reachable from here (host, port, firewall; on Atlas, this IP on the access list); ' +
              'for a local one: docker run -p 27017:27017 mongo:7'),
        { cause: error },
      );
    }
    return await work(client.db(target.db), driver);
  } finally {
    await client.close();
  }
}
