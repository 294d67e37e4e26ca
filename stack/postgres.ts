/** A throwaway PostgreSQL cluster for the local stack (initdb + pg_ctl, as `postgres` when root). */
import { execFile } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import { DependencyError, StackError } from '../config/errors.ts';

const run = promisify(execFile);
const isRoot = () => process.getuid?.() === 0;

export const DB_NAME = 'tagtrust';
export const DB_USER = 'tagtrust';

/** PG_BIN, else the newest /usr/lib/postgresql/<major>/bin that has initdb. */
export function findPgBin(env: NodeJS.ProcessEnv = process.env): string {
  if (env.PG_BIN) {
    if (existsSync(join(env.PG_BIN, 'initdb'))) return env.PG_BIN;
    throw new DependencyError(`PG_BIN is set to "${env.PG_BIN}", but it has no initdb.`, {
      hint: 'Point PG_BIN at a PostgreSQL bin directory (e.g. /usr/lib/postgresql/15/bin) or unset it.',
    });
  }
  const root = '/usr/lib/postgresql';
  const majors = existsSync(root)
    ? readdirSync(root)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => +b - +a)
    : [];
  for (const major of majors) {
    const bin = join(root, major, 'bin');
    if (existsSync(join(bin, 'initdb')) && existsSync(join(bin, 'pg_ctl'))) return bin;
  }
  throw new DependencyError('PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql.', {
    hint: 'Run `bash scripts/bootstrap.sh` (installs the `postgresql` package) or set PG_BIN.',
  });
}

/** runuser is in sbin, which a root shell's PATH may lack (cron, CI runners). */
export function findRunuser(): string {
  const found = ['/usr/sbin/runuser', '/sbin/runuser', '/usr/bin/runuser'].find(existsSync);
  if (!found)
    throw new DependencyError('runuser not found: as root, PostgreSQL must be started as the postgres user.', {
      hint: 'Install util-linux, or run Tollgate as a non-root user.',
    });
  return found;
}

/** Run a PostgreSQL binary as the cluster's owner: `postgres` when we are root (it refuses root). */
async function asOwner(bin: string, args: string[]): Promise<{ stdout: string; stderr: string }> {
  return isRoot() ? run(findRunuser(), ['-u', 'postgres', '--', bin, ...args]) : run(bin, args);
}

function ownByPostgres(path: string): void {
  if (!isRoot()) return;
  const entry = /^postgres:[^:]*:(\d+):(\d+):/m.exec(readFileSyncSafe('/etc/passwd'));
  const [uid, gid] = [Number(entry?.[1]), Number(entry?.[2])];
  if (!entry) {
    throw new DependencyError('Running as root, but there is no `postgres` user to own the cluster.', {
      hint: 'Install the `postgresql` package (it creates the user) with `bash scripts/bootstrap.sh`.',
    });
  }
  chownSync(path, uid, gid);
}

function readFileSyncSafe(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

export interface Cluster {
  dataDir: string;
  port: number;
  logFile: string;
}

/** initdb once per stack directory; later `up`s reuse the data (that is what keeps the database). */
export async function ensureCluster(pgBin: string, cluster: Cluster): Promise<'created' | 'existing'> {
  if (existsSync(join(cluster.dataDir, 'PG_VERSION'))) return 'existing';
  rmSync(cluster.dataDir, { recursive: true, force: true });
  mkdirSync(cluster.dataDir, { recursive: true, mode: 0o700 });
  ownByPostgres(cluster.dataDir);
  if (isRoot()) {
    // A repository under a 0700 home (/root) is invisible to the postgres user.
    await asOwner('/usr/bin/test', ['-w', cluster.dataDir]).catch(() => {
      rmSync(cluster.dataDir, { recursive: true, force: true });
      throw new StackError('postgres', `the postgres user cannot reach ${cluster.dataDir} (a parent directory is not world-searchable).`, {
        hint: 'Set TOLLGATE_STACK_DIR to a directory under /var/tmp or /tmp, or make the parent directories searchable (chmod o+x).',
      });
    });
  }
  try {
    await asOwner(join(pgBin, 'initdb'), [
      '-D',
      cluster.dataDir,
      '-U',
      'postgres',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
      // The socket lives in the 0700 data directory, so only its owner (or root) reaches it.
      '--auth-local=trust',
      '--auth-host=scram-sha-256',
      '--no-sync',
      '--no-instructions',
    ]);
  } catch (e) {
    rmSync(cluster.dataDir, { recursive: true, force: true });
    throw new StackError('postgres', `initdb failed: ${lastLines((e as { stderr?: string }).stderr)}`, {
      hint: `Check that the postgres user can write ${cluster.dataDir}.`,
    });
  }
  appendFileSync(join(cluster.dataDir, 'postgresql.conf'), "\ninclude_if_exists = 'tollgate.conf'\n");
  return 'created';
}

/** Start the cluster on 127.0.0.1:port and return the postmaster's PID. */
export async function startCluster(pgBin: string, cluster: Cluster): Promise<number> {
  // Durability is pointless for a throwaway cluster; skipping fsync makes seeding much faster.
  const conf = [
    `port = ${cluster.port}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${cluster.dataDir.replaceAll("'", "''")}'`,
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_connections = 200',
  ].join('\n');
  writeFileSync(join(cluster.dataDir, 'tollgate.conf'), conf + '\n');
  ownByPostgres(join(cluster.dataDir, 'tollgate.conf'));
  writeFileSync(cluster.logFile, '', { flag: 'a' });
  ownByPostgres(cluster.logFile);
  try {
    await asOwner(join(pgBin, 'pg_ctl'), ['-D', cluster.dataDir, '-l', cluster.logFile, '-w', '-t', '30', 'start']);
  } catch (e) {
    throw new StackError(
      'postgres',
      `pg_ctl start failed: ${lastLines(readFileSyncSafe(cluster.logFile)) || lastLines((e as { stderr?: string }).stderr)}`,
      {
        hint: `See ${cluster.logFile}.`,
      },
    );
  }
  const pid = Number(readFileSyncSafe(join(cluster.dataDir, 'postmaster.pid')).split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) throw new StackError('postgres', 'started, but postmaster.pid has no PID');
  return pid;
}

/** Create (or re-password) the application's role and database; return its URL. */
export async function ensureDatabase(cluster: Cluster, password: string): Promise<string> {
  const client = new pg.Client({ host: cluster.dataDir, port: cluster.port, user: 'postgres', database: 'postgres' });
  await client.connect();
  try {
    const role = await client.query('SELECT 1 FROM pg_roles WHERE rolname = $1', [DB_USER]);
    const verb = role.rowCount ? 'ALTER' : 'CREATE';
    await client.query(`${verb} ROLE ${DB_USER} LOGIN PASSWORD ${client.escapeLiteral(password)}`);
    const db = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [DB_NAME]);
    if (!db.rowCount) await client.query(`CREATE DATABASE ${DB_NAME} OWNER ${DB_USER}`);
  } finally {
    await client.end();
  }
  return `postgresql://${DB_USER}:${encodeURIComponent(password)}@127.0.0.1:${cluster.port}/${DB_NAME}`;
}

export function lastLines(text: string | undefined, n = 5): string {
  return (text ?? '').trim().split('\n').slice(-n).join('\n').trim();
}
