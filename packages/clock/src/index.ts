export type { AngleFraction, ClockAngleOptions, HandPositions } from './clock-angle.js';
export { clockAngle, clockAngleFraction, handPositions } from './clock-angle.js';
export { ClockAngleError, ClockError, ClockOptionsError, ClockTimeError } from './clock-error.js';
export type { ClockTime, TimeInput } from './clock-time.js';
export { explainClockAngle } from './explain-clock-angle.js';
export type { Hand } from './hands.js';
export { parseTime } from './parse-time.js';
export type { TimesForAngleOptions } from './times-for-angle.js';
export { timesForAngle } from './times-for-angle.js';
