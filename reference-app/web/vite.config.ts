import { existsSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin, type ProxyOptions } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));
const outDir = join(root, 'dist');

// Production answers with this policy (nginx); `vite preview` sends it too so CSP breakage
// shows up locally. `vite dev` does not: React Refresh injects an inline preamble.
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
  "form-action 'self'",
].join('; ');

// config.js is written by the deployer, never by the build. For `vite dev` / `vite preview`
// this plugin answers /config.js from the environment so faults can be tried locally:
// TAGTRUST_BUILD (default "dev") and TAGTRUST_FAULTS (comma-separated).
function devRuntimeConfig(): Plugin {
  const serve = (req: IncomingMessage, res: ServerResponse, next: () => void): void => {
    if (req.url?.split('?')[0] !== '/config.js') return next();
    // A deployer-written dist/config.js wins in preview.
    if (existsSync(join(outDir, 'config.js'))) return next();
    const config = {
      apiBase: '/api',
      build: process.env.TAGTRUST_BUILD ?? 'dev',
      faults: (process.env.TAGTRUST_FAULTS ?? '')
        .split(',')
        .map((f) => f.trim())
        .filter(Boolean),
    };
    res.setHeader('Content-Type', 'text/javascript; charset=utf-8');
    res.setHeader('Cache-Control', 'no-store');
    res.end(`window.__APP_CONFIG__ = ${JSON.stringify(config)};\n`);
  };
  return {
    name: 'tagtrust-dev-runtime-config',
    configureServer: (server) => void server.middlewares.use(serve),
    configurePreviewServer: (server) => void server.middlewares.use(serve),
  };
}

// TAGTRUST_API_URL (e.g. http://127.0.0.1:5000) proxies the API for dev and preview.
const apiTarget = process.env.TAGTRUST_API_URL;
const proxy: Record<string, ProxyOptions> | undefined = apiTarget
  ? Object.fromEntries(['/api', '/healthz', '/readyz'].map((p) => [p, { target: apiTarget, changeOrigin: true }]))
  : undefined;

// The build id compiled into the bundle, which the app shows in its footer: `vite build` leaves
// this placeholder for the deployer to stamp (stack/web.ts, as a CI build would bake its id in);
// `vite dev` uses TAGTRUST_BUILD.
export const BUNDLE_BUILD_PLACEHOLDER = '__TAGTRUST_BUNDLE_BUILD__';

export default defineConfig(({ command }) => ({
  root,
  define: {
    __BUNDLE_BUILD__: JSON.stringify(command === 'build' ? BUNDLE_BUILD_PLACEHOLDER : (process.env.TAGTRUST_BUILD ?? 'dev')),
  },
  base: '/',
  // No public dir: config.js and version.json must never come out of the build.
  publicDir: false,
  plugins: [react(), devRuntimeConfig()],
  build: {
    outDir,
    emptyOutDir: true,
    // Not Vite's default "assets": /assets/:id is an app route, and nginx must not mistake it
    // for a static file path.
    assetsDir: 'static',
    // The polyfill is an inline script, which the CSP (script-src 'self') would block.
    modulePreload: { polyfill: false },
  },
  server: { host: '127.0.0.1', strictPort: true, proxy },
  preview: { host: '127.0.0.1', strictPort: true, proxy, headers: { 'Content-Security-Policy': CSP } },
}));
