/** Option parsers the commands share: commander calls them, a bad value is a usage error (exit 64). */
import { InvalidArgumentError } from 'commander';

/** Any whole number; its range is the command's to check, with a message that names it. */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}
