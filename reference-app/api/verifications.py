"""The history of public verifications."""
from flask import Blueprint, jsonify

from . import tagcode
from .auth import require_role
from .db import transaction
from .listing import choice_arg, list_args, paginate, text_arg

bp = Blueprint("verifications", __name__, url_prefix="/api/verifications")

RESULTS = ("genuine", "revoked", "unknown")
SORTS = {"verified_at": "verified_at", "code": "code", "result": "result"}
SELECT = "SELECT id, code, tag_id, result, location, user_agent, verified_at FROM verifications"


@bp.get("")
@require_role("viewer")
def list_verifications():
    """List verifications, newest first, filtered by code and result."""
    args = list_args(SORTS, "-verified_at")
    clauses, params = [], []
    code = text_arg("code", max_len=64)
    if code:
        clauses.append("code = %s")
        params.append(tagcode.normalise(code))
    result = choice_arg("result", RESULTS)
    if result:
        clauses.append("result = %s")
        params.append(result)
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with transaction() as cur:
        return jsonify(paginate(cur, SELECT, where, params, args))
