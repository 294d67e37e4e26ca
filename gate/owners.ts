/**
 * Who owns a failing test: config/owners.json maps globs over repository paths of test files
 * to a team and its Slack handle. The first matching entry wins, so specific globs go first.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { ConfigError } from '../config/errors.ts';
import { REPO_ROOT } from '../scripts/stack/paths.ts';
import type { Owner } from './types.ts';

export const OWNERS_FILE = join(REPO_ROOT, 'config', 'owners.json');

/** One entry of config/owners.json. */
export interface OwnerRule {
  /** Glob over the test file's repository path, e.g. `tests/smoke/api/**`. */
  files: string;
  team: string;
  slack?: string;
}

const entrySchema = z.object({
  files: z.string({ error: 'must be a glob over test files, e.g. "tests/smoke/api/**"' }).min(1, 'must be a glob over test files, e.g. "tests/smoke/api/**"').refine((g) => !g.startsWith('/'), 'must be relative to the repository root'),
  team: z.string({ error: 'must name a team' }).min(1, 'must name a team'),
  slack: z.string().regex(/^(@[\w.-]+|<!subteam\^\w+(\|[^>]*)?>)$/, 'must be a Slack handle like "@tags-team" or "<!subteam^S123>"').optional(),
}).strict();
const fileSchema = z.object({ owners: z.array(z.unknown()) }).strict();

export function loadOwners(file = OWNERS_FILE): OwnerRule[] {
  const inRepo = relative(REPO_ROOT, file);
  const name = inRepo && !inRepo.startsWith('..') ? inRepo : file;
  const fix = { hint: `Fix ${name}: {"owners": [{"files": "tests/smoke/api/**", "team": "tags-assets", "slack": "@tags-assets"}]}; the first matching entry wins.` };
  if (!existsSync(file)) throw new ConfigError(`${name} does not exist.`, fix);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new ConfigError(`${name} is not valid JSON: ${(e as Error).message}.`, fix);
  }
  const top = fileSchema.safeParse(raw);
  if (!top.success) throw new ConfigError(`${name} must be an object with one key, "owners", holding a list of entries.`, fix);
  const problems: string[] = [];
  const rules: OwnerRule[] = [];
  top.data.owners.forEach((item, i) => {
    const parsed = entrySchema.safeParse(item);
    const files = (item as { files?: unknown } | null)?.files;
    const label = `entry ${i + 1}${typeof files === 'string' && files ? ` ("${files}")` : ''}`;
    if (parsed.success) rules.push(parsed.data);
    else for (const issue of parsed.error.issues) problems.push(`${label}${issue.path.length ? ` "${issue.path.join('.')}"` : ''}: ${issue.message}`);
  });
  if (problems.length) throw new ConfigError(`${name} has invalid entries:\n  - ${problems.join('\n  - ')}`, fix);
  return rules;
}

/** A lookup from test file to owner, with the globs compiled once and answers cached per file. */
export function ownerIndex(rules: readonly OwnerRule[]): (file: string) => Owner | undefined {
  const compiled = rules.map((r) => ({ match: picomatch(r.files, { dot: true }), owner: r.slack ? { team: r.team, slack: r.slack } : { team: r.team } }));
  const cache = new Map<string, Owner | undefined>();
  return (file) => {
    if (cache.has(file)) return cache.get(file);
    const owner = compiled.find((c) => c.match(file))?.owner;
    cache.set(file, owner);
    return owner;
  };
}
