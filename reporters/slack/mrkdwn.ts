/**
 * Slack's text rules in one place: mrkdwn escaping, links, Block Kit's size limits, and the
 * redaction pass over a finished payload. Pure string functions.
 */
import { clip } from '../../lib/text.ts';

/** Block Kit limits (api.slack.com/reference/block-kit): exceeding any one rejects the message. */
export const LIMITS = {
  blocks: 50,
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fields: 10,
  contextElements: 10,
  contextText: 3000,
  /**
   * All text of a message's blocks together: chat.postMessage answers `msg_blocks_too_long`
   * past about 12,000 characters (undocumented; slackapi/bolt-js#2509). Kept below, with headroom.
   */
  totalText: 11_000,
  /** Not a Block Kit limit: the notification fallback only needs one line. */
  fallbackText: 1000,
} as const;

/** Slack treats &, < and > as control characters in mrkdwn: untrusted text must not open links or mentions. */
export const escapeMrkdwn = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Text for inside a `code` span or ``` block: a backtick of its own would close it early. */
export const codeSafe = (text: string) => text.replace(/`/g, 'ˋ');

/** An absolute http(s) URL, or undefined: relative paths and other schemes are useless in Slack. */
export function absoluteUrl(url: string | undefined): string | undefined {
  if (!url) return undefined;
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return undefined;
    // `|` would end the URL inside `<url|label>`; a URL this long would crowd out the content.
    const href = parsed.href.replace(/\|/g, '%7C');
    return href.length <= 1000 ? href : undefined;
  } catch {
    return undefined;
  }
}

/** `<url|label>`; `url` must come from absoluteUrl (so no raw <, > or | in it), `label` is raw text. */
export const link = (url: string, label: string) => `<${escapeMrkdwn(url)}|${escapeMrkdwn(label.replace(/\|/g, '/'))}>`;

/**
 * Cut mrkdwn to `max` characters without leaving half an entity (`&am`), half a link (`<http…`)
 * or an open ``` block, so a cut text still renders and Slack still accepts it.
 */
export function clipMrkdwn(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, Math.max(0, max - 5));
  cut = cut.replace(/&[#\w]{0,8}$/, '').replace(/<[^>]*$/, '');
  cut += '…';
  if ((cut.match(/```/g) ?? []).length % 2 === 1) cut += '```';
  return cut;
}

/** Plain text (headers): no markup to protect, just the length. */
export const clipPlain = clip;

/** Keys whose values are Block Kit vocabulary, not content: the redactor has nothing to find there. */
const STRUCTURAL = new Set(['type', 'style', 'action_id', 'block_id']);

/** Apply `redact` to every content string of a JSON-like value (a payload), returning a copy. */
export function redactStrings<T>(value: T, redact: (text: string) => string): T {
  const walk = (v: unknown, key?: string): unknown => {
    if (typeof v === 'string') return key !== undefined && STRUCTURAL.has(key) ? v : redact(v);
    if (Array.isArray(v)) return v.map((item) => walk(item));
    if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, walk(item, k)]));
    return v;
  };
  return walk(value) as T;
}

type Json = Record<string, unknown>;

/**
 * Re-apply the per-element limits to built blocks: the redactor runs last and may lengthen a
 * text (a secret replaced by a longer marker), and a message Slack rejects is not a message.
 */
export function enforceLimits<B extends Json>(blocks: B[]): B[] {
  return blocks.slice(0, LIMITS.blocks).map((block) => {
    const b = { ...block } as Json;
    const text = b.text as Json | undefined;
    if (b.type === 'header' && text && typeof text.text === 'string') b.text = { ...text, text: clipPlain(text.text, LIMITS.headerText) };
    else if (text && typeof text.text === 'string') b.text = { ...text, text: clipMrkdwn(text.text, LIMITS.sectionText) };
    if (Array.isArray(b.fields)) {
      b.fields = (b.fields as Json[]).slice(0, LIMITS.fields).map((f) => ({ ...f, text: clipMrkdwn(String(f.text), LIMITS.fieldText) }));
    }
    if (b.type === 'context' && Array.isArray(b.elements)) {
      b.elements = (b.elements as Json[])
        .slice(0, LIMITS.contextElements)
        .map((e) => ({ ...e, text: clipMrkdwn(String(e.text), LIMITS.contextText) }));
    }
    return b as B;
  });
}

/** The characters Slack counts towards its cumulative limit: every `text` string in the blocks. */
export function textLength(value: unknown): number {
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + textLength(v), 0);
  if (!value || typeof value !== 'object') return 0;
  return Object.entries(value).reduce((n, [k, v]) => n + (k === 'text' && typeof v === 'string' ? v.length : textLength(v)), 0);
}
