import { type Batcher, createBatcher, httpLlmClient, type LlmClient, openAiChatClient } from '@x/llm-batcher';
import { mongoJobStore, mongoTaskSource } from '@x/llm-batcher/mongodb';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { Db } from 'mongodb';
import { runJobWithProgress } from '../batch-job-run.js';
import type { CliContext } from '../cli-context.js';
import { logFleetEvents } from '../endpoint-event-log.js';
import { createLlmFleet } from '../llm-fleet.js';
import { type MongoDriver, withMongoDb } from '../mongo-connection.js';
import { collectUrlOption, integerOption, mongoUriOption, nameOption } from '../option-parsers.js';
import { renderReport } from '../report-table.js';
import { UsageError } from '../usage-error.js';

/** `x batch run` ended without every task succeeding (or was interrupted): exit code 1. */
export class BatchRunError extends Error {
  override name = 'BatchRunError';
}

interface MongoOptions {
  mongoUri: string;
  db: string;
  collection: string;
  mongoTimeoutMs: number;
  objectIds?: boolean;
  json?: boolean;
}

interface CreateOptions extends MongoOptions {
  taskIds?: string[];
  filter?: Record<string, unknown>;
  name?: string;
  idempotencyKey?: string;
}

interface RunOptions extends MongoOptions {
  llmUrl?: string[];
  llmApi: 'batch' | 'openai';
  model?: string;
  concurrency: number;
  endpointConcurrency?: number;
  rpm?: number;
  batchSize: number;
  maxAttempts?: number;
  requestTimeoutMs?: number;
  leaseMs?: number;
}

function parseTaskIds(value: string, previous: string[] | undefined): string[] {
  const ids = value
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  if (ids.length === 0) throw new InvalidArgumentError(`Expected comma-separated task ids, got \`${value}\`.`);
  return [...(previous ?? []), ...ids];
}

function parseFilter(value: string): Record<string, unknown> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    throw new InvalidArgumentError(`Expected a JSON object (a MongoDB filter), got \`${value}\`.`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new InvalidArgumentError(`Expected a JSON object (a MongoDB filter), got \`${value}\`.`);
  }
  return parsed as Record<string, unknown>;
}

function withMongoOptions(command: Command): Command {
  return command
    .addOption(
      new Option('--mongo-uri <uri>', 'MongoDB connection string')
        .env('MONGODB_URI')
        .argParser(mongoUriOption)
        .makeOptionMandatory(),
    )
    .requiredOption('--db <name>', 'database holding the tasks and the jobs', nameOption)
    .requiredOption(
      '--collection <name>',
      'collection holding the tasks (documents with `_id` and the task payload)',
      nameOption,
    )
    .option('--mongo-timeout-ms <ms>', 'how long to wait for MongoDB before failing', integerOption(1), 10_000)
    .option('--object-ids', "the tasks' `_id`s are ObjectIds (task ids are their 24-digit hex strings)")
    .option('--json', 'print JSON instead of text');
}

/** What `x batch --help` adds: an example, where to get a MongoDB, and the LLM endpoint's contract. */
const BATCH_HELP = `
Example:
  x batch create --mongo-uri mongodb://localhost:27017 --db app --collection tasks --filter '{"kind":"summary"}'
  x batch run <job-id> --mongo-uri mongodb://localhost:27017 --db app --collection tasks \\
      --llm-url http://llm-a:8080/batch --llm-url http://llm-b:8080/batch --concurrency 16 --rpm 600
  OPENAI_API_KEY=... x batch run <job-id> --mongo-uri mongodb://localhost:27017 --db app --collection tasks \\
      --llm-api openai --llm-url https://api.openai.com/v1 --model gpt-4o-mini --rpm 500

A MongoDB (4.4 or later; a replica set in production):
  docker run -p 27017:27017 mongo:7                    then --mongo-uri mongodb://127.0.0.1:27017
  MongoDB Atlas                                        --mongo-uri 'mongodb+srv://user:pass@cluster0.example.mongodb.net'
  this repository's test server (FerretDB, needs Go):  cd tools/mongo-test-server && go run . -data-dir /tmp/x-mongo -port 27017
The tasks are documents of --collection: the _id is the task id, the rest is the payload sent.
Jobs live in llm_batcher_jobs and llm_batcher_items of --db.

The LLM endpoint (--llm-url) gets up to --batch-size tasks per POST, as JSON:
  request   {"tasks": [{"id": "t1", "payload": {"text": "..."}}, ...]}
  response  {"results": [{"id": "t1", "output": <any JSON>}, {"id": "t2", "error": {"message": "...", "retryable": false}}]}
Results may come in any order; a task missing from the response is retried. Answer 429 (with
Retry-After) to slow the runner down; other 5xx, timeouts and network errors are retried.
A minimal endpoint in Node (const http = require('node:http')):
  http.createServer((req, res) => { let b = ''; req.on('data', (c) => (b += c)).on('end', () => {
    const { tasks } = JSON.parse(b);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ results: tasks.map((t) => ({ id: t.id, output: { echo: t.payload } })) }));
  }); }).listen(8080);
`;

