/**
 * Differential runs (`tollgate run --changed … --components …`): which regression specs a change
 * needs. config/changes.json maps changed paths (as the app repositories name them: `api/**`,
 * `web/**`, `db/migrations/**`) to layers, and sorts the regression spec files into API and web.
 *
 * Only regression is narrowed: verify and every smoke project always run. Whatever is not
 * known runs: a changed path no rule matches selects everything, and a regression spec the map
 * does not classify runs whenever regression runs at all.
 */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { basename, join } from 'node:path';
import picomatch from 'picomatch';
import { z } from 'zod';
import { displayName, readJson } from '../lib/json-file.ts';
import { ConfigError, UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';

export const CHANGES_FILE = join(REPO_ROOT, 'config', 'changes.json');
export const LAYERS = ['api', 'web'] as const;
export type Layer = (typeof LAYERS)[number];
export type Runs = Layer | 'all';
export const COMPONENTS = ['api', 'web', 'db'] as const;
export type Component = (typeof COMPONENTS)[number];

export interface ChangeRule {
  paths: string;
  runs: Runs[];
  why: string;
}
export interface ChangeMap {
  rules: ChangeRule[];
  /** Regression spec files (relative to the repository) by the layer they test. */
  regression: Record<Layer, string[]>;
}

/** One changed path or component and what it selected. */
export interface Cause {
  source: string;
  runs: Runs[];
  why: string;
}

export interface Selection {
  /** Everything runs: a migration, the db component or a path the map does not know. */
  all: boolean;
  /** Layers whose regression specs run (both when `all`). */
  layers: Layer[];
  causes: Cause[];
  /** Classified regression spec files that do not run (empty when `all` or nothing product-related changed). */
  skipped: string[];
  /** Nothing product-related changed: the regression suite does not run at all. */
  skipRegression: boolean;
}

const ruleSchema = z
  .object({
    paths: z.string().min(1, 'must be a glob over changed paths, e.g. "web/**"'),
    runs: z.array(z.enum(['api', 'web', 'all'])),
    why: z.string().min(1, 'must say why these paths select these tests'),
  })
  .strict();
const specFile = z.string().regex(/^tests\/regression\/[^*]+\.spec\.ts$/, 'must be a file like tests/regression/name.spec.ts');
const EXAMPLE =
  '{"changes": [{"paths": "web/**", "runs": ["web"], "why": "web app code"}], "regression": {"api": ["tests/regression/…spec.ts"], "web": […]}}';

/** Validate the map, listing every problem; `exists` checks a classified spec file (repository-relative). */
export function parseChangeMap(
  raw: unknown,
  name: string,
  exists: (file: string) => boolean = (f) => existsSync(join(REPO_ROOT, f)),
): ChangeMap {
  const fix = { hint: `Fix ${name}: ${EXAMPLE}.` };
  const top = z
    .object({ changes: z.array(z.unknown()), regression: z.object({ api: z.array(z.unknown()), web: z.array(z.unknown()) }).strict() })
    .strict()
    .safeParse(raw);
  if (!top.success)
    throw new ConfigError(
      `${name} must be an object with "changes" (a list of rules) and "regression" ({"api": [files], "web": [files]}).`,
      fix,
    );
  const problems: string[] = [];
  const rules: ChangeRule[] = [];
  top.data.changes.forEach((item, i) => {
    const parsed = ruleSchema.safeParse(item);
    const paths = (item as { paths?: unknown })?.paths;
    const label = `changes entry ${i + 1}${typeof paths === 'string' && paths ? ` ("${paths}")` : ''}`;
    if (parsed.success) rules.push(parsed.data);
    else
      for (const issue of parsed.error.issues)
        problems.push(`${label}${issue.path.length ? ` "${issue.path.join('.')}"` : ''}: ${issue.message}`);
  });
  const regression: Record<Layer, string[]> = { api: [], web: [] };
  for (const layer of LAYERS) {
    top.data.regression[layer].forEach((item, i) => {
      const parsed = specFile.safeParse(item);
      if (!parsed.success)
        problems.push(`regression.${layer} entry ${i + 1}: ${parsed.error.issues[0]!.message}, got ${JSON.stringify(item)}`);
      // A misspelt file would silently never be skipped: the map must name real specs.
      else if (!exists(parsed.data)) problems.push(`regression.${layer} entry ${i + 1}: ${parsed.data} does not exist`);
      else regression[layer].push(parsed.data);
    });
  }
  if (problems.length) throw new ConfigError(`${name} has invalid entries:\n  - ${problems.join('\n  - ')}`, fix);
  return { rules, regression };
}

export function loadChangeMap(file = CHANGES_FILE): ChangeMap {
  const name = displayName(file);
  const raw = readJson(file, (why) => new ConfigError(`${name} cannot be read as JSON: ${why}.`, { hint: `Fix ${name}: ${EXAMPLE}.` }));
  return parseChangeMap(raw, name);
}

/** `git diff --name-only <range>` in the current directory. */
export function gitDiffNames(range: string): string[] {
  try {
    return execFileSync('git', ['diff', '--name-only', range], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })
      .split('\n')
      .filter(Boolean);
  } catch (e) {
    const why = String((e as { stderr?: string }).stderr ?? (e as Error).message)
      .trim()
      .split('\n')[0];
    throw new UsageError(`--changed ${range}: git diff --name-only failed: ${why}`, {
      hint: 'Run tollgate in a clone of the app repository that holds both ends of the range (fetch them first), or pass the changed files: --changed api/app.py,web/src/App.tsx.',
    });
  }
}

