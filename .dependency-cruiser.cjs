/**
 * The layering of Tollgate, from the ground up (README: Layout). A module may import its own
 * layer and the layers below it, never one above:
 *
 *   config     paths, ids, errors, environment, target, browser, the run contract
 *   lib        shared helpers: text, JSON files, PostgreSQL connections, processes, CI
 *   seed       test data          gate  decisions (triage, policy, promotion), store, redaction
 *   reporters  results collector, Allure, promotion report, JUnit, Slack
 *   pipeline   the steps of a run and their wiring (run, prepare, shard, merge)
 *   scripts    the CLI, benches and CI steps
 *
 * Beside them: stack/ (the local reference stack; its state reader, stack/state.ts, is the one
 * file the layers may read), envs/ (on-demand environments: stacks at a git ref, their registry
 * in the results store; used by the CLI), fixtures/ and tests/ (the Playwright suites), testing/ (helpers for
 * tests only). `npm test` runs this check; an upward import or an import cycle fails it.
 */
const layer = (name, allowed) => ({
  name: `${name}-imports-only-below`,
  comment: `${name}/ may import ${allowed.join(', ')} and nothing above them (README: Layout)`,
  severity: 'error',
  from: { path: `^${name}/` },
  to: {
    // testing/ is governed by its own rule below: tests of every layer may use it.
    path: '^(config|lib|seed|gate|reporters|pipeline|scripts|stack|envs|fixtures|tests|selftest)/',
    pathNot: `^(${[name, ...allowed].join('|')})/`,
  },
});

const STACK_READER = 'stack/state\\.ts$';

module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'import cycles hide which module depends on which',
      from: {},
      to: { circular: true },
    },
    {
      name: 'only-scripts-import-scripts',
      severity: 'error',
      comment: 'scripts/ is the outermost layer (CLI, benches, CI steps): nothing else depends on it',
      from: { pathNot: '^scripts/' },
      to: { path: '^scripts/' },
    },
    {
      name: 'stack-internals',
      severity: 'error',
      comment: 'the local stack is used by the CLI; everything else reads it through stack/state.ts only',
      from: { pathNot: '^(stack|envs|scripts|selftest)/' },
      to: { path: '^stack/', pathNot: STACK_READER },
    },
    {
      name: 'config-is-the-ground',
      severity: 'error',
      comment: 'config/ imports nothing of Tollgate but config/ and the stack state reader',
      from: { path: '^config/' },
      to: { path: '^(lib|seed|gate|reporters|pipeline|scripts|envs|fixtures|tests|selftest)/' },
    },
    {
      name: 'stack-reader-is-low',
      severity: 'error',
      comment: 'stack/state.ts is read by config/: it may import only config/',
      from: { path: STACK_READER },
      to: { path: '^(lib|seed|gate|reporters|pipeline|scripts|fixtures|tests|testing|selftest|stack)/', pathNot: STACK_READER },
    },
    layer('lib', ['config']),
    layer('seed', ['config', 'lib']),
    { ...layer('gate', ['config', 'lib', 'seed']), to: { ...layer('gate', []).to, pathNot: `^(gate|config|lib|seed)/|${STACK_READER}` } },
    layer('reporters', ['config', 'lib', 'seed', 'gate']),
    {
      ...layer('pipeline', ['config', 'lib', 'seed', 'gate', 'reporters']),
      to: { ...layer('pipeline', []).to, pathNot: `^(pipeline|config|lib|seed|gate|reporters)/|${STACK_READER}` },
    },
    layer('stack', ['config', 'lib']),
    layer('envs', ['config', 'lib', 'seed', 'gate', 'reporters', 'stack']),
    layer('fixtures', ['config', 'lib', 'seed', 'gate']),
    layer('tests', ['config', 'lib', 'seed', 'gate', 'fixtures']),
    {
      name: 'testing-is-for-tests',
      severity: 'error',
      comment: 'testing/ holds builders and temp dirs for tests; production code never imports it',
      from: { pathNot: '(\\.test\\.ts$|^selftest/|^testing/|^scripts/bench/|^scripts/capture-)' },
      to: { path: '^testing/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|reference-app|reports|test-results|\\.tollgate)/' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
