#!/usr/bin/env node
// Runs a command with a MongoDB for the MongoDB test suites:
//
//   node scripts/with-mongo-test-server.mjs <command> [args...]
//
// - MONGODB_URI set: the command runs with it as is (real MongoDB, Atlas, a server of your own).
// - Otherwise, with `go` on the PATH: builds tools/mongo-test-server (FerretDB 1.24.2 on SQLite)
//   once into node_modules/.cache/mongo-test-server/ (rebuilt when its go.mod, go.sum, main.go
//   or the Go version change), starts it on a free port with a fresh data directory, runs the
//   command with MONGODB_URI pointing at it, then stops the server and deletes the directory.
// - Otherwise: prints one line saying the MongoDB suites will be skipped and how to run them, and
//   runs the command without MONGODB_URI.
//
// Exits with the command's exit code (1 if the server could not be built or started).
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { constants, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const root = new URL('..', import.meta.url).pathname;
const serverDir = join(root, 'tools', 'mongo-test-server');
const cacheDir = join(root, 'node_modules', '.cache', 'mongo-test-server');
const READY_TIMEOUT_MS = 60_000;

/**
 * Two changes to FerretDB 1.24.2, for speed only, so that a large sale over the wire is not
 * quadratic:
 * - its SQLite backend looks a document up by `_id` only when the filter is exactly `{ _id }`, so
 *   every conditional update (`{ _id, status: … }`, the way the x stores write) went through the
 *   whole collection. The patch uses the `_id` lookup whenever the filter names a string or
 *   ObjectId `_id`; every handler filters the documents found with the whole filter afterwards
 *   (FilterIterator), so results are unchanged;
 * - that lookup (and the `UPDATE … WHERE _id = ?` of every write, and deletes by `_id`) spells the
 *   `_id` path `_ferretdb_sjson->'$._id'`, while the collection's unique `_id_` index is on
 *   `_ferretdb_sjson->"_id"`: SQLite matches expression indexes by their text, so it scanned the
 *   table instead (a findOne by `_id` took 5 ms at 4,000 documents, an update 13 ms). The patch
 *   spells the lookup the way the index does; both name the same JSON field.
 */
const FERRETDB_MODULE = 'github.com/FerretDB/FerretDB@v1.24.2';
const FERRETDB_PATCHES = [
  {
    file: 'internal/backends/sqlite/collection.go',
    from: '\tif params.Filter.Len() == 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    to: '\tif params.Filter.Len() >= 1 {\n\t\tv, _ := params.Filter.Get("_id")',
    count: 2,
  },
  {
    file: 'internal/backends/sqlite/metadata/metadata.go',
    from: `IDColumn = DefaultColumn + "->'$._id'"`,
    to: 'IDColumn = DefaultColumn + `->"_id"`',
    count: 1,
  },
];
const STOP_TIMEOUT_MS = 5_000;

const command = process.argv.slice(2);
if (command.length === 0) {
  console.error('usage: node scripts/with-mongo-test-server.mjs <command> [args...]');
  process.exit(2);
}

/** The URI with its password replaced, for printing. */
function redact(uri) {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^:/@]+:)[^@/]*@/, '$1***@');
}

/** Runs the wrapped command with `env`; resolves with its exit code. Forwards SIGINT/SIGTERM to it. */
function runCommand(env) {
  return new Promise((resolve) => {
    const child = spawn(command[0], command.slice(1), { stdio: 'inherit', env, shell: process.platform === 'win32' });
    const forward = (signal) => child.kill(signal);
    process.on('SIGINT', forward);
    process.on('SIGTERM', forward);
    child.on('error', (error) => {
      console.error(`with-mongo-test-server: cannot run \`${command[0]}\`: ${error.message}`);
      resolve(1);
    });
    child.on('exit', (code, signal) => {
      process.off('SIGINT', forward);
      process.off('SIGTERM', forward);
      resolve(code ?? 128 + (constants.signals[signal] ?? 0));
    });
  });
}

