"""The migration runner: fresh apply, re-run, checksum guard, bad URLs, concurrency."""
import hashlib
import shutil
import subprocess
import sys
import threading
import uuid
from pathlib import Path

import psycopg2
import pytest

from api import db, migrate

REFERENCE_APP = Path(__file__).resolve().parents[2]
EXPECTED_FILES = ["0001_users.sql", "0002_tags_assets.sql", "0003_links_verifications.sql", "0004_audit_log.sql", "0005_revoked_tokens.sql"]


@pytest.fixture
def schema_url(database_url, admin_conn):
    """Yield a URL whose search_path is a fresh, empty schema (no CREATEDB needed)."""
    schema = f"mig_{uuid.uuid4().hex[:10]}"
    with admin_conn.cursor() as cur:
        cur.execute(f"CREATE SCHEMA {schema}")
    sep = "&" if "?" in database_url else "?"
    yield f"{database_url}{sep}options=-csearch_path%3D{schema}"
    with admin_conn.cursor() as cur:
        cur.execute(f"DROP SCHEMA {schema} CASCADE")


def run_cli(url):
    env = {"PATH": "/usr/bin:/bin", "DATABASE_URL": url} if url is not None else {"PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "api.migrate"], cwd=REFERENCE_APP, env=env,
                          capture_output=True, text=True, timeout=60)


def query(url, sql, params=()):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql, params)
            return cur.fetchall() if cur.description else None
    finally:
        conn.close()


def test_discovers_the_four_migrations_in_order():
    assert [m.filename for m in migrate.discover()] == EXPECTED_FILES
    assert migrate.expected_head() == "0005"


def test_fresh_apply_then_idempotent_rerun(schema_url):
    first = run_cli(schema_url)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [f"applied {f}" for f in EXPECTED_FILES] + ["migrations at head: 0005"]
    rows = query(schema_url, "SELECT version, name, checksum, applied_at IS NOT NULL FROM schema_migrations ORDER BY 1")
    assert [(v, n) for v, n, _, _ in rows] == [("0001", "users"), ("0002", "tags_assets"),
                                               ("0003", "links_verifications"), ("0004", "audit_log"), ("0005", "revoked_tokens")]
    for (_, _, checksum, applied), filename in zip(rows, EXPECTED_FILES):
        path = migrate.MIGRATIONS_DIR / filename
        assert checksum == hashlib.sha256(path.read_bytes()).hexdigest() and applied

    again = run_cli(schema_url)
    assert (again.returncode, again.stdout, again.stderr) == (0, "migrations at head: 0005\n", "")


def test_checksum_mismatch_stops_the_run(schema_url):
    assert run_cli(schema_url).returncode == 0
    query(schema_url, "UPDATE schema_migrations SET checksum = 'edited' WHERE version = '0002'")
    result = run_cli(schema_url)
    assert result.returncode == 1
    assert result.stderr == "migration 0002_tags_assets.sql was modified after it was applied (checksum mismatch)\n"
    assert "migrations at head" not in result.stdout


def test_editing_an_applied_file_is_detected(schema_url, tmp_path):
    for name in EXPECTED_FILES:
        shutil.copy(migrate.MIGRATIONS_DIR / name, tmp_path / name)
    conn = psycopg2.connect(schema_url)
    try:
        assert migrate.migrate(conn, tmp_path, out=lambda line: None) == "0005"
        with open(tmp_path / "0003_links_verifications.sql", "a") as f:
            f.write("\n-- a harmless-looking edit\n")
        with pytest.raises(migrate.MigrationError, match=r"^migration 0003_links_verifications.sql was modified"):
            migrate.migrate(conn, tmp_path, out=lambda line: None)
    finally:
        conn.close()


def test_a_failing_migration_is_rolled_back(schema_url, tmp_path):
    for name in EXPECTED_FILES:
        shutil.copy(migrate.MIGRATIONS_DIR / name, tmp_path / name)
    (tmp_path / "0006_broken.sql").write_text("CREATE TABLE half_done (id int);\nSELECT 1 / 0;\n")
    conn = psycopg2.connect(schema_url)
    try:
        with pytest.raises(migrate.MigrationError, match="0006_broken.sql failed and was rolled back: .*division by zero"):
            migrate.migrate(conn, tmp_path, out=lambda line: None)
    finally:
        conn.close()
    assert query(schema_url, "SELECT max(version), to_regclass('half_done') FROM schema_migrations") == [("0005", None)]


def test_concurrent_runs_apply_each_migration_once(schema_url):
    outputs, errors = [], []

    def run():
        conn = psycopg2.connect(schema_url)
        try:
            migrate.migrate(conn, out=outputs.append)
        except Exception as exc:  # surfaced by the assertion below
            errors.append(exc)
        finally:
            conn.close()

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(outputs) == [f"applied {f}" for f in EXPECTED_FILES]
    assert query(schema_url, "SELECT count(*) FROM schema_migrations") == [(len(EXPECTED_FILES),)]


def test_unreachable_database_is_one_clear_line():
    result = run_cli("postgresql://tagtrust:s3cr3t-pw@127.0.0.1:1/tagtrust")
    assert result.returncode == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("cannot connect to the database at postgresql://tagtrust:***@127.0.0.1:1/tagtrust: ")
    assert "s3cr3t-pw" not in result.stderr and "Traceback" not in result.stderr


@pytest.mark.parametrize("url", ["not a url at all", "postgresql://u:pw-in-bad-url@[bad/db"])
def test_malformed_url_is_one_clear_line(url):
    result = run_cli(url)
    assert result.returncode == 1
    assert len(result.stderr.splitlines()) == 1
    assert "Traceback" not in result.stderr and "pw-in-bad-url" not in result.stderr


def test_missing_database_url():
    result = run_cli(None)
    assert result.returncode == 1
    assert result.stderr.startswith("DATABASE_URL is not set")


def test_redact():
    assert db.redact("postgresql://u:p@h:5432/d") == "postgresql://u:***@h:5432/d"
    assert db.redact("postgresql://u@h/d") == "postgresql://u@h/d"
