/** Build the reference web bundle when stale, deploy it with its runtime files, serve it with nginx. */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import { DependencyError, StackError } from '../config/errors.ts';
import { REPO_ROOT } from '../config/paths.ts';
import { WEB_DIST, WEB_SRC } from './paths.ts';
import { lastLines } from './postgres.ts';
import { isAlive } from '../lib/process.ts';
import { spawnDetached, waitForHttp } from './processes.ts';

const run = promisify(execFile);
const STAMP = '.tollgate-source-stamp';
const APP_VERSION = '1.0.0';

/** A cheap fingerprint of the web sources: paths, sizes and mtimes (no file reads). */
export function sourceStamp(dir = WEB_SRC): string {
  const hash = createHash('sha256');
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (entry.name === 'dist' || entry.name === 'node_modules') continue;
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const st = statSync(path);
        hash.update(`${relative(dir, path)}\0${st.size}\0${st.mtimeMs}\n`);
      }
    }
  };
  walk(dir);
  const lock = join(REPO_ROOT, 'package-lock.json');
  if (existsSync(lock)) hash.update(`lock\0${statSync(lock).mtimeMs}`);
  return hash.digest('hex');
}

export function webBuildIsCurrent(): boolean {
  const stampFile = join(WEB_DIST, STAMP);
  return existsSync(join(WEB_DIST, 'index.html')) && existsSync(stampFile) && readFileSync(stampFile, 'utf8') === sourceStamp();
}

/**
 * `vite build` of the web app in `webDir` (its vite.config.ts), into its own dist/ or `outDir`,
 * with this checkout's Vite. A failing build is a `web build` step error with its last lines.
 */
export async function viteBuild(webDir: string, o: { outDir?: string; hint: string }): Promise<void> {
  const vite = join(REPO_ROOT, 'node_modules', 'vite', 'bin', 'vite.js');
  if (!existsSync(vite)) {
    throw new DependencyError('Vite is not installed, so the web bundle cannot be built.', {
      hint: 'Run `bash scripts/bootstrap.sh` (runs npm ci).',
    });
  }
  const out = o.outDir ? ['--outDir', o.outDir, '--emptyOutDir'] : [];
  try {
    await run(process.execPath, [vite, 'build', '--config', join(webDir, 'vite.config.ts'), ...out, '--logLevel', 'warn'], { cwd: webDir });
  } catch (e) {
    const err = e as { stderr?: string; stdout?: string };
    throw new StackError('web build', lastLines(err.stderr || err.stdout, 10) || (e as Error).message, { hint: o.hint });
  }
}

/** Build with Vite unless the bundle already matches the sources. Returns whether it built. */
export async function ensureWebBuild(): Promise<boolean> {
  if (webBuildIsCurrent()) return false;
  const stamp = sourceStamp();
  await viteBuild(WEB_SRC, { hint: 'Fix the error in reference-app/web and run the command again.' });
  writeFileSync(join(WEB_DIST, STAMP), stamp);
  return true;
}

/**
 * Deploy = copy the bundle and write `config.js` and `version.json` beside it, as a real
 * SPA deployment does, then swap the directory in with a rename so nginx never serves a mix.
 */
export function deployWeb(wwwDir: string, build: string, faults: string[], dist = WEB_DIST): void {
  const next = `${wwwDir}.next`;
  rmSync(next, { recursive: true, force: true });
  cpSync(dist, next, { recursive: true, filter: (src) => !src.endsWith(STAMP) });
  // Fault stale_bundle: fresh config.js and version.json in front of the previous build's code.
  stampBundle(next, faults.includes('stale_bundle') ? `${build}-previous` : build);
  const config = { apiBase: '/api', build, faults };
  writeFileSync(join(next, 'config.js'), `window.__APP_CONFIG__ = ${JSON.stringify(config)};\n`);
  writeFileSync(join(next, 'version.json'), JSON.stringify({ build, version: APP_VERSION, deployedAt: new Date().toISOString() }) + '\n');
  rmSync(wwwDir, { recursive: true, force: true });
  renameSync(next, wwwDir);
}

/** What `vite build` leaves in the bundle where the build id goes (reference-app/web/vite.config.ts). */
export const BUNDLE_BUILD_PLACEHOLDER = '__TAGTRUST_BUNDLE_BUILD__';

