import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CommanderError } from 'commander';
import { buildProgram, reportError } from './cli.ts';
import { ConfigError, DependencyError, PortInUseError, StackError, UsageError } from '../config/errors.ts';

const capture = (e: unknown) => {
  let out = '';
  const code = reportError(e, (s) => (out += s));
  return { code, out };
};

test('each kind of user error has its own exit code', () => {
  const codes = [
    new UsageError('u'),
    new DependencyError('d'),
    new StackError('api', 's'),
    new PortInUseError('ports', 'p'),
    new ConfigError('c'),
  ].map((e) => capture(e).code);
  assert.deepEqual(codes, [64, 69, 70, 73, 78]);
  assert.equal(new Set(codes).size, codes.length);
});

test('a user error prints its message and fix, and no stack trace', () => {
  const { out } = capture(new StackError('migrate', 'checksum mismatch', { hint: 'purge the stack' }));
  assert.equal(out, 'tollgate: migrate: checksum mismatch\n  fix: purge the stack\n');
});

test('an unexpected error is reported as a bug, with its stack', () => {
  const { code, out } = capture(new TypeError('x is undefined'));
  assert.equal(code, 70);
  assert.match(out, /internal error/);
  assert.match(out, /TypeError: x is undefined\n\s+at /);
});

test('commander usage errors exit 64; help exits 0', () => {
  assert.equal(capture(new CommanderError(1, 'commander.unknownOption', 'unknown option')).code, 64);
  assert.equal(capture(new CommanderError(0, 'commander.helpDisplayed', '(outputHelp)')).code, 0);
});

test('a command loads only its own module; help, no command and an unknown name get every command, in order', async () => {
  const names = async (...args: string[]) => (await buildProgram(['node', 'tollgate', ...args])).commands.map((c) => c.name());
  assert.deepEqual(await names('stack', 'up'), ['stack']);
  assert.deepEqual(await names('approve', '--build', 'b1'), ['approve']);
  const all = [
    'stack',
    'seed',
    'run',
    'prepare',
    'merge',
    'history',
    'promote',
    'approve',
    'report',
    'grid',
    'browsers',
    'k8s',
    'env',
    'slack-app',
  ];
  for (const args of [[], ['--help'], ['help', 'run'], ['stakc']]) assert.deepEqual(await names(...args), all, args.join(' '));
});
