import { randomBytes } from 'node:crypto';
import { type MockChatServer, startMockChatServer } from '@x/llm-batcher/testing';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runX } from './run-x.js';

const uri = process.env.MONGODB_URI;

describe('x batch run --llm-api openai: usage', () => {
  const mongo = ['--mongo-uri', 'mongodb://127.0.0.1:1', '--db', 'd', '--collection', 'c'];
  it('needs --model with openai, refuses --model without it, and lists the APIs it knows', async () => {
    const run = (extra: string[]) => runX(['batch', 'run', 'job-1', ...mongo, '--llm-url', 'http://llm/v1', ...extra]);
    const noModel = await run(['--llm-api', 'openai']);
    expect(noModel.code).toBe(2);
    expect(noModel.stderr).toContain("missing required option '--model <name>' for --llm-api openai");
    const stray = await run(['--model', 'gpt-4o-mini']);
    expect(stray.code).toBe(2);
    expect(stray.stderr).toContain('option --model needs --llm-api openai');
    const unknown = await run(['--llm-api', 'anthropic']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/Allowed choices are batch, openai/);
  });
});

/** `x batch run` against a local OpenAI-compatible mock (the shape vLLM and Ollama speak). */
describe.skipIf(!uri)('x batch run --llm-api openai against MongoDB (MONGODB_URI)', () => {
  const dbName = `x_platform_openai_${randomBytes(4).toString('hex')}`;
  let client: MongoClient;
  let chat: MockChatServer;
  const common = () => ['--mongo-uri', uri!, '--db', dbName, '--collection', 'tasks'];

  beforeAll(async () => {
    client = new MongoClient(uri!);
    await client.connect();
    const tasks = Array.from({ length: 25 }, (_, i) => ({ _id: `t-${i}`, prompt: `say ${i}` }));
    await client.db(dbName).collection<{ _id: string }>('tasks').insertMany(tasks);
    // the first request answers 429 with Retry-After-ms: the run pauses and no task is charged
    chat = await startMockChatServer({
      answer: ({ index }) => (index === 0 ? { status: 429, headers: { 'retry-after-ms': '50' } } : undefined),
    });
  });

  afterAll(async () => {
    await chat?.close();
    await client?.db(dbName).dropDatabase();
    await client?.close();
  });

  it('sends one chat completion per task with the model and key, and stores each answer', async () => {
    const created = await runX(['batch', 'create', ...common(), '--filter', '{}']);
    expect(created.code, created.stderr).toBe(0);
    const jobId = created.stdout.trim();
    const run = await runX(
      [
        'batch',
        'run',
        jobId,
        ...common(),
        '--llm-api',
        'openai',
        '--llm-url',
        chat.baseUrl,
        '--model',
        'tiny',
        '--json',
      ],
      { env: { OPENAI_API_KEY: 'sk-local' } },
    );
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ state: 'completed', succeeded: 25, failed: 0, attempts: 25 });
    const requests = chat.requests();
    expect(requests.length).toBeGreaterThanOrEqual(26);
    expect(requests.every((r) => r.body.model === 'tiny' && r.authorization === 'Bearer sk-local')).toBe(true);
    const results = await runX(['batch', 'results', jobId, ...common()]);
    const outputs = results.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { taskId: string; output: string });
    expect(outputs).toHaveLength(25);
    for (const { taskId, output } of outputs) expect(output).toBe(`echo: say ${taskId.slice(2)}`);
  });
});
