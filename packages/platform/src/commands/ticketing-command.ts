import { formatFlashSaleReport, simulateFlashSale } from '@x/ticketing';
import type { Command } from 'commander';
import type { CliContext } from '../cli-context.js';
import { integerOption, numberOption } from '../option-parsers.js';

/** A simulated sale broke an invariant of @x/ticketing: the command fails (exit code 1). */
export class SimulationInvariantError extends Error {
  override name = 'SimulationInvariantError';
}

interface SimulateOptions {
  capacity: number;
  buyers: number;
  seed: number;
  holdTtlMs?: number;
  paymentFailureRate?: number;
  abandonRate?: number;
  seated?: boolean;
  json?: boolean;
}

/** `x ticketing simulate`: a flash-sale simulation on the in-memory store, and its report. */
export function registerTicketingCommand(program: Command, context: CliContext): void {
  const ticketing = program.command('ticketing').description('flash-sale tools built on @x/ticketing');
  ticketing
    .command('simulate')
    .description('simulate a flash sale (many buyers, few tickets) and print the report with its invariant checks')
    .option('--capacity <n>', 'tickets on sale', integerOption(1), 5000)
    .option('--buyers <n>', 'simulated buyers', integerOption(1), 100_000)
    .option('--seed <n>', 'random seed, for a reproducible run', integerOption(0), 1)
    .option('--hold-ttl-ms <ms>', 'how long a hold lasts before it expires (simulated milliseconds)', integerOption(1))
    .option('--payment-failure-rate <p>', 'share of payments that fail, from 0 to 1', numberOption(0, 1))
    .option('--abandon-rate <p>', 'share of buyers who abandon their hold, from 0 to 1', numberOption(0, 1))
    .option(
      '--seated',
      'sell a seat map (S1…Sn, held in adjacent blocks in seat-map order) instead of general admission',
    )
    .option('--json', 'print the report as JSON')
    .action(async (options: SimulateOptions) => {
      const report = await simulateFlashSale({
        capacity: options.capacity,
        buyers: options.buyers,
        seed: options.seed,
        ...(options.holdTtlMs === undefined ? {} : { holdTtlMs: options.holdTtlMs }),
        ...(options.paymentFailureRate === undefined ? {} : { paymentFailureRate: options.paymentFailureRate }),
        ...(options.abandonRate === undefined ? {} : { abandonRate: options.abandonRate }),
        ...(options.seated ? { seated: true } : {}),
      });
      const broken = !report.invariants.final.ok || report.invariants.violations.length > 0 || report.oversold > 0;
      const failure = new SimulationInvariantError(
        `the simulation broke ${report.invariants.violations.length} invariant checks (oversold ${report.oversold})`,
      );
      if (options.json) {
        context.out(JSON.stringify(report));
      } else {
        // The library's own rendering: the figures, then every invariant check after settling.
        for (const line of formatFlashSaleReport(report).split('\n')) context.out(line);
      }
      if (broken) throw failure;
    });
}
