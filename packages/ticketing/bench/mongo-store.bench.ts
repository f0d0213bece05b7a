/**
 * `mongoStore` through `createTicketing`, over the wire (MONGODB_URI): bytes per operation from the
 * driver's command monitoring at 1,000 and at 100,000 sold (every document an operation writes:
 * ledger, hold record, payment, order, audit), and a seated flash sale simulated on it.
 */
import { mongoTestUri } from '@x/checks/mongo-test';
import type { Db } from 'mongodb';
import { createTicketing, formatFlashSaleReport, simulateFlashSale, type Ticketing } from '../src/index.js';
import { mongoStore } from '../src/mongodb.js';
import { connectMetered, type Meter } from './metered-mongo.js';

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

export async function main({ quick }: { quick: boolean }): Promise<void> {
  if (!mongoTestUri) {
    console.log('mongoStore over the wire: skipped (MONGODB_URI not set)');
    return;
  }
  const { client, db, meter, ferretdb } = await connectMetered(mongoTestUri, 'x_ticketing_store_bench');
  try {
    console.log(
      `\nmongoStore through createTicketing (${ferretdb ? 'FerretDB, one connection' : 'MongoDB'}), per operation (command monitoring):`,
    );
    console.log('| operation | sold | commands | bytes sent | largest command | bytes received |');
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const sold of quick ? [1_000, 3_000] : [1_000, 100_000]) await bytesPerOperation(db, sold, meter);
    // FerretDB here answers a command in 2-6 ms on its one connection and a simulated buyer makes
    // ~100 commands (holds, payments, waitlist churn), so the 10,000 seats / 50,000 buyers
    // would take hours: the full run sells 1,000 seats to 5,000 buyers (WIRE_SALE_SEATS / WIRE_SALE_BUYERS change it).
    const seats = Number(process.env.WIRE_SALE_SEATS ?? (quick ? 10 : 1_000));
    const buyers = Number(process.env.WIRE_SALE_BUYERS ?? (quick ? 40 : 5_000));
    await wireSale(db, seats, buyers);
  } finally {
    await db.dropDatabase();
    await client.close();
  }
}

async function bytesPerOperation(db: Db, sold: number, meter: Meter): Promise<void> {
  let now = 1_700_000_000_000;
  const size = 1_000;
  const tix = createTicketing({ store: mongoStore({ db, collectionPrefix: `b${sold}_` }), clock: { now: () => now } });
  const open = 'open';
  const full = 'full';
  await tix.createEvent({ id: open, name: 'Open', capacity: sold + size });
  await tix.createEvent({ id: full, name: 'Full', capacity: sold });
  // Sold out in partition-sized orders: the state an operation meets after `sold` tickets.
  for (const eventId of [open, full]) await fill(tix, eventId, sold, size);
  const measure = async (label: string, run: () => Promise<unknown>) => {
    Object.assign(meter, { sent: 0, received: 0, commands: 0, largestSent: 0 });
    await run();
    console.log(
      `| ${label} | ${fmt(sold)} | ${meter.commands} | ${fmt(meter.sent)} | ${fmt(meter.largestSent)} | ${fmt(meter.received)} |`,
    );
  };
  now++;
  let held = await tix.hold({ eventId: open, userId: 'ada', quantity: 2 });
  await measure('hold (2 units)', async () => {
    held = await tix.hold({ eventId: open, userId: 'bea', quantity: 2 });
  });
  let orderId = '';
  await measure('beginPayment', () => tix.beginPayment(held.id));
  await measure('confirmPayment (issued)', async () => {
    const result = await tix.confirmPayment({ holdId: held.id, paymentId: `pay_${sold}`, amount: 20 });
    if (result.outcome !== 'issued') throw new Error('expected issued');
    orderId = result.order.id;
  });
  const other = await tix.hold({ eventId: open, userId: 'cy', quantity: 2 });
  await measure('release', () => tix.releaseHold(other.id));
  const order = await tix.getOrder(orderId);
  await measure('return (1 of 2 tickets)', () => tix.returnTickets({ orderId, ticketIds: [order.tickets[0]!.id] }));
  await measure('waitlist join (sold out)', () => tix.joinWaitlist({ eventId: full, userId: 'dee', quantity: 2 }));
  await measure('availability', () => tix.availability(open));
}

