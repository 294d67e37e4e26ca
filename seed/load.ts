/**
 * Load one seeding run into the target database: schema check, code batches claimed, ids
 * reserved, then every table streamed through COPY — all in one transaction, so either every
 * row of the run is there or none is. Generation feeds COPY with backpressure, so memory stays
 * flat at any scale.
 */
import { pbkdf2Sync, randomBytes, randomInt } from 'node:crypto';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { SchemaError } from '../config/errors.ts';
import { TABLES, rows, rotationFor, userRoles, type GenerateInput } from './generate.ts';
import { makePlan, type Plan } from './plan.ts';
import { buildPools } from './pools.ts';
import { BATCH_SIZE, batchPrefix } from './tagcode.ts';

export interface LoadOptions {
  profile: string;
  scale?: number;
  seed: number;
  runId: string;
  anchor: Date;
  onProgress?: (done: number, total: number) => void;
  /** Ids reserved before the transaction (`reserveRunIds`); default: drawn inside it. */
  ids?: RunIds;
}

export interface LoadResult {
  plan: Plan;
  input: GenerateInput;
  /** Plain-text passwords of the run's users, in user order (for the manifest only). */
  passwords: string[];
  counts: Record<string, number>;
}

/** Every column the seeder writes or cleanup reads; a deployment without them fails here. */
export async function checkSchema(client: pg.Client): Promise<void> {
  const required = TABLES.map((t) => ({ table: t.table, columns: t.columns }));
  const { rows: found } = await client.query<{ table_name: string; column_name: string }>(
    `SELECT table_name, column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = ANY($1)`,
    [required.map((r) => r.table)],
  );
  const have = new Set(found.map((r) => `${r.table_name}.${r.column_name}`));
  const tables = new Set(found.map((r) => r.table_name));
  const missing: string[] = [];
  for (const r of required) {
    if (!tables.has(r.table)) missing.push(`table ${r.table}`);
    else for (const c of r.columns) if (!have.has(`${r.table}.${c}`)) missing.push(`${r.table}.${c}`);
  }
  if (!missing.length) return;
  const head = await client.query<{ v: string | null }>('SELECT max(version) AS v FROM schema_migrations').then(
    (r) => r.rows[0]?.v ?? 'none',
    () => 'unknown (no schema_migrations table)',
  );
  throw new SchemaError(`The target database lacks ${missing.join(', ')} (applied migrations: ${head}).`, {
    hint: "The deployment's migrations have probably not run: run them, then seed again. Nothing was written.",
  });
}

/**
 * Claim `count` code batches for this run: free of existing tags and not claimed by a seeder
 * running right now (a transaction-scoped advisory lock). The first candidate comes from the
 * seed, so a replay on a database without that batch gets the very same codes.
 */
async function claimBatches(client: pg.Client, seed: number, count: number): Promise<number[]> {
  const claimed: number[] = [];
  const first = Math.imul(seed, 2654435761) >>> 12;
  for (let k = 0; claimed.length < count; k++) {
    if (k > 5_000)
      throw new SchemaError('Could not find a free tag-code batch after 5,000 tries.', {
        hint: 'Clean old runs with `tollgate seed clean --older-than 24h`.',
      });
    const batch = (first + k * 7919) & (BATCH_SIZE - 1);
    if (claimed.includes(batch)) continue;
    const {
      rows: [r],
    } = await client.query<{ locked: boolean; taken: boolean }>(
      `SELECT pg_try_advisory_xact_lock(1952999271, $1) AS locked,
              EXISTS (SELECT 1 FROM tags WHERE lower(code) LIKE $2) AS taken`,
      [batch, `tt-${batchPrefix(batch).toLowerCase()}-%`],
    );
    if (r!.locked && !r!.taken) claimed.push(batch);
  }
  return claimed;
}

/**
 * Reserve `n` ids from the table's identity sequence. They usually come back contiguous; when
 * another session drew ids meanwhile they do not, and the exact list is fetched instead.
 */
async function reserveIds(client: pg.Client, table: string, n: number): Promise<Float64Array> {
  const ids = new Float64Array(n);
  if (!n) return ids;
  await client.query(`CREATE TEMP TABLE reserved_${table} ON COMMIT DROP AS
    SELECT nextval(pg_get_serial_sequence('${table}', 'id')) AS id FROM generate_series(1, ${n})`);
  const {
    rows: [b],
  } = await client.query<{ first: string; last: string }>(`SELECT min(id) AS first, max(id) AS last FROM reserved_${table}`);
  const first = Number(b!.first);
  if (Number(b!.last) - first + 1 === n) {
    for (let i = 0; i < n; i++) ids[i] = first + i;
    return ids;
  }
  const { rows } = await client.query({ text: `SELECT id FROM reserved_${table} ORDER BY id`, rowMode: 'array' });
  for (let i = 0; i < n; i++) ids[i] = Number((rows[i] as unknown as string[])[0]);
  return ids;
}

export type RunIds = GenerateInput['ids'];

/**
 * Seeders reserve ids one at a time (a session-level advisory lock, released as soon as they
 * have them): a block moved past the sequence must never overlap ids another seeder is drawing
 * one by one. The product's own inserts wait on the table lock instead.
 */
const RESERVING = 1952999272;

