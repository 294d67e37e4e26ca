/**
 * A failure's normalized signature: what stays the same when the same cause fails again in
 * another run, on other data, on another port. Triage groups failures by it, and history
 * matches it to find when a failure was first seen.
 */
import { stripAnsi } from '../lib/text.ts';

/** Where the identifying part of a Playwright message ends. */
const END = /^(Call log:|\s*at \S.*:\d+:\d+\)?$)/;
/** Strict-mode element lists (`1) <input …> aka getByLabel(…)`): which elements, not why. */
const ELEMENT_LIST = /^\s*\d+\)\s+</;
/** Lines whose quoted values and small numbers are the point: the values that disagreed, and locators (code, not data). */
const VALUE_LINE = /^(Expected|Received)( string| pattern| value| length)?:/;
const LOCATOR_LINE = /^(Locator:|waiting for |locator\.\w+:|.*strict mode violation: )/;
const MAX_LINES = 8;
const MAX_LENGTH = 400;

/** Ids, codes and moments: replaced first, so the number rule does not cut them into pieces. */
const IDS: [RegExp, string][] = [
  [/\btg_\d{14}_[a-z0-9]{6}\b/g, '<run>'],
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi, '<uuid>'],
  [/\bTT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]\b/g, '<tag>'],
  [/\b\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?\b/g, '<time>'],
  [/\b\d{1,2}:\d{2}:\d{2}(?:\.\d+)?\b/g, '<time>'],
  [/\b(?:\d{1,3}\.){3}\d{1,3}\b/g, '<ip>'],
  // Build ids and hashes: hex with at least one digit and one letter (not words like "deadbeef").
  [/\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,64}\b/gi, '<hex>'],
  [/\b\d+(?:\.\d+)?\s?(?:ms|s|sec|seconds?|m|min|minutes?)\b/g, '<duration>'],
];
const URL_PORT = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:'"`]+):\d+/gi;
const HOST_PORT = /(<ip>|\blocalhost\b):\d+\b/g;
const QUOTED = /'[^'\n]*'|"[^"\n]*"|`[^`\n]*`/g;
const NUMBER = /\d+(?:\.\d+)?/g;
/** In value lines, status codes and small counts distinguish causes (401 is not 500). */
const LONG_NUMBER = /\d{4,}(?:\.\d+)?|\d+\.\d+/g;

function normalizeLine(line: string): string {
  let s = line.replace(URL_PORT, '$1:<port>');
  for (const [re, to] of IDS) s = s.replace(re, to);
  s = s.replace(HOST_PORT, '$1:<port>');
  if (VALUE_LINE.test(s)) return s.replace(LONG_NUMBER, '<n>');
  if (LOCATOR_LINE.test(s)) return s.replace(NUMBER, '<n>');
  // Quoted values first: a number inside quotes is part of the value.
  return s.replace(QUOTED, (q) => `${q[0]}…${q[0]}`).replace(NUMBER, '<n>');
}

/** The identifying lines of a message: up to the call log or stack, without element lists. */
function headLines(message: string): string[] {
  const lines: string[] = [];
  const all = stripAnsi(message).split(/\r?\n/);
  for (let i = 0; i < all.length && lines.length < MAX_LINES; i++) {
    const raw = all[i]!;
    if (END.test(raw)) {
      // A timed-out action names what it waited for only in the call log.
      const waiting = raw.startsWith('Call log:') ? all.slice(i + 1, i + 4).find((l) => /^\s*-\s+waiting for /.test(l)) : undefined;
      if (waiting) lines.push(waiting.replace(/^\s*-\s+/, ''));
      break;
    }
    if (ELEMENT_LIST.test(raw)) continue;
    const line = raw
      .trim()
      .replace(/\s+/g, ' ')
      .replace(/^Error: /, '');
    if (line) lines.push(line);
  }
  return lines;
}

export function signatureOf(message: string): string {
  const lines = headLines(message).map(normalizeLine);
  const sig = lines.join(' | ');
  return sig.length > MAX_LENGTH ? `${sig.slice(0, MAX_LENGTH - 1)}…` : sig || '<no message>';
}

// Reports and Slack show examples: credentials in URLs, bearer tokens and passwords never leave.
const SECRETS: [RegExp, string][] = [
  [/\b([a-z][a-z0-9+.-]*:\/\/[^\s:/@]+):[^\s@/]+@/gi, '$1:***@'],
  [/\b(Bearer\s+)[\w.~+/=-]+/gi, '$1***'],
  [/\b(password|passwd|secret|token)(["']?\s*[:=]\s*["']?)[^\s"',}]+/gi, '$1$2***'],
];

/** A short, readable, redacted example of a message: colours removed, first lines. */
export function exampleOf(message: string, maxLines = 6): string {
  let s = stripAnsi(message)
    .split(/\r?\n/)
    .filter((l) => l.trim())
    .slice(0, maxLines)
    .join('\n');
  for (const [re, to] of SECRETS) s = s.replace(re, to);
  return s;
}
