/**
 * Test-only (`@x/checks/mongo-test`): where the MongoDB suites connect, and whether the server is
 * FerretDB (the wire-compatible test server `pnpm check` builds and starts) or real MongoDB, so a
 * suite can adapt a test to one of FerretDB 1.24's known gaps and say so in the test's title.
 *
 * A suite connects once, at the top of its file (vitest allows top-level await), so that test
 * titles can already name the server:
 *
 * ```ts
 * const mongo = mongoTestUri ? await connectMongoTest((uri) => new MongoClient(uri).connect()) : undefined;
 * describe.skipIf(!mongo)(`... on ${mongo?.flavor.version}`, () => { ... });
 * describe.runIf(!mongo)('...', () => it.skip(mongoSkipReason, () => {}));
 * ```
 */

/** The URI the MongoDB suites use: `MONGODB_URI`, which `pnpm check` sets when it starts the test server. */
export const mongoTestUri: string | undefined = process.env.MONGODB_URI || undefined;

/** The title of the skipped placeholder test a suite shows when there is no server. */
export const mongoSkipReason =
  'MONGODB_URI not set: MongoDB suite skipped (`pnpm check` starts a FerretDB test server when `go` is installed; ' +
  'or run `docker run -p 27017:27017 mongo:7` and MONGODB_URI=mongodb://127.0.0.1:27017 pnpm test)';

/** What a suite needs to know of the server it talks to. */
export interface MongoServerFlavor {
  /** True on FerretDB (its `buildInfo` has a `ferretdbVersion` key). */
  readonly ferretdb: boolean;
  /** `buildInfo.version` (the MongoDB version the server speaks), plus FerretDB's own version. */
  readonly version: string;
}

/** The part of a driver `Db` that {@link mongoServerFlavor} uses. */
export interface MongoCommandDb {
  /** Runs a database command. */
  command(command: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/** Reads `buildInfo` through any driver `Db`. */
export async function mongoServerFlavor(db: MongoCommandDb): Promise<MongoServerFlavor> {
  const info = await db.command({ buildInfo: 1 });
  const ferretdb = typeof info.ferretdbVersion === 'string';
  return {
    ferretdb,
    version: ferretdb
      ? // our embedded build reports `unknown` (FerretDB's version file is generated, not in the module)
        `FerretDB${info.ferretdbVersion === 'unknown' ? '' : ` ${String(info.ferretdbVersion)}`} (MongoDB ${String(info.version)})`
      : `MongoDB ${String(info.version)}`,
  };
}

/** The part of a driver `MongoClient` that {@link connectMongoTest} uses. */
export interface MongoTestClient {
  /** The database of that name (or the URI's default). */
  db(name?: string): MongoCommandDb;
  /** Closes every connection. */
  close(): Promise<void>;
}

/** A suite's connection: the client, the server's flavor, and the URI to hand to child processes. */
export interface MongoTestConnection<Client extends MongoTestClient> {
  /** The connected client (one connection at a time on FerretDB, see {@link connectMongoTest}). */
  readonly client: Client;
  /** FerretDB or MongoDB, and its version. */
  readonly flavor: MongoServerFlavor;
  /** The URI the client connected with: give it to child processes so they connect the same way. */
  readonly uri: string;
}

/** `uri` with `maxPoolSize=1` set (replacing any other value). */
export function withSingleConnection(uri: string): string {
  const [base = uri, query = ''] = uri.split('?', 2);
  const params = query.split('&').filter((param) => param !== '' && !/^maxPoolSize=/i.test(param));
  params.push('maxPoolSize=1');
  return `${base.includes('/', base.indexOf('//') + 2) ? base : `${base}/`}?${params.join('&')}`;
}

/**
 * Connects to {@link mongoTestUri} and reads the server's flavor. On FerretDB it makes sure the
 * client holds one connection (`maxPoolSize=1`): FerretDB's `findAndModify` and `update` read and
 * write in separate steps, so they are atomic only while one process's commands are serialized.
 * On MongoDB the URI is used as given.
 */
export async function connectMongoTest<Client extends MongoTestClient>(
  open: (uri: string) => Promise<Client>,
): Promise<MongoTestConnection<Client>> {
  if (mongoTestUri === undefined) throw new Error('connectMongoTest: MONGODB_URI is not set');
  const client = await open(mongoTestUri);
  const flavor = await mongoServerFlavor(client.db('admin'));
  const single = withSingleConnection(mongoTestUri);
  if (!flavor.ferretdb || single === mongoTestUri) return { client, flavor, uri: mongoTestUri };
  await client.close();
  return { client: await open(single), flavor, uri: single };
}

/**
 * A test title, with the FerretDB adaptation appended when the suite runs on FerretDB, so the
 * runner's output lists every adapted test with its reason.
 */
export function onFerretdb(flavor: MongoServerFlavor | undefined, title: string, adaptation: string): string {
  return flavor?.ferretdb ? `${title} [adapted for FerretDB 1.24: ${adaptation}]` : title;
}
