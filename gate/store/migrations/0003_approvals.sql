-- Approvals: a named person's consent that a build may enter an environment whose
-- REQUIRES_APPROVAL is true (production), as a GitHub environment's required reviewer gives it.
-- `tollgate promote` into such an environment is denied until one is recorded.

CREATE TABLE tollgate.approvals (
  id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  build       text NOT NULL,
  environment text NOT NULL,
  approver    text NOT NULL,
  note        text,
  at          timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX approvals_build_environment ON tollgate.approvals (build, environment, at DESC);