/** Write the build id into the bundle's code, as a CI build compiles its id in; the app shows it in its footer. */
export function stampBundle(dir: string, build: string): void {
  const scripts = join(dir, 'static');
  let stamped = 0;
  for (const name of existsSync(scripts) ? readdirSync(scripts) : []) {
    if (!name.endsWith('.js')) continue;
    const file = join(scripts, name);
    const code = readFileSync(file, 'utf8');
    if (!code.includes(BUNDLE_BUILD_PLACEHOLDER)) continue;
    writeFileSync(file, code.replaceAll(BUNDLE_BUILD_PLACEHOLDER, build.replace(/[^\w.+-]/g, '_')));
    stamped++;
  }
  if (stamped === 0)
    throw new StackError('web deploy', `no script under ${scripts} carries the build placeholder ${BUNDLE_BUILD_PLACEHOLDER}`, {
      hint: 'Rebuild the bundle: delete reference-app/web/dist and run the command again.',
    });
}

export function findNginx(env: NodeJS.ProcessEnv = process.env): string {
  const candidate = env.NGINX_BIN || '/usr/sbin/nginx';
  if (existsSync(candidate)) return candidate;
  throw new DependencyError(`nginx not found at ${candidate}.`, {
    hint: env.NGINX_BIN
      ? 'Point NGINX_BIN at the nginx binary or unset it.'
      : 'Run `bash scripts/bootstrap.sh` (installs the `nginx` package) or set NGINX_BIN.',
  });
}

const SECURITY_HEADERS = `
add_header Content-Security-Policy "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'" always;
add_header X-Content-Type-Options "nosniff" always;
add_header X-Frame-Options "DENY" always;
add_header Referrer-Policy "strict-origin-when-cross-origin" always;
`;

export function nginxConfig(o: {
  prefix: string;
  wwwDir: string;
  logDir: string;
  webPort: number;
  apiPort: number;
  /** Where the API is (default 127.0.0.1; a cluster gives its Service's name). */
  apiHost?: string;
  /** Where nginx listens (default 127.0.0.1; in a container, every interface). */
  listenHost?: string;
}): string {
  const proxy = `proxy_pass http://tagtrust_api;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header Host $host;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;`;
  return `# Written by \`tollgate stack up\` (regenerated on every start) or \`tollgate k8s synth\`.
daemon off;
worker_processes 1;
pid ${o.prefix}/nginx.pid;
error_log ${o.logDir}/nginx-error.log warn;
events { worker_connections 512; }
http {
  include /etc/nginx/mime.types;
  default_type application/octet-stream;
  access_log ${o.logDir}/nginx-access.log;
  server_tokens off;
  sendfile on;
  client_max_body_size 1m;
  client_body_buffer_size 1m;
  client_body_temp_path ${o.prefix}/tmp/body;
  proxy_temp_path ${o.prefix}/tmp/proxy;
  fastcgi_temp_path ${o.prefix}/tmp/fastcgi;
  uwsgi_temp_path ${o.prefix}/tmp/uwsgi;
  scgi_temp_path ${o.prefix}/tmp/scgi;
  proxy_max_temp_file_size 0;
  upstream tagtrust_api { server ${o.apiHost ?? '127.0.0.1'}:${o.apiPort}; keepalive 16; }
  server {
    listen ${o.listenHost ?? '127.0.0.1'}:${o.webPort};
    root ${o.wwwDir};
    # The API sets its own security headers: they are not masked here, so a deployment
    # that loses them shows up in the harness's security checks.
    location /api/ { ${proxy} }
    location = /healthz { ${proxy} }
    location = /readyz { ${proxy} }
    location = /config.js { add_header Cache-Control "no-store" always; ${SECURITY_HEADERS} }
    location = /version.json { add_header Cache-Control "no-store" always; ${SECURITY_HEADERS} }
    location /static/ { add_header Cache-Control "public, max-age=31536000, immutable" always; ${SECURITY_HEADERS} }
    location / {
      try_files $uri /index.html;
      add_header Cache-Control "no-cache" always;
      ${SECURITY_HEADERS}
    }
  }
}
`;
}

export function startNginx(nginx: string, o: { prefix: string; wwwDir: string; logDir: string; webPort: number; apiPort: number }): number {
  mkdirSync(join(o.prefix, 'tmp'), { recursive: true });
  const conf = join(o.prefix, 'nginx.conf');
  writeFileSync(conf, nginxConfig(o));
  // -e: nginx opens its compiled-in error log before reading the config; keep it in ours.
  return spawnDetached(nginx, ['-p', o.prefix, '-e', join(o.logDir, 'nginx-error.log'), '-c', conf], join(o.logDir, 'nginx.out'));
}

export async function waitForWeb(webPort: number, pid: number, logDir: string): Promise<void> {
  try {
    await waitForHttp(`http://127.0.0.1:${webPort}/`, { timeoutMs: 15_000, alive: () => isAlive(pid) });
  } catch (e) {
    throw new StackError('web', (e as Error).message, { hint: `See ${join(logDir, 'nginx-error.log')}.` });
  }
}
