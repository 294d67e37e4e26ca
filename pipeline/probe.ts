/**
 * When the seed breaks on a constraint of the deployed schema (a new NOT NULL column, a check,
 * a foreign key), ask the product itself whether its own API can still create that kind of
 * record. If it cannot (a 5xx), schema and code were deployed out of step: the deployment's
 * fault, and the gate BLOCKs. If it can, only the seeder is behind the schema: the run stays
 * untestable, with what to update. Without an admin account on the target, or where Tollgate
 * never writes, nothing is probed and the run is untestable as before.
 */
import { randomBytes } from 'node:crypto';
import { clip, firstLine } from '../lib/text.ts';

/**
 * A constraint the schema imposes on every writer (not null, check, foreign key), as node-postgres
 * reports it. A unique violation is not one: it says which rows exist, not what the schema demands.
 */
export interface ConstraintViolation {
  code: string;
  table: string;
  column?: string;
  constraint?: string;
  message: string;
}

/** not_null_violation, foreign_key_violation, check_violation. */
const SCHEMA_CONSTRAINTS = new Set(['23502', '23503', '23514']);

export function constraintViolation(e: unknown): ConstraintViolation | undefined {
  const err = e as { code?: unknown; table?: unknown; column?: unknown; constraint?: unknown; message?: unknown } | null;
  if (!err || typeof err.code !== 'string' || !SCHEMA_CONSTRAINTS.has(err.code) || typeof err.table !== 'string') return undefined;
  return {
    code: err.code,
    table: err.table,
    ...(typeof err.column === 'string' ? { column: err.column } : {}),
    ...(typeof err.constraint === 'string' ? { constraint: err.constraint } : {}),
    message: firstLine(String(err.message ?? ''), { max: 200 }),
  };
}

/** The product's own way to create a record of each seeded table, marked so the run's cleanup removes it. */
const CREATES: Record<string, { path: string; body: (runId: string) => Record<string, unknown> }> = {
  assets: {
    path: '/assets',
    body: (runId) => ({
      name: `Tollgate schema probe ${runId}`,
      sku: 'TG-PROBE',
      manufacturer: 'Tollgate',
      metadata: { tollgate_run: runId },
    }),
  },
  tags: { path: '/tags', body: (runId) => ({ fingerprint: randomBytes(32).toString('hex'), metadata: { tollgate_run: runId } }) },
  users: {
    path: '/users',
    body: (runId) => ({
      email: `${runId}.probe@seed.tagtrust.test`,
      name: 'Tollgate schema probe',
      role: 'viewer',
      password: randomBytes(18).toString('base64url'),
    }),
  },
};

export type ProbeOutcome =
  /** The product's API fails too: the deployment is at fault. */
  | { fault: 'deployment'; evidence: string }
  /** The product's API copes: the seeder is behind the schema. */
  | { fault: 'seeder'; evidence: string }
  /** Nothing could be learnt (no account, read-only, no create for that table, API unreachable). */
  | { fault: 'unknown'; evidence: string };

export interface ProbeTarget {
  apiURL: string;
  admin: { email: string; password: string } | undefined;
  readOnly: boolean;
  runId: string;
  timeoutMs?: number;
}

/** Create one record of v.table through the product's API as an admin, and read what the answer says about the schema. */
export async function probeProductWrite(v: ConstraintViolation, t: ProbeTarget): Promise<ProbeOutcome> {
  const create = CREATES[v.table];
  if (!create) return { fault: 'unknown', evidence: `the API has no create for ${v.table} to compare with` };
  if (t.readOnly) return { fault: 'unknown', evidence: 'the environment is READ_ONLY, so the API was not asked to write' };
  if (!t.admin) return { fault: 'unknown', evidence: 'no admin account on the target (ADMIN_EMAIL, ADMIN_PASSWORD) to ask the API with' };
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(`${t.apiURL}${path}`, {
      method,
      headers: { 'Content-Type': 'application/json', Accept: 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(t.timeoutMs ?? 15_000),
    });
    const text = await res.text();
    let data: unknown;
    try {
      data = text ? JSON.parse(text) : undefined;
    } catch {
      data = undefined;
    }
    return { status: res.status, data, text };
  };
  try {
    const login = await call('POST', '/auth/login', { email: t.admin.email, password: t.admin.password });
    const token = (login.data as { token?: unknown } | undefined)?.token;
    if (login.status !== 200 || typeof token !== 'string')
      return {
        fault: 'unknown',
        evidence: `the admin account could not sign in to ask the API (POST /api/auth/login answered ${login.status})`,
      };
    try {
      const res = await call('POST', create.path, create.body(t.runId), token);
      const said = (res.data as { message?: unknown } | undefined)?.message;
      const answer = `POST /api${create.path} answered ${res.status}${typeof said === 'string' ? ` ("${clip(said, 120)}")` : ''}`;
      if (res.status >= 500) return { fault: 'deployment', evidence: `the product's own API cannot create ${v.table} either: ${answer}` };
      if (res.status >= 200 && res.status < 300) {
        const id = (res.data as { id?: unknown } | undefined)?.id;
        if (v.table === 'assets' && typeof id === 'number') await call('DELETE', `/assets/${id}`, undefined, token).catch(() => {});
        return { fault: 'seeder', evidence: `the product's own API still creates ${v.table} (${answer}): the seeder is behind the schema` };
      }
      return { fault: 'unknown', evidence: `asked to create ${v.table}, ${answer}` };
    } finally {
      await call('POST', '/auth/logout', undefined, token).catch(() => {});
    }
  } catch (e) {
    return { fault: 'unknown', evidence: `the API could not be asked: ${firstLine(String((e as Error).message ?? e), { max: 120 })}` };
  }
}
