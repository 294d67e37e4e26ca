"""Liveness, readiness and version."""


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_when_migrations_at_head(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "migrations": {"applied": "0005", "expected": "0005"}}


def test_readyz_when_database_is_unreachable(make_app):
    app = make_app(DATABASE_URL="postgresql://nobody:secret@127.0.0.1:1/none")
    response = app.test_client().get("/readyz")
    assert response.status_code == 503
    body = response.get_json()
    assert body == {"status": "not_ready", "reason": "database unavailable"}
    assert "secret" not in response.get_data(as_text=True)


def test_readyz_when_a_migration_is_missing(client, admin_conn):
    with admin_conn.cursor() as cur:
        cur.execute("DELETE FROM schema_migrations WHERE version = '0005' RETURNING version, name, checksum")
        removed = cur.fetchone()
        try:
            response = client.get("/readyz")
        finally:
            cur.execute("INSERT INTO schema_migrations (version, name, checksum, applied_at) VALUES (%s, %s, %s, now())",
                        removed)
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "not_ready",
        "reason": "migrations not at head",
        "migrations": {"applied": "0004", "expected": "0005"},
    }


def test_version(client):
    response = client.get("/api/version")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"build", "version", "migration_head", "started_at"}
    assert body["build"] == "test-build"
    assert body["version"] == "1.0.0"
    assert body["migration_head"] == "0005"
    assert body["started_at"].endswith("Z")


def test_version_defaults(make_app):
    app = make_app(BUILD_ID="dev")
    assert app.test_client().get("/api/version").get_json()["build"] == "dev"
