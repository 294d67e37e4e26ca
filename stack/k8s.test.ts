import { execFileSync } from 'node:child_process';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { UsageError } from '../config/errors.ts';
import { tempDir } from '../testing/temp.ts';
import {
  LABEL,
  REAPER_SCRIPT,
  asList,
  environmentManifests,
  reaperManifests,
  schemaProblems,
  type ClusterEnvironment,
  type Manifest,
} from './k8s.ts';

const PASSWORD = 'k8s-test-password-Zq81';
const env = (over: Partial<ClusterEnvironment> = {}): ClusterEnvironment => ({
  name: 'qa-login-fix',
  owner: 'U024BE7LH',
  expires: new Date('2026-12-02T20:00:00Z'),
  ref: 'feature/login-fix',
  build: '4a12b90',
  images: {
    api: 'registry.example/tagtrust-api:4a12b90',
    web: 'registry.example/tagtrust-web:4a12b90',
    tollgate: 'registry.example/tollgate:4a12b90',
  },
  seed: { profile: 'regression', seed: 1234 },
  database: { password: PASSWORD },
  ...over,
});
const json = (o: Manifest) => JSON.stringify(o.toJSON());
const kinds = (objects: Manifest[]) => objects.map((o) => `${o.kind}/${o.metadata?.name}`);

test('an environment in its own namespace: every object valid against the Kubernetes API schema', () => {
  const objects = environmentManifests(env());
  assert.deepEqual(schemaProblems(objects), []);
  assert.deepEqual(kinds(objects), [
    'Namespace/tg-qa-login-fix',
    'Secret/tagtrust-db',
    'Service/postgres',
    'StatefulSet/postgres',
    'Job/migrate',
    'Deployment/api',
    'Service/api',
    'ConfigMap/web-nginx',
    'Deployment/web',
    'Service/web',
    'Job/seed',
  ]);
  for (const o of objects.slice(1)) assert.equal(o.metadata?.namespace, 'tg-qa-login-fix', `${o.kind}/${o.metadata?.name}`);
  const ns = objects[0]!.metadata!;
  assert.equal(ns.labels?.[LABEL.owner], 'U024BE7LH');
  assert.equal(ns.labels?.[LABEL.expires], String(Date.parse('2026-12-02T20:00:00Z') / 1000));
  assert.equal(ns.annotations?.['tollgate.dev/ref'], 'feature/login-fix');
  // The images run the ref's build; the seed Job replays the printed seed.
  assert.match(json(objects.find((o) => o.metadata?.name === 'api' && o.kind === 'Deployment')!), /"BUILD_ID","value":"4a12b90"/);
  assert.match(json(objects.at(-1)!), /"--profile","regression","--seed","1234"/);
  // The web's nginx is the local stack's, pointed at the API's Service and listening in the pod.
  const nginx = (objects.find((o) => o.kind === 'ConfigMap')!.toJSON() as { data: Record<string, string> }).data['nginx.conf']!;
  assert.match(nginx, /server api\.tg-qa-login-fix\.svc:8000;/);
  assert.match(nginx, /listen 0\.0\.0\.0:8080;/);
  assert.match(nginx, /location \/api\/ \{ proxy_pass http:\/\/tagtrust_api;/);
});

test('credentials are in the Secret only: every other object refers to it', () => {
  const objects = environmentManifests(env());
  const holders = objects.filter((o) => json(o).includes(PASSWORD)).map((o) => o.kind);
  assert.deepEqual(holders, ['Secret']);
  assert.match(json(objects.find((o) => o.kind === 'StatefulSet')!), /"secretKeyRef":\{"name":"tagtrust-db","key":"POSTGRES_PASSWORD"\}/);
});

test('an external database: no PostgreSQL in the namespace, its URL in the Secret', () => {
  const url = 'postgresql://qa:s3cret@db.example:5432/qa';
  const objects = environmentManifests(env({ database: { url } }));
  assert.deepEqual(schemaProblems(objects), []);
  assert.ok(!kinds(objects).some((k) => /postgres/.test(k)), kinds(objects).join(', '));
  assert.equal((objects[1]!.toJSON() as { stringData: Record<string, string> }).stringData.DATABASE_URL, url);
});

test('the schema check is real: a broken object is named with what is wrong', () => {
  const objects = environmentManifests(env());
  const api = objects.find((o) => o.kind === 'Deployment' && o.metadata?.name === 'api') as unknown as {
    spec: { template: { spec: { containers: { ports: unknown[] }[] } } };
  };
  api.spec.template.spec.containers[0]!.ports = [{ containerPort: 'eighty' }];
  const problems = schemaProblems(objects);
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /^Deployment\/api: .*containerPort must be integer/);
});

test('names and owners that Kubernetes would refuse are refused first, saying what is allowed', () => {
  for (const name of ['QA', 'qa_fix', '-qa', 'qa-', '', 'x'.repeat(61)])
    assert.throws(
      () => environmentManifests(env({ name })),
      (e: unknown) => e instanceof UsageError && /not a valid environment name/.test(e.message),
      name,
    );
  for (const owner of ['', 'jane doe', 'x'.repeat(64), '-jane'])
    assert.throws(
      () => environmentManifests(env({ owner })),
      (e: unknown) => e instanceof UsageError && /cannot be an owner label/.test(e.message),
      owner,
    );
});

test('the reaper: valid objects, and its script deletes exactly the expired environments (kubectl stood in for)', (t) => {
  const objects = reaperManifests();
  assert.deepEqual(schemaProblems(objects), []);
  assert.deepEqual(kinds(objects), [
    'Namespace/tollgate-system',
    'ServiceAccount/tollgate-reaper',
    'ClusterRole/tollgate-reaper',
    'ClusterRoleBinding/tollgate-reaper',
    'CronJob/tollgate-reaper',
  ]);
  assert.equal(asList(objects).items.length, 5);

  const dir = tempDir(t, 'tollgate-k8s');
  const log = join(dir, 'kubectl.log');
  const now = Math.floor(Date.now() / 1000);
  // What `kubectl get namespaces … -o jsonpath` prints: name and expiry label, one per line.
  writeFileSync(
    join(dir, 'kubectl'),
    `#!/bin/sh
printf "%s\\n" "$*" >> ${log}
[ "$1" = get ] && printf '%s\\n' 'tg-old ${now - 3600}' 'tg-fresh ${now + 3600}' 'tg-odd soon' 'tg-just ${now - 1}'
exit 0
`,
  );
  chmodSync(join(dir, 'kubectl'), 0o755);
  const out = execFileSync('/bin/sh', ['-c', REAPER_SCRIPT], { env: { PATH: `${dir}:/usr/bin:/bin` }, encoding: 'utf8' });
  const calls = readFileSync(log, 'utf8').trim().split('\n');
  assert.match(calls[0]!, /^get namespaces -l app\.kubernetes\.io\/part-of=tollgate-environments,tollgate\.dev\/expires /);
  assert.deepEqual(calls.slice(1), ['delete namespace tg-old --wait=false', 'delete namespace tg-just --wait=false']);
  assert.match(out, /tg-odd: expiry label 'soon' is not a time; skipped/);
});