/** `go env GOVERSION`, or undefined when there is no usable `go`. */
function goVersion() {
  const result = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** The cached binary for the current sources and Go version, built if missing. */
function buildServer(version) {
  const hash = createHash('sha256').update(version).update(JSON.stringify(FERRETDB_PATCHES));
  for (const file of ['go.mod', 'go.sum', 'main.go'])
    hash.update(`\0${file}\0`).update(readFileSync(join(serverDir, file)));
  const binary = join(cacheDir, `mongo-test-server-${hash.digest('hex').slice(0, 16)}`);
  if (existsSync(binary)) return binary;
  mkdirSync(cacheDir, { recursive: true });
  console.log(`mongo-test-server: building FerretDB 1.24.2 with ${version} (once; about a minute on a fresh machine)`);
  const partial = `${binary}.${process.pid}.partial`;
  const started = Date.now();
  // The module file used for the build replaces FerretDB with the patched copy.
  const modFile = join(cacheDir, `go.patched.${process.pid}.mod`);
  writeFileSync(
    modFile,
    `${readFileSync(join(serverDir, 'go.mod'), 'utf8')}\nreplace github.com/FerretDB/FerretDB => ${patchedFerretDB()}\n`,
  );
  writeFileSync(modFile.replace(/\.mod$/, '.sum'), readFileSync(join(serverDir, 'go.sum')));
  const result = spawnSync('go', ['build', '-trimpath', `-modfile=${modFile}`, '-o', partial, '.'], {
    cwd: serverDir,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  rmSync(modFile, { force: true });
  rmSync(modFile.replace(/\.mod$/, '.sum'), { force: true });
  if (result.status !== 0) {
    rmSync(partial, { force: true });
    throw new Error(`\`go build\` in tools/mongo-test-server failed (exit ${result.status ?? result.signal})`);
  }
  renameSync(partial, binary);
  console.log(`mongo-test-server: built in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  return binary;
}

/** A copy of the FerretDB module with {@link FERRETDB_PATCHES} applied, made once in the cache. */
function patchedFerretDB() {
  const key = createHash('sha256').update(JSON.stringify(FERRETDB_PATCHES)).digest('hex').slice(0, 16);
  const target = join(cacheDir, `ferretdb-v1.24.2-${key}`);
  if (existsSync(target)) return target;
  const download = spawnSync('go', ['mod', 'download', '-json', FERRETDB_MODULE], {
    cwd: serverDir,
    encoding: 'utf8',
    env: { ...process.env, CGO_ENABLED: '0' },
  });
  if (download.status !== 0) throw new Error(`\`go mod download ${FERRETDB_MODULE}\` failed: ${download.stderr}`);
  const source = JSON.parse(download.stdout).Dir;
  const partial = `${target}.${process.pid}.partial`;
  cpSync(source, partial, { recursive: true });
  for (const patch of FERRETDB_PATCHES) {
    const file = join(partial, patch.file);
    const text = readFileSync(file, 'utf8');
    const found = text.split(patch.from).length - 1;
    if (found !== patch.count)
      throw new Error(`FerretDB patch: expected ${patch.count} matches in ${patch.file}, got ${found}`);
    chmodSync(file, 0o644); // the module cache is read-only
    writeFileSync(file, text.split(patch.from).join(patch.to));
  }
  renameSync(partial, target);
  return target;
}

/**
 * Starts the server on a free port (the kernel picks it) with a fresh data directory; resolves once
 * it printed its ready line. Its standard input is a pipe from us: if this process dies, even by
 * SIGKILL, the pipe closes and the server exits (-exit-on-stdin-close).
 */
function startServer(binary, dataDir) {
  const server = spawn(binary, ['-data-dir', dataDir, '-port', '0', '-exit-on-stdin-close'], {
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let log = '';
  server.stderr.setEncoding('utf8').on('data', (chunk) => {
    log = (log + chunk).slice(-8_000);
  });
  const ready = new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no ready line within ${READY_TIMEOUT_MS} ms`)), READY_TIMEOUT_MS);
    const lines = createInterface({ input: server.stdout });
    lines.on('line', (line) => {
      const match = /^ready (mongodb:\/\/\S+)$/.exec(line);
      if (!match) return;
      clearTimeout(timer);
      resolve(match[1]);
    });
    server.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    server.on('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited before it was ready (${signal ?? `exit ${code}`})`));
    });
  });
  return { server, ready, log: () => log };
}

function stopServer(server) {
  if (server.exitCode !== null || server.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(() => server.kill('SIGKILL'), STOP_TIMEOUT_MS);
    server.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    server.kill('SIGTERM');
  });
}

async function main() {
  const given = process.env.MONGODB_URI;
  if (given) {
    console.log(`MongoDB suites: using MONGODB_URI=${redact(given)}`);
    return runCommand(process.env);
  }
  const version = goVersion();
  if (version === undefined) {
    console.log(
      'MongoDB suites SKIPPED: MONGODB_URI is not set and there is no `go` to build the FerretDB test server. ' +
        'Install Go (>= 1.24), or run them on MongoDB: `docker run -p 27017:27017 mongo:7`, then MONGODB_URI=mongodb://127.0.0.1:27017 pnpm check',
    );
    const { MONGODB_URI: _unset, ...env } = process.env;
    return runCommand(env);
  }
  let binary;
  try {
    binary = buildServer(version);
  } catch (error) {
    console.error(
      `mongo-test-server: ${error.message} (or set MONGODB_URI to run the MongoDB suites on a server of yours)`,
    );
    return 1;
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'x-mongo-test-'));
  const { server, ready, log } = startServer(binary, dataDir);
  let died = false;
  try {
    let uri;
    try {
      uri = await ready;
    } catch (error) {
      console.error(`mongo-test-server: ${error.message}\n${log()}`);
      return 1;
    }
    server.once('exit', (code, signal) => {
      died = true;
      console.error(`mongo-test-server: stopped during the run (${signal ?? `exit ${code}`})\n${log()}`);
    });
    // One connection per client: FerretDB's findAndModify/update read and write in separate steps,
    // so they are atomic only when one process's commands are serialized (see the README).
    const testUri = `${uri}?maxPoolSize=1`;
    console.log(`MongoDB suites: FerretDB 1.24.2 test server at ${testUri} (data in ${dataDir})`);
    const code = await runCommand({ ...process.env, MONGODB_URI: testUri });
    return died && code === 0 ? 1 : code;
  } finally {
    server.removeAllListeners('exit');
    await stopServer(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}

process.exit(await main());
