import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { NotReadyError } from '../config/errors.ts';
import { httpProbe, waitUntilReady, type Probe } from './readiness.ts';

test('ready once every probe answers; slow starters are retried with backoff', async () => {
  let calls = 0;
  const flaky: Probe = {
    name: 'api',
    check: async () => {
      if (++calls < 3) throw new Error('HTTP 503: starting');
    },
  };
  const results = await waitUntilReady([flaky, { name: 'web', check: async () => {} }], 5_000);
  assert.deepEqual(
    results.map((r) => [r.name, r.ready, r.attempts]),
    [
      ['api', true, 3],
      ['web', true, 1],
    ],
  );
});

test('past the deadline: one error naming each endpoint that was not ready and its last error', async () => {
  const never: Probe = {
    name: 'api https://x/readyz',
    check: async () => {
      throw new Error('HTTP 503: migrations not at head');
    },
  };
  const fine: Probe = { name: 'web', check: async () => {} };
  await assert.rejects(
    waitUntilReady([never, fine], 600),
    (e: unknown) =>
      e instanceof NotReadyError &&
      e.exitCode === 75 &&
      /^Environment not ready after 1 s: api https:\/\/x\/readyz \(\d+ attempts, last error: HTTP 503: migrations not at head\)\.$/.test(
        e.message,
      ) &&
      !e.message.includes('web'),
  );
});

test('an HTTP probe reports the status and the JSON reason of a real server', async () => {
  const server = createServer((req, res) => {
    if (req.url === '/readyz')
      res.writeHead(503, { 'content-type': 'application/json' }).end('{"status":"not_ready","reason":"database unavailable"}');
    else res.writeHead(200).end('ok');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    await httpProbe('web', `${base}/`).check(AbortSignal.timeout(2_000));
    await assert.rejects(httpProbe('api', `${base}/readyz`).check(AbortSignal.timeout(2_000)), /^Error: HTTP 503: database unavailable$/);
  } finally {
    server.close();
  }
  // A port nobody listens on (bound, then released before any request).
  const gone = createServer();
  await new Promise<void>((resolve) => gone.listen(0, '127.0.0.1', resolve));
  const port = (gone.address() as AddressInfo).port;
  await new Promise((resolve) => gone.close(resolve));
  await assert.rejects(httpProbe('api', `http://127.0.0.1:${port}/readyz`).check(AbortSignal.timeout(2_000)), /ECONNREFUSED/);
});
