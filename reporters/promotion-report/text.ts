/**
 * Text hygiene for the promotion report. Everything that comes from test results (titles, error
 * messages, signatures) is untrusted: it may carry HTML, Markdown, ANSI colour codes and
 * megabytes of stack. Every renderer goes through these helpers, never through raw strings.
 */
import { posix } from 'node:path';
import { clip, firstLine as firstLineOf, stripAnsi } from '../../lib/text.ts';

export { duration, shortBuild } from '../../lib/text.ts';

/** Control characters other than tab and newline: invisible, and some break XML-ish parsers. */
const CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f]/g;

export const clean = (text: string): string => stripAnsi(text).replace(/\r\n?/g, '\n').replace(CONTROL, '');

/** The first meaningful line of an error, without a generic "Error: " prefix. */
export const firstLine = (message: string, max = 240): string => firstLineOf(clean(message), { max, dropErrorPrefix: true });

/** The start of an error for a list: its first non-empty lines (the "Expected/Received" pair is what says most). */
export function errorSummary(message: string, lines = 3, max = 300): string {
  const kept = clean(message)
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '')
    .slice(0, lines);
  if (kept[0]) kept[0] = kept[0].trim().replace(/^Error:\s*/, '');
  return clip(kept.join('\n'), max);
}

/** The first `lines` lines of an error, for a block that shows it whole. */
export const firstLines = (message: string, lines = 6, max = 800): string =>
  clip(clean(message).trim().split('\n').slice(0, lines).join('\n'), max);

const HTML: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
/** Safe in element content and in quoted attributes. */
export const esc = (text: string | number): string => clean(String(text)).replace(/[&<>"']/g, (c) => HTML[c]!);

/**
 * Markdown inline text on one line: safe inside a table cell and a list item. HTML is escaped
 * (GitHub renders some raw HTML, e.g. images that would load from anywhere), Markdown markup is
 * backslash-escaped so a title with `*` or `|` stays text.
 */
export function md(text: string | number, max = 300): string {
  const one = clip(
    clean(String(text))
      .replace(/\s*\n\s*/g, ' ')
      .trim(),
    max,
  );
  return one
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/([\\`*_[\]|~#])/g, '\\$1');
}

/** A Markdown code span on one line (no escapes work inside one, so backticks become quotes). */
export const mdCode = (text: string, max = 120): string => `\`${clip(clean(text).replace(/\s+/g, ' ').replace(/`/g, "'").trim(), max)}\``;

/** First `max` items, and how many were left out. */
export function cap<T>(items: T[], max: number): { shown: T[]; more: number } {
  return { shown: items.slice(0, max), more: Math.max(0, items.length - max) };
}

/** `2026-11-22 07:03 UTC`; the input as given when it is not a date. */
export function when(iso: string | undefined): string {
  if (!iso) return '–';
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

/** One decimal, none when whole; never rounds a failure up to 100% or a pass down to 0%. */
export function percent(rate: number | null): string {
  if (rate === null) return '–';
  const r = Math.min(rate < 100 ? 99.9 : 100, Math.max(rate > 0 ? 0.1 : 0, Math.round(rate * 10) / 10));
  return `${Number.isInteger(r) ? r : r.toFixed(1)}%`;
}

const ABSOLUTE_URL = /^[a-z][a-z0-9+.-]*:/i;
export const isWebUrl = (url: string): boolean => /^https?:\/\//i.test(url);

/**
 * A link's href from the report directory (both relative to the repository root). Web URLs stay
 * as they are; any other scheme (javascript:, data:, file:) is refused: undefined.
 */
export function hrefFrom(reportDir: string, target: string): string | undefined {
  if (isWebUrl(target)) return target;
  if (ABSOLUTE_URL.test(target)) return undefined;
  // Anchored at '/' so the result does not depend on the process's working directory; an
  // absolute path (outside the repository) is linked as it is, which works under file:.
  const rel = posix.isAbsolute(target) ? target : posix.relative(posix.join('/', reportDir), posix.join('/', target));
  return rel.split('/').map(encodeURIComponent).join('/') || '.';
}
