import { unknownOptionsMessage } from '@x/checks';
import { InvalidArgumentError, readingInput, UnknownOptionError } from './errors.js';

/** Every option an entry point knows (see `TreeOptions`). */
const TREE_OPTION_KEYS: readonly string[] = ['root'];

/**
 * Checks the `options` argument of `where` (an entry point's name, for the message): `undefined`
 * or an object with no keys but the known ones. Reads the keys only, never a value, so a getter
 * is read once, later, by whoever uses the option.
 */
export function checkTreeOptions(options: unknown, where: string): void {
  if (options === undefined) return;
  if (typeof options !== 'object' || options === null) {
    throw new InvalidArgumentError('options', 'an object', options);
  }
  readingInput('options', () => {
    const message = unknownOptionsMessage(where, options, TREE_OPTION_KEYS);
    if (message === undefined) return;
    const unknownKeys = Object.keys(options).filter((key) => !TREE_OPTION_KEYS.includes(key));
    throw new UnknownOptionError(message, options, unknownKeys, TREE_OPTION_KEYS);
  });
}

/** `options.root`, read once (after {@link checkTreeOptions}). */
export function readRoot<Id>(options: { readonly root?: Id | undefined } | undefined): Id | undefined {
  return options === undefined ? undefined : readingInput('options', () => options.root);
}
