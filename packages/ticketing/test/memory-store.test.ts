import { describe, expect, it } from 'vitest';
import { createTicketing, InvalidArgumentError, memoryStore, UnknownHoldError } from '../src/index.js';
import { ManualClock } from './fixtures.js';
import { describeStoreContract } from './store-contract.js';

describeStoreContract('memoryStore', () => memoryStore());
describeStoreContract('memoryStore, partitioned layout (2 units per partition)', () =>
  memoryStore({ layout: 'partitioned', partitionSize: 2 }),
);
describeStoreContract('memoryStore with small retention', () =>
  memoryStore({ finishedHoldRetention: 50, auditRetention: 200 }),
);

describe('memoryStore retention: memory follows live state plus what the caller keeps', () => {
  it('forgets the oldest finished holds and audit entries beyond the retention, never live ones', async () => {
    const clock = new ManualClock();
    const tix = createTicketing({
      store: memoryStore({ finishedHoldRetention: 10, auditRetention: 25 }),
      clock,
      holdTtlMs: 1_000,
    });
    await tix.createEvent({ id: 'e', name: 'E', capacity: 5 });
    const holds = [];
    for (let i = 0; i < 100; i++) {
      clock.advance(500);
      holds.push(await tix.hold({ eventId: 'e', userId: `u${i}` }));
    }
    // The last two are live; everything older than the last 10 finished ones is forgotten.
    expect((await tix.getHold(holds[99]!.id)).status).toBe('active');
    expect((await tix.getHold(holds[98]!.id)).status).toBe('active');
    expect((await tix.getHold(holds[90]!.id)).status).toBe('expired');
    await expect(tix.getHold(holds[0]!.id)).rejects.toThrow(UnknownHoldError);
    await expect(tix.getHold(holds[80]!.id)).rejects.toThrow(UnknownHoldError);
    const audit = await tix.audit('e');
    expect(audit).toHaveLength(25);
    expect(audit.at(-1)).toMatchObject({ type: 'hold_created', holdId: holds[99]!.id });
    // A live hold is never dropped: it can still be bought.
    const paid = await tix.confirmPayment({ holdId: holds[99]!.id, paymentId: 'p', amount: 1 });
    expect(paid.outcome).toBe('issued');
    expect((await tix.checkInvariants('e')).ok).toBe(true);
  });

  it('rejects bad retention values', () => {
    expect(() => memoryStore({ auditRetention: -1 })).toThrow(InvalidArgumentError);
    expect(() => memoryStore({ finishedHoldRetention: 1.5 })).toThrow(
      'Expected `finishedHoldRetention` to be an integer from 0 and up, or Infinity, got `1.5` (number)',
    );
    expect(() => memoryStore({ auditRetention: Number.POSITIVE_INFINITY })).not.toThrow();
  });
});
