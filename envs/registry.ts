/**
 * The registry of on-demand environments: the `tollgate.environments` table of the results store
 * (the embedded PGlite by default, RESULTS_DATABASE_URL when set). Every change is one transaction;
 * a reservation locks the table, so two `env up` at once never get one name or one port block.
 * The embedded store is single-process, so each call opens it, does its transaction and closes it.
 */
import { hostname } from 'node:os';
import { TollgateError, UsageError } from '../config/errors.ts';
import { openStoreSql, type StoreOptions } from '../gate/store.ts';
import type { Sql } from '../gate/store/sql.ts';

export type EnvState = 'creating' | 'ready' | 'removing';

export interface EnvRecord {
  name: string;
  ref: string;
  build: string;
  owner: string;
  profile: string;
  seed: number;
  portBase: number;
  host: string;
  dir: string;
  state: EnvState;
  /** The process creating or removing it. */
  workerPid: number | null;
  pids: { postgres: number; api: number; web: number } | null;
  webUrl: string | null;
  createdAt: Date;
  expiresAt: Date;
  warnedAt: Date | null;
}

/** The limit on environments was reached: try again once one is removed. */
export class CapacityError extends TollgateError {
  override readonly exitCode: number = 75;
}

interface Row {
  name: string;
  ref: string;
  build: string;
  owner: string;
  profile: string;
  seed: number | string;
  port_base: number;
  host: string;
  dir: string;
  state: EnvState;
  worker_pid: number | null;
  pids: EnvRecord['pids'] | string | null;
  web_url: string | null;
  created_at: Date | string;
  expires_at: Date | string;
  warned_at: Date | string | null;
}

const fromRow = (r: Row): EnvRecord => ({
  name: r.name,
  ref: r.ref,
  build: r.build,
  owner: r.owner,
  profile: r.profile,
  seed: Number(r.seed),
  portBase: r.port_base,
  host: r.host,
  dir: r.dir,
  state: r.state,
  workerPid: r.worker_pid,
  pids: typeof r.pids === 'string' ? (JSON.parse(r.pids) as EnvRecord['pids']) : r.pids,
  webUrl: r.web_url,
  createdAt: new Date(r.created_at),
  expiresAt: new Date(r.expires_at),
  warnedAt: r.warned_at === null ? null : new Date(r.warned_at),
});

export const THIS_HOST = hostname();

/** What a new environment is registered with; the rest (ports, host, state) the registry assigns. */
export type Reservation = Pick<EnvRecord, 'name' | 'ref' | 'build' | 'owner' | 'profile' | 'seed' | 'dir' | 'expiresAt'>;

export interface Limits {
  /** The most environments this host may run. */
  max: number;
  /** Candidate port bases, in order of preference. */
  portBases: number[];
  /** Whether a port block is free on this host right now (web, API and PostgreSQL). */
  portsFree: (base: number) => Promise<boolean>;
}

export interface Registry {
  readonly where: string;
  /** Claim a name and a port block for a new environment (state `creating`, worker = this process). */
  reserve(r: Reservation, limits: Limits): Promise<EnvRecord>;
  ready(name: string, fields: { pids: NonNullable<EnvRecord['pids']>; webUrl: string }): Promise<void>;
  /** Mark it as being removed by this process; undefined when there is no such environment. */
  removing(name: string): Promise<EnvRecord | undefined>;
  remove(name: string): Promise<void>;
  get(name: string): Promise<EnvRecord | undefined>;
  list(): Promise<EnvRecord[]>;
  /** Set its expiry (and forget an earlier warning); undefined when there is no such environment. */
  extend(name: string, expiresAt: Date): Promise<EnvRecord | undefined>;
  warned(name: string, at: Date): Promise<void>;
}

/** Run `fn` on the registry, then close it (the embedded store must not stay open). */
export async function withRegistry<T>(options: StoreOptions, fn: (registry: Registry) => Promise<T>): Promise<T> {
  const sql = await openStoreSql(options);
  try {
    return await fn(registryOver(sql));
  } finally {
    await sql.close();
  }
}

const COLUMNS =
  'name, ref, build, owner, profile, seed, port_base, host, dir, state, worker_pid, pids, web_url, created_at, expires_at, warned_at';