/**
 * Reserve every id a run needs, before its transaction, in one short transaction of its own: the
 * tables whose sequences are drawn are locked against inserts (SHARE ROW EXCLUSIVE, which every
 * INSERT and every other seeder waits for, for milliseconds) and each sequence is moved past a
 * contiguous block. Half a million `nextval` calls took 1.2 s; this takes milliseconds.
 * Undefined when the role may not lock or set the sequences, or the lock is not granted within
 * 2 s: then `loadRun` draws them one by one inside its transaction, as before.
 */
export async function reserveRunIds(
  client: pg.Client,
  counts: { users: number; assets: number; tags: number },
): Promise<RunIds | undefined> {
  await client.query('SELECT pg_advisory_lock($1, 0)', [RESERVING]);
  try {
    await client.query('BEGIN');
    await client.query("SET LOCAL lock_timeout = '2s'");
    await client.query('LOCK TABLE users, assets, tags IN SHARE ROW EXCLUSIVE MODE');
    const ids: Record<string, Float64Array> = {};
    for (const [table, n] of Object.entries(counts)) {
      ids[table] = new Float64Array(n);
      if (!n) continue;
      const {
        rows: [r],
      } = await client.query<{ last: string }>(
        `SELECT setval(pg_get_serial_sequence('${table}', 'id'), nextval(pg_get_serial_sequence('${table}', 'id')) + $1 - 1) AS last`,
        [n],
      );
      if (r?.last == null) throw new Error(`${table}.id has no sequence`);
      const first = Number(r.last) - n + 1;
      for (let i = 0; i < n; i++) ids[table]![i] = first + i;
    }
    await client.query('COMMIT');
    return ids as unknown as RunIds;
  } catch {
    // Not allowed (42501) or not granted in time (55P03): the caller's transaction draws them one by one.
    await client.query('ROLLBACK').catch(() => {});
    return undefined;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, 0)', [RESERVING]).catch(() => {});
  }
}

/** The fallback: every id drawn with nextval inside the run's transaction, while no other seeder reserves. */
async function drawIds(client: pg.Client, counts: { users: number; assets: number; tags: number }): Promise<RunIds> {
  await client.query('SELECT pg_advisory_lock($1, 0)', [RESERVING]);
  try {
    return {
      users: await reserveIds(client, 'users', counts.users),
      assets: await reserveIds(client, 'assets', counts.assets),
      tags: await reserveIds(client, 'tags', counts.tags),
    };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1, 0)', [RESERVING]).catch(() => {});
  }
}

/** Werkzeug's `pbkdf2:sha256:<n>$salt$hex`. Few iterations: these are throwaway test accounts. */
export function werkzeugHash(password: string, iterations = 5_000): string {
  const salt = randomBytes(12).toString('base64url').slice(0, 16);
  return `pbkdf2:sha256:${iterations}$${salt}$${pbkdf2Sync(password, salt, iterations, 32, 'sha256').toString('hex')}`;
}

function newPassword(): string {
  const alphabet = 'ABCDEFGHJKMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';
  return Array.from({ length: 20 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

async function copyTable(
  client: pg.Client,
  table: (typeof TABLES)[number],
  input: GenerateInput,
  progress: (rows: number) => void,
): Promise<number> {
  const stream = client.query(copyFrom(`COPY ${table.table} (${table.columns.join(', ')}) FROM STDIN`));
  const done = new Promise<void>((resolve, reject) => {
    stream.on('finish', resolve);
    stream.on('error', reject);
  });
  done.catch(() => {}); // awaited below; this only stops an early failure counting as unhandled
  let written = 0;
  try {
    for (const chunk of rows(table.table, input)) {
      written += chunk.rows;
      progress(chunk.rows);
      if (!stream.write(chunk.text)) {
        await new Promise<void>((resolve, reject) => {
          const onDrain = () => {
            stream.off('error', onError);
            resolve();
          };
          const onError = (e: Error) => {
            stream.off('drain', onDrain);
            reject(e);
          };
          stream.once('drain', onDrain);
          stream.once('error', onError);
        });
      }
    }
    stream.end();
  } catch (e) {
    stream.destroy();
    throw e;
  }
  await done;
  return written;
}

/** Run inside an open transaction; the caller commits or rolls back. */
export async function loadRun(client: pg.Client, o: LoadOptions): Promise<LoadResult> {
  const plan = makePlan(o.profile, o.scale, rotationFor(o.seed, o.profile));
  await checkSchema(client);
  // Unknown-code scans use serials past the last tag, so reserve room for them too.
  const batches = await claimBatches(client, o.seed, Math.ceil((plan.tags + plan.verifications) / BATCH_SIZE));
  const roles = userRoles(plan);
  if (o.ids && (o.ids.users.length !== roles.length || o.ids.assets.length !== plan.assets || o.ids.tags.length !== plan.tags))
    throw new Error('the ids reserved before the transaction do not fit the plan');
  const passwords = roles.map(() => newPassword());
  const input: GenerateInput = {
    seed: o.seed,
    plan,
    runId: o.runId,
    batches,
    anchor: o.anchor,
    pools: buildPools(o.seed),
    ids: o.ids ?? (await drawIds(client, { users: roles.length, assets: plan.assets, tags: plan.tags })),
    userHashes: passwords.map((p) => werkzeugHash(p)),
  };
  let done = 0;
  const counts: Record<string, number> = {};
  for (const table of TABLES) {
    counts[table.table] = await copyTable(client, table, input, (n) => {
      done += n;
      o.onProgress?.(done, plan.total);
    });
  }
  return { plan, input, passwords, counts };
}
