"""Own the PostgreSQL connections: a small pool per process, one connection per request."""
import os
import re
import threading
from contextlib import contextmanager

import psycopg2
import psycopg2.extensions
import psycopg2.extras
import psycopg2.pool
from flask import current_app, g

_STATUS = psycopg2.extensions
_PASSWORD_RE = re.compile(r"(://[^:/@\s]*:)\S*@")
_KEYWORD_PASSWORD_RE = re.compile(r"(password\s*=\s*)('[^']*'|\S+)", re.IGNORECASE)


class Pool:
    """A lazily opened connection pool that is re-created after a fork."""

    def __init__(self, url, maxconn):
        self.url = url
        self.maxconn = maxconn
        self._pool = None
        self._pid = None
        self._lock = threading.Lock()

    def _get_pool(self):
        # gunicorn may fork after the app is built; sockets must not cross processes.
        with self._lock:
            if self._pool is None or self._pid != os.getpid():
                self._pool = psycopg2.pool.ThreadedConnectionPool(
                    0, self.maxconn, self.url, connect_timeout=5, application_name="tagtrust-api"
                )
                self._pid = os.getpid()
            return self._pool

    def getconn(self):
        """Return a live connection, discarding any the server has dropped."""
        pool = self._get_pool()
        for _ in range(self.maxconn):
            conn = pool.getconn()
            if _alive(conn):
                return conn
            pool.putconn(conn, close=True)
        return pool.getconn()  # a brand-new connection, or the error saying why not

    def putconn(self, conn):
        """Return conn to the pool, rolled back; close it when it is broken."""
        pool = self._get_pool()
        broken = conn.closed or conn.info.transaction_status == _STATUS.TRANSACTION_STATUS_UNKNOWN
        if not broken and conn.info.transaction_status != _STATUS.TRANSACTION_STATUS_IDLE:
            try:
                conn.rollback()
            except psycopg2.Error:
                broken = True
        pool.putconn(conn, close=broken)

    def close(self):
        """Close every pooled connection (tests build many apps)."""
        with self._lock:
            if self._pool is not None and self._pid == os.getpid():
                self._pool.closeall()
            self._pool = None


def _alive(conn):
    # A pre-ping: after a database restart every pooled socket is dead, and without
    # this the first request on each would fail.
    if conn.closed:
        return False
    try:
        with conn.cursor() as cur:
            cur.execute("SELECT 1")
        conn.rollback()
        return True
    except (psycopg2.OperationalError, psycopg2.InterfaceError):
        return False


def init_app(app):
    """Attach a pool to app and return connections to it after each request."""
    app.extensions["db_pool"] = Pool(app.config["DATABASE_URL"], int(app.config["DB_POOL_MAX"]))
    app.teardown_appcontext(_release)


def get_conn():
    """Return this request's connection, taking one from the pool on first use."""
    if "db_conn" not in g:
        g.db_conn = current_app.extensions["db_pool"].getconn()
    return g.db_conn


def _release(_exc=None):
    conn = g.pop("db_conn", None)
    if conn is not None:
        current_app.extensions["db_pool"].putconn(conn)


@contextmanager
def transaction():
    """Yield a dict cursor inside one transaction: commit on success, roll back on error."""
    conn = get_conn()
    with conn:
        with conn.cursor(cursor_factory=psycopg2.extras.RealDictCursor) as cur:
            yield cur


def json_param(value):
    """Adapt a Python dict for a jsonb parameter."""
    return psycopg2.extras.Json(value)


def redact(text):
    """Return text with any password (in a URL or as password=...) replaced by ***."""
    # A regex rather than urlsplit: it must also work on malformed URLs and on
    # driver messages that quote them.
    return _KEYWORD_PASSWORD_RE.sub(r"\1***", _PASSWORD_RE.sub(r"\1***@", str(text)))
