/**
 * Quarantine: known failures that must not block a promotion while someone fixes them. Each
 * entry names an owner, a ticket and an expiry date; an expired entry stops protecting its
 * tests, and the gate says so.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { loadEntries } from '../lib/json-file.ts';
import { REPO_ROOT } from '../config/paths.ts';
import type { QuarantineEntry } from './types.ts';

export const QUARANTINE_FILE = join(REPO_ROOT, 'config', 'quarantine.json');

const entrySchema = z
  .object({
    test: z.string().min(1, 'must name a test id or a pattern'),
    reason: z.string().min(1, 'must say why'),
    owner: z.string().min(1, 'must name who fixes it'),
    ticket: z.string().min(1, 'must link the ticket that tracks the fix'),
    expires: z
      .string()
      .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-31')
      .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a real date'),
  })
  .strict();
export function loadQuarantine(file = QUARANTINE_FILE): QuarantineEntry[] {
  if (!existsSync(file)) return [];
  return loadEntries({
    file,
    key: 'quarantine',
    entry: entrySchema,
    example: '{"quarantine": [{"test", "reason", "owner", "ticket", "expires": "YYYY-MM-DD"}]}',
  });
}

/** Expired when `now` is past the end of the expiry day (UTC). */
export const isExpired = (e: QuarantineEntry, now: Date) => now.getTime() >= Date.parse(`${e.expires}T00:00:00Z`) + 86_400_000;

/** `test` is an exact id or a glob over ids where `*` matches any text (ids contain / and ›). */
function matcher(pattern: string): (id: string) => boolean {
  if (!/[*?[\]{}]/.test(pattern)) return (id) => id === pattern;
  return picomatch(pattern, { dot: true, nobrace: false, noextglob: true, contains: false, bash: true });
}

export interface QuarantineIndex {
  /** The unexpired entry protecting this test, if any. */
  active(testId: string): QuarantineEntry | undefined;
  /** The expired entry that would have protected this test, if any. */
  expired(testId: string): QuarantineEntry | undefined;
}

export function quarantineIndex(entries: QuarantineEntry[], now: Date): QuarantineIndex {
  const compiled = entries.map((e) => ({ e, match: matcher(e.test), expired: isExpired(e, now) }));
  return {
    active: (id) => compiled.find((c) => !c.expired && c.match(id))?.e,
    expired: (id) => compiled.find((c) => c.expired && c.match(id))?.e,
  };
}
