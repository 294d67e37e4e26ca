import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FailureGroup, RunRecord, Verdict } from '../gate/types.ts';
import { textLength } from './slack/mrkdwn.ts';
import {
  buildSlackMessage,
  formatDuration,
  postToSlack,
  saveSlackPayload,
  shouldPost,
  type Block,
  type SlackAnswer,
  type SlackPart,
  type SlackSender,
} from './slack.ts';

const none = (s: string) => s;

function group(over: Partial<FailureGroup> = {}): FailureGroup {
  return {
    category: 'product',
    signature: 'expected status <n> to be <n>',
    count: 2,
    tests: [
      'smoke-api › smoke/api/verify.spec.ts › verify API › a genuine tag',
      'smoke-web › smoke/web/verify.spec.ts › verify page › shows genuine',
    ],
    novelty: 'new',
    firstSeen: { build: '3f2c1a9', runId: 'tg_1', at: '2024-05-01T10:00:00Z' },
    owner: { team: 'tags-team', slack: '<!subteam^S123>' },
    example: 'Error: expected 200, got 500',
    ...over,
  };
}

function record(over: Partial<RunRecord> = {}): RunRecord {
  return {
    runId: 'tg_20240501T100000Z_abcd',
    environment: 'staging',
    build: '3f2c1a9',
    suites: ['smoke', 'regression'],
    startedAt: '2024-05-01T10:00:00Z',
    finishedAt: '2024-05-01T10:04:12Z',
    durationMs: 252_000,
    steps: [],
    verdict: 'BLOCK',
    reasons: [{ rule: 'critical-failed', verdict: 'BLOCK', message: '2 critical tests failed', tests: [] }],
    counts: { total: 40, passed: 36, failed: 2, flaky: 1, skipped: 1, quarantined: 0 },
    countsBySuite: {},
    countsByProject: {},
    results: [],
    triage: { failures: [], groups: [group()] },
    target: { webURL: 'http://web', apiURL: 'http://api' },
    ...over,
  };
}

const texts = (blocks: Block[]) => blocks.map((b) => (b.text as { text?: string } | undefined)?.text ?? '');
const sections = (blocks: Block[]) => blocks.filter((b) => b.type === 'section').map((b) => (b.text as { text: string }).text);

