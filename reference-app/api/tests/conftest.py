"""Fixtures: one PostgreSQL per session, a clean database per test, an app per test."""
import os

import psycopg2
import pytest
from werkzeug.security import generate_password_hash

from api import create_app, migrate
from api.tests.helpers import SECRET_KEY, USERS, Api
from api.tests.pgcluster import TempCluster

# Cheap hashes keep the suite fast and prove logins accept any pbkdf2 iteration count.
TEST_HASH_METHOD = "pbkdf2:sha256:1000"
DATA_TABLES = "audit_log, verifications, tag_links, assets, tags, users"


@pytest.fixture(scope="session")
def database_url():
    """Yield the URL of a migrated database: TEST_DATABASE_URL or a temp cluster."""
    # TEST_DATABASE_URL must name a throwaway database: every test truncates its tables.
    url = os.environ.get("TEST_DATABASE_URL")
    cluster = None
    if not url:
        cluster = TempCluster()
        url = cluster.start()
    try:
        conn = psycopg2.connect(url)
        try:
            migrate.migrate(conn, out=lambda line: None)
        finally:
            conn.close()
        yield url
    finally:
        if cluster:
            cluster.stop()


@pytest.fixture(scope="session")
def admin_conn(database_url):
    """Yield an autocommit connection for set-up and for asserting on rows."""
    conn = psycopg2.connect(database_url)
    conn.autocommit = True
    yield conn
    conn.close()


@pytest.fixture(scope="session")
def user_rows():
    """Return (email, name, role, hash) for each role, hashed once per session."""
    return [
        (email, name, role, generate_password_hash(password, method=TEST_HASH_METHOD))
        for role, (email, password, name) in USERS.items()
    ]


@pytest.fixture(autouse=True)
def clean_db(admin_conn, user_rows):
    """Empty every data table and re-create the three role users (ids 1, 2, 3)."""
    with admin_conn.cursor() as cur:
        cur.execute(f"TRUNCATE {DATA_TABLES} RESTART IDENTITY CASCADE")
        cur.executemany("INSERT INTO users (email, name, role, password_hash) VALUES (%s, %s, %s, %s)", user_rows)


@pytest.fixture
def make_app(database_url):
    """Return a factory of apps configured for tests; overrides go on top."""
    apps = []

    def factory(**overrides):
        config = {
            "TESTING": True,
            "DATABASE_URL": database_url,
            "SECRET_KEY": SECRET_KEY,
            "BUILD_ID": "test-build",
            "APP_VERSION": "1.0.0",
            "CORS_ORIGINS": "http://localhost:5173",
        }
        config.update(overrides)
        app = create_app(config)
        apps.append(app)
        return app

    yield factory
    for app in apps:
        app.extensions["db_pool"].close()


@pytest.fixture
def app(make_app):
    return make_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def api(client):
    return Api(client)


@pytest.fixture
def make_api(make_app):
    """Return a factory of Api helpers around apps built with overrides (e.g. FAULTS)."""
    return lambda **overrides: Api(make_app(**overrides).test_client())
