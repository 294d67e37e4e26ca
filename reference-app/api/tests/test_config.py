"""Start-up: required settings, environment, first admin, fault parsing."""
import threading

import pytest

from api import create_app, faults
from api.tests.helpers import SECRET_KEY, audit_rows


@pytest.mark.parametrize("missing", ["SECRET_KEY", "DATABASE_URL"])
def test_required_settings(database_url, missing):
    config = {"DATABASE_URL": database_url, "SECRET_KEY": SECRET_KEY}
    config.pop(missing)
    with pytest.raises(RuntimeError, match=f"{missing} is not set"):
        create_app(config)


def test_reads_the_environment(monkeypatch, database_url):
    for key, value in {"DATABASE_URL": database_url, "SECRET_KEY": "k", "BUILD_ID": "b-42", "APP_VERSION": "2.0.0",
                       "TOKEN_TTL_SECONDS": "90", "CORS_ORIGINS": "https://a.example, https://b.example",
                       "FAULTS": "wrong_build"}.items():
        monkeypatch.setenv(key, value)
    app = create_app()
    try:
        assert app.config["BUILD_ID"] == "b-42"
        assert app.config["TOKEN_TTL_SECONDS"] == 90
        assert app.config["CORS_ORIGINS"] == {"https://a.example", "https://b.example"}
        assert app.config["FAULTS"] == {"wrong_build"}
    finally:
        app.extensions["db_pool"].close()


def test_missing_secret_in_environment(monkeypatch, database_url):
    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("DATABASE_URL", database_url)
    with pytest.raises(RuntimeError, match="SECRET_KEY is not set"):
        create_app()


def test_bad_ttl_is_reported(database_url):
    with pytest.raises(RuntimeError, match="TOKEN_TTL_SECONDS must be a whole number"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k", "TOKEN_TTL_SECONDS": "soon"})


def test_first_admin_is_created_once(make_app, admin_conn):
    settings = {"ADMIN_EMAIL": "Boss@TagTrust.local", "ADMIN_PASSWORD": "first-admin-password"}
    app = make_app(**settings)
    make_app(**{**settings, "ADMIN_PASSWORD": "a-different-password"})
    with admin_conn.cursor() as cur:
        cur.execute("SELECT role, password_hash FROM users WHERE email = 'boss@tagtrust.local'")
        [(role, password_hash)] = cur.fetchall()
    assert role == "admin" and password_hash.startswith("pbkdf2:sha256:260000$")
    login = app.test_client().post("/api/auth/login",
                                   json={"email": "boss@tagtrust.local", "password": "first-admin-password"})
    assert login.status_code == 200
    [row] = [r for r in audit_rows(admin_conn, "user.create")]
    assert row["actor_id"] is None and row["details"]["source"] == "ADMIN_EMAIL"


def test_two_workers_starting_at_once_create_one_admin(make_app, admin_conn):
    barrier = threading.Barrier(4)
    errors = []

    def start():
        barrier.wait()
        try:
            make_app(ADMIN_EMAIL="race@tagtrust.local", ADMIN_PASSWORD="race-password-123")
        except Exception as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=start) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with admin_conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users WHERE email = 'race@tagtrust.local'")
        assert cur.fetchone()[0] == 1


def test_first_admin_waits_for_the_database(make_app, admin_conn, database_url):
    """An app started before the database is ready still boots, and creates the admin later."""
    app = make_app(DATABASE_URL="postgresql://postgres@127.0.0.1:1/none",
                   ADMIN_EMAIL="late@tagtrust.local", ADMIN_PASSWORD="late-admin-password")
    assert app.test_client().get("/healthz").status_code == 200
    pool = app.extensions["db_pool"]
    pool.close()
    pool.url = database_url  # the database comes up
    assert app.test_client().get("/healthz").status_code == 200
    with admin_conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM users WHERE email = 'late@tagtrust.local'")
        assert cur.fetchone()[0] == 1


def test_admin_email_and_password_go_together(database_url):
    with pytest.raises(RuntimeError, match="ADMIN_EMAIL and ADMIN_PASSWORD must be set together"):
        create_app({"DATABASE_URL": database_url, "SECRET_KEY": "k", "ADMIN_EMAIL": "a@b.c"})


def test_fault_parsing_ignores_unknown_names(caplog):
    active = faults.parse(" wrong_build, no_such_fault ,,signout_broken")
    assert active == {"wrong_build"}  # web faults are known but not the API's business
    assert "ignoring unknown FAULTS no_such_fault" in caplog.text