export function registryOver(sql: Sql): Registry {
  const one = async (text: string, params: unknown[]) => {
    const rows = await sql.query<Row>(text, params);
    return rows[0] ? fromRow(rows[0]) : undefined;
  };
  return {
    where: sql.where,

    reserve: (r, limits) =>
      sql.transaction(async (tx) => {
        // One reservation at a time, across processes and hosts sharing the store.
        await tx.exec('LOCK TABLE tollgate.environments IN SHARE ROW EXCLUSIVE MODE');
        const rows = (await tx.query<Row>(`SELECT ${COLUMNS} FROM tollgate.environments`)).map(fromRow);
        const same = rows.find((e) => e.name === r.name);
        if (same) {
          throw new UsageError(`An environment named ${r.name} already exists (${same.state}, owner ${same.owner}, build ${same.build}).`, {
            hint: `Choose another name, or remove it first: \`npx tollgate env down ${r.name}\`.`,
          });
        }
        const here = rows.filter((e) => e.host === THIS_HOST);
        if (here.length >= limits.max) {
          throw new CapacityError(`This host already runs ${here.length} on-demand environments, its limit (${limits.max}).`, {
            hint: 'Remove one (`npx tollgate env list`, then `env down <name>`), run `env reap`, or raise TOLLGATE_ENV_MAX.',
          });
        }
        const taken = new Set(here.map((e) => e.portBase));
        let base: number | undefined;
        for (const candidate of limits.portBases) {
          if (!taken.has(candidate) && (await limits.portsFree(candidate))) {
            base = candidate;
            break;
          }
        }
        if (base === undefined) {
          throw new CapacityError(`No free port block is left in the environments' pool (${limits.portBases.length} blocks).`, {
            hint: 'Free ports in the pool, remove an environment, or widen it with TOLLGATE_ENV_PORTS (e.g. 19000-19599).',
          });
        }
        const row = await tx.query<Row>(
          `INSERT INTO tollgate.environments (name, ref, build, owner, profile, seed, port_base, host, dir, state, worker_pid, expires_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 'creating', $10, $11) RETURNING ${COLUMNS}`,
          [r.name, r.ref, r.build, r.owner, r.profile, r.seed, base, THIS_HOST, r.dir, process.pid, r.expiresAt.toISOString()],
        );
        return fromRow(row[0]!);
      }),

    ready: async (name, f) => {
      await sql.transaction((tx) =>
        tx.query(
          `UPDATE tollgate.environments SET state = 'ready', worker_pid = NULL, pids = $2::jsonb, web_url = $3, updated_at = now() WHERE name = $1`,
          [name, JSON.stringify(f.pids), f.webUrl],
        ),
      );
    },

    removing: (name) =>
      sql.transaction(async (tx) => {
        const rows = await tx.query<Row>(
          `UPDATE tollgate.environments SET state = 'removing', worker_pid = $2, updated_at = now() WHERE name = $1 RETURNING ${COLUMNS}`,
          [name, process.pid],
        );
        return rows[0] ? fromRow(rows[0]) : undefined;
      }),

    remove: async (name) => {
      await sql.transaction((tx) => tx.query(`DELETE FROM tollgate.environments WHERE name = $1`, [name]));
    },

    get: (name) => one(`SELECT ${COLUMNS} FROM tollgate.environments WHERE name = $1`, [name]),

    list: async () => (await sql.query<Row>(`SELECT ${COLUMNS} FROM tollgate.environments ORDER BY created_at, name`)).map(fromRow),

    extend: (name, expiresAt) =>
      sql.transaction(async (tx) => {
        const rows = await tx.query<Row>(
          `UPDATE tollgate.environments SET expires_at = $2, warned_at = NULL, updated_at = now() WHERE name = $1 RETURNING ${COLUMNS}`,
          [name, expiresAt.toISOString()],
        );
        return rows[0] ? fromRow(rows[0]) : undefined;
      }),

    warned: async (name, at) => {
      await sql.transaction((tx) =>
        tx.query(`UPDATE tollgate.environments SET warned_at = $2, updated_at = now() WHERE name = $1`, [name, at.toISOString()]),
      );
    },
  };
}
