"""Public verification of a tag code; every answer is recorded."""
import unicodedata

from flask import Blueprint, jsonify, request

from . import faults, tagcode
from .db import transaction
from .models import current_asset, find_tag

bp = Blueprint("verify", __name__, url_prefix="/api/verify")


def _clean(value, max_len):
    """Return value without control characters, cut to max_len (None when empty)."""
    # Scanners send all sorts of junk; this public endpoint answers anyway rather than 400.
    if value is None:
        return None
    value = "".join(c for c in value if unicodedata.category(c) not in ("Cc", "Cs")).strip()
    return value[:max_len] or None


@bp.get("/<path:code>")
def verify(code):
    """Answer whether code is a genuine, revoked or unknown tag."""
    code = _clean(tagcode.normalise(code), 64) or ""
    location = _clean(request.args.get("location"), 200)
    user_agent = _clean(request.headers.get("User-Agent"), 500)
    with transaction() as cur:
        tag = find_tag(cur, code)
        if tag is None:
            body = {"result": "unknown", "code": code}
        else:
            revoked = tag["status"] == "revoked" and not faults.on("revoked_reads_genuine")
            body = {"result": "revoked" if revoked else "genuine", "code": tag["code"], "tag": tag}
            body["asset"] = current_asset(cur, tag["id"])
            if revoked:
                body["revoked_at"] = tag["revoked_at"]
                body["reason"] = tag["revoked_reason"]
        if not faults.on("verification_not_recorded"):
            cur.execute(
                "INSERT INTO verifications (code, tag_id, result, location, user_agent) VALUES (%s, %s, %s, %s, %s)",
                (code, tag["id"] if tag else None, body["result"], location, user_agent),
            )
    return jsonify(body)