/** A client for commands that never send requests (create, status, results, cancel). */
const noRequestsClient: LlmClient = {
  complete: () => Promise.reject(new Error('this command sends no LLM requests')),
};

/** Builds a batcher over MongoDB: tasks from `--collection`, jobs in the job store of `--db`. */
function mongoBatcher(
  db: Db,
  driver: MongoDriver,
  options: MongoOptions,
  client: LlmClient,
  extra: Partial<Parameters<typeof createBatcher>[0]> = {},
): Batcher {
  const collection = db.collection(options.collection);
  const toDocumentId = (id: string) => {
    if (!/^[0-9a-f]{24}$/i.test(id)) {
      throw new UsageError(`Expected task id \`${id}\` to be a 24-digit hex ObjectId (--object-ids)`);
    }
    return driver.ObjectId.createFromHexString(id);
  };
  return createBatcher({
    source: mongoTaskSource(options.objectIds ? { collection, toDocumentId } : { collection }),
    store: mongoJobStore({ db }),
    client,
    ...extra,
  });
}

function target(options: MongoOptions) {
  return { uri: options.mongoUri, db: options.db, serverSelectionTimeoutMs: options.mongoTimeoutMs };
}

/** `x batch create|run|status|results|cancel`: LLM batch jobs over tasks stored in MongoDB. */
export function registerBatchCommand(program: Command, context: CliContext): void {
  const batch = program
    .command('batch')
    .description('LLM batch jobs (@x/llm-batcher) over tasks stored in MongoDB')
    .addHelpText('after', BATCH_HELP);

  withMongoOptions(batch.command('create').description('create a job of up to 5000 tasks; prints the job id'))
    .option('--task-ids <ids>', 'comma-separated task ids (repeatable)', parseTaskIds)
    .option('--filter <json>', 'a MongoDB filter selecting the tasks, as JSON', parseFilter)
    .option('--name <name>', 'a name for the job')
    .option('--idempotency-key <key>', 'creating again with the same key returns the same job')
    .action(async (options: CreateOptions) => {
      if (options.taskIds === undefined && options.filter === undefined) {
        throw new UsageError('missing option: give the tasks with --task-ids <ids> or --filter <json>');
      }
      if (options.taskIds !== undefined && options.filter !== undefined) {
        throw new UsageError('options --task-ids and --filter cannot be used together');
      }
      await withMongoDb(target(options), async (db, driver) => {
        const batcher = mongoBatcher(db, driver, options, noRequestsClient);
        const job = await batcher.createJob({
          ...(options.taskIds ? { taskIds: options.taskIds } : {}),
          ...(options.filter ? { filter: options.filter } : {}),
          ...(options.name ? { name: options.name } : {}),
          ...(options.idempotencyKey ? { idempotencyKey: options.idempotencyKey } : {}),
        });
        context.out(options.json ? JSON.stringify(job) : job.id);
      });
    });

  withMongoOptions(batch.command('run').description('run (or resume) a job, with a live progress bar'))
    .argument('<job-id>', 'the id printed by `x batch create`')
    .option('--llm-url <url>', 'LLM endpoint; repeat it to spread requests over a fleet', collectUrlOption)
    .addOption(
      new Option(
        '--llm-api <api>',
        'what the endpoints speak: `batch` (POST { tasks } → { results }) or `openai` (--llm-url is an ' +
          'OpenAI-compatible base URL such as http://127.0.0.1:11434/v1; one chat completion per task; ' +
          'key from OPENAI_API_KEY)',
      )
        .choices(['batch', 'openai'])
        .default('batch'),
    )
    .option('--model <name>', 'the model for --llm-api openai (e.g. gpt-4o-mini, llama3.2)')
    .option('--concurrency <n>', 'requests in flight in total', integerOption(1, 1000), 8)
    .option(
      '--endpoint-concurrency <n>',
      'requests in flight per endpoint of a fleet (default: concurrency / endpoints)',
      integerOption(1, 1000),
    )
    .option('--rpm <n>', 'requests per minute at most, over all endpoints', integerOption(1))
    .option('--batch-size <n>', 'tasks per request', integerOption(1, 10), 10)
    .option('--max-attempts <n>', 'attempts per task before it fails', integerOption(1, 100))
    .option('--request-timeout-ms <ms>', 'timeout of one LLM request (default 60000)', integerOption(1))
    .option(
      '--lease-ms <ms>',
      "how long this runner's claim on tasks lasts; if it dies, another runner takes its tasks over after this long " +
        '(default: 120000, or twice --request-timeout-ms; must exceed it)',
      integerOption(1),
    )
    .action(async (jobId: string, options: RunOptions) => {
      const urls = options.llmUrl ?? [];
      if (options.leaseMs !== undefined && options.leaseMs <= (options.requestTimeoutMs ?? 60_000)) {
        throw new UsageError(
          `Expected --lease-ms to exceed the request timeout (${options.requestTimeoutMs ?? 60_000} ms), got ${options.leaseMs}`,
        );
      }
      if (urls.length === 0)
        throw new UsageError("missing required option '--llm-url <url>' (give it once per endpoint)");
      if (options.llmApi === 'openai' && options.model === undefined) {
        throw new UsageError("missing required option '--model <name>' for --llm-api openai");
      }
      if (options.llmApi !== 'openai' && options.model !== undefined) {
        throw new UsageError('option --model needs --llm-api openai');
      }
      const clientFor = (url: string, timeoutMs: number | undefined): LlmClient => {
        const timeout = timeoutMs === undefined ? {} : { timeoutMs };
        if (options.llmApi !== 'openai') return httpLlmClient({ url, ...timeout });
        const apiKey = process.env.OPENAI_API_KEY;
        return openAiChatClient({ baseUrl: url, model: options.model!, ...(apiKey ? { apiKey } : {}), ...timeout });
      };
      const perEndpoint = options.endpointConcurrency ?? Math.max(1, Math.ceil(options.concurrency / urls.length));
      const fleet =
        urls.length > 1
          ? createLlmFleet({
              endpoints: urls.map((url, index) => ({ id: `llm-${index + 1}`, url, concurrency: perEndpoint })),
              ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
              clientFor: (endpoint, timeoutMs) => clientFor(endpoint.url, timeoutMs),
            })
          : undefined;
      const client: LlmClient = fleet ?? clientFor(urls[0]!, options.requestTimeoutMs);
      try {
        await withMongoDb(target(options), async (db, driver) => {
          const batcher = mongoBatcher(db, driver, options, client, {
            batchSize: options.batchSize,
            concurrency: options.concurrency,
            ...(options.rpm === undefined ? {} : { rateLimit: { requestsPerMinute: options.rpm } }),
            ...(options.maxAttempts === undefined ? {} : { retry: { maxAttempts: options.maxAttempts } }),
            ...(options.requestTimeoutMs === undefined ? {} : { requestTimeoutMs: options.requestTimeoutMs }),
            ...(options.leaseMs === undefined ? {} : { leaseMs: options.leaseMs }),
          });
          const abort = new AbortController();
          const onSigint = () => abort.abort();
          process.once('SIGINT', onSigint);
          try {
            // With --json, standard output carries only the report: progress goes to standard error.
            const progressContext: CliContext = options.json
              ? { ...context, out: context.err, isTTY: process.stderr.isTTY === true, outStream: process.stderr }
              : context;
            const report = await runJobWithProgress({
              batcher,
              jobId,
              context: progressContext,
              signal: abort.signal,
              attach: (display) => (fleet ? logFleetEvents(fleet, (line) => display.log(line)) : () => {}),
            });
            if (options.json) context.out(JSON.stringify(report));
            else for (const line of renderReport(report)) context.out(line);
            if (report.interrupted) {
              throw new BatchRunError(
                `run of job \`${jobId}\` interrupted; run it again to resume (finished tasks are kept)`,
              );
            }
            if (report.state !== 'completed') {
              throw new BatchRunError(
                `job \`${jobId}\` ended ${report.state}: ${report.failed} failed, ${report.cancelled} cancelled (see \`x batch results\`)`,
              );
            }
          } finally {
            process.off('SIGINT', onSigint);
          }
        });
      } finally {
        await fleet?.close();
      }
    });

  withMongoOptions(batch.command('status').description("print a job's state and counts"))
    .argument('<job-id>', 'the job id')
    .action(async (jobId: string, options: MongoOptions) => {
      await withMongoDb(target(options), async (db, driver) => {
        const job = await mongoBatcher(db, driver, options, noRequestsClient).getJob(jobId);
        if (options.json) context.out(JSON.stringify(job));
        else for (const line of renderReport(job)) context.out(line);
      });
    });

  withMongoOptions(batch.command('results').description("print a job's results, one JSON line per task"))
    .argument('<job-id>', 'the job id')
    .action(async (jobId: string, options: MongoOptions) => {
      await withMongoDb(target(options), async (db, driver) => {
        for await (const result of mongoBatcher(db, driver, options, noRequestsClient).results(jobId)) {
          context.out(JSON.stringify(result));
        }
      });
    });

  withMongoOptions(batch.command('cancel').description('cancel a job; results already written are kept'))
    .argument('<job-id>', 'the job id')
    .action(async (jobId: string, options: MongoOptions) => {
      await withMongoDb(target(options), async (db, driver) => {
        const job = await mongoBatcher(db, driver, options, noRequestsClient).cancelJob(jobId);
        context.out(options.json ? JSON.stringify(job) : `job ${job.id} is ${job.state}`);
      });
    });
}
