import { randomBytes } from 'node:crypto';
import { mongoServerFlavor } from '@x/checks/mongo-test';
import { BSON, type CommandStartedEvent, type CommandSucceededEvent, type Db, MongoClient } from 'mongodb';

/** What the driver's command monitoring counted since the last reset. */
export interface Meter {
  /** BSON bytes of the commands sent. */
  sent: number;
  /** BSON bytes of the replies received. */
  received: number;
  /** Commands sent. */
  commands: number;
  /** The largest single command sent, in bytes. */
  largestSent: number;
}

/**
 * A client on `uri` whose every command is metered (one connection on FerretDB, whose updates are
 * not atomic across connections), and a fresh database `<prefix>_<random>` on it.
 */
export async function connectMetered(
  uri: string,
  prefix: string,
): Promise<{ client: MongoClient; db: Db; meter: Meter; ferretdb: boolean }> {
  const probe = await new MongoClient(uri).connect();
  const { ferretdb } = await mongoServerFlavor(probe.db('admin'));
  await probe.close();
  const client = await new MongoClient(uri, {
    monitorCommands: true,
    ...(ferretdb ? { maxPoolSize: 1 } : {}),
  }).connect();
  const meter: Meter = { sent: 0, received: 0, commands: 0, largestSent: 0 };
  client.on('commandStarted', (event: CommandStartedEvent) => {
    const size = BSON.calculateObjectSize(event.command);
    meter.sent += size;
    meter.largestSent = Math.max(meter.largestSent, size);
    meter.commands++;
  });
  client.on('commandSucceeded', (event: CommandSucceededEvent) => {
    meter.received += BSON.calculateObjectSize(event.reply as BSON.Document);
  });
  return { client, db: client.db(`${prefix}_${randomBytes(4).toString('hex')}`), meter, ferretdb };
}
