/**
 * The parts of a sharded run and how `tollgate merge` puts them back together. Each shard
 * (`tollgate run --plan … --shard i/N`) writes `reports/<run>/shards/<i>-of-<N>/` with
 * `part.json` (this file's ShardPart), its normalized `results.json`, a Playwright blob report,
 * Allure results, test-results and a copy of the plan. The merge checks the parts belong
 * together, and a shard that never reported makes the run untestable rather than letting a
 * verdict rest on part of the tests.
 */
import { existsSync, readdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { z } from 'zod';
import { SchemaError, UsageError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { isFailure } from '../gate/results.ts';
import type { TestResult } from '../gate/types.ts';
import { parseWith, readJson } from '../lib/json-file.ts';

export const PART_FILE = 'part.json';

export interface Shard {
  current: number;
  total: number;
}

export interface ShardPart {
  version: 1;
  runId: string;
  shard: Shard;
  startedAt: string;
  durationMs: number;
  /** Playwright's exit code: 0 every test passed, 1 some failed, anything else: it could not run them. */
  exitCode: number;
  /** The signal that stopped the shard, if one did. */
  interrupted?: string;
  host: string;
  /** Where the shard wrote the part, relative to the repository: its attachments' paths start with it. */
  dir: string;
}

const partSchema = z.object({
  version: z.literal(1),
  runId: z.string().min(1),
  shard: z
    .object({ current: z.number().int().min(1), total: z.number().int().min(1) })
    .refine((x) => x.current <= x.total, 'shard.current must not exceed shard.total'),
  startedAt: z.string(),
  durationMs: z.number().nonnegative(),
  exitCode: z.number().int(),
  interrupted: z.string().optional(),
  host: z.string(),
  dir: z.string().min(1),
});

export function parseShard(value: string): Shard | undefined {
  const m = /^(\d+)\/(\d+)$/.exec(value);
  if (!m) return undefined;
  const [current, total] = [Number(m[1]), Number(m[2])];
  return total >= 1 && current >= 1 && current <= total ? { current, total } : undefined;
}

export const shardName = (s: Shard) => `${s.current}-of-${s.total}`;
export const shardDir = (reportDir: string, s: Shard) => join(reportDir, 'shards', shardName(s));

export function writePart(part: ShardPart, dir: string): void {
  const file = join(dir, PART_FILE);
  writeFileSync(`${file}.tmp`, `${JSON.stringify(part, null, 2)}\n`);
  renameSync(`${file}.tmp`, file);
}

export interface FoundPart {
  part: ShardPart;
  dir: string;
  results: TestResult[];
}

const shown = (p: string) => (relative(REPO_ROOT, p).startsWith('..') ? p : relative(REPO_ROOT, p));

function readPart(dir: string): FoundPart {
  const file = join(dir, PART_FILE);
  const refuse = (why: string) =>
    new SchemaError(`${shown(file)} is not a shard's part (${why}).`, {
      hint: 'Pass the directories `tollgate run --shard` wrote (reports/<run>/shards/<i>-of-<n>), or the CI artifacts that hold them.',
    });
  const part = parseWith(partSchema, readJson(file, refuse), refuse, 3) as ShardPart;
  const resultsFile = join(dir, 'results.json');
  if (!existsSync(resultsFile)) return { part, dir, results: [] };
  let results: unknown;
  try {
    results = (JSON.parse(readFileSync(resultsFile, 'utf8')) as { results?: unknown }).results;
  } catch (e) {
    results = e;
  }
  if (!Array.isArray(results)) {
    throw new SchemaError(
      `${shown(resultsFile)} is not a shard's results${results instanceof Error ? ` (${results.message})` : ' (no "results" list)'}.`,
      {
        hint: 'The shard was cut off while writing, or the artifact is damaged: run that shard again.',
      },
    );
  }
  return { part, dir, results: results as TestResult[] };
}

/**
 * The parts under the given directories: each is a part, or holds parts up to three levels
 * down (a folder of downloaded CI artifacts: parts/<artifact>/<i>-of-<n>). A directory that does
 * not exist is a usage error; a part reached twice (overlapping arguments) counts once.
 */
export function findParts(dirs: string[]): FoundPart[] {
  const found: FoundPart[] = [];
  const seen = new Set<string>();
  const visit = (dir: string, depth: number) => {
    if (existsSync(join(dir, PART_FILE))) {
      const real = realpathSync(dir);
      if (!seen.has(real)) found.push(readPart(dir));
      seen.add(real);
      return;
    }
    if (depth === 0) return;
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) visit(join(dir, e.name), depth - 1);
  };
  for (const d of dirs) {
    if (!existsSync(d) || !statSync(d).isDirectory()) {
      throw new UsageError(`${d} is not a directory.`, {
        hint: "Pass the shards' part directories (reports/<run>/shards/*) or the folder their CI artifacts were downloaded to.",
      });
    }
    visit(d, 3);
  }
  return found;
}

/**
 * Checks the parts belong to one run split one way; returns the shards that did not report.
 * Parts of another run, split another way, or the same shard twice are refused: merging them
 * would give a verdict about tests that were never run together.
 */
export function checkParts(parts: FoundPart[], runId: string): { total: number; missing: number[] } {
  const other = parts.find((p) => p.part.runId !== runId);
  if (other) {
    throw new UsageError(`${shown(other.dir)} is a part of run ${other.part.runId}, not of ${runId}.`, {
      hint: 'Merge the parts of one run only: each run writes its own reports/<run>/shards/.',
    });
  }
  const totals = [...new Set(parts.map((p) => p.part.shard.total))];
  if (totals.length > 1) {
    throw new UsageError(`The parts of run ${runId} were split different ways (${totals.map((t) => `${t} shards`).join(' and ')}).`, {
      hint: 'Merge the parts of one split: every shard of a run must be given the same n in --shard i/n.',
    });
  }
  const seen = new Map<number, string>();
  for (const p of parts) {
    const before = seen.get(p.part.shard.current);
    if (before) {
      throw new UsageError(
        `Shard ${p.part.shard.current}/${p.part.shard.total} of run ${runId} is there twice: ${shown(before)} and ${shown(p.dir)}.`,
        {
          hint: 'Keep one part per shard (a re-run job leaves its own artifact: merge the latest).',
        },
      );
    }
    seen.set(p.part.shard.current, p.dir);
  }
  const total = totals[0] ?? 0;
  const missing = Array.from({ length: total }, (_, i) => i + 1).filter((i) => !seen.has(i));
  return { total, missing };
}

/** How bad a result is: a setup test seen in several shards keeps its worst. */
const severity = (r: TestResult) => (isFailure(r) ? 2 : r.outcome === 'flaky' ? 1 : 0);

/**
 * The results of all parts as one run's. Setup tests (readiness, sign-in) run in every shard:
 * they count once, with their worst result (failed, else flaky, else passed) whatever the
 * shards' order. Any other test belongs to one shard; one reported twice is kept once and
 * named in `duplicates`.
 */
export function mergeResults(parts: FoundPart[]): { results: TestResult[]; duplicates: string[] } {
  const byId = new Map<string, TestResult>();
  const duplicates: string[] = [];
  const ordered = [...parts].sort((a, b) => a.part.shard.current - b.part.shard.current);
  for (const { results } of ordered) {
    for (const r of results) {
      const before = byId.get(r.id);
      if (!before) byId.set(r.id, r);
      else if (r.suite !== 'setup') duplicates.push(r.id);
      else if (severity(r) > severity(before)) byId.set(r.id, r);
    }
  }
  return { results: [...byId.values()], duplicates };
}
