/**
 * Text helpers every layer shares: what a terminal, a report, a Slack message and a log line
 * do to the same messages and numbers. One definition each, so they cannot drift apart.
 */

/** CSI (colours, cursor moves), OSC (hyperlinks, titles) and two-character escapes. */
const ANSI = /\u001b(?:\[[0-?]*[ -/]*[@-~]|\][^\u0007\u001b]*(?:\u0007|\u001b\\)?|[@-Z\\-_])/g;

/** Playwright colours its messages; reports, signatures and XML want them plain. */
export const stripAnsi = (s: string): string => s.replace(ANSI, '');

/** `s` matched literally inside a regular expression. */
export const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** At most `max` characters, with an ellipsis when cut. */
export const clip = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

/**
 * The first non-empty line of a message, colours removed, cut to `max` characters;
 * `dropErrorPrefix` also removes a generic leading "Error: ".
 */
export function firstLine(message: string, o: { max?: number; dropErrorPrefix?: boolean } = {}): string {
  let line = (
    stripAnsi(message)
      .split(/\r?\n|\r/)
      .find((l) => l.trim() !== '') ?? ''
  ).trim();
  if (o.dropErrorPrefix) line = line.replace(/^Error:\s*/, '');
  return o.max === undefined ? line : clip(line, o.max);
}

/** `12.3 s`: step times on a console line. */
export const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;

/**
 * A duration for people. `long` (reports): `850 ms`, `12 s`, `4 min 12 s`, `1 h 5 min`;
 * `short` (Slack, tables): `850 ms`, `12s`, `4m 12s`, `1h 5m`.
 */
export function duration(ms: number, style: 'long' | 'short' = 'long'): string {
  if (!Number.isFinite(ms) || ms < 0) return '–';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const short = style === 'short';
  const s = ms / 1000;
  if (s < 60) return short ? `${Math.round(s)}s` : `${s.toFixed(s < 10 ? 1 : 0)} s`;
  const m = Math.floor(Math.round(s) / 60);
  const rest = Math.round(s) - m * 60;
  if (m < 60) return short ? `${m}m ${rest}s` : `${m} min ${rest} s`;
  return short ? `${Math.floor(m / 60)}h ${m % 60}m` : `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** Builds are usually commit shas: a full or long one is shown as the 7 characters people paste. */
export const shortBuild = (build: string): string => (/^[0-9a-f]{12,40}$/i.test(build) ? build.slice(0, 7) : build);

/** `1 test`, `2 tests`. */
export const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;
