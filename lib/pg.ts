/**
 * PostgreSQL connections for every part of Tollgate that opens one (the target's database, the
 * results store): connect with a timeout, never crash on a connection that dies while idle, and
 * turn driver and server errors into TollgateErrors that say what is wrong and how to fix it,
 * without ever showing the password.
 */
import pg from 'pg';
import { AuthError, ConfigError, InterruptedError, TollgateError, UnreachableError } from '../config/errors.ts';

/** What a connection is to the user: named in every message about it. */
export interface PgSubject {
  url: string | undefined;
  /** `database`, `results database`. */
  label: string;
  /** The variable holding the URL, e.g. STAGING_DATABASE_URL. */
  variable: string;
  /** Said when the connection drops mid-transaction. */
  interruptedHint: string;
  /** Said when the server cannot be reached. */
  unreachableHint: string;
  /** Said when the database named in the URL does not exist. */
  missingDatabaseHint?: string;
  /** Said when the user lacks a privilege (42501). */
  privilegeHint?: string;
  /** Also named when credentials are refused, e.g. DATABASE_PASSWORD_COMMAND. */
  alsoCheck?: string;
}

/** The URL without its password, safe to print. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable URL)';
  }
}

function safeUrl(url: string | undefined): URL | undefined {
  try {
    return url ? new URL(url) : undefined;
  } catch {
    return undefined;
  }
}

/** A connected client; a failure to connect is thrown already classified. */
export async function connectPg(
  subject: PgSubject,
  config: pg.ClientConfig & { password?: pg.ClientConfig['password'] } = {},
): Promise<pg.Client> {
  const { password, ...rest } = config;
  const client = new pg.Client({ connectionString: subject.url, connectionTimeoutMillis: 10_000, ...rest });
  // Set after construction: pg merges the parsed URL over its config, which would drop it.
  if (password) (client as { password?: unknown }).password = password;
  // A connection that dies while idle must not crash the process; the next query reports it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw classifyPgError(e, subject);
  }
  return client;
}

/** Map a connection or query failure to a user-facing error; the message never holds the password. */
export function classifyPgError(e: unknown, s: PgSubject): Error {
  if (e instanceof TollgateError) return e;
  const err = e as { code?: string; message?: string };
  const u = safeUrl(s.url);
  const where = u ? `${u.hostname}:${u.port || 5432}` : `the ${s.label}`;
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UnreachableError(`Cannot resolve the ${s.label} host "${u?.hostname}" (${s.variable}).`, {
        hint: `Check the host name in ${s.variable} and your DNS/VPN.`,
      });
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new UnreachableError(`Cannot reach the ${s.label} at ${where} (${err.code}).`, { hint: s.unreachableHint });
    case '28P01':
    case '28000':
      return new AuthError(
        `The ${s.label} at ${where} refused the credentials of user "${u?.username ? decodeURIComponent(u.username) : '?'}".`,
        {
          hint: `Check the user and password in ${s.variable}${s.alsoCheck ? ` and ${s.alsoCheck}` : ''}.`,
        },
      );
    case '3D000':
      return new ConfigError(`The ${s.label} "${u?.pathname.slice(1)}" does not exist at ${where}.`, {
        hint: s.missingDatabaseHint ?? `Check the database name in ${s.variable}.`,
      });
    case '42501':
      return new ConfigError(`The ${s.label} at ${where} refused: ${err.message}.`, {
        hint: s.privilegeHint ?? `The user in ${s.variable} lacks a privilege Tollgate needs (see the message).`,
      });
    case '57P01':
    case '57P02':
    case '57P03':
      return new InterruptedError(
        `The ${s.label} terminated the connection (an administrator or a restart); the transaction was rolled back.`,
        { hint: s.interruptedHint },
      );
  }
  if (/timeout/i.test(err.message ?? ''))
    return new UnreachableError(`Timed out connecting to the ${s.label} at ${where}.`, { hint: s.unreachableHint });
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /Connection terminated/i.test(err.message ?? '')) {
    return new InterruptedError(`The ${s.label} closed the connection mid-operation; the transaction was rolled back.`, {
      hint: s.interruptedHint,
    });
  }
  return e instanceof Error ? e : new Error(String(e));
}
