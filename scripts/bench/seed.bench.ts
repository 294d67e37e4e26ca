/**
 * `npm run bench:seed`: the volume profile at 1,000,000 rows through the real CLI into a fresh
 * database, and the very same rows (exported from it as CSV) loaded with `psql \copy` into an
 * identical fresh schema (the product's migrations: same indexes and constraints), in one
 * transaction each; twice each, alternating (seeder, psql, psql, seeder), each load from a
 * checkpoint, into four fresh databases. Targets: ratio of the means ≥ 1.0 and seeder peak RSS
 * ≤ 300 MB. Last line:
 *   seed: <N> rows/s, psql \copy: <M> rows/s, ratio <R>, peak RSS <X> MB
 */
import { execFileSync, spawn } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { TABLES } from '../../seed/generate.ts';
import { PYTHON, REFERENCE_APP } from '../../stack/paths.ts';
import { REPO_ROOT } from '../../config/paths.ts';
import { ensureCluster, findPgBin, startCluster } from '../../stack/postgres.ts';
import { stopPid } from '../../stack/processes.ts';

const ROWS = Number(process.env.TOLLGATE_BENCH_ROWS ?? 1_000_000);
const PORT = Number(process.env.TOLLGATE_BENCH_SEED_PORT ?? 18682);
const PASSWORD = 'bench-only-password';
const dir = mkdtempSync(join(tmpdir(), 'tollgate-bench-seed-'));
chmodSync(dir, 0o755);
const cluster = { dataDir: join(dir, 'pgdata'), port: PORT, logFile: join(dir, 'postgres.log') };
const url = (db: string) => `postgresql://bench:${PASSWORD}@127.0.0.1:${PORT}/${db}`;

/** Peak RSS of a running process, read from /proc while it runs (VmHWM is its high-water mark). */
function watchPeakRss(pid: number): () => number {
  let peak = 0;
  const read = () => {
    try {
      const kb = Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
      peak = Math.max(peak, kb);
    } catch {
      /* exited */
    }
  };
  const timer = setInterval(read, 20);
  return () => {
    clearInterval(timer);
    return Math.round(peak / 1024);
  };
}

