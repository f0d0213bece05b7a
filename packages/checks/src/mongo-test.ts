/**
 * Test-only (`@x/checks/mongo-test`): where the MongoDB suites connect, and whether the server is
 * FerretDB (the wire-compatible test server `pnpm check` builds and starts) or real MongoDB, so a
 * suite can adapt a test to one of FerretDB 1.24's known gaps and say so in the test's title.
 */

/** The URI the MongoDB suites use: `MONGODB_URI`, which `pnpm check` sets when it starts the test server. */
export const mongoTestUri: string | undefined = process.env.MONGODB_URI || undefined;

/** The one line a suite prints when it is skipped for want of a server. */
export const mongoSkipReason =
  'MongoDB suites skipped: MONGODB_URI is not set and `pnpm check` found no `go` to build the FerretDB test server. ' +
  'Run them with MONGODB_URI=mongodb://127.0.0.1:27017 pnpm test (e.g. after `docker run -p 27017:27017 mongo:7`).';

/** What a suite needs to know of the server it talks to. */
export interface MongoServerFlavor {
  /** True on FerretDB (its `buildInfo` has a `ferretdbVersion` key). */
  readonly ferretdb: boolean;
  /** `buildInfo.version` (the MongoDB version the server speaks), plus FerretDB's own version. */
  readonly version: string;
}

/** Reads `buildInfo` through any driver `Db`. */
export async function mongoServerFlavor(db: {
  command(command: Record<string, unknown>): Promise<Record<string, unknown>>;
}): Promise<MongoServerFlavor> {
  const info = await db.command({ buildInfo: 1 });
  const ferretdb = typeof info.ferretdbVersion === 'string';
  return {
    ferretdb,
    version: ferretdb
      ? `FerretDB ${String(info.ferretdbVersion)} (MongoDB ${String(info.version)})`
      : String(info.version),
  };
}
