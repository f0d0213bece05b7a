import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { checkDuration, checkFunction, checkKnownKeys, checkObject } from './argument-checks.js';

/**
 * One request the mock chat server received.
 *
 * @example
 * ```ts
 * const [first] = server.requests();
 * console.log(first?.body.model, first?.authorization);
 * ```
 */
export interface MockChatRequest {
  /** The parsed JSON body (`model`, `messages`, and any extra params). */
  readonly body: {
    /** The `model` the client asked for, as sent. */
    model?: unknown;
    /** The chat `messages` array, as sent (`[{ role, content }, …]` from `openAiChatClient`). */
    messages?: unknown;
    [key: string]: unknown;
  };
  /** The `authorization` header, if any. */
  readonly authorization: string | undefined;
  /** 0-based order of arrival. */
  readonly index: number;
  /** When it arrived (`Date.now()`). */
  readonly at: number;
}

/**
 * What the mock answers to one request: a status, headers and a JSON body. Omitted fields take the
 * default answer's (200, a chat completion echoing the last message).
 *
 * @example
 * ```ts
 * const tooMany: MockChatAnswer = { status: 429, headers: { 'retry-after': '2' }, body: { error: { message: 'slow down' } } };
 * ```
 */
export interface MockChatAnswer {
  /** HTTP status. @default 200 */
  status?: number;
  /** Response headers. */
  headers?: Record<string, string>;
  /** The JSON body. @default a chat completion whose content is `echo: <last message's content>` */
  body?: unknown;
}

/**
 * Options of {@link startMockChatServer}.
 *
 * @example
 * ```ts
 * await startMockChatServer({ latencyMs: 5, answer: (r) => (r.index === 0 ? { status: 500 } : undefined) });
 * ```
 */
export interface MockChatServerOptions {
  /** Decides the answer to a request; `undefined` means the default answer. */
  answer?: (request: MockChatRequest) => MockChatAnswer | undefined | Promise<MockChatAnswer | undefined>;
  /** Delay before each answer, in milliseconds. @default 0 */
  latencyMs?: number;
}

/**
 * A running mock of an OpenAI-compatible chat-completions endpoint.
 *
 * @example
 * ```ts
 * const server = await startMockChatServer();
 * const client = openAiChatClient({ baseUrl: server.baseUrl, model: 'mock' });
 * await server.close();
 * ```
 */
export interface MockChatServer {
  /** `http://127.0.0.1:PORT/v1`: give it to `openAiChatClient` as `baseUrl`. */
  readonly baseUrl: string;
  /** Every request received so far, in order. */
  requests(): readonly MockChatRequest[];
  /** Stops accepting, destroys open connections and resolves when closed. */
  close(): Promise<void>;
}

/**
 * Starts a local server that speaks the chat-completions shape (`POST /v1/chat/completions`), for
 * tests and demos of `openAiChatClient` without a real model.
 *
 * @example
 * ```ts
 * import { startMockChatServer } from '@x/llm-batcher/testing';
 * const server = await startMockChatServer({
 *   answer: ({ index }) => (index < 2 ? { status: 429, headers: { 'retry-after-ms': '100' } } : undefined),
 * });
 * console.log(server.baseUrl); // http://127.0.0.1:PORT/v1
 * await server.close();
 * ```
 */
export async function startMockChatServer(options: MockChatServerOptions = {}): Promise<MockChatServer> {
  checkKnownKeys('startMockChatServer', checkObject('options', options), ['answer', 'latencyMs']);
  if (options.answer !== undefined) checkFunction('answer', options.answer);
  const latencyMs = checkDuration('latencyMs', options.latencyMs ?? 0);
  const received: MockChatRequest[] = [];
  const sockets = new Set<Socket>();
  const handle = async (request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (request.method !== 'POST' || !request.url?.endsWith('/chat/completions')) {
      response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"message":"not found"}}');
      return;
    }
    let body: MockChatRequest['body'];
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
    } catch {
      response.writeHead(400, { 'content-type': 'application/json' }).end('{"error":{"message":"bad JSON"}}');
      return;
    }
    const record: MockChatRequest = {
      body,
      authorization: request.headers.authorization,
      index: received.length,
      at: Date.now(),
    };
    received.push(record);
    const custom = (await options.answer?.(record)) ?? {};
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const messages = Array.isArray(body.messages) ? (body.messages as { content?: unknown }[]) : [];
    const last = messages[messages.length - 1]?.content;
    const answer = custom.body ?? {
      id: `chatcmpl-${record.index}`,
      object: 'chat.completion',
      created: Math.floor(record.at / 1000),
      model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: `echo: ${String(last)}` }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
    };
    if (response.destroyed) return;
    response
      .writeHead(custom.status ?? 200, { 'content-type': 'application/json', ...custom.headers })
      .end(JSON.stringify(answer));
  };
  const server = createServer((request, response) => {
    handle(request, response).catch(() => response.destroy());
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return {
    baseUrl: `http://127.0.0.1:${port}/v1`,
    requests: () => [...received],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of sockets) socket.destroy();
      }),
  };
}
