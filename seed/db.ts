/**
 * Connections to a target's database. The password may come from a command run at connect
 * time (DATABASE_PASSWORD_COMMAND: an IAM token generator, a vault read), so short-lived
 * credentials work. Neither the password nor the command's output is ever printed; failures
 * are classified into errors that say what is wrong and how to fix it.
 */
import { execFile } from 'node:child_process';
import type pg from 'pg';
import { ConfigError } from '../config/errors.ts';
import { databaseUrlProblem, type Environment } from '../config/environment.ts';
import { classifyPgError, connectPg, type PgSubject } from '../lib/pg.ts';

function passwordFromCommand(command: string): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('/bin/sh', ['-c', command], { timeout: 30_000, maxBuffer: 1024 * 1024 }, (err, stdout) => {
      if (err) {
        const how = err.killed ? 'timed out after 30 s' : `exited with code ${err.code ?? 'unknown'}`;
        reject(
          new ConfigError(`DATABASE_PASSWORD_COMMAND ${how}; its output is not shown because it may hold secrets.`, {
            hint: 'Run the command yourself to see why it fails (expired session, missing permissions).',
          }),
        );
        return;
      }
      const password = stdout.replace(/\r?\n$/, '');
      if (!password)
        reject(
          new ConfigError('DATABASE_PASSWORD_COMMAND printed nothing.', {
            hint: 'It must print the password (or token) on standard output.',
          }),
        );
      else resolve(password);
    });
  });
}

export interface Target {
  env: Environment;
  applicationName: string;
}

/** How errors about an environment's database name it. */
function subject(env: Environment): PgSubject {
  return {
    url: env.databaseUrl,
    label: 'database',
    variable: env.databaseUrlVar,
    alsoCheck: env.databasePasswordCommand ? 'DATABASE_PASSWORD_COMMAND' : undefined,
    unreachableHint: 'Is the database running and reachable from here (firewall, VPN, port)?',
    interruptedHint: 'Nothing of this run was written. Run the command again.',
  };
}

export async function connect({ env, applicationName }: Target): Promise<pg.Client> {
  const url = env.databaseUrl;
  if (!url) {
    throw new ConfigError(`No database URL for environment "${env.name}": ${env.databaseUrlVar} is not set.`, {
      hint:
        env.name === 'local'
          ? 'Start the local stack (`npx tollgate stack up`) or set LOCAL_DATABASE_URL.'
          : `Set ${env.databaseUrlVar} in the process environment or in .env.${env.name}.local.`,
    });
  }
  const problem = databaseUrlProblem(url);
  if (problem)
    throw new ConfigError(`${env.databaseUrlVar} ${problem}.`, { hint: 'Expected postgresql://user:password@host:5432/database.' });
  const command = env.databasePasswordCommand;
  return connectPg(subject(env), {
    application_name: applicationName,
    ...(command ? { password: () => passwordFromCommand(command) } : {}),
  });
}

/** Map a connection or query failure to a user-facing error (never containing the password). */
export const classify = (e: unknown, env: Environment): Error => classifyPgError(e, subject(env));
