"""Liveness and readiness probes."""
import psycopg2
from flask import Blueprint, current_app, jsonify

from . import migrate
from .db import redact, transaction

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    """Answer as long as the process is alive."""
    return jsonify(status="ok")


def _not_ready(reason, **extra):
    response = jsonify(status="not_ready", reason=reason, **extra)
    response.status_code = 503
    return response


@bp.get("/readyz")
def readyz():
    """Answer 200 only when the database answers and its migrations are at head."""
    expected = current_app.config["EXPECTED_MIGRATION"]
    try:
        with transaction() as cur:
            applied = migrate.applied_head(cur)
    except psycopg2.Error as exc:
        current_app.logger.warning("readiness check: database unavailable: %s", redact(exc).strip())
        return _not_ready("database unavailable")
    migrations = {"applied": applied, "expected": expected}
    if applied != expected:
        return _not_ready("migrations not at head", migrations=migrations)
    return jsonify(status="ready", migrations=migrations)
