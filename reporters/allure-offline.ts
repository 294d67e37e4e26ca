/**
 * Keeping the Allure report air-gapped: remove the analytics Allure's template adds, find
 * anything left that a browser would fetch from the network, and serve a report on loopback
 * only (`tollgate report --open`, and the self-test that loads it in Chromium).
 */
import { createReadStream, existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, resolve, sep } from 'node:path';

/**
 * The Awesome plugin's Google Tag Manager loader and its inline gtag() set-up (plugin-awesome
 * generators.js, `analyticsEnable: true` in every build). Matched exactly, so the report's own
 * inline scripts (the whole app, in a single-file report) are never touched.
 */
const GTAG_LOADER = /<script\b[^>]*\bsrc=["']https:\/\/www\.googletagmanager\.com\/gtag\/js[^"']*["'][^>]*>\s*<\/script>\s*/g;
const GTAG_SETUP = /<script>\s*window\.dataLayer = window\.dataLayer \|\| \[\];[^<]*?gtag\('config'[^<]*?<\/script>\s*/g;

export const stripAnalytics = (html: string) => html.replace(GTAG_LOADER, '').replace(GTAG_SETUP, '');

export interface ExternalLoad {
  file: string;
  url: string;
  kind: string;
}

/** An absolute or protocol-relative network URL (data:, blob:, relative paths are local). */
const NETWORK = /^\s*(?:(?:https?|wss?|ftp):)?\/\//i;
/** Elements whose URL attributes the browser fetches on its own (not <a>: a link is not a load). */
const LOADING_TAG = /<(script|link|img|iframe|frame|source|video|audio|embed|object|input|track|image|use|base|meta)\b([^>]*)>/gi;
const URL_ATTR = /\s(src|href|srcset|data|poster|xlink:href|content)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/gi;
const CSS_URL = /url\(\s*(['"]?)([^'")]*)\1\s*\)|@import\s+(['"])([^'"]+)\3/gi;
/**
 * Loads a script can start: a URL assigned to src/href, fetched, imported, beaconed or opened
 * as a socket, and the hosts that exist only to be loaded (analytics, fonts, CDNs). Plain URLs
 * in strings (licences, docs, XML namespaces, links the user may click) are not loads.
 */
const JS_LOADS = [
  /\.(?:src|href)\s*=\s*(["'`])((?:https?:)?\/\/[^"'`]+)\1/g,
  /\b(?:fetch|import|importScripts|sendBeacon|XMLHttpRequest\(\)\.open|new\s+(?:WebSocket|EventSource|Worker))\s*\(\s*(?:["'`]\w+["'`]\s*,\s*)?(["'`])((?:https?:|wss?:)?\/\/[^"'`]+)\1/g,
  /setAttribute\(\s*["'](?:src|href)["']\s*,\s*(["'`])((?:https?:)?\/\/[^"'`]+)\1/g,
  /(["'`])((?:https?:)?\/\/(?:[\w-]+\.)*(?:googletagmanager\.com|google-analytics\.com|doubleclick\.net|fonts\.googleapis\.com|fonts\.gstatic\.com|cdn\.jsdelivr\.net|unpkg\.com|cdnjs\.cloudflare\.com|sentry\.io|segment\.(?:io|com)|hotjar\.com)[^"'`]*)\1/g,
];

function cssLoads(css: string): string[] {
  return [...css.matchAll(CSS_URL)].map((m) => m[2] ?? m[4] ?? '').filter((u) => NETWORK.test(u));
}

function jsLoads(js: string): string[] {
  return [...new Set(JS_LOADS.flatMap((re) => [...js.matchAll(re)].map((m) => m[2]!)))];
}

/** What the HTML itself loads: URL attributes of loading elements, inline CSS, inline scripts. */
function htmlLoads(html: string): { url: string; kind: string }[] {
  const found: { url: string; kind: string }[] = [];
  // Script and style bodies are not markup: scan them as JS and CSS, and the rest as HTML.
  const markup = html
    .replace(/<script\b([^>]*)>([\s\S]*?)<\/script>/gi, (_, attrs: string, body: string) => {
      found.push(...jsLoads(body).map((url) => ({ url, kind: 'inline script' })));
      return `<script${attrs}></script>`;
    })
    .replace(/<style\b[^>]*>([\s\S]*?)<\/style>/gi, (_, body: string) => {
      found.push(...cssLoads(body).map((url) => ({ url, kind: 'inline style' })));
      return '';
    });
  for (const [, tag, attrs] of markup.matchAll(LOADING_TAG)) {
    for (const m of attrs!.matchAll(URL_ATTR)) {
      const name = m[1]!.toLowerCase();
      const value = m[2] ?? m[3] ?? m[4] ?? '';
      if (name === 'content' && !/http-equiv\s*=\s*["']?refresh/i.test(attrs!)) continue;
      const urls =
        name === 'srcset'
          ? value.split(',').map((s) => s.trim().split(/\s+/)[0]!)
          : [name === 'content' ? value.replace(/^[^;]*;\s*url=/i, '') : value];
      found.push(...urls.filter((u) => NETWORK.test(u)).map((url) => ({ url, kind: `<${tag!.toLowerCase()} ${name}>` })));
    }
  }
  for (const m of markup.matchAll(/\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')/gi))
    found.push(...cssLoads(m[1] ?? m[2] ?? '').map((url) => ({ url, kind: 'style attribute' })));
  return found;
}

/** Everything under `path` (a file or a directory) that would be fetched from the network. */
export function externalLoads(path: string): ExternalLoad[] {
  const files = statSync(path).isDirectory()
    ? readdirSync(path, { recursive: true, withFileTypes: true })
        .filter((e) => e.isFile())
        .map((e) => join(e.parentPath, e.name))
    : [path];
  return files.flatMap((file) => {
    const ext = extname(file).toLowerCase();
    if (!['.html', '.htm', '.css', '.js', '.mjs', '.svg'].includes(ext)) return [];
    const text = readFileSync(file, 'utf8');
    const loads =
      ext === '.css'
        ? cssLoads(text).map((url) => ({ url, kind: 'css url()' }))
        : ext === '.js' || ext === '.mjs'
          ? jsLoads(text).map((url) => ({ url, kind: 'script' }))
          : htmlLoads(text);
    return loads.map((l) => ({ file, ...l }));
  });
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.txt': 'text/plain; charset=utf-8',
  '.zip': 'application/zip',
  '.webm': 'video/webm',
  '.md': 'text/markdown; charset=utf-8',
};

export interface ServedReport {
  url: string;
  close(): Promise<void>;
}

/** Serves `dir` on 127.0.0.1 only (port 0: any free port). Nothing outside `dir` is reachable. */
export async function serveReport(dir: string, port = 0): Promise<ServedReport> {
  const root = resolve(dir);
  const server = createServer((req, res) => {
    let path: string;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://127.0.0.1').pathname);
    } catch {
      return void res.writeHead(400).end();
    }
    let file = resolve(root, `.${path}`);
    if (file !== root && !file.startsWith(root + sep)) return void res.writeHead(403).end();
    if (existsSync(file) && statSync(file).isDirectory()) file = join(file, 'index.html');
    if (!existsSync(file)) return void res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
    res.writeHead(200, { 'content-type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream', 'cache-control': 'no-store' });
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((ok, fail) => server.once('error', fail).listen(port, '127.0.0.1', ok));
  const { port: actual } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${actual}/`,
    close: () =>
      new Promise<void>((ok) => {
        server.closeAllConnections();
        server.close(() => ok());
      }),
  };
}
