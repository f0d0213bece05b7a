import type { Db } from 'mongodb';

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
 * Connects, runs `work` with the database, and always closes the connection, so a command never
 * leaves the process hanging on an open driver.
 */
export async function withMongoDb<T>(
  target: MongoTarget,
  work: (db: Db, driver: MongoDriver) => Promise<T>,
): Promise<T> {
  // Loaded on demand: the driver is the heaviest import, and only the batch commands need it.
  const driver = await import('mongodb');
  const { MongoClient } = driver;
  const client = new MongoClient(target.uri, {
    serverSelectionTimeoutMS: target.serverSelectionTimeoutMs,
    connectTimeoutMS: target.serverSelectionTimeoutMs,
    appName: 'x-cli',
  });
  try {
    await client.connect();
    return await work(client.db(target.db), driver);
  } finally {
    await client.close();
  }
}
