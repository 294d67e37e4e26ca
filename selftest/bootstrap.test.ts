/**
 * scripts/bootstrap.sh. The machine's package database is stood in for by a `dpkg-query` on
 * PATH that reports chosen packages as missing, and `apt-get`/`sudo` stand-ins record how they
 * were called instead of installing: the script's own logic runs for real.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { REPO_ROOT } from '../config/paths.ts';
import { findRunuser } from '../stack/postgres.ts';

const SCRIPT = join(REPO_ROOT, 'scripts', 'bootstrap.sh');
// The script's own list: the fake machine knows every package the script asks about.
const PACKAGES = /^packages=\(([^)]*)\)$/m.exec(readFileSync(SCRIPT, 'utf8'))![1]!.split(/\s+/).filter(Boolean);
const isRoot = process.getuid?.() === 0;

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function fakeMachine(missing: string[]): { bin: string; calls: string; cleanup: () => void } {
  const bin = mkdtempSync(join(tmpdir(), 'tollgate-bootstrap-'));
  chmodSync(bin, 0o755);
  const calls = join(bin, 'calls.log');
  writeFileSync(calls, '');
  chmodSync(calls, 0o666);
  const status = PACKAGES.map((p) => `${p} ${missing.includes(p) ? 'not-installed' : 'installed'}`).join('\\n');
  const script = (body: string) => `#!/bin/sh\n${body}\n`;
  writeFileSync(join(bin, 'dpkg-query'), script(`printf '${status}\\n'`), { mode: 0o755 });
  writeFileSync(join(bin, 'apt-get'), script(`echo "apt-get $*" >> ${calls}`), { mode: 0o755 });
  writeFileSync(join(bin, 'sudo'), script(`echo "sudo $*" >> ${calls}; exit 1`), { mode: 0o755 });
  return { bin, calls, cleanup: () => rmSync(bin, { recursive: true, force: true }) };
}

function copyScript(dir: string): string {
  const copy = join(dir, 'checkout', 'scripts', 'bootstrap.sh');
  mkdirSync(dirname(copy), { recursive: true, mode: 0o755 });
  chmodSync(join(dir, 'checkout'), 0o755);
  chmodSync(dirname(copy), 0o755);
  copyFileSync(SCRIPT, copy);
  chmodSync(copy, 0o755);
  return copy;
}

function bootstrap(pathPrefix: string, asUser?: string): Promise<Run> {
  const path = `${pathPrefix}:${dirname(process.execPath)}:/usr/bin:/bin`;
  // Another user may not reach this checkout (a clone under /root): they run a copy of the script.
  const script = asUser ? copyScript(pathPrefix) : SCRIPT;
  const [cmd, args] = asUser ? [findRunuser(), ['-u', asUser, '--', 'env', `PATH=${path}`, 'bash', script]] : ['bash', [script]];
  return new Promise((resolve) => {
    execFile(cmd, args as string[], { env: { ...process.env, PATH: path }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('scripts/bootstrap.sh', { concurrency: false }, () => {
  test('on a ready machine it installs nothing and prints exactly one line', async () => {
    const m = fakeMachine([]);
    try {
      const r = await bootstrap(m.bin);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(r.stderr, '');
      assert.ok(PACKAGES.includes('default-jre-headless') && PACKAGES.includes('chromium-driver'), PACKAGES.join(' '));
      assert.match(
        r.stdout,
        new RegExp(`^bootstrap: ready \\(${PACKAGES.length} Debian packages present, node_modules current\\) in \\d+ ms\n$`),
      );
      assert.equal(readFileSync(m.calls, 'utf8'), '', 'apt-get must not run');
    } finally {
      m.cleanup();
    }
  });

  test('as root, missing packages are installed with one apt-get update', { skip: !isRoot && 'needs root' }, async () => {
    const m = fakeMachine(['nginx', 'gunicorn']);
    try {
      const r = await bootstrap(m.bin);
      assert.equal(r.code, 0, r.stderr);
      const calls = readFileSync(m.calls, 'utf8').trim().split('\n');
      assert.deepEqual(calls, ['apt-get update -qq', 'apt-get install -y -qq --no-install-recommends nginx gunicorn']);
      assert.match(r.stdout, /installed 2 Debian packages/);
    } finally {
      m.cleanup();
    }
  });

  test(
    'not root and no sudo: it names the exact packages to install and exits non-zero',
    { skip: !isRoot && 'needs root to switch to another user' },
    async () => {
      const m = fakeMachine(['chromium-driver', 'python3-pytest']);
      try {
        const r = await bootstrap(m.bin, 'nobody');
        assert.equal(r.code, 1);
        assert.match(r.stderr, /missing Debian packages: chromium-driver python3-pytest/);
        assert.match(r.stderr, /sudo apt-get update && sudo apt-get install -y --no-install-recommends chromium-driver python3-pytest/);
        assert.doesNotMatch(readFileSync(m.calls, 'utf8'), /^apt-get/m, 'apt-get must not run without root');
      } finally {
        m.cleanup();
      }
    },
  );
});
