import { test } from 'node:test';
import assert from 'node:assert/strict';
import { focusNote, focusReason, grepProblem, isFocused } from './focus.ts';

test('grepProblem: a JavaScript regular expression, not empty; the error says what is wrong', () => {
  assert.equal(grepProblem('verify page|sign(s)? in'), undefined);
  assert.equal(grepProblem('@smoke'), undefined);
  assert.match(grepProblem('journeys (web')!, /--grep "journeys \(web" is not a valid regular expression: .*unterminated group/i);
  assert.match(grepProblem('  ')!, /--grep needs a pattern/);
});

test('a focused run says what ran, and its reason marks the record without changing the verdict', () => {
  assert.match(focusNote('verify'), /only tests matching \/verify\/ ran .*not promotion evidence/);
  const reason = focusReason('verify', 'BLOCK');
  assert.equal(reason.verdict, 'BLOCK');
  assert.equal(isFocused({ reasons: [reason] }), true);
  assert.equal(isFocused({ reasons: [{ ...reason, rule: 'all-passed' }] }), false);
  assert.equal(isFocused({}), false);
});
