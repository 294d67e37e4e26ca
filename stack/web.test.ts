import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_BUILD_PLACEHOLDER, stampBundle } from './web.ts';
import { WEB_SRC } from './paths.ts';
import { tempDir } from '../testing/temp.ts';

test("the deployer stamps the build into the bundle's code, where vite.config.ts leaves its placeholder", (t) => {
  assert.match(readFileSync(join(WEB_SRC, 'vite.config.ts'), 'utf8'), new RegExp(`'${BUNDLE_BUILD_PLACEHOLDER}'`));
  const dir = tempDir(t, 'stamp');
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index-a1.js'), `const b="${BUNDLE_BUILD_PLACEHOLDER}";x("Build "+b)`);
  writeFileSync(join(dir, 'static', 'vendor-b2.js'), 'react()');
  stampBundle(dir, 'st-1"<x>');
  assert.equal(readFileSync(join(dir, 'static', 'index-a1.js'), 'utf8'), 'const b="st-1__x_";x("Build "+b)');
  assert.equal(readFileSync(join(dir, 'static', 'vendor-b2.js'), 'utf8'), 'react()');
});

test('a bundle without the placeholder is refused: it would show no build, or a wrong one', (t) => {
  const dir = tempDir(t, 'stamp');
  mkdirSync(join(dir, 'static'));
  writeFileSync(join(dir, 'static', 'index-a1.js'), 'x("Build dev")');
  assert.throws(() => stampBundle(dir, 'st-1'), /carries the build placeholder/);
});
