/**
 * The results store: runs, their test results and promotion attempts, in the `tollgate`
 * schema of RESULTS_DATABASE_URL or of the embedded store. History feeds triage (new vs
 * recurring vs flaky) and promotion (what passed where). Each run is written in one
 * transaction and re-recording a run replaces it, so a retried spool flush cannot duplicate.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { databaseUrlProblem } from '../config/environment.ts';
import { ConfigError } from '../config/errors.ts';
import { openEmbedded, openPg, type Sql } from './store/sql.ts';
import type { Approval, Counts, HistoryRun, PromotionRecord, Reason, RunRecord, TestOutcome, TestStatus, Verdict } from './types.ts';
import { errorsOf } from './triage.ts';

export const MIGRATIONS_DIR = join(dirname(fileURLToPath(import.meta.url)), 'store', 'migrations');

/** A run as history gives it, plus its reasons (for tables such as `tollgate history`). */
export interface StoredRun extends HistoryRun {
  reasons: Reason[];
  finishedAt: string;
}

export interface StoredPromotion extends PromotionRecord {
  id: number;
}

export interface HistoryOptions {
  /** Newest runs to return (default 20). */
  limit?: number;
  build?: string;
}

export interface ResultsStore {
  /** Where the store is, safe to print (password redacted). */
  readonly where: string;
  recordRun(rec: RunRecord): Promise<void>;
  /** Runs in `env`, newest first. */
  history(env: string, options?: HistoryOptions): Promise<StoredRun[]>;
  /** Runs of `build` (in `env` only, when given), newest first. */
  runsForBuild(build: string, env?: string, limit?: number): Promise<StoredRun[]>;
  recordPromotion(p: PromotionRecord): Promise<number>;
  recordApproval(a: Approval): Promise<number>;
  /** Approvals for `build` into `environment`, newest first. */
  approvals(build: string, environment: string): Promise<Approval[]>;
  /** Promotion attempts for `build`, newest first. */
  promotions(build: string): Promise<StoredPromotion[]>;
  /** The newest run in `env` whose verdict allows a promotion (PROMOTE or WARN). */
  lastPromoted(env: string): Promise<StoredRun | undefined>;
  /** Test id → median duration (ms) over the `runs` newest runs in `env`, tests that ran only. */
  durations(env: string, runs?: number): Promise<Record<string, number>>;
  close(): Promise<void>;
}

export interface StoreOptions {
  /** RESULTS_DATABASE_URL; undefined = the embedded store. */
  url?: string;
  /** The embedded store's directory (default TOLLGATE_RESULTS_DIR or .tollgate/results). */
  dataDir?: string;
}

/** Keeps the store bounded: Playwright messages can carry long call logs. */
const MAX_ERROR_CHARS = 8_000;

export async function openStore(options: StoreOptions = {}): Promise<ResultsStore> {
  return storeOver(await openStoreSql(options));
}

/**
 * The store's connection, migrated: for the other tables of the `tollgate` schema (the registry
 * of on-demand environments). The embedded store is single-process: close it soon.
 */
export async function openStoreSql(options: StoreOptions = {}): Promise<Sql> {
  if (options.url) {
    const problem = databaseUrlProblem(options.url);
    if (problem)
      throw new ConfigError(`RESULTS_DATABASE_URL ${problem}.`, {
        hint: 'Expected postgresql://user:password@host:5432/database, or unset it to use the embedded store.',
      });
  }
  const sql = options.url ? await openPg(options.url) : await openEmbedded(options.dataDir);
  try {
    await migrate(sql);
  } catch (e) {
    await sql.close();
    throw e;
  }
  return sql;
}

/** Apply the numbered .sql files not yet applied, in order, each in its own transaction. */
export async function migrate(sql: Sql, dir = MIGRATIONS_DIR): Promise<string[]> {
  const files = readdirSync(dir)
    .filter((f) => /^\d{4}_[\w-]+\.sql$/.test(f))
    .sort();
  // Two runs starting at once against a fresh shared database: one migrates, the other waits
  // (IF NOT EXISTS alone races). Objects are created only when missing: IF NOT EXISTS checks
  // the CREATE privilege first, and a user without it must still use a migrated database.
  const LOCK = `SELECT pg_advisory_xact_lock(hashtext('tollgate.schema_migrations'))`;
  await sql.transaction(async (tx) => {
    await tx.query(LOCK);
    if (!(await tx.query(`SELECT 1 FROM pg_namespace WHERE nspname = 'tollgate'`)).length) await tx.exec('CREATE SCHEMA tollgate');
    if (!(await tx.query(`SELECT to_regclass('tollgate.schema_migrations') AS t`))[0]?.t) {
      await tx.exec('CREATE TABLE tollgate.schema_migrations (version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())');
    }
  });
  const applied: string[] = [];
  for (const file of files) {
    const version = file.slice(0, -4);
    await sql.transaction(async (tx) => {
      await tx.query(LOCK);
      const done = await tx.query(`SELECT 1 FROM tollgate.schema_migrations WHERE version = $1`, [version]);
      if (done.length) return;
      await tx.exec(readFileSync(join(dir, file), 'utf8'));
      await tx.query(`INSERT INTO tollgate.schema_migrations (version) VALUES ($1)`, [version]);
      applied.push(version);
    });
  }
  return applied;
}

