import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { externalLoads, serveReport, stripAnalytics } from './allure-offline.ts';

let dir: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'tollgate-offline-'));
});
after(() => rmSync(dir, { recursive: true, force: true }));

const loadsOf = (name: string, text: string) => {
  const file = join(dir, name);
  writeFileSync(file, text);
  return externalLoads(file).map((l) => l.url);
};

test('HTML: every element that fetches on its own is found, protocol-relative URLs too', () => {
  assert.deepEqual(
    loadsOf(
      'a.html',
      [
        '<script async src="https://www.googletagmanager.com/gtag/js?id=G-1"></script>',
        '<link rel="stylesheet" href="//cdn.example/app.css">',
        "<link rel=preconnect href='https://fonts.gstatic.com'>",
        '<img alt="" srcset="local.png 1x, https://img.example/a@2x.png 2x">',
        '<iframe src=http://frame.example/></iframe>',
        '<meta http-equiv="refresh" content="0; url=https://elsewhere.example/">',
        '<div style="background: url(\'https://bg.example/x.png\')"></div>',
        '<style>@import "https://fonts.googleapis.com/css?family=Inter"; body { background: url(https://bg.example/y.png) }</style>',
      ].join('\n'),
    ),
    [
      'https://fonts.googleapis.com/css?family=Inter',
      'https://bg.example/y.png',
      'https://www.googletagmanager.com/gtag/js?id=G-1',
      '//cdn.example/app.css',
      'https://fonts.gstatic.com',
      'https://img.example/a@2x.png',
      'http://frame.example/',
      'https://elsewhere.example/',
      'https://bg.example/x.png',
    ],
  );
});

test('HTML: links, namespaces, data: URIs, local files and text are not loads', () => {
  assert.deepEqual(
    loadsOf(
      'b.html',
      [
        '<a href="https://allurereport.org" target="_blank">Powered by</a>',
        '<link rel="icon" href="data:image/svg+xml,%3Csvg xmlns=\'http://www.w3.org/2000/svg\'%3E%3C/svg%3E">',
        '<svg xmlns="http://www.w3.org/2000/svg"><path d="M0 0"/></svg>',
        '<script src="app-1.js"></script><link rel="stylesheet" href="styles.css">',
        '<meta name="description" content="https://example.com is not fetched">',
        '<p>See https://docs.example/guide for help.</p>',
      ].join('\n'),
    ),
    [],
  );
});

test('scripts: inserted, fetched and tracker URLs are loads; licence and namespace strings are not', () => {
  assert.deepEqual(
    loadsOf(
      'c.js',
      [
        '/*! license: https://github.com/x/y/blob/main/LICENSE */',
        'const ns = "http://www.w3.org/2000/svg"; const docs = "https://trace.playwright.dev";',
        's.src="https://cdn.jsdelivr.net/npm/x.js";',
        'fetch("https://api.example/track");',
        'el.setAttribute("href", "//fonts.example/a.css");',
        'navigator.sendBeacon("https://beacon.example/b", data);',
        'const ga = "https://www.google-analytics.com/analytics.js";',
      ].join('\n'),
    ),
    [
      'https://cdn.jsdelivr.net/npm/x.js',
      'https://api.example/track',
      'https://beacon.example/b',
      '//fonts.example/a.css',
      'https://www.google-analytics.com/analytics.js',
    ],
  );
  // An inline script in HTML is a script too.
  assert.deepEqual(loadsOf('d.html', '<script>var s=document.createElement("script");s.src="https://x.example/a.js"</script>'), [
    'https://x.example/a.js',
  ]);
});

test('CSS files: url() and @import', () => {
  assert.deepEqual(
    loadsOf(
      'e.css',
      '@font-face{src:url(https://fonts.example/a.woff2)} .x{background:url("img/local.png")} @import url(//cdn.example/b.css);',
    ),
    ['https://fonts.example/a.woff2', '//cdn.example/b.css'],
  );
});

test("stripAnalytics removes the tag manager and its set-up, and keeps the report's own scripts", () => {
  const html = `<body>
    <div id="app"></div>
    <script>
      window.allure = window.allure || {};
    </script>
    <script   src="app-b3323b2606f19801ef1b.js"></script>
    <script async src="https://www.googletagmanager.com/gtag/js?id=G-LNDJ3J7WT0"></script>
    <script>
        window.dataLayer = window.dataLayer || [];
        function gtag(){dataLayer.push(arguments);}
        gtag('js', new Date());
        gtag('config', 'G-LNDJ3J7WT0', {
          "report": "awesome",
          "allureVersion": "3.18.0",
          "reportUuid": "9512748f-58bb-440e-be07-fef32ccc8615",
          "single_file": ""
        });
    </script>
      <script async>
        window.allureReportDataReady = true;
      </script>
</body>`;
  const out = stripAnalytics(html);
  assert.doesNotMatch(out, /googletagmanager|gtag|dataLayer/);
  assert.match(out, /<script {3}src="app-b3323b2606f19801ef1b\.js"><\/script>/);
  assert.match(out, /window\.allure = window\.allure \|\| \{\};/);
  assert.match(out, /window\.allureReportDataReady = true;/);
  assert.deepEqual(loadsOf('f.html', out), []);
  assert.equal(stripAnalytics(out), out, 'idempotent');
});

test('serveReport answers on 127.0.0.1 only, serves the report, and nothing outside it', async () => {
  const root = join(dir, 'report');
  mkdirSync(join(root, 'data'), { recursive: true });
  writeFileSync(join(root, 'index.html'), '<h1>report</h1>');
  writeFileSync(join(root, 'data', 'a.json'), '{"a":1}');
  writeFileSync(join(dir, 'secret.txt'), 'not yours');
  const served = await serveReport(root);
  try {
    assert.match(served.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const index = await fetch(served.url);
    assert.equal(index.status, 200);
    assert.match(index.headers.get('content-type')!, /text\/html/);
    assert.equal(await index.text(), '<h1>report</h1>');
    assert.deepEqual(await (await fetch(`${served.url}data/a.json`)).json(), { a: 1 });
    assert.equal((await fetch(`${served.url}missing.js`)).status, 404);
    for (const escape of ['%2e%2e/secret.txt', '..%2fsecret.txt', 'data/..%2f..%2fsecret.txt']) {
      const res = await fetch(`${served.url}${escape}`);
      assert.ok(res.status === 403 || res.status === 404, `${escape}: ${res.status}`);
      assert.notEqual(await res.text(), 'not yours');
    }
  } finally {
    await served.close();
  }
  await assert.rejects(fetch(served.url), 'closed');
});
