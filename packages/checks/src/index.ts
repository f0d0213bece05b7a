/**
 * Internal to the x monorepo: one way for every package to describe a bad value, reject unknown
 * option keys, check durations and read `Retry-After`. Each package bundles it into its own `dist`
 * (it is a dev dependency, which tsup inlines) and throws its own error classes with these messages.
 *
 * @packageDocumentation
 */
export { describeValue, isDate, MAX_QUOTED_CHARS, quoteInput, typeName } from './describe-value.js';
export { durationProblem, MAX_TIMER_MS } from './duration.js';
export { expected } from './expected.js';
export { unknownOptionsMessage } from './option-keys.js';
export { type HeaderSource, MAX_RETRY_AFTER_MS, parseRetryAfter } from './retry-after.js';