/** `--changed`: a git range when it contains `..` (resolved with `gitDiff`), else a comma-separated file list. */
export function changedPaths(value: string, gitDiff: (range: string) => string[] = gitDiffNames): string[] {
  const v = value.trim();
  if (v.includes('..')) {
    if (v.startsWith('-') || /\s/.test(v))
      throw new UsageError(`--changed "${value}" is not a git range.`, { hint: 'Use A..B or A...B, e.g. --changed main...HEAD.' });
    return gitDiff(v);
  }
  const files = v
    .split(',')
    .map((f) => f.trim().replace(/\\/g, '/').replace(/^\.\//, ''))
    .filter(Boolean);
  if (!files.length) throw new UsageError('--changed needs a git range (main...HEAD) or a comma-separated list of changed files.');
  return files;
}

export function parseComponents(value: string): Component[] {
  const items = value
    .split(',')
    .map((c) => c.trim())
    .filter(Boolean);
  const unknown = items.filter((c) => !(COMPONENTS as readonly string[]).includes(c));
  if (!items.length || unknown.length) {
    throw new UsageError(
      `--components ${unknown.length ? `has unknown component(s): ${unknown.join(', ')}` : 'is empty'}. Known: ${COMPONENTS.join(', ')}.`,
      {
        hint: 'e.g. --components web,api (db means migrations: everything runs).',
      },
    );
  }
  return [...new Set(items)] as Component[];
}

const COMPONENT_RUNS: Record<Component, Cause> = {
  api: { source: '--components api', runs: ['api'], why: 'API' },
  web: { source: '--components web', runs: ['web'], why: 'web app' },
  db: { source: '--components db', runs: ['all'], why: 'database: migrations change what everything reads' },
};

/** The union of what each changed path (first matching rule) and each component selects. */
export function selectRuns(map: ChangeMap, input: { changed?: string[]; components?: Component[] }): Selection {
  const rules = map.rules.map((r) => ({ rule: r, match: picomatch(r.paths, { dot: true }) }));
  const causes: Cause[] = [];
  for (const path of input.changed ?? []) {
    // The reference app keeps the app repositories' layout under reference-app/.
    const p = path.replace(/^reference-app\//, '');
    const hit = rules.find((r) => r.match(p))?.rule;
    causes.push(
      hit
        ? { source: path, runs: hit.runs, why: hit.why }
        : { source: path, runs: ['all'], why: `not in config/changes.json: everything runs` },
    );
  }
  for (const c of input.components ?? []) causes.push(COMPONENT_RUNS[c]);
  const runs = new Set(causes.flatMap((c) => c.runs));
  const all = runs.has('all');
  const layers = LAYERS.filter((l) => all || runs.has(l));
  const skipRegression = !layers.length;
  const needed = new Set(layers.flatMap((l) => map.regression[l]));
  const skipped = skipRegression ? [] : [...new Set(LAYERS.flatMap((l) => map.regression[l]))].filter((f) => !needed.has(f)).sort();
  return { all, layers, causes, skipped, skipRegression };
}

/** One line for the run's output and the report's notes. */
export function describeSelection(s: Selection, suites: string[]): string {
  const groups = new Map<string, string[]>();
  for (const c of s.causes) {
    const key = `${c.runs.length ? c.runs.join('+') : 'nothing'}: ${c.why}`;
    groups.set(key, [...(groups.get(key) ?? []), c.source]);
  }
  const shown = [...groups]
    .slice(0, 4)
    .map(([key, sources]) => `${sources[0]}${sources.length > 1 ? ` +${sources.length - 1} more` : ''} → ${key}`);
  const because = `${shown.join('; ')}${groups.size > 4 ? `; …${groups.size - 4} more rule(s)` : ''}`;
  const kind = s.all
    ? 'everything runs'
    : s.skipRegression
      ? 'no product change'
      : `${s.layers.join('+')}${s.layers.length < LAYERS.length ? '-only' : ''} change`;
  let effect: string;
  if (s.all || (!s.skipRegression && !s.skipped.length)) effect = 'nothing skipped';
  else if (!suites.includes('regression')) effect = `nothing to skip (only regression is narrowed; suites ${suites.join(',')})`;
  else if (s.skipRegression) effect = 'skipping the regression suite';
  else
    effect = `skipping ${LAYERS.filter((l) => !s.layers.includes(l)).join('+')} regression specs ${s.skipped.map((f) => basename(f)).join(', ')}`;
  return `differential: ${kind} (${because || 'no changed path'}): ${effect}; verify and smoke run in full`;
}

/**
 * Playwright's `--test-list-invert` file for the skipped specs: scoped to the regression project,
 * files relative to the config's testDir (tests/), which is Playwright's rootDir.
 */
export function testListInvert(skipped: string[]): string {
  return skipped.map((f) => `[regression] › ${f.replace(/^tests\//, '')}\n`).join('');
}
