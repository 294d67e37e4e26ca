/**
 * Who owns a failing test: config/owners.json maps globs over repository paths of test files
 * to a team and its Slack handle. The first matching entry wins, so specific globs go first.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { displayName, loadEntries } from '../lib/json-file.ts';
import { ConfigError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import type { Owner } from './types.ts';

export const OWNERS_FILE = join(REPO_ROOT, 'config', 'owners.json');

/** One entry of config/owners.json. */
export interface OwnerRule {
  /** Glob over the test file's repository path, e.g. `tests/smoke/api/**`. */
  files: string;
  team: string;
  slack?: string;
}

const entrySchema = z
  .object({
    files: z
      .string({ error: 'must be a glob over test files, e.g. "tests/smoke/api/**"' })
      .min(1, 'must be a glob over test files, e.g. "tests/smoke/api/**"')
      .refine((g) => !g.startsWith('/'), 'must be relative to the repository root'),
    team: z.string({ error: 'must name a team' }).min(1, 'must name a team'),
    slack: z
      .string()
      .regex(/^(@[\w.-]+|<!subteam\^\w+(\|[^>]*)?>)$/, 'must be a Slack handle like "@tags-team" or "<!subteam^S123>"')
      .optional(),
  })
  .strict();
export function loadOwners(file = OWNERS_FILE): OwnerRule[] {
  const example =
    '{"owners": [{"files": "tests/smoke/api/**", "team": "tags-assets", "slack": "@tags-assets"}]}; the first matching entry wins';
  if (!existsSync(file)) throw new ConfigError(`${displayName(file)} does not exist.`, { hint: `Create it: ${example}.` });
  return loadEntries({
    file,
    key: 'owners',
    entry: entrySchema,
    example,
    label: (item, i) => {
      const files = (item as { files?: unknown } | null)?.files;
      return `entry ${i + 1}${typeof files === 'string' && files ? ` ("${files}")` : ''}`;
    },
  });
}

/** A lookup from test file to owner, with the globs compiled once and answers cached per file. */
export function ownerIndex(rules: readonly OwnerRule[]): (file: string) => Owner | undefined {
  const compiled = rules.map((r) => ({
    match: picomatch(r.files, { dot: true }),
    owner: r.slack ? { team: r.team, slack: r.slack } : { team: r.team },
  }));
  const cache = new Map<string, Owner | undefined>();
  return (file) => {
    if (cache.has(file)) return cache.get(file);
    const owner = compiled.find((c) => c.match(file))?.owner;
    cache.set(file, owner);
    return owner;
  };
}