async function runSeeder(db: string): Promise<{ seconds: number; rssMb: number; output: string }> {
  const child = spawn(
    process.execPath,
    [
      join(REPO_ROOT, 'scripts', 'tollgate.js'),
      'seed',
      '--env',
      'local',
      '--profile',
      'volume',
      '--scale',
      String(ROWS),
      '--seed',
      '20261122',
    ],
    {
      env: {
        ...process.env,
        LOCAL_DATABASE_URL: url(db),
        TOLLGATE_RUNS_DIR: join(dir, 'runs'),
        TOLLGATE_STACK_DIR: join(dir, 'no-stack'),
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const stopWatching = watchPeakRss(child.pid!);
  let output = '';
  child.stdout.on('data', (d: Buffer) => (output += d));
  const code = await new Promise<number>((resolve) => child.on('exit', (c) => resolve(c ?? 1)));
  const rssMb = stopWatching();
  if (code !== 0) throw new Error(`the seeder exited ${code}:\n${output}`);
  const seconds = Number(/rows in ([\d.]+) s/.exec(output)?.[1]);
  return { seconds, rssMb, output };
}

async function exportCsv(db: string): Promise<Record<string, string>> {
  const client = new pg.Client({ connectionString: url(db) });
  await client.connect();
  const files: Record<string, string> = {};
  for (const t of TABLES) {
    files[t.table] = join(dir, `${t.table}.csv`);
    // Ordered as inserted, so psql's load does the same index work in the same order.
    const stream = client.query(copyTo(`COPY (SELECT ${t.columns.join(', ')} FROM ${t.table} ORDER BY id) TO STDOUT WITH (FORMAT csv)`));
    await pipeline(stream, createWriteStream(files[t.table]!));
  }
  await client.end();
  return files;
}

function psqlCopy(files: Record<string, string>, db: string): number {
  const script = [
    'BEGIN;',
    ...TABLES.map((t) => `\\copy ${t.table} (${t.columns.join(', ')}) FROM '${files[t.table]}' WITH (FORMAT csv)`),
    'COMMIT;',
  ].join('\n');
  const t0 = performance.now();
  execFileSync('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', url(db)], { input: script, stdio: ['pipe', 'ignore', 'inherit'] });
  return (performance.now() - t0) / 1000;
}

async function count(db: string): Promise<number> {
  const client = new pg.Client({ connectionString: url(db) });
  await client.connect();
  const { rows } = await client.query<{ n: string }>(`SELECT ${TABLES.map((t) => `(SELECT count(*) FROM ${t.table})`).join(' + ')} AS n`);
  await client.end();
  return Number(rows[0]!.n);
}

let postmaster: number | undefined;
try {
  const pgBin = findPgBin();
  await ensureCluster(pgBin, cluster);
  postmaster = await startCluster(pgBin, cluster);
  const admin = new pg.Client({ host: cluster.dataDir, port: PORT, user: 'postgres', database: 'postgres' });
  await admin.connect();
  const DBS = ['bench_seed_1', 'bench_copy_1', 'bench_copy_2', 'bench_seed_2'];
  try {
    await admin.query(`CREATE ROLE bench LOGIN PASSWORD '${PASSWORD}'`);
    for (const db of DBS) await admin.query(`CREATE DATABASE ${db} OWNER bench`);
  } catch (e) {
    await admin.end();
    throw e;
  }
  for (const db of DBS) {
    execFileSync(PYTHON, ['-m', 'api.migrate'], { cwd: REFERENCE_APP, env: { ...process.env, DATABASE_URL: url(db) }, stdio: 'ignore' });
  }
  // Each load starts from a checkpoint, so none pays for the WAL another left behind; the order
  // alternates (seeder, psql, psql, seeder) so drift on a noisy machine favours neither side.
  const checkpoint = () => admin.query('CHECKPOINT');
  const seeds: { seconds: number; rssMb: number; output: string }[] = [];
  const copies: number[] = [];
  let files: Record<string, string> = {};
  try {
    await checkpoint();
    seeds.push(await runSeeder('bench_seed_1'));
    process.stdout.write(seeds[0]!.output);
    files = await exportCsv('bench_seed_1');
    for (const db of ['bench_copy_1', 'bench_copy_2']) {
      await checkpoint();
      copies.push(psqlCopy(files, db));
    }
    await checkpoint();
    seeds.push(await runSeeder('bench_seed_2'));
  } finally {
    await admin.end();
  }
  for (const db of DBS) {
    const n = await count(db);
    if (n !== ROWS) throw new Error(`${db} holds ${n} rows, expected ${ROWS}`);
  }

  // Cleanup of the same run, timed: a quadratic delete plan once took minutes here.
  const runId = /run (tg_\d{14}_[a-z0-9]{6})/.exec(seeds[0]!.output)![1]!;
  const c0 = performance.now();
  execFileSync(process.execPath, [join(REPO_ROOT, 'scripts', 'tollgate.js'), 'seed', 'clean', '--env', 'local', '--run', runId], {
    env: { ...process.env, LOCAL_DATABASE_URL: url('bench_seed_1'), TOLLGATE_STACK_DIR: join(dir, 'no-stack') },
    stdio: 'ignore',
  });
  const cleanSeconds = (performance.now() - c0) / 1000;
  if ((await count('bench_seed_1')) !== 0) throw new Error('clean left rows of the run behind');

  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const seedSeconds = mean(seeds.map((x) => x.seconds));
  const copySeconds = mean(copies);
  const rssMb = Math.max(...seeds.map((x) => x.rssMb));
  const seedRate = Math.round(ROWS / seedSeconds);
  const copyRate = Math.round(ROWS / copySeconds);
  const ratio = seedRate / copyRate;
  const list = (xs: number[]) => xs.map((x) => x.toFixed(2)).join(' and ');
  console.log(
    `seeder ${list(seeds.map((x) => x.seconds))} s (connect to commit, in the CLI), psql \\copy ${list(copies)} s (one session, one transaction), ${ROWS.toLocaleString('en')} rows each, in the order seeder, psql, psql, seeder`,
  );
  console.log(
    `clean: the same ${ROWS.toLocaleString('en')} rows deleted in ${cleanSeconds.toFixed(2)} s (\`tollgate seed clean --run\`, one transaction)`,
  );
  console.log(`targets: ratio >= 1.0 ${ratio >= 1.0 ? 'met' : 'MISSED'}, peak RSS <= 300 MB ${rssMb <= 300 ? 'met' : 'MISSED'}`);
  console.log(`seed: ${seedRate} rows/s, psql \\copy: ${copyRate} rows/s, ratio ${ratio.toFixed(2)}, peak RSS ${rssMb} MB`);
} finally {
  await stopPid(postmaster, 'SIGINT');
  rmSync(dir, { recursive: true, force: true });
}