interface RunRow {
  run_id: string;
  environment: string;
  build: string;
  verdict: Verdict;
  started_at: Date | string;
  finished_at: Date | string;
  duration_ms: number;
  counts: Counts;
  reasons: Reason[];
}
interface ResultRow {
  run_id: string;
  test_id: string;
  status: TestStatus;
  outcome: TestOutcome;
  signature: string | null;
}

const RUN_COLUMNS = 'run_id, environment, build, verdict, started_at, finished_at, duration_ms, counts, reasons';
const iso = (d: Date | string) => new Date(d).toISOString();

function storeOver(sql: Sql): ResultsStore {
  /** Runs with their results map filled, in the order given. */
  const withResults = async (rows: RunRow[]): Promise<StoredRun[]> => {
    const runs = rows.map((r): StoredRun => ({
      runId: r.run_id,
      environment: r.environment,
      build: r.build,
      verdict: r.verdict,
      startedAt: iso(r.started_at),
      finishedAt: iso(r.finished_at),
      durationMs: r.duration_ms,
      counts: r.counts,
      reasons: r.reasons,
      results: {},
    }));
    if (!runs.length) return runs;
    const byId = new Map(runs.map((r) => [r.runId, r]));
    const results = await sql.query<ResultRow>(
      `SELECT run_id, test_id, status, outcome, signature FROM tollgate.test_results WHERE run_id = ANY($1::text[])`,
      [runs.map((r) => r.runId)],
    );
    for (const t of results) {
      byId.get(t.run_id)!.results[t.test_id] = { status: t.status, outcome: t.outcome, ...(t.signature ? { signature: t.signature } : {}) };
    }
    return runs;
  };

  return {
    where: sql.where,

    recordRun: (rec) =>
      sql.transaction(async (tx) => {
        const json = (v: unknown) => (v === undefined ? null : JSON.stringify(v));
        await tx.query(
          `INSERT INTO tollgate.runs (run_id, environment, build, verdict, reasons, counts, counts_by_suite, counts_by_project, steps, triage,
                                    suites, seed, shard, target, ci, reports, started_at, finished_at, duration_ms, recorded_at)
         VALUES ($1, $2, $3, $4, $5::jsonb, $6::jsonb, $7::jsonb, $8::jsonb, $9::jsonb, $10::jsonb, $11::text[], $12, $13, $14::jsonb, $15::jsonb, $16::jsonb, $17, $18, $19, now())
         ON CONFLICT (run_id) DO UPDATE SET
           environment = excluded.environment, build = excluded.build, verdict = excluded.verdict, reasons = excluded.reasons,
           counts = excluded.counts, counts_by_suite = excluded.counts_by_suite, counts_by_project = excluded.counts_by_project,
           steps = excluded.steps, triage = excluded.triage, suites = excluded.suites, seed = excluded.seed, shard = excluded.shard,
           target = excluded.target, ci = excluded.ci, reports = excluded.reports, started_at = excluded.started_at,
           finished_at = excluded.finished_at, duration_ms = excluded.duration_ms, recorded_at = now()`,
          [
            rec.runId,
            rec.environment,
            rec.build,
            rec.verdict,
            json(rec.reasons),
            json(rec.counts),
            json(rec.countsBySuite),
            json(rec.countsByProject),
            json(rec.steps),
            json(rec.triage.groups),
            rec.suites,
            rec.seed ?? null,
            rec.shard ?? null,
            json(rec.target),
            json(rec.ci),
            json(rec.reports),
            rec.startedAt,
            rec.finishedAt,
            Math.round(rec.durationMs),
          ],
        );
        // Upsert the run (promotions may reference it), replace its results.
        await tx.query(`DELETE FROM tollgate.test_results WHERE run_id = $1`, [rec.runId]);
        if (!rec.results.length) return;
        const triage = new Map(rec.triage.failures.map((f) => [f.testId, f]));
        const rows = rec.results.map((t) => ({
          test_id: t.id,
          project: t.project,
          suite: t.suite,
          file: t.file,
          line: t.line,
          title_path: t.titlePath,
          tags: t.tags,
          status: t.status,
          outcome: t.outcome,
          retries: t.retries,
          duration_ms: Math.round(t.durationMs),
          started_at: t.startedAt || null,
          error_message: t.error
            ? errorsOf(t)
                .map((e) => e.message)
                .join('\n\n')
                .slice(0, MAX_ERROR_CHARS)
            : null,
          category: triage.get(t.id)?.category ?? null,
          signature: triage.get(t.id)?.signature ?? null,
        }));
        // One statement for all results, whatever their number: the rows travel as one JSON array.
        await tx.query(
          `INSERT INTO tollgate.test_results (run_id, test_id, project, suite, file, line, title_path, tags, status, outcome, retries, duration_ms,
                                            started_at, error_message, category, signature)
         SELECT $1, r.test_id, r.project, r.suite, r.file, r.line, r.title_path, r.tags, r.status, r.outcome, r.retries, r.duration_ms,
                r.started_at, r.error_message, r.category, r.signature
           FROM jsonb_to_recordset($2::jsonb) AS r(test_id text, project text, suite text, file text, line integer, title_path text[], tags text[],
                status text, outcome text, retries integer, duration_ms integer, started_at timestamptz, error_message text, category text, signature text)`,
          [rec.runId, JSON.stringify(rows)],
        );
      }),

    history: async (env, options = {}) =>
      withResults(
        await sql.query<RunRow>(
          `SELECT ${RUN_COLUMNS} FROM tollgate.runs WHERE environment = $1 AND ($2::text IS NULL OR build = $2)
        ORDER BY started_at DESC, run_id DESC LIMIT $3`,
          [env, options.build ?? null, options.limit ?? 20],
        ),
      ),

    runsForBuild: async (build, env, limit = 100) =>
      withResults(
        await sql.query<RunRow>(
          `SELECT ${RUN_COLUMNS} FROM tollgate.runs WHERE build = $1 AND ($2::text IS NULL OR environment = $2)
        ORDER BY started_at DESC, run_id DESC LIMIT $3`,
          [build, env ?? null, limit],
        ),
      ),

    durations: async (env, runs = 5) => {
      const rows = await sql.query<{ test_id: string; ms: number | string }>(
        `SELECT test_id, percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) AS ms
           FROM tollgate.test_results
          WHERE status <> 'skipped'
            AND run_id IN (SELECT run_id FROM tollgate.runs WHERE environment = $1 ORDER BY started_at DESC, run_id DESC LIMIT $2)
          GROUP BY test_id`,
        [env, runs],
      );
      return Object.fromEntries(rows.map((r) => [r.test_id, Math.round(Number(r.ms))]));
    },

    recordPromotion: async (p) => {
      const [row] = await sql.query<{ id: string | number }>(
        `INSERT INTO tollgate.promotions (build, from_env, to_env, allowed, actor, at, evidence_run_id, reasons)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8::jsonb) RETURNING id`,
        [p.build, p.fromEnv || null, p.toEnv, p.allowed, p.actor, p.at, p.evidenceRunId ?? null, JSON.stringify(p.reasons)],
      );
      return Number(row!.id);
    },

    recordApproval: async (a) => {
      const [row] = await sql.query<{ id: string | number }>(
        `INSERT INTO tollgate.approvals (build, environment, approver, note, at) VALUES ($1, $2, $3, $4, $5) RETURNING id`,
        [a.build, a.environment, a.approver, a.note ?? null, a.at],
      );
      return Number(row!.id);
    },

    approvals: async (build, environment) =>
      (
        await sql.query<{ build: string; environment: string; approver: string; note: string | null; at: Date | string }>(
          `SELECT build, environment, approver, note, at FROM tollgate.approvals WHERE build = $1 AND environment = $2 ORDER BY at DESC, id DESC`,
          [build, environment],
        )
      ).map((r) => ({
        build: r.build,
        environment: r.environment,
        approver: r.approver,
        ...(r.note ? { note: r.note } : {}),
        at: iso(r.at),
      })),

    promotions: async (build) =>
      (
        await sql.query<{
          id: string | number;
          build: string;
          from_env: string | null;
          to_env: string;
          allowed: boolean;
          actor: string;
          at: Date | string;
          evidence_run_id: string | null;
          reasons: string[];
        }>(`SELECT * FROM tollgate.promotions WHERE build = $1 ORDER BY at DESC, id DESC`, [build])
      ).map((r) => ({
        id: Number(r.id),
        build: r.build,
        fromEnv: r.from_env ?? '',
        toEnv: r.to_env,
        allowed: r.allowed,
        actor: r.actor,
        at: iso(r.at),
        ...(r.evidence_run_id ? { evidenceRunId: r.evidence_run_id } : {}),
        reasons: r.reasons,
      })),

    lastPromoted: async (env) =>
      (
        await withResults(
          await sql.query<RunRow>(
            `SELECT ${RUN_COLUMNS} FROM tollgate.runs WHERE environment = $1 AND verdict IN ('PROMOTE', 'WARN')
        ORDER BY started_at DESC, run_id DESC LIMIT 1`,
            [env],
          ),
        )
      )[0],

    close: () => sql.close(),
  };
}
