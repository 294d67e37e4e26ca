/** Deploy the reference API: run its migrations, then gunicorn with 2 workers on 127.0.0.1. */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DependencyError, StackError } from '../config/errors.ts';
import { PYTHON, REFERENCE_APP } from './paths.ts';
import { lastLines } from './postgres.ts';
import { isAlive } from '../lib/process.ts';
import { spawnDetached, waitForHttp } from './processes.ts';

const run = promisify(execFile);

export interface ApiDeployment {
  port: number;
  databaseUrl: string;
  secretKey: string;
  adminEmail: string;
  adminPassword: string;
  build: string;
  faults: string[];
  logFile: string;
  /** The reference app to run (its api/ and db/); default this checkout's. */
  appDir?: string;
}

/** Fail early, with the package to install, when the Python side cannot run. */
export async function checkPython(): Promise<void> {
  try {
    await run(PYTHON, ['-c', 'import flask, psycopg2, gunicorn']);
  } catch (e) {
    const missing = /No module named '([^']+)'/.exec(String((e as { stderr?: string }).stderr))?.[1];
    const pkg = missing ? { flask: 'python3-flask', psycopg2: 'python3-psycopg2', gunicorn: 'gunicorn' }[missing] : undefined;
    throw new DependencyError(missing ? `${PYTHON} cannot import ${missing}.` : `${PYTHON} is missing or broken: ${(e as Error).message}`, {
      hint: `Run \`bash scripts/bootstrap.sh\`${pkg ? ` (installs ${pkg})` : ''}.`,
    });
  }
}

function appEnv(d: ApiDeployment): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    LANG: 'C.UTF-8',
    PYTHONUNBUFFERED: '1',
    DATABASE_URL: d.databaseUrl,
    SECRET_KEY: d.secretKey,
    ADMIN_EMAIL: d.adminEmail,
    ADMIN_PASSWORD: d.adminPassword,
    BUILD_ID: d.build,
    FAULTS: d.faults.join(','),
  };
}

/** The deployment's migration step, as a release pipeline would run it. */
export async function migrate(d: ApiDeployment): Promise<string> {
  try {
    const { stdout } = await run(PYTHON, ['-m', 'api.migrate'], { cwd: d.appDir ?? REFERENCE_APP, env: appEnv(d) });
    return lastLines(stdout, 1);
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new StackError('migrate', lastLines(err.stderr || err.stdout) || (e as Error).message, {
      hint: 'Fix the migration (reference-app/db/migrations/) or the database, then run `npx tollgate stack up` again; `npx tollgate stack down --purge` starts from an empty database.',
    });
  }
}

/** Spawn gunicorn and return its master's PID at once, so a failed start can still be stopped. */
export function startApi(d: ApiDeployment): number {
  return spawnDetached(
    PYTHON,
    [
      '-m',
      'gunicorn',
      '--workers',
      '2',
      '--bind',
      `127.0.0.1:${d.port}`,
      '--access-logfile',
      '-',
      '--error-logfile',
      '-',
      '--graceful-timeout',
      '5',
      '--timeout',
      '30',
      'api:create_app()',
    ],
    d.logFile,
    { cwd: d.appDir ?? REFERENCE_APP, env: appEnv(d) },
  );
}

export async function waitForApi(port: number, pid: number, logFile: string): Promise<void> {
  try {
    await waitForHttp(`http://127.0.0.1:${port}/healthz`, { timeoutMs: 20_000, alive: () => isAlive(pid) });
  } catch (e) {
    throw new StackError('api', (e as Error).message, { hint: `See ${logFile}.` });
  }
}
