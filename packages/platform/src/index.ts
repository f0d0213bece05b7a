export { firstOutputs } from './first-outputs.js';
