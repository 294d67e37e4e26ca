// Runtime configuration, read once from window.__APP_CONFIG__ (config.js, written at deploy
// time). Anything malformed falls back to a safe default instead of crashing the app.

export type WebFault =
  | 'verify_button_missing'
  | 'dashboard_counts_zero'
  | 'link_button_missing'
  | 'signout_broken'
  | 'web_renders_markup'
  | 'status_labels_swapped';

export interface AppConfig {
  apiBase: string;
  build: string;
  faults: readonly string[];
}

declare global {
  interface Window {
    __APP_CONFIG__?: Partial<AppConfig>;
  }
}

// Used by `vite dev` without the dev config plugin (and by any page served without config.js).
const DEV_FALLBACK: AppConfig = { apiBase: '/api', build: 'dev', faults: [] };

function readConfig(raw: Partial<AppConfig> | undefined): AppConfig {
  if (raw === undefined || raw === null || typeof raw !== 'object') return DEV_FALLBACK;
  const apiBase = typeof raw.apiBase === 'string' && raw.apiBase !== '' ? raw.apiBase : DEV_FALLBACK.apiBase;
  return {
    // Paths are joined as `${apiBase}/tags`, so a trailing slash would double up.
    apiBase: apiBase.replace(/\/+$/, ''),
    build: typeof raw.build === 'string' && raw.build !== '' ? raw.build : DEV_FALLBACK.build,
    faults: Array.isArray(raw.faults) ? raw.faults.filter((f): f is string => typeof f === 'string') : [],
  };
}

export const config: AppConfig = readConfig(window.__APP_CONFIG__);

/** The build compiled into the running code, not the one the deployer wrote into config.js. */
export const bundleBuild: string = __BUNDLE_BUILD__;

export function hasFault(name: WebFault): boolean {
  return config.faults.includes(name);
}
