/**
 * JSON files Tollgate reads (config lists, run plans, shard parts): parsed and validated with a
 * zod schema, every problem named with its path, raised as the caller's own error class. Small
 * config files holding one list of entries (`{"quarantine": […]}`, `{"owners": […]}`) report
 * every bad entry with its number and field in one ConfigError.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';

export interface EntriesFile<T> {
  file: string;
  /** The one top-level key holding the list. */
  key: string;
  entry: z.ZodType<T>;
  /** Shown in the fix hint. */
  example: string;
  /** How an entry is named in messages (default `entry <n>`). */
  label?: (item: unknown, index: number) => string;
}

/** The file's name as users see it: relative to the repository when inside it. */
export const displayName = (file: string) => {
  const inRepo = relative(REPO_ROOT, file);
  return inRepo && !inRepo.startsWith('..') ? inRepo : file;
};

export function loadEntries<T>(o: EntriesFile<T>): T[] {
  const name = displayName(o.file);
  const fix = { hint: `Fix ${name}: ${o.example}.` };
  const raw = readJson(o.file, (why) => new ConfigError(`${name} is not valid JSON: ${why}.`, fix));
  const top = z
    .object({ [o.key]: z.array(z.unknown()) })
    .strict()
    .safeParse(raw);
  if (!top.success) throw new ConfigError(`${name} must be an object with one key, "${o.key}", holding a list of entries.`, fix);
  const problems: string[] = [];
  const entries: T[] = [];
  (top.data[o.key] as unknown[]).forEach((item, i) => {
    const parsed = o.entry.safeParse(item);
    const label = o.label?.(item, i) ?? `entry ${i + 1}`;
    if (parsed.success) entries.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        problems.push(`${label}${issue.path.length ? ` "${issue.path.join('.')}"` : ''}: ${issue.message}`);
  });
  if (problems.length) throw new ConfigError(`${name} has invalid entries:\n  - ${problems.join('\n  - ')}`, fix);
  return entries;
}

/** The file's JSON, or `fail(why)` thrown when it cannot be read or parsed. */
export function readJson(file: string, fail: (why: string) => Error): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw fail((e as Error).message);
  }
}

/** `raw` checked against `schema`; `fail` gets the first problems as `path: message; …`. */
export function parseWith<T>(schema: z.ZodType<T>, raw: unknown, fail: (problems: string) => Error, maxProblems = 5): T {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw fail(
    parsed.error.issues
      .slice(0, maxProblems)
      .map((i) => `${i.path.join('.') || '(top)'}: ${i.message}`)
      .join('; '),
  );
}
