/**
 * A command-line argument that is missing, malformed or out of range. The `x` tool prints its
 * one-line message and exits with code 2 (bad usage), as it does for commander's own parse errors.
 */
export class UsageError extends Error {
  override name = 'UsageError';
}