/** Every Block Kit limit the builder promises, checked on one message part. */
function assertWithinLimits(part: SlackPart): void {
  assert.ok(part.blocks.length <= 50, `${part.blocks.length} blocks`);
  for (const b of part.blocks) {
    const text = (b.text as { text?: string } | undefined)?.text;
    if (b.type === 'header') assert.ok(text !== undefined && text.length <= 150, `header of ${text?.length}`);
    if (b.type === 'section') assert.ok(text !== undefined && text.length <= 3000, `section of ${text?.length}`);
    for (const f of (b.fields as { text: string }[] | undefined) ?? []) assert.ok(f.text.length <= 2000);
    if (text) {
      assert.doesNotMatch(text, /&(?!amp;|lt;|gt;)/, 'a raw or half-cut & entity');
      assert.equal((text.match(/```/g) ?? []).length % 2, 0, 'an unclosed code block');
    }
  }
}

test('shouldPost: always posts, never does not, not-promote posts all but PROMOTE', () => {
  const verdicts: Verdict[] = ['PROMOTE', 'WARN', 'BLOCK', 'INCONCLUSIVE'];
  const table = {
    always: [true, true, true, true],
    'not-promote': [false, true, true, true],
    never: [false, false, false, false],
  } as const;
  for (const [notify, expected] of Object.entries(table)) {
    assert.deepEqual(
      verdicts.map((v) => shouldPost(notify as keyof typeof table, v)),
      expected,
      notify,
    );
  }
});

test('the message has the verdict header, counts, reasons, the group and links', () => {
  const m = buildSlackMessage(
    record({ ci: { provider: 'github', runUrl: 'https://ci.example/run/7' } }),
    { allureUrl: 'https://ci.example/allure/index.html', reportUrl: 'reports/x/promotion.html' },
    none,
  );
  const [header, summary, reasons] = m.blocks;
  assert.deepEqual(header, { type: 'header', text: { type: 'plain_text', text: '🔴 BLOCK · staging · build 3f2c1a9', emoji: true } });
  assert.deepEqual(
    (summary!.fields as { text: string }[]).map((f) => f.text),
    ['*Passed*\n36', '*Failed*\n2', '*Flaky*\n1', '*Skipped*\n1', '*Quarantined*\n0', '*Duration*\n4m 12s'],
  );
  assert.match(texts([reasons!])[0]!, /critical-failed.*2 critical tests failed/);
  const g = sections(m.blocks).find((t) => t.startsWith('*product*'))!;
  assert.match(g, /^\*product\* · 2 tests · \*new\* · <!subteam\^S123>\n`expected status &lt;n&gt; to be &lt;n&gt;`/);
  assert.ok(g.includes('<https://ci.example/allure/index.html?query=a+genuine+tag|a genuine tag>'), g);
  const footer = m.blocks.at(-1)!;
  assert.equal(footer.type, 'context');
  // The relative report path is useless in Slack and left out; the CI run comes from the record.
  assert.equal(
    (footer.elements as { text: string }[])[0]!.text,
    '<https://ci.example/allure/index.html|Allure report> · <https://ci.example/run/7|CI run>',
  );
  assert.match(m.text, /^🔴 BLOCK · staging · build 3f2c1a9: 2 failed, 36 passed of 40$/);
  assert.ok(m.thread, 'failures have a thread with the details');
});

test('groups are ordered deployment, environment, new product, recurring product, …, known-issue', () => {
  const groups = [
    group({ category: 'known-issue', novelty: undefined, signature: 'k' }),
    group({ category: 'product', novelty: 'recurring', signature: 'r', count: 9 }),
    group({ category: 'flaky', novelty: undefined, signature: 'f' }),
    group({ category: 'product', novelty: 'new', signature: 'n', count: 1 }),
    group({ category: 'deployment', novelty: undefined, signature: 'd' }),
  ];
  const m = buildSlackMessage(record({ triage: { failures: [], groups } }), {}, none);
  const sigs = sections(m.blocks)
    .map((t) => /\n`(\w)`/.exec(t)?.[1])
    .filter(Boolean);
  assert.deepEqual(sigs, ['d', 'n', 'r', 'f', 'k']);
  assert.match(
    sections(m.blocks).find((t) => t.includes('`r`'))!,
    /recurring since build 3f2c1a9/,
  );
  assert.match(
    sections(m.blocks).find((t) => t.includes('`f`'))!,
    /^\*flaky\* · 2 tests · flaky/,
  );
});

test('untrusted text cannot open links or mentions; owner mentions pass through', () => {
  const g = group({ signature: '<!channel> & <@U999>', example: 'got <b>&nbsp;</b> ``` tail', owner: { team: 'a<b>', slack: '<@U123>' } });
  const m = buildSlackMessage(
    record({ environment: 'st<ag>e', triage: { failures: [], groups: [g, group({ owner: { team: 'x&y' } })] } }),
    {},
    none,
  );
  const all = JSON.stringify(m);
  assert.ok(!all.includes('<!channel>') && !all.includes('<@U999>') && !all.includes('<b>'));
  const text = sections(m.blocks).find((t) => t.includes('channel'))!;
  assert.ok(text.includes('`&lt;!channel&gt; &amp; &lt;@U999&gt;`'), text);
  assert.ok(text.includes('· <@U123>'), 'the owner mention still notifies');
  assert.ok(text.includes('```got &lt;b&gt;&amp;nbsp;&lt;/b&gt; ˋˋˋ tail```'), text);
  assert.ok(sections(m.blocks).some((t) => t.includes('owner: x&amp;y')));
  assert.match(m.text, /st&lt;ag&gt;e/);
  assert.equal(texts(m.blocks)[0], '🔴 BLOCK · st<ag>e · build 3f2c1a9', 'a plain_text header is not escaped');
});

test('links: only absolute http(s) URLs, no footer without any', () => {
  const m = buildSlackMessage(
    record(),
    { allureUrl: 'reports/allure/index.html', reportUrl: 'file:///tmp/r.html', runUrl: 'javascript:alert(1)' },
    none,
  );
  assert.ok(!m.blocks.some((b) => b.type === 'context'));
  assert.ok(!JSON.stringify(m).includes('query='), 'no per-test links without an absolute Allure URL');
  const q = buildSlackMessage(record(), { reportUrl: 'https://x.example/r?a=1&b=|2' }, none);
  assert.equal((q.blocks.at(-1)!.elements as { text: string }[])[0]!.text, '<https://x.example/r?a=1&amp;b=%7C2|Promotion report>');
});

test('the redactor sees every final string, and secrets with mrkdwn characters too', () => {
  const outputs = new Set<string>();
  const redact = (s: string) => {
    const out = s.replaceAll('hunter2', '[REDACTED]').replaceAll('p&ss<1>', '[REDACTED]');
    outputs.add(out);
    return out;
  };
  const g = group({ example: 'login with hunter2 failed', signature: 'token p&ss<1> rejected' });
  const m = buildSlackMessage(
    record({ reasons: [{ rule: 'x', verdict: 'BLOCK', message: 'pw hunter2', tests: [] }], triage: { failures: [], groups: [g] } }),
    { allureUrl: 'https://a.example/?k=hunter2' },
    redact,
  );
  const all = JSON.stringify(m);
  // Escaping turns p&ss<1> into p&amp;ss&lt;1&gt;: only redacting the raw text too catches it.
  assert.ok(!all.includes('hunter2') && !all.includes('p&amp;ss&lt;1&gt;') && !all.includes('p&ss<1>'), all);
  assert.ok(all.includes('[REDACTED]'));
  // Every final string is a redactor output: the last pass ran over the finished payload.
  for (const t of [m.text, ...texts(m.blocks), ...texts(m.thread!.blocks)].filter(Boolean))
    assert.ok(outputs.has(t), `not a final redactor output: ${t.slice(0, 60)}`);
});

test('a redactor that lengthens text cannot push a message over the limits', () => {
  const long = (s: string) => s.replace(/a/g, '[REDACTED-SECRET]');
  const m = buildSlackMessage(
    record({ environment: 'a'.repeat(100), triage: { failures: [], groups: [group({ example: 'a'.repeat(3000) })] } }),
    {},
    long,
  );
  assertWithinLimits(m);
  assertWithinLimits(m.thread!);
});

test('500 groups with 10 KB messages stay within every Slack limit', () => {
  const big = 'x<&>'.repeat(2500); // 10 KB that triples in size when escaped
  const groups = Array.from({ length: 500 }, (_, i) =>
    group({
      signature: `sig ${i} ${big}`,
      example: big,
      count: 500 - i,
      tests: Array.from({ length: 40 }, (_, j) => `p › f.spec.ts › ${big.slice(0, 200)} ${j}`),
    }),
  );
  const reasons = Array.from({ length: 30 }, (_, i) => ({ rule: `r${i}`, verdict: 'BLOCK' as const, message: big, tests: [] }));
  const m = buildSlackMessage(
    record({ build: 'b'.repeat(400), reasons, triage: { failures: [], groups } }),
    { allureUrl: 'https://a.example/allure/', runUrl: 'https://ci.example/1' },
    none,
  );
  assertWithinLimits(m);
  assertWithinLimits(m.thread!);
  const shown = sections(m.blocks).filter((t) => t.startsWith('*product*')).length;
  assert.ok(shown >= 3, `only ${shown} groups in the message`);
  assert.equal(sections(m.blocks).at(-1), `…and ${500 - shown} more groups`);
  assert.equal(m.blocks.at(-1)!.type, 'context', 'the links survive the overflow');
  const detailed = sections(m.thread!.blocks).filter((t) => t.startsWith('*product*')).length;
  assert.ok(detailed >= 3, `only ${detailed} groups in the thread`);
  assert.equal(sections(m.thread!.blocks).at(-1), `…and ${500 - detailed} more groups`);
  // chat.postMessage's cumulative limit (msg_blocks_too_long, ~12,000 characters).
  assert.ok(textLength(m.blocks) <= 11_000 && textLength(m.thread!.blocks) <= 11_000);
});

test('topGroups caps the channel message; no failures means no thread and no groups', () => {
  const groups = Array.from({ length: 4 }, (_, i) => group({ signature: `s${i}` }));
  const m = buildSlackMessage(record({ triage: { failures: [], groups } }), {}, none, { topGroups: 3 });
  assert.equal(sections(m.blocks).filter((t) => t.startsWith('*product*')).length, 3);
  assert.equal(sections(m.blocks).at(-1), '…and 1 more group');
  const linked = buildSlackMessage(record({ triage: { failures: [], groups } }), { reportUrl: 'https://r.example/p.html' }, none, {
    topGroups: 2,
  });
  assert.equal(sections(linked.blocks).at(-1), '…and 2 more groups (all of them are in the <https://r.example/p.html|promotion report>)');
  assert.equal(sections(m.thread!.blocks).filter((t) => t.startsWith('*product*')).length, 4);
  const clean = buildSlackMessage(record({ verdict: 'PROMOTE', reasons: [], triage: { failures: [], groups: [] } }), {}, none);
  assert.equal(clean.thread, undefined);
  assert.deepEqual(
    clean.blocks.map((b) => b.type),
    ['header', 'section'],
  );
  assert.match(texts(clean.blocks)[0]!, /^🟢 PROMOTE/);
});

test('formatDuration', () => {
  assert.deepEqual([850, 12_400, 252_000, 3_900_000].map(formatDuration), ['850 ms', '12s', '4m 12s', '1h 5m']);
});

test('saveSlackPayload writes slack.json, world-readable, with the message', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tollgate-slack-'));
  try {
    const m = buildSlackMessage(record(), {}, none);
    const path = saveSlackPayload(m, join(dir, 'reports', 'run'));
    assert.equal(path, join(dir, 'reports', 'run', 'slack.json'));
    assert.equal(statSync(path).mode & 0o777, 0o644);
    assert.deepEqual(JSON.parse(readFileSync(path, 'utf8')), m);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('delivery goes through the injected sender: 429 waits Retry-After and retries, 400 is not retried, and no secret reaches the log', async () => {
  const message = buildSlackMessage(record(), {}, none);
  const calls: { url: string; body: string }[] = [];
  const answers: SlackAnswer[] = [
    { status: 429, text: 'rate_limited', retryAfter: '0' },
    { status: 200, text: 'ok', retryAfter: null },
  ];
  const send: SlackSender = async (url, init) => {
    calls.push({ url, body: init.body });
    return answers.shift()!;
  };
  const lines: string[] = [];
  const webhookUrl = 'https://hooks.example.test/services/T000/B000/very-secret-path';
  const ok = await postToSlack(message, { webhookUrl }, { send, log: (l) => lines.push(l), minBackoffMs: 1, maxBackoffMs: 1 });
  assert.equal(ok.delivered, true);
  assert.equal(ok.attempts, 2);
  assert.equal(calls.length, 2);
  assert.equal(calls[0]!.url, webhookUrl);
  assert.deepEqual(JSON.parse(calls[0]!.body).blocks, message.blocks);
  assert.match(lines.join('\n'), /rate limited \(HTTP 429, Retry-After 0\)/);
  assert.doesNotMatch(lines.join('\n'), /very-secret-path/);

  let count = 0;
  const bad = await postToSlack(
    message,
    { webhookUrl },
    { send: async () => (count++, { status: 400, text: 'invalid_blocks', retryAfter: null }), log: () => {}, minBackoffMs: 1 },
  );
  assert.equal(bad.delivered, false);
  assert.equal(count, 1, 'a 400 is Slack rejecting the request: never sent again');
  assert.match(bad.error!, /HTTP 400 invalid_blocks/);
});