async function fill(tix: Ticketing, eventId: string, sold: number, size: number): Promise<void> {
  for (let i = 0; i < sold / size; i++) {
    const hold = await tix.hold({ eventId, userId: `filler${i}`, quantity: size });
    await tix.confirmPayment({ holdId: hold.id, paymentId: `fill_${eventId}_${i}`, amount: 1 });
  }
}

/**
 * A flash sale on mongoStore, seated unless WIRE_SALE_SEATED=0: every buyer's operations go over
 * the wire. FerretDB parses a whole document to evaluate any filter, so the counter read of a hold
 * whose first guess misses costs in proportion to all partition bytes of the event; a seated
 * partition carries its seat map, a general-admission one only its live entries, so the large
 * general-admission run finishes in a session where the seated one of the same size does not.
 */
async function wireSale(db: Db, capacity: number, buyers: number): Promise<void> {
  const start = performance.now();
  const seated = process.env.WIRE_SALE_SEATED !== '0';
  const report = await simulateFlashSale({
    capacity,
    buyers,
    seated,
    seed: 11,
    perUserLimit: 4,
    // FerretDB's counter read parses every partition document, whose size follows the live holds
    // in it: with the default 120 s holds, every buyer refused after the sell-out reads all of
    // them (~370 KB at 10,000 units), so long runs set shorter holds (WIRE_SALE_HOLD_TTL_MS).
    ...(process.env.WIRE_SALE_HOLD_TTL_MS === undefined
      ? {}
      : { holdTtlMs: Number(process.env.WIRE_SALE_HOLD_TTL_MS) }),
    // and the buyers' arrival spread (default 30 s): the same buyers over a longer window meet
    // fewer live holds after the sell-out
    ...(process.env.WIRE_SALE_ARRIVAL_WINDOW_MS === undefined
      ? {}
      : { arrivalWindowMs: Number(process.env.WIRE_SALE_ARRIVAL_WINDOW_MS) }),
    // a buyer who joins the waitlist costs ~5x the commands of one who does not (offers, expiries
    // and re-offers): WIRE_SALE_WAITLIST_RATE lowers the share for long runs on a slow server
    ...(process.env.WIRE_SALE_WAITLIST_RATE === undefined
      ? {}
      : { waitlistRate: Number(process.env.WIRE_SALE_WAITLIST_RATE) }),
    // the final check reads every record; checks in between would dominate the run
    fullCheckEvery: 1_000_000_000,
    // the capacity check (`availability`) reads every partition's counters, which FerretDB answers
    // by parsing every partition document: every 20 steps here (every step in the memory runs)
    capacityCheckEvery: 20,
    // FerretDB stores a document as one JSON value and rewrites all of it on every update, so a
    // take costs in proportion to its partition (a 1,000-seat partition with its seat map and
    // entries is ~120 KB): WIRE_SALE_PARTITION_SIZE sets smaller partitions for long wire runs.
    store: mongoStore({
      db,
      collectionPrefix: 'sale_',
      ...(process.env.WIRE_SALE_PARTITION_SIZE === undefined
        ? {}
        : { partitionSize: Number(process.env.WIRE_SALE_PARTITION_SIZE) }),
    }),
    // progress on long runs (every 2,000 steps), to stderr so the report stays clean
    onStep: ({ step, now }) => {
      if (step % 2_000 === 0) {
        process.stderr.write(
          `  step ${step}, virtual ${Math.round(now / 1000)} s, ${Math.round((performance.now() - start) / 1000)} s wall, rss ${Math.round(process.memoryUsage().rss / 1e6)} MB\n`,
        );
      }
    },
  });
  const seconds = (performance.now() - start) / 1000;
  console.log(
    `\n${seated ? 'seated' : 'general-admission'} flash sale over the wire: ${fmt(capacity)} ${seated ? 'seats' : 'tickets'}, ${fmt(buyers)} buyers (waitlist rate ${process.env.WIRE_SALE_WAITLIST_RATE ?? 'default'}) in ${seconds.toFixed(1)} s (${fmt(report.throughput.operationsPerSecond)} operations/s)`,
  );
  console.log(formatFlashSaleReport(report));
  if (!report.invariants.final.ok || report.oversold > 0) throw new Error('the wire sale broke an invariant');
}
