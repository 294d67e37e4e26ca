import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import { strToU8, unzipSync, zipSync } from 'fflate';
import { chromiumLaunchOptions } from '../config/browser.ts';
import { TollgateError } from '../config/errors.ts';
import { createRedactor, MASK } from './redact.ts';
import { scrubFile, scrubTraceZip, scrubTree } from './scrub.ts';
import { tempDir } from '../testing/temp.ts';

const PASSWORD = 'p@ss:w/rd&x';
const TOKEN = 'tg-api-token-7Hq2';
const COOKIE = 'client-cookie-93xk';
// Issued by the server: the redactor does not know them, the trace rules must still mask them.
const SERVER_TOKEN = 'server-issued-token-5tz';
const SERVER_COOKIE = 'server-session-81mq';

const entriesText = (zip: Uint8Array) =>
  Object.entries(unzipSync(zip)).map(([name, data]) => [name, Buffer.from(data).toString('latin1')] as const);
const PNG_WITH_SECRET = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]), Buffer.from(PASSWORD)]);

/** A real Playwright trace: a login form typed into, a fetch with a bearer token and cookies. */
async function recordTrace(path: string): Promise<void> {
  const server = createServer((req, res) => {
    req.resume().on('end', () => {
      if (req.url === '/') {
        res
          .writeHead(200, { 'content-type': 'text/html' })
          .end(
            '<form method="post" action="/login"><label>Email <input name="email"></label><label>Password <input type="password" name="password"></label><button>Sign in</button></form>',
          );
      } else {
        res
          .writeHead(200, { 'content-type': 'application/json', 'set-cookie': `session=${SERVER_COOKIE}; HttpOnly` })
          .end(JSON.stringify({ token: SERVER_TOKEN, user: 'qa' }));
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const browser = await chromium.launch(chromiumLaunchOptions());
  try {
    const context = await browser.newContext();
    await context.addCookies([{ name: 'sid', value: COOKIE, url: base }]);
    await context.tracing.start({ snapshots: true, screenshots: false });
    const page = await context.newPage();
    await page.goto(base);
    await page.getByLabel('Email').fill('qa@example.test');
    await page.getByLabel('Password').fill(PASSWORD);
    await page.evaluate(async (token) => {
      // Read the body: the trace records a response's body only once it has arrived.
      await (await fetch('/api/me', { headers: { Authorization: `Bearer ${token}` } })).text();
    }, TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL('**/login');
    // The server's answer is on screen, so its body (with the token) is in the trace, not still in flight.
    // (Waited for without naming the token: a locator holding it would put it in the trace itself.)
    await page.waitForFunction(() => document.body.innerText.includes('"user"'));
    await context.tracing.stop({ path });
  } finally {
    await browser.close();
    server.close();
  }
}

test('a real Playwright trace: secrets present before scrubbing, gone from every entry after, and it still opens', async (t) => {
  const dir = tempDir(t);
  const trace = join(dir, 'trace.zip');
  await recordTrace(trace);
  const leaks = [PASSWORD, encodeURIComponent(PASSWORD), TOKEN, COOKIE, SERVER_TOKEN, SERVER_COOKIE];
  const before = entriesText(readFileSync(trace));
  const all = before.map(([, text]) => text).join('\n');
  for (const leak of leaks) assert.ok(all.includes(leak), `the trace should contain ${leak} before scrubbing`);

  const r = createRedactor([PASSWORD, TOKEN, COOKIE]);
  assert.deepEqual(await scrubTraceZip(trace, r), { changed: true });
  const after = entriesText(readFileSync(trace));
  assert.deepEqual(
    after.map(([name]) => name),
    before.map(([name]) => name),
  );
  for (const [name, text] of after) {
    for (const leak of leaks) assert.ok(!text.includes(leak), `${name} still contains ${leak}`);
    // The trace viewer reads these as JSON lines: every line must still parse.
    if (/\.(trace|network)$/.test(name)) for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
  }
  assert.ok(after.some(([, text]) => text.includes(`"name":"Authorization","value":"Bearer ${MASK}"`)));
  assert.deepEqual(await scrubTraceZip(trace, r), { changed: false });
});

test('scrubFile rewrites a text file only when it held a secret and keeps its mode; binaries stay as they are', async (t) => {
  const dir = tempDir(t);
  const r = createRedactor([PASSWORD]);
  const log = join(dir, 'run.log');
  writeFileSync(log, `login with ${PASSWORD}\nAuthorization: Bearer abc\n`);
  chmodSync(log, 0o640);
  const clean = join(dir, 'clean.md');
  writeFileSync(clean, '# All good\n');
  const png = join(dir, 'shot.png');
  writeFileSync(png, PNG_WITH_SECRET);
  const resource = join(dir, '1ddc6204.dat'); // a trace resource: a form body, judged by its bytes
  writeFileSync(resource, 'email=qa%40x.test&password=p%40ss%3Aw%2Frd%26x');

  assert.equal(await scrubFile(log, r), true);
  assert.equal(readFileSync(log, 'utf8'), `login with ${MASK}\nAuthorization: Bearer ${MASK}\n`);
  assert.equal(statSync(log).mode & 0o777, 0o640);
  assert.equal(await scrubFile(clean, r), false);
  assert.equal(await scrubFile(png, r), false);
  assert.deepEqual(readFileSync(png), PNG_WITH_SECRET);
  assert.equal(await scrubFile(resource, r), true);
  assert.equal(readFileSync(resource, 'utf8'), `email=qa%40x.test&password=${MASK}`);
});

test('an HTML report with its data embedded as a base64 zip is scrubbed inside the zip', async (t) => {
  const dir = tempDir(t);
  const zip = zipSync({ 'report.json': strToU8(JSON.stringify({ error: `login failed for ${PASSWORD}` })) });
  const html = join(dir, 'index.html');
  writeFileSync(
    html,
    `<html><template id="playwrightReportBase64">data:application/zip;base64,${Buffer.from(zip).toString('base64')}</template></html>`,
  );
  assert.equal(await scrubFile(html, createRedactor([PASSWORD])), true);
  const b64 = /base64,([A-Za-z0-9+/=]+)/.exec(readFileSync(html, 'utf8'))![1]!;
  assert.deepEqual(JSON.parse(Buffer.from(unzipSync(Buffer.from(b64, 'base64'))['report.json']!).toString()), {
    error: `login failed for ${MASK}`,
  });
});

test("scrubTree walks a run's outputs: text files and traces by content, not name; images skipped; unreadable zips removed", async (t) => {
  const dir = tempDir(t);
  const r = createRedactor([PASSWORD]);
  const traceZip = () => zipSync({ 'trace.trace': strToU8(`{"params":{"value":"${PASSWORD}"}}\n`), 'resources/a.png': PNG_WITH_SECRET });
  mkdirSync(join(dir, 'allure-results'), { recursive: true });
  mkdirSync(join(dir, 'test-results', 'login-chromium'), { recursive: true });
  writeFileSync(
    join(dir, 'allure-results', 'abc-result.json'),
    JSON.stringify({ name: 'login', statusDetails: { message: `bad ${PASSWORD}` } }),
  );
  writeFileSync(join(dir, 'allure-results', 'abc-attachment.zip'), traceZip()); // Allure's copy of a trace
  writeFileSync(join(dir, 'allure-results', 'abc-attachment.txt'), 'nothing secret');
  writeFileSync(join(dir, 'test-results', 'login-chromium', 'trace.zip'), traceZip());
  writeFileSync(join(dir, 'test-results', 'login-chromium', 'test-failed-1.png'), PNG_WITH_SECRET);
  writeFileSync(join(dir, 'test-results', 'login-chromium', 'broken.zip'), traceZip().subarray(0, 40)); // cut off by a crash

  const result = await scrubTree(dir, r);
  assert.deepEqual(result, { files: 4, changed: 3, traces: 2, removed: [join(dir, 'test-results', 'login-chromium', 'broken.zip')] });
  assert.ok(!readFileSync(join(dir, 'allure-results', 'abc-result.json'), 'utf8').includes(PASSWORD));
  for (const zip of [join(dir, 'allure-results', 'abc-attachment.zip'), join(dir, 'test-results', 'login-chromium', 'trace.zip')]) {
    const entries = unzipSync(readFileSync(zip));
    assert.equal(Buffer.from(entries['trace.trace']!).toString(), `{"params":{"value":"${MASK}"}}\n`);
    assert.deepEqual(Buffer.from(entries['resources/a.png']!), PNG_WITH_SECRET);
  }
  assert.deepEqual(readFileSync(join(dir, 'test-results', 'login-chromium', 'test-failed-1.png')), PNG_WITH_SECRET);
  assert.deepEqual(await scrubTree(join(dir, 'missing'), r), { files: 0, changed: 0, traces: 0, removed: [] });
});

test('scrubTree with keepTraces false deletes traces instead of keeping them', async (t) => {
  const dir = tempDir(t);
  const trace = join(dir, 'trace.zip');
  const other = join(dir, 'bundle.zip');
  writeFileSync(trace, zipSync({ 'trace.trace': strToU8('{}\n') }));
  writeFileSync(other, zipSync({ 'notes.txt': strToU8(`pw ${PASSWORD}`) }));
  const result = await scrubTree(dir, createRedactor([PASSWORD]), { keepTraces: false });
  assert.deepEqual(result, { files: 1, changed: 1, traces: 0, removed: [trace] });
  assert.equal(existsSync(trace), false);
  assert.equal(Buffer.from(unzipSync(readFileSync(other))['notes.txt']!).toString(), `pw ${MASK}`);
});

test('scrubTraceZip refuses a file that is not a readable zip and leaves it in place', async (t) => {
  const dir = tempDir(t);
  const path = join(dir, 'trace.zip');
  writeFileSync(path, 'PK\u0003\u0004 truncated');
  await assert.rejects(
    scrubTraceZip(path, createRedactor([PASSWORD])),
    (e: unknown) =>
      e instanceof TollgateError &&
      e.message.startsWith(`Cannot scrub ${path}: it is not a readable zip`) &&
      /delete it/.test(e.hint ?? ''),
  );
  assert.equal(readFileSync(path, 'utf8'), 'PK\u0003\u0004 truncated');
});

/** A trace as Playwright zips it, stored (level 0) so its secrets are readable in the raw bytes too. */
const innerTrace = (secret: string) =>
  zipSync(
    {
      'trace.trace': strToU8(`{"type":"before","method":"fill","params":{"selector":"#email","value":"qa@example.test"}}\n`),
      'trace.network': strToU8(
        `{"type":"resource-snapshot","snapshot":{"request":{"url":"/login","postData":{"text":"email=qa&pw=${secret}"}}}}\n`,
      ),
      'resources/page@1.jpeg': PNG_WITH_SECRET,
    },
    { level: 0 },
  );

/** A Playwright blob report (report-<shard>.zip): its events, and the traces it carries as resources/<sha1>.zip. */
const blobReport = (events: string, resources: Record<string, Uint8Array>) =>
  zipSync(
    {
      'report.jsonl': strToU8(events),
      ...Object.fromEntries(Object.entries(resources).map(([name, data]) => [`resources/${name}`, [data, { level: 0 }] as const])),
    },
    { level: 0 },
  );

const blobEvents = (secret: string) =>
  [
    JSON.stringify({ method: 'onBegin', params: {} }),
    JSON.stringify({
      method: 'onTestEnd',
      params: {
        result: { errors: [{ message: `login failed for ${secret}` }], attachments: [{ name: 'trace', path: 'resources/abc.zip' }] },
      },
    }),
  ].join('\n') + '\n';

test('scrubTree scrubs the traces inside a blob report, which stay traces that open', async (t) => {
  const dir = tempDir(t);
  const blob = join(dir, 'blob-report', 'report-1.zip');
  mkdirSync(join(dir, 'blob-report'));
  writeFileSync(blob, blobReport(blobEvents(PASSWORD), { 'abc.zip': innerTrace(PASSWORD), 'shot.png': PNG_WITH_SECRET }));
  assert.ok(readFileSync(blob).toString('latin1').includes(`pw=${PASSWORD}`), 'the inner trace holds the secret before scrubbing');

  const r = createRedactor([PASSWORD]);
  assert.deepEqual(await scrubTree(dir, r), { files: 1, changed: 1, traces: 0, removed: [] });
  const outer = unzipSync(readFileSync(blob));
  assert.deepEqual(Object.keys(outer).sort(), ['report.jsonl', 'resources/abc.zip', 'resources/shot.png']);
  const events = Buffer.from(outer['report.jsonl']!).toString();
  assert.ok(!events.includes(PASSWORD));
  assert.equal(JSON.parse(events.split('\n')[1]!).params.result.errors[0].message, `login failed for ${MASK}`);
  assert.deepEqual(Buffer.from(outer['resources/shot.png']!), PNG_WITH_SECRET, 'images are not touched');

  const inner = unzipSync(outer['resources/abc.zip']!);
  assert.deepEqual(Object.keys(inner).sort(), ['resources/page@1.jpeg', 'trace.network', 'trace.trace']);
  assert.deepEqual(Buffer.from(inner['resources/page@1.jpeg']!), PNG_WITH_SECRET, "nor are the trace's screenshots");
  for (const [name, text] of entriesText(outer['resources/abc.zip']!).filter(([name]) => !name.endsWith('.jpeg'))) {
    assert.ok(!text.includes(PASSWORD), `${name} of the inner trace still contains the secret`);
    if (/\.(trace|network)$/.test(name)) for (const line of text.split('\n').filter(Boolean)) JSON.parse(line);
  }
  assert.equal(JSON.parse(Buffer.from(inner['trace.network']!).toString()).snapshot.request.postData.text, `email=qa&pw=${MASK}`);
  assert.equal(
    Buffer.from(inner['trace.trace']!).toString(),
    `{"type":"before","method":"fill","params":{"selector":"#email","value":"qa@example.test"}}\n`,
  );

  assert.deepEqual(await scrubTree(dir, r), { files: 1, changed: 0, traces: 0, removed: [] }, 'a second pass finds nothing');
});

test('scrubTree with keepTraces false drops the traces inside a blob report but keeps the report and its other zips', async (t) => {
  const dir = tempDir(t);
  const blob = join(dir, 'report-1.zip');
  const attachment = zipSync({ 'notes.txt': strToU8(`pw ${PASSWORD}`) }, { level: 0 }); // a zip a test attached: not a trace
  writeFileSync(blob, blobReport(blobEvents(PASSWORD), { 'abc.zip': innerTrace(PASSWORD), 'def.zip': attachment }));

  const result = await scrubTree(dir, createRedactor([PASSWORD]), { keepTraces: false });
  assert.deepEqual(result, { files: 1, changed: 1, traces: 0, removed: [] });
  const outer = unzipSync(readFileSync(blob));
  assert.deepEqual(Object.keys(outer).sort(), ['report.jsonl', 'resources/def.zip']);
  assert.ok(!Buffer.from(outer['report.jsonl']!).toString().includes(PASSWORD));
  assert.equal(Buffer.from(unzipSync(outer['resources/def.zip']!)['notes.txt']!).toString(), `pw ${MASK}`);
  assert.ok(!readFileSync(blob).toString('latin1').includes(PASSWORD));
});

test('with keepTraces false a blob report is rewritten to drop its traces even when nothing in it is secret', async (t) => {
  const dir = tempDir(t);
  const blob = join(dir, 'report-1.zip');
  writeFileSync(blob, blobReport('{"method":"onBegin","params":{}}\n', { 'abc.zip': innerTrace('nothing-to-hide') }));
  assert.deepEqual(await scrubTree(dir, createRedactor([PASSWORD]), { keepTraces: false }), {
    files: 1,
    changed: 1,
    traces: 0,
    removed: [],
  });
  assert.deepEqual(Object.keys(unzipSync(readFileSync(blob))), ['report.jsonl']);
});

test('a blob report with nothing to redact is left byte for byte as it was', async (t) => {
  const dir = tempDir(t);
  const blob = join(dir, 'report-1.zip');
  const bytes = blobReport('{"method":"onBegin","params":{}}\n', { 'abc.zip': innerTrace('nothing-to-hide') });
  writeFileSync(blob, bytes);
  assert.deepEqual(await scrubTree(dir, createRedactor([PASSWORD])), { files: 1, changed: 0, traces: 0, removed: [] });
  assert.deepEqual(readFileSync(blob), Buffer.from(bytes));
});

test("a zip three deep (a trace's zipped resource inside a blob report) is scrubbed too", async (t) => {
  const dir = tempDir(t);
  const blob = join(dir, 'report-1.zip');
  const download = zipSync({ 'export.csv': strToU8(`user,password\nqa,${PASSWORD}\n`) }, { level: 0 });
  const trace = zipSync({ 'trace.trace': strToU8('{}\n'), 'resources/9f1c.zip': download }, { level: 0 });
  writeFileSync(blob, blobReport('{}\n', { 'abc.zip': trace }));
  assert.deepEqual(await scrubTree(dir, createRedactor([PASSWORD])), { files: 1, changed: 1, traces: 0, removed: [] });
  const csv = unzipSync(unzipSync(unzipSync(readFileSync(blob))['resources/abc.zip']!)['resources/9f1c.zip']!)['export.csv']!;
  assert.equal(Buffer.from(csv).toString(), `user,password\nqa,${MASK}\n`);
});

test('a zip nested deeper than the scrubber descends is not published with its secret', async (t) => {
  const dir = tempDir(t);
  const blob = join(dir, 'report-1.zip');
  const deepest = zipSync({ 'secret.txt': strToU8(`pw ${PASSWORD}`) }, { level: 0 });
  const nest = (name: string, data: Uint8Array) => zipSync({ [name]: data }, { level: 0 });
  writeFileSync(blob, nest('a.zip', nest('b.zip', nest('c.zip', deepest))));
  await scrubTree(dir, createRedactor([PASSWORD]));
  assert.ok(!readFileSync(blob).toString('latin1').includes(PASSWORD), 'the secret is still readable in the published zip');
});
