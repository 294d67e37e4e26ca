/** Stopping a server by PID also stops the workers its leader left behind when it was killed hard. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, orphanedGroup, processes } from '../lib/process.ts';
import { tempDir } from '../testing/temp.ts';
import { spawnDetached, stopPid } from './processes.ts';

test('a leader killed with SIGKILL leaves its workers in its group; stopPid stops them by that group', async (t) => {
  const log = join(tempDir(t, 'tollgate-procs'), 'server.log');
  // A "master" with two "workers", like gunicorn: the workers outlive a SIGKILLed master.
  const leader = spawnDetached('/bin/sh', ['-c', 'sleep 60 & sleep 60 & wait'], log);
  let workers: number[] = [];
  for (let i = 0; i < 100 && workers.length < 2; i++) {
    await sleep(20);
    workers = processes()
      .filter((p) => p.pgrp === leader && p.pid !== leader)
      .map((p) => p.pid);
  }
  t.after(() => workers.forEach((pid) => isAlive(pid) && process.kill(pid, 'SIGKILL')));
  assert.equal(workers.length, 2);
  assert.deepEqual(orphanedGroup(leader), [], 'while the leader runs, its group is its own business');
  process.kill(leader, 'SIGKILL');
  for (let i = 0; i < 100 && isAlive(leader); i++) await sleep(20);
  assert.deepEqual(orphanedGroup(leader).sort(), workers.sort());
  await stopPid(leader, 'SIGTERM', 2_000);
  assert.ok(
    workers.every((pid) => !isAlive(pid)),
    'the orphaned workers were stopped',
  );
  assert.deepEqual(orphanedGroup(leader), []);
});
