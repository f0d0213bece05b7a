import { clockAngle, explainClockAngle, timesForAngle } from '@x/clock';
import type { CliContext } from '../cli-context.js';
import { renderTable } from '../report-table.js';
import { check, type DemoSection, type DemoSectionResult } from './demo-section.js';

/** Known angles the demo prints and checks (hour and minute hands unless stated). */
const cases: {
  time: string;
  hands?: ['hour' | 'minute' | 'second', 'hour' | 'minute' | 'second'];
  expected: number;
}[] = [
  { time: '3:45', expected: 157.5 },
  { time: '12:30', expected: 165 },
  { time: '3:15', expected: 7.5 },
  { time: '9:00', expected: 90 },
  { time: '6:00 PM', expected: 180 },
  { time: '15:45:30', hands: ['minute', 'second'], expected: 93 },
];

/** Clock angles: a few exact answers, one whiteboard derivation, and the inverse problem. */
export const clockSection: DemoSection = {
  title: 'Clock angles (@x/clock)',
  async run(context: CliContext): Promise<DemoSectionResult> {
    const rows: string[][] = [];
    const checks = [];
    for (const { time, hands, expected } of cases) {
      const angle = clockAngle(time, hands ? { hands } : {});
      rows.push([time, (hands ?? ['hour', 'minute']).join('/'), `${angle}°`]);
      checks.push(check(`${time} is ${expected}°`, angle === expected, `got ${angle}`));
    }
    for (const line of renderTable(['time', 'hands', 'angle'], rows)) context.out(`  ${line}`);
    context.out();
    context.out('  How 3:45 is worked out:');
    for (const line of explainClockAngle('3:45').split('\n')) context.out(`    ${line}`);
    const rightAngles = timesForAngle(90);
    context.out();
    context.out(
      `  The hands are at 90° ${rightAngles.length} times in 12 hours; the first at ` +
        `${rightAngles[0] ? `${rightAngles[0].hours}:${String(rightAngles[0].minutes).padStart(2, '0')}:${String(rightAngles[0].seconds).padStart(2, '0')}.${String(rightAngles[0].milliseconds).padStart(3, '0')}` : '-'}`,
    );
    checks.push(check('90° happens 22 times in 12 hours', rightAngles.length === 22, `got ${rightAngles.length}`));
    const roundTrip = rightAngles.every((time) => Math.abs(clockAngle(time) - 90) < 0.01);
    checks.push(check('every time found for 90° gives 90° back', roundTrip));
    return { summary: `${cases.length} angles exact, 90° found ${rightAngles.length}×`, checks };
  },
};
