import { performance } from 'node:perf_hooks';
import { mongoTestUri } from '@x/checks/mongo-test';
import { BSON } from 'mongodb';
import { createTicketing } from '../src/index.js';
import { memoryLedgerBackend } from '../src/memory-ledger-backend.js';
import { mongoLedgerBackend } from '../src/mongo-ledger-backend.js';
import { type LedgerBackend, PartitionLedger } from '../src/partition-ledger.js';
import { connectMetered } from './metered-mongo.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/**
 * The partitioned ledger's scale figures: holds/s on the memory backend beside `memoryStore`
 * (same loop), the largest document of a 100,000-seat event with 200,000 people in line (and of a
 * seated one, with its seat map), and — when MONGODB_URI is set — bytes per operation from the
 * driver's command monitoring at 1,000 and 100,000 sold (general admission and seated), and a
 * 500-seat / 2,500-buyer sale over the wire.
 */
export async function main({ quick }: { quick: boolean }): Promise<void> {
  await holdsPerSecond(quick);
  await seatedHoldsPerSecond(quick);
  await largestDocument(quick);
  await largestSeatedDocument(quick);
  if (!mongoTestUri) {
    console.log('\nover the wire: skipped (MONGODB_URI not set)');
    return;
  }
  const { client, db, meter, ferretdb } = await connectMetered(mongoTestUri, 'x_ticketing_bench');
  try {
    console.log(
      `\nover the wire (${ferretdb ? 'FerretDB, one connection' : 'MongoDB'}), bytes per operation (command monitoring):`,
    );
    console.log('| operation | sold | commands | bytes sent | bytes received |');
    console.log('|---|---:|---:|---:|---:|');
    for (const sold of quick ? [1_000, 2_000] : [1_000, 100_000]) {
      await bytesPerOperation(mongoLedgerBackend(db, `b${sold}_`), sold, meter);
    }
    console.log('\nseated events (a seat map of `sold` + 1,000 seats), bytes per operation (command monitoring):');
    console.log('| seated operation | seats | sold | commands | bytes sent | bytes received |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const sold of quick ? [1_000, 2_000] : [1_000, 100_000]) {
      await bytesPerSeatedOperation(mongoLedgerBackend(db, `s${sold}_`), sold, meter);
    }
    // 500 seats / 2,500 buyers in the full run: FerretDB 1.24 on the shared test machine answered a
    // command in 6–25 ms on its one connection, so the 10,000 / 50,000 takes hours there.
    await wireSale(mongoLedgerBackend(db, 'sale_'), quick ? 100 : 500, quick ? 500 : 2_500);
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

/** One hold per ms, each live 20 s (~20,000 live), on the ledger's memory backend and on `memoryStore`, alternating. */
async function holdsPerSecond(quick: boolean): Promise<void> {
  const holds = quick ? 5_000 : 200_000;
  const ttl = 20_000;
  const rows: string[] = [];
  for (let round = 0; round < 2; round++) {
    let now = 1_700_000_000_000;
    const ledger = new PartitionLedger(memoryLedgerBackend());
    await ledger.createEvent({ eventId: 'bench', capacity: 50_000, perUserLimit: null });
    let start = performance.now();
    for (let i = 0; i < holds; i++) {
      now++;
      await ledger.reserve(
        { id: `h${i}`, eventId: 'bench', userId: `u${i}`, quantity: 1 + (i % 2), expiresAt: now + ttl },
        now,
      );
    }
    const ledgerRate = holds / ((performance.now() - start) / 1000);
    const tix = createTicketing({ clock: { now: () => now }, holdTtlMs: ttl });
    await tix.createEvent({ id: 'bench', name: 'Bench', capacity: 50_000 });
    start = performance.now();
    for (let i = 0; i < holds; i++) {
      now++;
      await tix.hold({ eventId: 'bench', userId: `u${i}`, quantity: 1 + (i % 2) });
    }
    const storeRate = holds / ((performance.now() - start) / 1000);
    rows.push(`${fmt(ledgerRate)} vs ${fmt(storeRate)} (${(ledgerRate / storeRate).toFixed(2)}x)`);
  }
  console.log(
    `\nholds/s, ${fmt(holds)} holds, ~20,000 live: partitioned ledger (memory backend) vs memoryStore through createTicketing: ${rows.join(' · ')}`,
  );
}

/**
 * The cost of picking seats: the same loop as {@link holdsPerSecond} (one hold of 1–2 units per
 * ms, ~20,000 live) on a general-admission event and on a seated one whose holds name no seats
 * (the ledger reads the partition's seat map and picks adjacent seats), alternating.
 */
async function seatedHoldsPerSecond(quick: boolean): Promise<void> {
  const holds = quick ? 5_000 : 200_000;
  const capacity = 50_000;
  const rows: string[] = [];
  const seats = Array.from({ length: capacity }, (_, i) => seatName(i));
  for (let round = 0; round < 2; round++) {
    const rates: number[] = [];
    for (const seated of [false, true]) {
      let now = 1_700_000_000_000;
      const ledger = new PartitionLedger(memoryLedgerBackend());
      await ledger.createEvent({ eventId: 'bench', capacity, perUserLimit: null, seats: seated ? seats : null });
      const start = performance.now();
      for (let i = 0; i < holds; i++) {
        now++;
        await ledger.reserve(
          { id: `h${i}`, eventId: 'bench', userId: `u${i}`, quantity: 1 + (i % 2), expiresAt: now + 20_000 },
          now,
        );
      }
      rates.push(holds / ((performance.now() - start) / 1000));
    }
    rows.push(`${fmt(rates[1]!)} vs ${fmt(rates[0]!)} (${(rates[1]! / rates[0]!).toFixed(2)}x)`);
  }
  console.log(
    `\nseated holds/s, ${fmt(holds)} holds of 1–2 picked seats, ~20,000 live, ledger on the memory backend: seated vs general admission: ${rows.join(' · ')}`,
  );
}

/** Every seat held by a one-seat hold (the most entries a partition can have) and 200,000 people in line. */
async function largestDocument(quick: boolean): Promise<void> {
  const capacity = quick ? 10_000 : 100_000;
  const waiting = quick ? 20_000 : 200_000;
  const backend = memoryLedgerBackend();
  const ledger = new PartitionLedger(backend);
  await ledger.createEvent({ eventId: 'stadium', capacity, perUserLimit: 4 });
  const now = 1_700_000_000_000;
  for (let i = 0; i < capacity; i++) {
    await ledger.reserve(
      {
        id: `h_${i.toString(36).padStart(8, '0')}`,
        eventId: 'stadium',
        userId: `user-${i}`,
        quantity: 1,
        expiresAt: now + 600_000,
      },
      now,
    );
  }
  for (let i = 0; i < waiting; i++) await ledger.join({ eventId: 'stadium', userId: `waiting-${i}`, quantity: 2 }, now);
  let largest = 0;
  for (const counter of await backend.partitionCounters('stadium')) {
    largest = Math.max(largest, BSON.calculateObjectSize((await backend.readPartition('stadium', counter.index))!));
  }
  const entry = await ledger.entry('stadium', `stadium#${waiting}`);
  const hold = await backend.getHold('h_00000000');
  console.log(
    `\nlargest document, ${fmt(capacity)} seats all held by one-seat holds, ${fmt(waiting)} in line: partition ${fmt(largest)} B (limit 256 KB); a waitlist entry ${fmt(BSON.calculateObjectSize(entry!))} B, a hold ${fmt(BSON.calculateObjectSize(hold!))} B (one document each)`,
  );
}

/** A stadium-like seat name (`Sec112-RowAB-0023`): 17 characters, longer than most real ones. */
function seatName(i: number): string {
  const row = Math.floor(i / 25) % 40;
  return `Sec${100 + Math.floor(i / 1_000)}-Row${String.fromCharCode(65 + Math.floor(row / 26))}${String.fromCharCode(65 + (row % 26))}-${String(i % 1_000).padStart(4, '0')}`;
}

/**
 * The largest seated partition: every seat of a 100,000-seat event held by a one-seat hold (the
 * most entries a partition can have, each listing its seat, plus a full seat map), measured as
 * BSON. Holds name their seats, so filling costs no picking.
 */
async function largestSeatedDocument(quick: boolean): Promise<void> {
  const capacity = quick ? 10_000 : 100_000;
  const seats = Array.from({ length: capacity }, (_, i) => seatName(i));
  const backend = memoryLedgerBackend();
  const ledger = new PartitionLedger(backend);
  await ledger.createEvent({ eventId: 'arena', capacity, perUserLimit: 4, seats });
  const now = 1_700_000_000_000;
  for (let i = 0; i < capacity; i++) {
    const out = await ledger.reserve(
      {
        id: `h_${i.toString(36).padStart(8, '0')}`,
        eventId: 'arena',
        userId: `user-${i}`,
        quantity: 1,
        expiresAt: now + 600_000,
        seats: [seats[i]!],
      },
      now,
    );
    if (out.status !== 'ok') throw new Error(`seated fill: ${out.status}`);
  }
  let largest = 0;
  let seatMap = 0;
  for (const counter of await backend.partitionCounters('arena')) {
    const partition = (await backend.readPartition('arena', counter.index))!;
    largest = Math.max(largest, BSON.calculateObjectSize(partition));
    seatMap = Math.max(seatMap, BSON.calculateObjectSize({ seats: partition.seats }));
  }
  const hold = await backend.getHold('h_00000000');
  console.log(
    `\nlargest seated document, ${fmt(capacity)} seats (names like ${seats[0]}) all held by one-seat holds: partition ${fmt(largest)} B (limit 256 KB; its seat map ${fmt(seatMap)} B), a hold ${fmt(BSON.calculateObjectSize(hold!))} B`,
  );
}

/**
 * Prints one row per seated operation on an event of `sold + 1,000` seats with `sold` seats sold
 * (in holds of 1,000 named seats, partition by partition): a hold of 3 named seats, confirmation,
 * release, a return of 2 named seats (and of 2 seats in a fully sold partition), a hold refused
 * because one of its named seats is sold (in a full partition), and a hold of 2
 * picked seats in a partition whose seats are 97 % taken (the read for picking is bounded by the
 * partition size, not by the event).
 */
export async function bytesPerSeatedOperation(
  backend: LedgerBackend,
  sold: number,
  meter: { sent: number; received: number; commands: number },
): Promise<void> {
  const size = 1_000;
  const ledger = new PartitionLedger(backend, { partitionSize: size });
  let now = Date.now();
  const eventId = `seated${sold}`;
  const seats = Array.from({ length: sold + size }, (_, i) => seatName(i));
  await ledger.createEvent({ eventId, capacity: seats.length, perUserLimit: size, seats });
  // A 2-seat sale inside the first partition, which the fill then sells out around it.
  const pair = [seats[500]!, seats[501]!];
  const small = `${eventId}_small`;
  await ledger.reserve(
    { id: small, eventId, userId: 'eve', quantity: 2, expiresAt: now + 3_600_000, seats: pair },
    now,
  );
  await ledger.sell(small, `pay_${small}`, now);
  for (let i = 0; i < sold / size; i++) {
    const id = `${eventId}_fill${i}`;
    const fill = seats.slice(i * size, (i + 1) * size).filter((seat) => !pair.includes(seat));
    const out = await ledger.reserve(
      { id, eventId, userId: `filler${i}`, quantity: fill.length, expiresAt: now + 3_600_000, seats: fill },
      now,
    );
    if (out.status !== 'ok') throw new Error(`seated fill: ${out.status}`);
    await ledger.sell(id, `pay_${id}`, now);
  }
  // The open partition: the last one.
  const open = seats.slice(sold);
  const measure = async (label: string, count: number, run: () => Promise<unknown>) => {
    Object.assign(meter, { sent: 0, received: 0, commands: 0 });
    await run();
    console.log(
      `| ${label} | ${count} | ${fmt(sold)} | ${meter.commands} | ${fmt(meter.sent)} | ${fmt(meter.received)} |`,
    );
  };
  now++;
  const named = [open[3]!, open[4]!, open[5]!];
  await measure('hold (named seats)', 3, async () => {
    const out = await ledger.reserve(
      { id: `${eventId}_h1`, eventId, userId: 'ada', quantity: 3, expiresAt: now + 600_000, seats: named },
      now,
    );
    if (out.status !== 'ok') throw new Error(`seated hold: ${out.status}`);
  });
  await measure('confirmation (extend + sell)', 3, async () => {
    await ledger.extend(`${eventId}_h1`, now + 900_000, now);
    await ledger.sell(`${eventId}_h1`, 'pay_1', now);
  });
  await ledger.reserve(
    { id: `${eventId}_h2`, eventId, userId: 'bob', quantity: 3, expiresAt: now + 600_000, seats: open.slice(10, 13) },
    now,
  );
  await measure('release (named seats)', 3, () => ledger.release(`${eventId}_h2`, now));
  await measure('return (2 named seats of 3)', 2, () =>
    ledger.returnUnits(`${eventId}_h1`, 'ret_1', 2, now, named.slice(1)),
  );
  // A return from a full partition (1,000 seats sold): the read is of the returned seats' keys only.
  await measure('return (a 2-seat sale, full partition)', 2, () => ledger.returnUnits(small, 'ret_2', 2, now, pair));
  await measure('hold refused (a named seat sold, full partition)', 2, async () => {
    const out = await ledger.reserve(
      {
        id: `${eventId}_h4`,
        eventId,
        userId: 'dee',
        quantity: 2,
        expiresAt: now + 600_000,
        seats: [seats[10]!, open[0]!],
      },
      now,
    );
    if (out.status !== 'seat_taken') throw new Error(`seated refused hold: ${out.status}`);
  });
  // Crowd the open partition: 970 of its seats held by one hold (a full seat map to read), 30 free.
  const crowd = open.filter((_, i) => i >= 20 && i % 100 !== 7);
  const crowded = await ledger.reserve(
    {
      id: `${eventId}_crowd`,
      eventId,
      userId: 'crowd',
      quantity: crowd.length,
      expiresAt: now + 3_600_000,
      seats: crowd,
    },
    now,
  );
  if (crowded.status !== 'ok') throw new Error(`seated crowd: ${crowded.status}`);
  await measure('hold (picked seats, partition 97 % taken)', 2, async () => {
    const out = await ledger.reserve(
      { id: `${eventId}_h3`, eventId, userId: 'cy', quantity: 2, expiresAt: now + 600_000 },
      now,
    );
    if (out.status !== 'ok') throw new Error(`seated picked hold: ${out.status}`);
  });
}

/** Prints one table row per operation: commands, bytes sent and received, on an event with `sold` units sold. */
export async function bytesPerOperation(
  backend: LedgerBackend,
  sold: number,
  meter: { sent: number; received: number; commands: number },
): Promise<void> {
  const size = 1_000;
  const ledger = new PartitionLedger(backend, { partitionSize: size });
  let now = Date.now();
  const open = `open${sold}`;
  const full = `full${sold}`;
  await ledger.createEvent({ eventId: open, capacity: sold + size, perUserLimit: size });
  await ledger.createEvent({ eventId: full, capacity: sold, perUserLimit: size });
  for (const eventId of [open, full]) {
    for (let i = 0; i < sold / size; i++) {
      const id = `${eventId}_fill${i}`;
      const out = await ledger.reserve(
        { id, eventId, userId: `filler${i}`, quantity: size, expiresAt: now + 3_600_000 },
        now,
      );
      if (out.status !== 'ok') throw new Error(`fill: ${out.status}`);
      await ledger.sell(id, `pay_${id}`, now);
    }
  }
  const measure = async (label: string, run: () => Promise<unknown>) => {
    Object.assign(meter, { sent: 0, received: 0, commands: 0 });
    await run();
    console.log(`| ${label} | ${fmt(sold)} | ${meter.commands} | ${fmt(meter.sent)} | ${fmt(meter.received)} |`);
  };
  now++;
  await measure('hold (2 units)', () =>
    ledger.reserve({ id: `${open}_h1`, eventId: open, userId: 'ada', quantity: 2, expiresAt: now + 600_000 }, now),
  );
  await measure('confirmation (extend + sell)', async () => {
    await ledger.extend(`${open}_h1`, 900_000, now);
    await ledger.sell(`${open}_h1`, 'pay_1', now);
  });
  await ledger.reserve({ id: `${open}_h2`, eventId: open, userId: 'bob', quantity: 2, expiresAt: now + 600_000 }, now);
  await measure('release', () => ledger.release(`${open}_h2`, now));
  await measure('return (1 of 2 tickets)', () => ledger.returnUnits(`${open}_h1`, 'ret_1', 1, now));
  await measure('waitlist join (sold out)', () => ledger.join({ eventId: full, userId: 'cy', quantity: 2 }, now));
}

/** A sale over the wire: buyers hold 1–2 units, 70 % pay and 30 % release, 16 in flight; prints the outcome. */
export async function wireSale(backend: LedgerBackend, capacity: number, buyers: number): Promise<void> {
  const ledger = new PartitionLedger(backend);
  await ledger.createEvent({ eventId: 'sale', capacity, perUserLimit: 4 });
  const now = () => Date.now();
  let next = 0;
  let sold = 0;
  let refused = 0;
  const start = performance.now();
  const buyer = async () => {
    for (let i = next++; i < buyers; i = next++) {
      const id = `sale_h${i}`;
      const out = await ledger.reserve(
        { id, eventId: 'sale', userId: `u${i}`, quantity: 1 + (i % 2), expiresAt: now() + 600_000 },
        now(),
      );
      if (out.status !== 'ok') {
        refused++;
        continue;
      }
      if (i % 10 < 7) {
        const sale = await ledger.sell(id, `pay${i}`, now());
        if (sale?.status === 'sold') sold += out.hold.quantity;
      } else await ledger.release(id, now());
    }
  };
  await Promise.all(Array.from({ length: 16 }, buyer));
  const seconds = (performance.now() - start) / 1000;
  const counts = await ledger.counts('sale', now());
  console.log(
    `\nsale over the wire: ${fmt(capacity)} seats, ${fmt(buyers)} buyers (16 in flight; 70 % of holders pay, 30 % release): ${seconds.toFixed(1)} s, ${fmt(buyers / seconds)} buyers/s; sold ${fmt(counts.sold)} (counted ${fmt(sold)}), held ${counts.held}, refused ${fmt(refused)}, oversold ${Math.max(0, counts.sold + counts.held - capacity)}`,
  );
}
