export { ClockTimeError, clockAngle } from './clock-angle.js';
