/**
 * `@x/clock`: the exact angle between the hands of an analog clock, for times like `3:45`,
 * `15:45:30.250` or `3:45 PM`, between any two hands, and the inverse problem (every time at which
 * the hands form a given angle). Computed in integers and rounded once, so every result is the
 * correctly rounded double of the exact angle. Bad input throws a {@link ClockError}.
 *
 * @packageDocumentation
 */
export type { AngleFraction, ClockAngleOptions, HandPositions } from './clock-angle.js';
export { clockAngle, clockAngleFraction, handPositions } from './clock-angle.js';
export { ClockAngleError, ClockError, ClockOptionsError, ClockTimeError } from './clock-error.js';
export type { ClockTime, TimeInput } from './clock-time.js';
export { explainClockAngle } from './explain-clock-angle.js';
export type { Hand } from './hands.js';
export { parseTime } from './parse-time.js';
export type { TimesForAngleOptions } from './times-for-angle.js';
export { timesForAngle } from './times-for-angle.js';
