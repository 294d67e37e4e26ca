/**
 * Which deployment the suites talk to. Explicit URLs (TOLLGATE_WEB_URL, TOLLGATE_API_URL)
 * win; otherwise the local reference stack recorded in its state.json. The harness only
 * ever gets URLs and credentials from here, exactly as for a remote deployment.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from './errors.ts';
import { stackDir } from '../scripts/stack/paths.ts';

export interface Target {
  webURL: string;
  apiURL: string;
  build: string | undefined;
  admin: { email: string; password: string };
  source: 'env' | 'local-stack';
}

function url(name: string, value: string): string {
  try {
    const u = new URL(value);
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new Error('not http(s)');
    return value.replace(/\/+$/, '');
  } catch {
    throw new ConfigError(`${name} is not a valid http(s) URL: "${value}".`, { hint: `Set ${name} to something like https://staging.example.com.` });
  }
}

export function resolveTarget(env: NodeJS.ProcessEnv = process.env): Target {
  if (env.TOLLGATE_WEB_URL) {
    const webURL = url('TOLLGATE_WEB_URL', env.TOLLGATE_WEB_URL);
    const apiURL = env.TOLLGATE_API_URL ? url('TOLLGATE_API_URL', env.TOLLGATE_API_URL) : `${webURL}/api`;
    const missing = ['ADMIN_EMAIL', 'ADMIN_PASSWORD'].filter((k) => !env[k]);
    if (missing.length) {
      throw new ConfigError(`TOLLGATE_WEB_URL is set, but ${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not.`, {
        hint: 'Give the admin credentials of that deployment through the environment (see .env.example).',
      });
    }
    return { webURL, apiURL, build: env.EXPECTED_BUILD, admin: { email: env.ADMIN_EMAIL!, password: env.ADMIN_PASSWORD! }, source: 'env' };
  }
  const dir = stackDir(env);
  const stateFile = join(dir, 'state.json');
  if (!existsSync(stateFile)) {
    throw new ConfigError('No target deployment: TOLLGATE_WEB_URL is not set and no local stack is running.', {
      hint: 'Start the local stack with `npx tollgate stack up`, or set TOLLGATE_WEB_URL (and ADMIN_EMAIL, ADMIN_PASSWORD) for a deployed environment.',
    });
  }
  const state = JSON.parse(readFileSync(stateFile, 'utf8')) as { urls: { web: string; api: string }; build: string };
  // The stack's own record of its admin: ADMIN_* only seed a new stack (see stack/state.ts).
  const secrets = JSON.parse(readFileSync(join(dir, 'secrets.json'), 'utf8')) as { adminEmail: string; adminPassword: string };
  return {
    webURL: state.urls.web,
    apiURL: state.urls.api,
    build: state.build,
    admin: { email: secrets.adminEmail, password: secrets.adminPassword },
    source: 'local-stack',
  };
}
