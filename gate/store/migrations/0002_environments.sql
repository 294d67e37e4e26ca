-- The registry of on-demand environments (`tollgate env up`): one row per environment, each
-- change in one transaction, so `env list` is right after a crash. No credential is stored here:
-- they stay in the environment's own directory (mode 0600).

CREATE TABLE tollgate.environments (
  name         text PRIMARY KEY,
  ref          text NOT NULL,
  build        text NOT NULL,
  owner        text NOT NULL,
  profile      text NOT NULL,
  seed         bigint NOT NULL,
  -- web on port_base, API on +1, PostgreSQL on +2: never two environments on one base.
  port_base    integer NOT NULL UNIQUE,
  host         text NOT NULL,
  dir          text NOT NULL,
  state        text NOT NULL CHECK (state IN ('creating', 'ready', 'removing')),
  -- The process creating or removing it (creating, removing): an orphan when it died.
  worker_pid   integer,
  -- The environment's own processes once ready: {postgres, api, web}.
  pids         jsonb,
  web_url      text,
  created_at   timestamptz NOT NULL DEFAULT now(),
  expires_at   timestamptz NOT NULL,
  -- When its owner was warned that it expires within the hour (once per expiry).
  warned_at    timestamptz,
  updated_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX environments_expires ON tollgate.environments (expires_at);
