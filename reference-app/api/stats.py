"""Counts for the dashboard."""
from flask import Blueprint, jsonify

from .auth import require_role
from .db import transaction

bp = Blueprint("stats", __name__, url_prefix="/api/stats")


@bp.get("")
@require_role("viewer")
def stats():
    """Return tag, asset and verification counts."""
    with transaction() as cur:
        cur.execute(
            "SELECT count(*) AS total,"
            " count(*) FILTER (WHERE status = 'unassigned') AS unassigned,"
            " count(*) FILTER (WHERE status = 'active') AS active,"
            " count(*) FILTER (WHERE status = 'revoked') AS revoked"
            " FROM tags"
        )
        tags = dict(cur.fetchone())
        cur.execute("SELECT count(*) AS n FROM assets")
        assets = cur.fetchone()["n"]
        cur.execute(
            "SELECT count(*) AS total, count(*) FILTER (WHERE verified_at > now() - interval '24 hours') AS last_24h"
            " FROM verifications"
        )
        verifications = dict(cur.fetchone())
    return jsonify(tags=tags, assets=assets, verifications=verifications)
