import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';

const packageDir = fileURLToPath(new URL('..', import.meta.url));
const index = JSON.stringify(fileURLToPath(new URL('../src/index.ts', import.meta.url)));
const dir = mkdtempSync(join(tmpdir(), 'lb-lifetime-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(name: string, code: string) {
  const file = join(dir, `${name}.mts`);
  writeFileSync(file, code);
  return spawnSync(process.execPath, ['--import', 'tsx', file], { cwd: packageDir, encoding: 'utf8', timeout: 20_000 });
}

it('an idle balancer with monitored workers does not keep the process alive', () => {
  const started = Date.now();
  const result = run(
    'idle',
    `import { LoadBalancer } from ${index};
     const lb = new LoadBalancer({ heartbeatIntervalMs: 60_000, heartbeatTimeoutMs: 120_000 });
     lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => n, healthCheck: async () => true });
     lb.heartbeat('a');
     console.log(await lb.submit(42));`,
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('42');
  expect(result.status).toBe(0);
  expect(Date.now() - started).toBeLessThan(15_000);
}, 30_000);

it('a task timeout keeps the process alive until it fires', () => {
  const result = run(
    'timeout',
    `import { LoadBalancer } from ${index};
     const lb = new LoadBalancer();
     lb.addWorker({ id: 'a', capacity: 1, execute: () => new Promise(() => {}) });
     const error = await lb.submit(1, { timeoutMs: 200 }).catch((e) => e);
     console.log(error.name);`,
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('TaskTimeoutError');
  expect(result.status).toBe(0);
}, 30_000);
