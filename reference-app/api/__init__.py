"""TagTrust API: the Flask application factory."""
import logging
from datetime import date, datetime, timezone
from decimal import Decimal

import psycopg2
from flask import Flask
from flask.json.provider import DefaultJSONProvider

from . import config as app_config
from . import db, errors, faults, security


class JSONProvider(DefaultJSONProvider):
    """JSON with ISO 8601 timestamps (UTC, "Z") instead of Flask's HTTP dates."""

    sort_keys = False
    ensure_ascii = False

    @staticmethod
    def default(o):
        if isinstance(o, datetime):
            if o.tzinfo is not None:
                o = o.astimezone(timezone.utc)
            return o.isoformat().replace("+00:00", "Z")
        if isinstance(o, date):
            return o.isoformat()
        if isinstance(o, Decimal):
            return float(o)
        return DefaultJSONProvider.default(o)


def create_app(test_config=None):
    """Create and configure the app; test_config replaces the environment."""
    # Imported here, not at module level: `python -m api.migrate` imports this package first.
    from . import migrate

    app = Flask(__name__)
    app.json = JSONProvider(app)
    app.logger.setLevel(logging.INFO)
    app.config.update(app_config.load(test_config))
    app.config["FAULTS"] = faults.parse(app.config["FAULTS"], app.logger)
    expected = migrate.expected_head()
    if "pending_migration" in app.config["FAULTS"]:
        expected = f"{int(expected) + 1:04d}"  # the regression: code expects a migration never applied
    app.config["EXPECTED_MIGRATION"] = expected
    app.config["STARTED_AT"] = datetime.now(timezone.utc)

    db.init_app(app)
    errors.register(app)
    security.init_app(app)

    from . import assets, audit, auth, health, links, stats, tags, users, verifications, verify, version

    for module in (health, version, auth, stats, tags, assets, links, verify, verifications, audit, users):
        app.register_blueprint(module.bp)

    _ensure_admin_on_start(app)
    return app


def _ensure_admin_on_start(app):
    """Create the first admin now, or before the first request if the DB is not ready yet."""
    if not app.config["ADMIN_EMAIL"]:
        return
    state = {"done": False}

    def attempt():
        try:
            with app.app_context():
                _ensure_admin(app)
            state["done"] = True
        except psycopg2.Error as exc:
            app.logger.warning("could not create the first admin yet (will retry): %s", db.redact(exc).strip())

    def retry():
        if not state["done"]:
            attempt()

    attempt()
    app.before_request(retry)


def _ensure_admin(app):
    from .auditlog import record
    from .auth import hash_password

    email = app.config["ADMIN_EMAIL"]
    with db.transaction() as cur:
        cur.execute("SELECT 1 FROM users WHERE email = %s", (email,))
        if cur.fetchone():
            return
        # ON CONFLICT: two gunicorn workers start at once and may both get here.
        cur.execute(
            "INSERT INTO users (email, name, role, password_hash) VALUES (%s, %s, 'admin', %s)"
            " ON CONFLICT (email) DO NOTHING RETURNING id",
            (email, "Administrator", hash_password(app.config["ADMIN_PASSWORD"])),
        )
        row = cur.fetchone()
        if row:
            record(cur, None, "user.create", "user", row["id"], {"email": email, "role": "admin", "source": "ADMIN_EMAIL"})
            app.logger.info("created the first admin %s", email)
