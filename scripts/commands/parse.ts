/** Option parsers the commands share: commander calls them, a bad value is a usage error (exit 64). */
import { InvalidArgumentError } from 'commander';
import { parseAge } from '../../seed/clean.ts';
import { SEED_PROFILES } from '../../stack/env-names.ts';

/** Any whole number; its range is the command's to check, with a message that names it. */
export function wholeNumber(value: string): number {
  if (!/^\d+$/.test(value)) throw new InvalidArgumentError('expected a whole number.');
  return Number(value);
}

/** An environment's lifetime: minutes, hours or days, at most 30 days. */
export function ttlValue(value: string): number {
  const ms = parseAge(value);
  if (!ms || ms > 30 * 86_400_000) throw new InvalidArgumentError('--ttl must be minutes, hours or days, at most 30d (e.g. 45m, 8h, 2d).');
  return ms;
}

/** The profile an environment's random data comes from. */
export function profileValue(value: string): (typeof SEED_PROFILES)[number] {
  if (!(SEED_PROFILES as readonly string[]).includes(value))
    throw new InvalidArgumentError(`--profile must be one of ${SEED_PROFILES.join(', ')}.`);
  return value as (typeof SEED_PROFILES)[number];
}
