"""Apply the numbered SQL migrations in db/migrations: `python3 -m api.migrate`."""
import hashlib
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

import psycopg2

from .db import redact

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "db" / "migrations"
FILENAME_RE = re.compile(r"^(\d{4})_([a-z0-9_]+)\.sql$")
# Any constant works as long as every runner uses the same one: "tagtrust" in ASCII.
LOCK_KEY = int.from_bytes(b"tagtrust", "big")

BOOTSTRAP_SQL = """
CREATE TABLE IF NOT EXISTS schema_migrations (
    version    text PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""


# Schema drift that fault switches bring (FAULTS.md): applied after the migrations while the
# switch is on, undone while it is off, never recorded in schema_migrations.
FAULT_DRIFT = {
    # A release adds a required column without a default that the code does not fill yet.
    "asset_custodian_required": (
        "ALTER TABLE assets ADD COLUMN IF NOT EXISTS custodian text NOT NULL DEFAULT 'unassigned';"
        " ALTER TABLE assets ALTER COLUMN custodian DROP DEFAULT",
        "ALTER TABLE assets DROP COLUMN IF EXISTS custodian",
    ),
}


def apply_fault_drift(conn, faults):
    """Add the schema drift of the fault switches that are on; remove that of the others."""
    with conn, conn.cursor() as cur:
        for name, (on, off) in FAULT_DRIFT.items():
            cur.execute(on if name in faults else off)


class MigrationError(Exception):
    """A problem that stops the run; its message is meant for the operator."""


@dataclass(frozen=True)
class Migration:
    version: str
    name: str
    path: Path

    @property
    def filename(self):
        return self.path.name

    def read(self):
        """Return the SQL text and the sha256 of the file's bytes."""
        data = self.path.read_bytes()
        return data.decode("utf-8"), hashlib.sha256(data).hexdigest()


def discover(directory=MIGRATIONS_DIR):
    """Return the migrations in directory, ordered by version."""
    found = {}
    for path in sorted(Path(directory).iterdir()):
        match = FILENAME_RE.match(path.name)
        if not match:
            continue
        version, name = match.groups()
        if version in found:
            raise MigrationError(
                f"two migrations share version {version}: {found[version].filename} and {path.name}"
            )
        found[version] = Migration(version, name, path)
    return [found[v] for v in sorted(found)]


def expected_head(directory=MIGRATIONS_DIR):
    """Return the highest migration version shipped with this build, or None."""
    migrations = discover(directory)
    return migrations[-1].version if migrations else None


def applied_head(cur):
    """Return the highest applied version, or None when nothing was ever applied."""
    cur.execute("SELECT to_regclass('schema_migrations') IS NOT NULL")
    if not _first(cur.fetchone()):
        return None
    cur.execute("SELECT max(version) FROM schema_migrations")
    return _first(cur.fetchone())


def _first(row):
    # Works for tuple rows and for the dict rows the app's cursors return.
    return next(iter(row.values())) if isinstance(row, dict) else row[0]


def _first_line(exc):
    text = str(exc).strip()
    return redact(text.splitlines()[0]) if text else type(exc).__name__


def migrate(conn, directory=MIGRATIONS_DIR, out=print):
    """Apply pending migrations under an advisory lock; return the head version."""
    migrations = discover(directory)
    conn.autocommit = True
    with conn.cursor() as cur:
        # Session-level lock: a second runner waits here, then finds nothing pending.
        cur.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            cur.execute(BOOTSTRAP_SQL)
            cur.execute("SELECT version, checksum FROM schema_migrations ORDER BY version")
            applied = dict(cur.fetchall())
            _check_applied(migrations, applied, directory)
            conn.autocommit = False
            for migration in migrations:
                if migration.version not in applied:
                    _apply(conn, migration)
                    out(f"applied {migration.filename}")
            conn.autocommit = True
            head = max([m.version for m in migrations] + list(applied), default=None)
        finally:
            _unlock(conn)
    return head


def _unlock(conn):
    # The server drops session locks on disconnect, so a broken connection needs nothing.
    try:
        conn.rollback()
        conn.autocommit = True
        with conn.cursor() as cur:
            cur.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))
    except psycopg2.Error:
        pass


def _check_applied(migrations, applied, directory):
    by_version = {m.version: m for m in migrations}
    for version, checksum in applied.items():
        migration = by_version.get(version)
        if migration is None:
            raise MigrationError(
                f"migration {version} is recorded in schema_migrations but {directory} has no "
                f"file for it: deploy the build that ships it"
            )
        if migration.read()[1] != checksum:
            raise MigrationError(
                f"migration {migration.filename} was modified after it was applied (checksum mismatch)"
            )


def _apply(conn, migration):
    sql, checksum = migration.read()
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql)
            cur.execute(
                "INSERT INTO schema_migrations (version, name, checksum, applied_at)"
                " VALUES (%s, %s, %s, now())",
                (migration.version, migration.name, checksum),
            )
    except psycopg2.Error as exc:
        reason = (exc.pgerror or str(exc)).strip().splitlines()[0]
        raise MigrationError(f"migration {migration.filename} failed and was rolled back: {reason}") from exc


def main(environ=None, out=print, err=None):
    """Run migrations for DATABASE_URL; return the process exit code."""
    environ = os.environ if environ is None else environ
    err = err or (lambda line: print(line, file=sys.stderr))
    url = environ.get("DATABASE_URL", "").strip()
    if not url:
        err("DATABASE_URL is not set: export DATABASE_URL=postgresql://user:password@host:5432/dbname")
        return 1
    try:
        conn = psycopg2.connect(url, connect_timeout=10)
    except psycopg2.Error as exc:
        err(f"cannot connect to the database at {redact(url)}: {_first_line(exc)}")
        return 1
    try:
        head = migrate(conn, out=out)
        apply_fault_drift(conn, {f.strip() for f in environ.get("FAULTS", "").split(",") if f.strip()})
    except MigrationError as exc:
        err(str(exc))
        return 1
    except psycopg2.Error as exc:
        err(f"migration run failed on {redact(url)}: {_first_line(exc)}")
        return 1
    finally:
        conn.close()
    out(f"migrations at head: {head}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
