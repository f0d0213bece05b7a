/**
 * Runs the mock LLM server in its own process, so the bench's `process.cpuUsage()` measures the
 * client side alone. Prints `{"url": …, "healthUrl": …}` on one line once listening; exits when
 * stdin closes.
 */
import { startMockLlmServer } from '@x/llm-batcher/testing';

const options = JSON.parse(process.argv[2] ?? '{}') as Parameters<typeof startMockLlmServer>[0];
const server = await startMockLlmServer(options);
process.stdout.write(`${JSON.stringify({ url: server.url, healthUrl: server.healthUrl })}\n`);
process.stdin.resume();
process.stdin.on('end', () => {
  server.kill();
  process.exit(0);
});
