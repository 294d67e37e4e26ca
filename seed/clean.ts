/**
 * Delete exactly one run's footprint, in foreign-key order, in one transaction: rows carrying
 * its marker (tags and assets by metadata.tollgate_run, users by e-mail prefix, seeded scans by
 * user agent) and the rows that reference them (links, scans and audit entries about or by
 * them). Nothing else is touched. Running it twice is harmless.
 */
import type pg from 'pg';
import { checkRunId, runStartedAt } from './runid.ts';

export type CleanCounts = Record<'audit_log' | 'verifications' | 'tag_links' | 'tags' | 'assets' | 'users', number>;

const STEPS: [keyof CleanCounts, string][] = [
  ['audit_log', `DELETE FROM audit_log WHERE actor_id IN (SELECT id FROM run_users)
      OR (entity_type = 'tag' AND entity_id IN (SELECT id FROM run_tags))
      OR (entity_type = 'asset' AND entity_id IN (SELECT id FROM run_assets))
      OR (entity_type = 'user' AND entity_id IN (SELECT id FROM run_users))
      OR (entity_type = 'link' AND entity_id IN (SELECT id FROM run_links))`],
  ['verifications', `DELETE FROM verifications WHERE tag_id IN (SELECT id FROM run_tags) OR (tag_id IS NULL AND user_agent LIKE $1)`],
  ['tag_links', 'DELETE FROM tag_links WHERE id IN (SELECT id FROM run_links)'],
  ['tags', 'DELETE FROM tags WHERE id IN (SELECT id FROM run_tags)'],
  ['assets', 'DELETE FROM assets WHERE id IN (SELECT id FROM run_assets)'],
  ['users', 'DELETE FROM users WHERE id IN (SELECT id FROM run_users)'],
];

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function cleanRun(client: pg.Client, runId: string): Promise<CleanCounts> {
  checkRunId(runId);
  await client.query('BEGIN');
  try {
    await client.query(`CREATE TEMP TABLE run_tags ON COMMIT DROP AS SELECT id FROM tags WHERE metadata->>'tollgate_run' = $1`, [runId]);
    await client.query(`CREATE TEMP TABLE run_assets ON COMMIT DROP AS SELECT id FROM assets WHERE metadata->>'tollgate_run' = $1`, [runId]);
    await client.query(`CREATE TEMP TABLE run_users ON COMMIT DROP AS SELECT id FROM users WHERE email LIKE $1`, [`${likeEscape(runId)}.%@seed.tagtrust.test`]);
    await client.query(`CREATE TEMP TABLE run_links ON COMMIT DROP AS SELECT id FROM tag_links
      WHERE tag_id IN (SELECT id FROM run_tags) OR asset_id IN (SELECT id FROM run_assets)`);
    const counts = {} as CleanCounts;
    for (const [table, sql] of STEPS) {
      const r = await client.query(sql, table === 'verifications' ? [`% tollgate/${likeEscape(runId)}`] : []);
      counts[table] = r.rowCount ?? 0;
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
  return rows.map((r) => r.run).filter((r) => runStartedAt(r)).sort();
}

/** Runs older than `maxAgeMs` (by the time in their id): what crashed jobs left behind. */
export async function staleRuns(client: pg.Client, maxAgeMs: number, now = Date.now()): Promise<string[]> {
  return (await runsInDatabase(client)).filter((r) => now - runStartedAt(r)!.getTime() > maxAgeMs);
}

export function parseAge(text: string): number | undefined {
  const m = /^(\d+)\s*(m|h|d)$/.exec(text.trim());
  return m ? Number(m[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[m[2] as 'm' | 'h' | 'd'] : undefined;
}
