"""Read the audit log (admins only)."""
from flask import Blueprint, jsonify, request

from . import faults
from .auditlog import ACTIONS, ENTITY_TYPES
from .auth import require_role
from .db import transaction
from .errors import ValidationError
from .listing import choice_arg, list_args, paginate

bp = Blueprint("audit", __name__, url_prefix="/api/audit")

SELECT = """
SELECT a.id, a.actor_id, u.email AS actor_email, a.action, a.entity_type, a.entity_id,
       a.details, a.created_at
  FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id
"""
SORTS = {"created_at": "a.created_at", "action": "a.action"}


def _list():
    args = list_args(SORTS, "-created_at", tiebreak="a.id")
    clauses, params = [], []
    entity_type = choice_arg("entity_type", ENTITY_TYPES)
    if entity_type:
        clauses.append("a.entity_type = %s")
        params.append(entity_type)
    action = choice_arg("action", ACTIONS)
    if action:
        clauses.append("a.action = %s")
        params.append(action)
    raw_id = request.args.get("entity_id", "").strip()
    if raw_id:
        if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 18:
            raise ValidationError({"entity_id": "must be a whole number"}, "Some query parameters are invalid.")
        clauses.append("a.entity_id = %s")
        params.append(int(raw_id))
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with transaction() as cur:
        return jsonify(paginate(cur, SELECT, where, params, args))


_protected = require_role("admin")(_list)


@bp.get("")
def list_audit():
    """List audit entries, newest first, filtered by entity_type, entity_id and action."""
    if faults.on("audit_open"):
        # The regression: the admin check was dropped from this route.
        return _list()
    return _protected()
