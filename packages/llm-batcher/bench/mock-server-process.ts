/**
 * Runs the mock LLM server in its own process, so a benchmark's `process.cpuUsage()` measures the
 * batcher alone. Prints `{"url": …}` on one line once listening; exits when stdin closes.
 *
 *   node --import tsx bench/mock-server-process.ts '{"latencyMs":50}'
 */
import { startMockLlmServer } from '../src/testing.js';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startMockLlmServer>[0];
const server = await startMockLlmServer(options);
process.stdout.write(`${JSON.stringify({ url: server.url, port: server.port })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  server.kill();
  process.exit(0);
});
