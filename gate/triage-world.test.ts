/** The triage rules on failures nobody here planted (gate/triage.world.json): every record gets its category. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { categoryOfRecord, loadWorldCorpus, recordPasses } from '../testing/triage-world.ts';

const corpus = loadWorldCorpus();

test('the real-world corpus is well formed: a source, a message and an expected category each', () => {
  assert.ok(corpus.length >= 50, `${corpus.length} records`);
  for (const r of corpus) {
    assert.match(r.source, /^https:\/\/github\.com\/[^/]+\/[^/]+\/(issues|pull)\/\d+$/, r.source);
    assert.ok(r.message.trim(), r.source);
    assert.ok(r.expected, r.source);
  }
});

test('every real-world failure is classified as its category says', () => {
  const wrong = corpus.map((r) => ({ r, got: categoryOfRecord(r) })).filter(({ r, got }) => !recordPasses(r, got));
  assert.deepEqual(
    wrong.map(({ r, got }) => `${r.source}: expected ${r.expected}, got ${got}: ${r.message.split('\n')[0]}`),
    [],
  );
});
