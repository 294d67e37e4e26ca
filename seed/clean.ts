/**
 * Delete exactly one run's footprint, in foreign-key order, in one transaction: rows carrying
 * its marker (tags and assets by metadata.tollgate_run, users by e-mail prefix, seeded scans by
 * user agent) and the rows that reference them (links, scans and audit entries about or by
 * them). Nothing else is touched. Running it twice is harmless.
 */
import type pg from 'pg';
import { checkRunId, runStartedAt } from '../config/ids.ts';

export type CleanCounts = Record<'audit_log' | 'verifications' | 'tag_links' | 'tags' | 'assets' | 'users', number>;

// Joins and UNIONs, never `IN (…) OR IN (…)`: with a large run the planner cannot hash an
// OR of subqueries and the delete turns quadratic (minutes for a 1M-row run).
const STEPS: [keyof CleanCounts, string][] = [
  [
    'audit_log',
    `DELETE FROM audit_log d USING (
      SELECT a.id FROM audit_log a JOIN run_users r ON a.actor_id = r.id
      UNION SELECT a.id FROM audit_log a JOIN run_users r ON a.entity_type = 'user' AND a.entity_id = r.id
      UNION SELECT a.id FROM audit_log a JOIN run_tags r ON a.entity_type = 'tag' AND a.entity_id = r.id
      UNION SELECT a.id FROM audit_log a JOIN run_assets r ON a.entity_type = 'asset' AND a.entity_id = r.id
      UNION SELECT a.id FROM audit_log a JOIN run_links r ON a.entity_type = 'link' AND a.entity_id = r.id
    ) x WHERE d.id = x.id`,
  ],
  ['verifications', 'DELETE FROM verifications v USING run_tags r WHERE v.tag_id = r.id'],
  ['verifications', 'DELETE FROM verifications WHERE tag_id IS NULL AND user_agent LIKE $1'],
  ['tag_links', 'DELETE FROM tag_links l USING run_links r WHERE l.id = r.id'],
  ['tags', 'DELETE FROM tags t USING run_tags r WHERE t.id = r.id'],
  ['assets', 'DELETE FROM assets a USING run_assets r WHERE a.id = r.id'],
  ['users', 'DELETE FROM users u USING run_users r WHERE u.id = r.id'],
];

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function cleanRun(client: pg.Client, runId: string): Promise<CleanCounts> {
  checkRunId(runId);
  await client.query('BEGIN');
  try {
    const temp = async (name: string, select: string, params: unknown[] = []) => {
      await client.query(`CREATE TEMP TABLE ${name} ON COMMIT DROP AS ${select}`, params);
      await client.query(`ANALYZE ${name}`); // temp tables have no statistics until analysed
    };
    await temp('run_tags', `SELECT id FROM tags WHERE metadata->>'tollgate_run' = $1`, [runId]);
    await temp('run_assets', `SELECT id FROM assets WHERE metadata->>'tollgate_run' = $1`, [runId]);
    await temp('run_users', 'SELECT id FROM users WHERE email LIKE $1', [`${likeEscape(runId)}.%@seed.tagtrust.test`]);
    await temp(
      'run_links',
      `SELECT l.id FROM tag_links l JOIN run_tags r ON l.tag_id = r.id
      UNION SELECT l.id FROM tag_links l JOIN run_assets r ON l.asset_id = r.id`,
    );
    const counts: CleanCounts = { audit_log: 0, verifications: 0, tag_links: 0, tags: 0, assets: 0, users: 0 };
    for (const [table, sql] of STEPS) {
      const r = await client.query(sql, sql.includes('$1') ? [`% tollgate/${likeEscape(runId)}`] : []);
      counts[table] += r.rowCount ?? 0;
    }
    await client.query('COMMIT');
    return counts;
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
}

/** Run ids that still have rows in the database, oldest first. */
export async function runsInDatabase(client: pg.Client): Promise<string[]> {
  const { rows } = await client.query<{ run: string }>(`
    SELECT DISTINCT run FROM (
      SELECT metadata->>'tollgate_run' AS run FROM tags WHERE metadata ? 'tollgate_run'
      UNION SELECT metadata->>'tollgate_run' FROM assets WHERE metadata ? 'tollgate_run'
      UNION SELECT split_part(email, '.', 1) FROM users WHERE email LIKE 'tg\\_%@seed.tagtrust.test'
    ) r`);
  return rows
    .map((r) => r.run)
    .filter((r) => runStartedAt(r))
    .sort();
}

/** Runs older than `maxAgeMs` (by the time in their id): what crashed jobs left behind. */
export async function staleRuns(client: pg.Client, maxAgeMs: number, now = Date.now()): Promise<string[]> {
  return (await runsInDatabase(client)).filter((r) => now - runStartedAt(r)!.getTime() > maxAgeMs);
}

export function parseAge(text: string): number | undefined {
  const m = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : undefined;
}
