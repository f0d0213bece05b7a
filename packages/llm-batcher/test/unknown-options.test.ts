import { describe, expect, it } from 'vitest';
import {
  createBatcher,
  httpLlmClient,
  InvalidArgumentError,
  memoryJobStore,
  memoryTaskSource,
  openAiChatClient,
} from '../src/index.js';
import { mongoJobStore, mongoTaskSource } from '../src/mongodb.js';
import { startMockChatServer, startMockLlmServer } from '../src/testing.js';
import { FakeDb } from './fake-mongo.js';

// Issue #16: every public function of every entry point rejects a misspelled option with the
// package's own error, naming the function, the key, the near valid key and every valid key.
const db = new FakeDb();
const entryPoints: [string, () => unknown, RegExp][] = [
  [
    'createBatcher',
    () =>
      createBatcher({
        source: memoryTaskSource([]),
        store: memoryJobStore(),
        client: { complete: async () => ({ results: [] }) },
        requestTimeout: 5,
      } as never),
    /^Unknown option `requestTimeout` \(did you mean `requestTimeoutMs`\?\) in `createBatcher` options; valid options are /,
  ],
  [
    'httpLlmClient',
    () => httpLlmClient({ url: 'http://127.0.0.1:9/batch', timeout: 5 } as never),
    /^Unknown option `timeout` .*in `httpLlmClient` options; valid options are .*`timeoutMs`/,
  ],
  [
    'openAiChatClient',
    () => openAiChatClient({ baseUrl: 'http://127.0.0.1:9/v1', model: 'm', apikey: 'k' } as never),
    /^Unknown option `apikey` \(did you mean `apiKey`\?\) in `openAiChatClient` options/,
  ],
  [
    'mongoJobStore (@x/llm-batcher/mongodb)',
    () => mongoJobStore({ db: db as never, jobCollection: 'j' } as never),
    /^Unknown option `jobCollection` \(did you mean `jobsCollection`\?\) in `mongoJobStore` options; valid options are `db`, `jobsCollection`, `itemsCollection`$/,
  ],
  [
    'mongoTaskSource (@x/llm-batcher/mongodb)',
    () => mongoTaskSource({ collection: db.collection('t') as never, toPayLoad: String } as never),
    /^Unknown option `toPayLoad` \(did you mean `toPayload`\?\) in `mongoTaskSource` options; valid options are `collection`, `toDocumentId`, `toPayload`$/,
  ],
];

describe('unknown option keys, per entry point', () => {
  it.each(entryPoints)('%s', (_, call, message) => {
    expect(call).toThrow(InvalidArgumentError);
    expect(call).toThrow(message);
  });

  it('startMockLlmServer and startMockChatServer (@x/llm-batcher/testing)', async () => {
    await expect(startMockLlmServer({ latency: 5 } as never)).rejects.toThrow(
      /^Unknown option `latency` \(did you mean `latencyMs`\?\) in `startMockLlmServer` options/,
    );
    await expect(startMockChatServer({ latency: 5 } as never)).rejects.toThrow(
      /^Unknown option `latency` \(did you mean `latencyMs`\?\) in `startMockChatServer` options/,
    );
  });
});
