/**
 * Quarantine: known failures that must not block a promotion while someone fixes them. Each
 * entry names an owner, a ticket and an expiry date; an expired entry stops protecting its
 * tests, and the gate says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { ConfigError } from '../config/errors.ts';
import { REPO_ROOT } from '../scripts/stack/paths.ts';
import type { QuarantineEntry } from './types.ts';

export const QUARANTINE_FILE = join(REPO_ROOT, 'config', 'quarantine.json');

const entrySchema = z.object({
  test: z.string().min(1, 'must name a test id or a pattern'),
  reason: z.string().min(1, 'must say why'),
  owner: z.string().min(1, 'must name who fixes it'),
  ticket: z.string().min(1, 'must link the ticket that tracks the fix'),
  expires: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date like 2026-12-31').refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), 'is not a real date'),
}).strict();
const fileSchema = z.object({ quarantine: z.array(z.unknown()) }).strict();

export function loadQuarantine(file = QUARANTINE_FILE): QuarantineEntry[] {
  if (!existsSync(file)) return [];
  const name = relative(REPO_ROOT, file) || file;
  const fix = { hint: `Fix ${name}: {"quarantine": [{"test", "reason", "owner", "ticket", "expires": "YYYY-MM-DD"}]}.` };
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${name} is not valid JSON: ${(e as Error).message}.`, fix);
  }
  const top = fileSchema.safeParse(raw);
  if (!top.success) throw new ConfigError(`${name} must be an object with one key, "quarantine", holding a list of entries.`, fix);
  const problems: string[] = [];
  const entries: QuarantineEntry[] = [];
  top.data.quarantine.forEach((item, i) => {
    const parsed = entrySchema.safeParse(item);
    if (parsed.success) entries.push(parsed.data);
    else for (const issue of parsed.error.issues) problems.push(`entry ${i + 1}${issue.path.length ? ` "${issue.path.join('.')}"` : ''}: ${issue.message}`);
  });
  if (problems.length) throw new ConfigError(`${name} has invalid entries:\n  - ${problems.join('\n  - ')}`, fix);
  return entries;
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
