/**
 * Scrubs what a run leaves on disk before it is published: text files in place, and Playwright
 * traces (zip files), which carry request headers, cookies and typed passwords that Playwright
 * does not mask. Allure copies traces as `<uuid>-attachment.zip`, so zips are recognised by their
 * magic bytes, not their name. Every rewrite is atomic (temp file + rename): a crash never
 * leaves a half-written report or a trace that no longer opens.
 */
import { chmod, lstat, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { unzipSync, zipSync, type Zippable } from 'fflate';
import { TollgateError } from '../config/errors.ts';
import type { Redactor } from './redact.ts';

const TEXT_EXT = new Set([
  'json',
  'jsonl',
  'ndjson',
  'txt',
  'md',
  'html',
  'htm',
  'xml',
  'svg',
  'log',
  'csv',
  'yml',
  'yaml',
  'har',
  'trace',
  'network',
  'stacks',
]);
const BINARY_EXT = new Set([
  'png',
  'jpg',
  'jpeg',
  'gif',
  'webp',
  'avif',
  'bmp',
  'ico',
  'webm',
  'mp4',
  'woff',
  'woff2',
  'ttf',
  'otf',
  'pdf',
  'gz',
  'br',
  'zst',
  'wasm',
]);

/** Zips within zips scrubbed: a blob report (0) holds traces (1) that hold resources (2). */
const MAX_ZIP_DEPTH = 3;

const ext = (name: string) => extname(name).slice(1).toLowerCase();
const isZip = (b: Uint8Array) => b.length >= 4 && b[0] === 0x50 && b[1] === 0x4b && b[2] === 0x03 && b[3] === 0x04;
const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * The text of a file or zip entry, or undefined for binary content. Unknown extensions (trace
 * resources are `<sha1>.dat` for a form body) are judged by their bytes: UTF-8 without NULs.
 */
function decode(name: string, bytes: Uint8Array): { text: string; encoding: 'utf8' | 'latin1' } | undefined {
  const kind = ext(name);
  if (BINARY_EXT.has(kind)) return undefined;
  const head = bytes.subarray(0, 65_536);
  if (!head.includes(0)) {
    try {
      return { text: utf8.decode(bytes), encoding: 'utf8' };
    } catch {
      // not UTF-8: below
    }
  }
  // A known text file in another encoding still has its ASCII secrets; latin1 keeps every byte.
  return TEXT_EXT.has(kind) && !head.includes(0) ? { text: Buffer.from(bytes).toString('latin1'), encoding: 'latin1' } : undefined;
}

async function writeAtomic(path: string, data: Uint8Array | string): Promise<void> {
  const { mode } = await stat(path);
  const tmp = join(path, '..', `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, data, { mode: mode & 0o7777 });
    await chmod(tmp, mode & 0o7777); // writeFile's mode passes through the umask
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

/**
 * Redacts every text entry of a zip; undefined when nothing changed. Throws on a broken zip.
 * Zips inside it (the traces in a Playwright blob report) are scrubbed the same way, or left
 * out when they are traces we do not keep or nested deeper than MAX_ZIP_DEPTH.
 */
function scrubZipBytes(bytes: Uint8Array, r: Redactor, keepTraces = true, depth = 0): Uint8Array | undefined {
  const entries = unzipSync(bytes);
  let changed = false;
  const out: Zippable = {};
  for (const [name, data] of Object.entries(entries)) {
    if (isZip(data)) {
      // Deeper than any Playwright artifact nests (blob → trace → resource): not scrubbed, not published.
      if (depth >= MAX_ZIP_DEPTH || (!keepTraces && isTrace(data))) {
        changed = true;
        continue;
      }
      const inner = scrubZipBytes(data, r, keepTraces, depth + 1);
      changed ||= inner !== undefined;
      out[name] = [inner ?? data, { level: 0 }];
      continue;
    }
    const decoded = name.endsWith('/') ? undefined : decode(name, data);
    const redacted = decoded && r.text(decoded.text);
    if (decoded && redacted !== decoded.text) {
      changed = true;
      out[name] = Buffer.from(redacted!, decoded.encoding);
    } else {
      // Images are compressed already: storing them saves time and nothing else.
      out[name] = decoded ? data : [data, { level: 0 }];
    }
  }
  return changed ? zipSync(out, { level: 6 }) : undefined;
}

/**
 * Rewrites a text file in place when it contained something to redact; returns whether it did.
 * Binary files are left alone. An HTML file's embedded zip (Playwright's HTML report keeps its
 * data as `data:application/zip;base64,…`) is scrubbed like a trace.
 */
export async function scrubFile(path: string, r: Redactor): Promise<boolean> {
  return scrubTextBytes(path, await readFile(path), r);
}

async function scrubTextBytes(path: string, bytes: Uint8Array, r: Redactor): Promise<boolean> {
  const decoded = decode(path, bytes);
  if (!decoded) return false;
  let text = decoded.text;
  if (/^html?$/.test(ext(path))) {
    text = text.replace(/(data:application\/zip;base64,)([A-Za-z0-9+/=]+)/g, (whole, pre: string, b64: string) => {
      const zipped = scrubZipBytes(Buffer.from(b64, 'base64'), r);
      return zipped ? pre + Buffer.from(zipped).toString('base64') : whole;
    });
  }
  text = r.text(text);
  if (text === decoded.text) return false;
  await writeAtomic(path, Buffer.from(text, decoded.encoding));
  return true;
}

/** Scrubs a Playwright trace.zip (or any zip) entry by entry and writes it back atomically. */
export async function scrubTraceZip(path: string, r: Redactor): Promise<{ changed: boolean }> {
  let zipped: Uint8Array | undefined;
  try {
    zipped = scrubZipBytes(await readFile(path), r);
  } catch (e) {
    throw new TollgateError(`Cannot scrub ${path}: it is not a readable zip (${(e as Error).message}).`, {
      hint: 'A trace cut off by a crash cannot be scrubbed: delete it rather than publish it.',
      cause: e,
    });
  }
  if (zipped) await writeAtomic(path, zipped);
  return { changed: zipped !== undefined };
}

/** Whether a zip is a Playwright trace (has trace.trace), read from its directory only. */
function isTrace(bytes: Uint8Array): boolean {
  let found = false;
  unzipSync(bytes, { filter: (f) => ((found ||= /(^|\/)[^/]*\.trace$/.test(f.name)), false) });
  return found;
}

/** Scrubs one zip of a tree; deletes it when it is a trace we do not keep or cannot be read. */
async function scrubZipFile(
  path: string,
  bytes: Uint8Array,
  r: Redactor,
  keepTraces: boolean,
): Promise<'removed' | { trace: boolean; changed: boolean }> {
  let scrubbed: { trace: boolean; zipped: Uint8Array | undefined } | undefined;
  try {
    const trace = isTrace(bytes);
    scrubbed = trace && !keepTraces ? undefined : { trace, zipped: scrubZipBytes(bytes, r, keepTraces) };
  } catch {
    scrubbed = undefined; // a zip we cannot read cannot be scrubbed: it must not be published
  }
  if (!scrubbed) {
    await rm(path, { force: true });
    return 'removed';
  }
  if (scrubbed.zipped) await writeAtomic(path, scrubbed.zipped);
  return { trace: scrubbed.trace, changed: scrubbed.zipped !== undefined };
}

export interface ScrubTreeOptions {
  /** false: delete Playwright traces instead of scrubbing them (environment.keepTraces). */
  keepTraces?: boolean;
}

/**
 * Walks a directory (reports, test-results, allure-results) and scrubs every text file and zip;
 * images and videos are skipped, symlinks not followed. `files` counts the files scrubbed (text
 * and zips), `changed` those rewritten, `traces` the Playwright traces among them. A zip that
 * cannot be read (a trace cut off by a crashed worker) cannot be scrubbed either, so it is
 * deleted and listed in `removed`, like every trace when `keepTraces` is false.
 */
export async function scrubTree(
  dir: string,
  r: Redactor,
  options: ScrubTreeOptions = {},
): Promise<{ files: number; changed: number; traces: number; removed: string[] }> {
  const result = { files: 0, changed: 0, traces: 0, removed: [] as string[] };
  const visit = async (folder: string): Promise<void> => {
    for (const entry of await readdir(folder, { withFileTypes: true })) {
      const path = join(folder, entry.name);
      if (entry.isDirectory()) {
        await visit(path);
        continue;
      }
      if (!entry.isFile() || BINARY_EXT.has(ext(entry.name))) continue;
      const bytes = await readFile(path);
      if (!isZip(bytes)) {
        result.files++;
        if (await scrubTextBytes(path, bytes, r)) result.changed++;
        continue;
      }
      const zip = await scrubZipFile(path, bytes, r, options.keepTraces !== false);
      if (zip === 'removed') {
        result.removed.push(path);
        continue;
      }
      result.files++;
      if (zip.trace) result.traces++;
      if (zip.changed) result.changed++;
    }
  };
  if ((await lstat(dir).catch(() => undefined))?.isDirectory()) await visit(dir);
  return result;
}
