/**
 * Which deployment the suites talk to: the environment named by TOLLGATE_ENV (default
 * `local`), whose URLs come from its config (TOLLGATE_WEB_URL overrides); for `local` without
 * URLs, the running reference stack. The harness only ever gets URLs and credentials from
 * here, exactly as for a remote deployment.
 */
import { ConfigError } from './errors.ts';
import { loadEnvironment, type Environment } from './environment.ts';
import { readContract } from './run-contract.ts';
import { localStack, onDemandStack } from '../stack/state.ts';

export interface Target {
  environment: Environment;
  webURL: string;
  apiURL: string;
  /** Where the API answers readiness: /readyz at the API's origin. */
  readyzURL: string;
  /** The build the deployment must report: EXPECTED_BUILD, or the local stack's build. */
  expectedBuild: string | undefined;
  /** The local stack's own admin (not seeded data): only for the local reference stack. */
  stackAdmin: { email: string; password: string } | undefined;
}

const strip = (u: string) => u.replace(/\/+$/, '');

export function resolveTarget(env: NodeJS.ProcessEnv = process.env): Target {
  const run = readContract(env);
  const environment = loadEnvironment(run.env || 'local', { env });
  if (environment.webURL) {
    const webURL = strip(environment.webURL);
    const apiURL = strip(environment.apiURL ?? `${webURL}/api`);
    return {
      environment,
      webURL,
      apiURL,
      readyzURL: new URL('/readyz', apiURL).toString(),
      expectedBuild: run.expectedBuild,
      stackAdmin: undefined,
    };
  }
  if (environment.name !== 'local' && !environment.onDemandStack) {
    throw new ConfigError(`Environment "${environment.name}" has no WEB_URL.`, {
      hint: `Set WEB_URL in config/environments/${environment.name}.env or TOLLGATE_WEB_URL.`,
    });
  }
  const { state, secrets } = environment.onDemandStack ? (onDemandStack(environment.name, env) ?? {}) : localStack(env);
  if (!state || !secrets) {
    throw new ConfigError(
      environment.onDemandStack
        ? `No target deployment: the on-demand environment ${environment.name} is no longer deployed.`
        : 'No target deployment: the local environment has no WEB_URL and no local stack is running.',
      {
        hint: environment.onDemandStack
          ? `See \`npx tollgate env list\`; create it again with \`npx tollgate env up ${environment.name}\`.`
          : 'Start the local stack with `npx tollgate stack up`, or choose another environment with TOLLGATE_ENV.',
      },
    );
  }
  // The stack's own record of its admin: ADMIN_* only seed a new stack (see stack/state.ts).
  return {
    environment,
    webURL: state.urls.web,
    apiURL: state.urls.api,
    readyzURL: state.urls.readyz,
    expectedBuild: run.expectedBuild || state.build,
    stackAdmin: { email: secrets.adminEmail, password: secrets.adminPassword },
  };
}
