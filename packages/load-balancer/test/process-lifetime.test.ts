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

it('a task waiting out an ejection keeps the process alive until it succeeds', () => {
  const result = run(
    'ejection',
    `import { LoadBalancer, WorkerUnavailableError } from ${index};
     const lb = new LoadBalancer({ ejection: { consecutiveFailures: 2, baseEjectionTimeMs: 200 } });
     let calls = 0;
     lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => {
       if (++calls <= 2) throw new WorkerUnavailableError('down');
       return n * 2;
     } });
     console.log(await lb.submit(21, { maxAttempts: 5 }), lb.workers()[0].ejections);`,
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('42 1');
  expect(result.status).toBe(0);
}, 30_000);

it('a task pushed back by a 429 keeps the process alive until the Retry-After has passed', () => {
  const result = run(
    'push-back',
    `import { LoadBalancer, WorkerOverloadedError } from ${index};
     const lb = new LoadBalancer();
     let calls = 0;
     const started = Date.now();
     lb.addWorker({ id: 'a', capacity: 1, execute: async (n) => {
       if (++calls === 1) throw new WorkerOverloadedError('429', { retryAfterMs: 200 });
       return n * 2;
     } });
     console.log(await lb.submit(21), Date.now() - started >= 190);`,
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('42 true');
  expect(result.status).toBe(0);
}, 30_000);

it('once the pending work is done the keep-alive is released and the process exits at once', () => {
  const started = Date.now();
  const result = run(
    'release',
    `import { LoadBalancer, WorkerUnavailableError } from ${index};
     const lb = new LoadBalancer({ ejection: { consecutiveFailures: 1, baseEjectionTimeMs: 60_000 } });
     lb.addWorker({ id: 'bad', capacity: 1, execute: async () => { throw new WorkerUnavailableError('down'); } });
     lb.addWorker({ id: 'ok', capacity: 1, execute: async (n) => n });
     console.log(await lb.submit(1), await lb.submit(2), lb.workers()[0].state);`,
  );
  expect(result.stderr).toBe('');
  expect(result.stdout.trim()).toBe('1 2 unreachable');
  expect(result.status).toBe(0);
  expect(Date.now() - started).toBeLessThan(15_000); // the 60 s ejection timer does not hold it
}, 30_000);
