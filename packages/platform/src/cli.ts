#!/usr/bin/env node
import { firstOutputs } from './first-outputs.js';

const [command] = process.argv.slice(2);
if (command === 'demo') {
  for (const line of firstOutputs()) console.log(line);
} else {
  console.error(`Unknown command \`${command ?? ''}\`. Expected: demo`);
  process.exitCode = 2;
}
