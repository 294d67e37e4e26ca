/**
 * Connections to a target's database. The password may come from a command run at connect
 * time (DATABASE_PASSWORD_COMMAND: an IAM token generator, a vault read), so short-lived
 * credentials work. Neither the password nor the command's output is ever printed; failures
 * are classified into errors that say what is wrong and how to fix it.
 */
import { execFile } from 'node:child_process';
import pg from 'pg';
import { AuthError, ConfigError, InterruptedError, TollgateError, UnreachableError } from '../config/errors.ts';
import { databaseUrlProblem, type Environment } from '../config/environment.ts';

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

function passwordFromCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 30_000, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err) {
        const how = err.killed ? 'timed out after 30 s' : `exited with code ${err.code ?? 'unknown'}`;
        reject(new ConfigError(`DATABASE_PASSWORD_COMMAND ${how}; its output is not shown because it may hold secrets.`, {
          hint: 'Run the command yourself to see why it fails (expired session, missing permissions).',
        }));
        return;
      }
      const password = stdout.replace(/\r?\n$/, '');
      if (!password) reject(new ConfigError('DATABASE_PASSWORD_COMMAND printed nothing.', { hint: 'It must print the password (or token) on standard output.' }));
      else resolve(password);
    });
  });
}

export interface Target { env: Environment; applicationName: string }

export async function connect({ env, applicationName }: Target): Promise<pg.Client> {
  const url = env.databaseUrl;
  if (!url) {
    throw new ConfigError(`No database URL for environment "${env.name}": ${env.databaseUrlVar} is not set.`, {
      hint: env.name === 'local'
        ? 'Start the local stack (`npx tollgate stack up`) or set LOCAL_DATABASE_URL.'
        : `Set ${env.databaseUrlVar} in the process environment or in .env.${env.name}.local.`,
    });
  }
  const problem = databaseUrlProblem(url);
  if (problem) throw new ConfigError(`${env.databaseUrlVar} ${problem}.`, { hint: 'Expected postgresql://user:password@host:5432/database.' });
  const command = env.databasePasswordCommand;
  const client = new pg.Client({ connectionString: url, application_name: applicationName, connectionTimeoutMillis: 10_000 });
  // Set after construction: pg merges the parsed URL over its config, which would drop it.
  if (command) (client as { password?: unknown }).password = () => passwordFromCommand(command);
  // A connection that dies while idle must not crash the process; the next query reports it.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (e) {
    await client.end().catch(() => {});
    throw classify(e, env);
  }
  return client;
}

/** Map a connection or query failure to a user-facing error (never containing the password). */
export function classify(e: unknown, env: Environment): Error {
  if (e instanceof TollgateError) return e;
  const err = e as { code?: string; message?: string };
  const u = safeUrl(env.databaseUrl);
  const where = u ? `${u.hostname}:${u.port || 5432}` : 'the database';
  switch (err.code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new UnreachableError(`Cannot resolve the database host "${u?.hostname}" (${env.databaseUrlVar}).`, { hint: 'Check the host name in the URL and your DNS/VPN.' });
    case 'ECONNREFUSED':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
      return new UnreachableError(`Cannot reach the database at ${where} (${err.code}).`, { hint: 'Is the database running and reachable from here (firewall, VPN, port)?' });
    case '28P01':
    case '28000':
      return new AuthError(`The database at ${where} refused the credentials of user "${u?.username ? decodeURIComponent(u.username) : '?'}".`, {
        hint: `Check the user and password in ${env.databaseUrlVar}${env.databasePasswordCommand ? ' and DATABASE_PASSWORD_COMMAND' : ''}.`,
      });
    case '3D000':
      return new ConfigError(`The database "${u?.pathname.slice(1)}" does not exist at ${where}.`, { hint: `Check the database name in ${env.databaseUrlVar}.` });
    case '57P01':
    case '57P02':
    case '57P03':
      return new InterruptedError('The database terminated the connection (an administrator or a restart); the transaction was rolled back.', {
        hint: 'Nothing of this run was written. Run the command again.',
      });
  }
  if (/timeout/i.test(err.message ?? '')) {
    return new UnreachableError(`Timed out connecting to the database at ${where}.`, { hint: 'Is the database reachable from here (firewall, VPN, port)?' });
  }
  if (err.code === 'ECONNRESET' || err.code === 'EPIPE' || /Connection terminated/i.test(err.message ?? '')) {
    return new InterruptedError('The database closed the connection mid-operation; the transaction was rolled back.', { hint: 'Nothing of this run was written. Run the command again.' });
  }
  return e instanceof Error ? e : new Error(String(e));
}

function safeUrl(url: string | undefined): URL | undefined {
  try {
    return url ? new URL(url) : undefined;
  } catch {
    return undefined;
  }
}
