-- The results store: one row per run, one per test of a run, one per promotion attempt.
-- Everything lives in the `tollgate` schema so a shared database stays safe to point at.

CREATE TABLE tollgate.runs (
  run_id            text PRIMARY KEY,
  environment       text NOT NULL,
  build             text NOT NULL,
  verdict           text NOT NULL CHECK (verdict IN ('PROMOTE', 'WARN', 'BLOCK', 'INCONCLUSIVE')),
  reasons           jsonb NOT NULL,
  counts            jsonb NOT NULL,
  counts_by_suite   jsonb NOT NULL,
  counts_by_project jsonb NOT NULL,
  steps             jsonb NOT NULL,
  -- The triage's failure groups; per-test categories and signatures are in test_results.
  triage            jsonb NOT NULL,
  suites            text[] NOT NULL,
  seed              bigint,
  shard             text,
  target            jsonb NOT NULL,
  ci                jsonb,
  reports           jsonb,
  started_at        timestamptz NOT NULL,
  finished_at       timestamptz NOT NULL,
  duration_ms       integer NOT NULL CHECK (duration_ms >= 0),
  recorded_at       timestamptz NOT NULL DEFAULT now()
);
-- history --env E (newest first) and promotion evidence (a build's runs in one environment).
CREATE INDEX runs_environment_started ON tollgate.runs (environment, started_at DESC);
CREATE INDEX runs_build_started ON tollgate.runs (build, started_at DESC);

CREATE TABLE tollgate.test_results (
  run_id        text NOT NULL REFERENCES tollgate.runs (run_id) ON DELETE CASCADE,
  test_id       text NOT NULL,
  project       text NOT NULL,
  suite         text NOT NULL,
  file          text NOT NULL,
  line          integer,
  title_path    text[] NOT NULL,
  tags          text[] NOT NULL,
  status        text NOT NULL CHECK (status IN ('passed', 'failed', 'timedOut', 'skipped', 'interrupted')),
  outcome       text NOT NULL CHECK (outcome IN ('expected', 'unexpected', 'flaky', 'skipped')),
  retries       integer NOT NULL CHECK (retries >= 0),
  duration_ms   integer NOT NULL CHECK (duration_ms >= 0),
  started_at    timestamptz,
  error_message text,
  category      text,
  signature     text,
  PRIMARY KEY (run_id, test_id)
);
-- A test's own history across runs (flakiness, first seen).
CREATE INDEX test_results_test ON tollgate.test_results (test_id);

CREATE TABLE tollgate.promotions (
  id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  build           text NOT NULL,
  -- NULL when the target has no environment before it in the promotion order.
  from_env        text,
  to_env          text NOT NULL,
  allowed         boolean NOT NULL,
  actor           text NOT NULL,
  at              timestamptz NOT NULL,
  evidence_run_id text REFERENCES tollgate.runs (run_id),
  reasons         jsonb NOT NULL
);
CREATE INDEX promotions_build_at ON tollgate.promotions (build, at DESC);
