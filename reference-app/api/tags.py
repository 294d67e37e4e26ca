"""Tags: list, register, read and revoke."""
import re
import time

import psycopg2.errors
from flask import Blueprint, g, jsonify

from . import faults, tagcode
from .auditlog import record
from .auth import require_role
from .db import json_param, transaction
from .errors import ApiError, not_found
from .listing import choice_arg, like_pattern, list_args, paginate, text_arg
from .models import TAG_COLUMNS, current_asset, find_tag, link_history
from .validation import Fields, json_body

bp = Blueprint("tags", __name__, url_prefix="/api/tags")

STATUSES = ("unassigned", "active", "revoked")
SORTS = {"code": "t.code", "created_at": "t.created_at", "status": "t.status"}
FINGERPRINT_RE = re.compile(r"^[0-9a-f]{64}$")


@bp.get("")
@require_role("viewer")
def list_tags():
    """List tags filtered by q (code substring) and status."""
    args = list_args(SORTS, "-created_at", tiebreak="t.id")
    clauses, params = [], []
    q = text_arg("q", max_len=64)
    if q:
        clauses.append("lower(t.code) LIKE %s ESCAPE '\\'")
        params.append(like_pattern(q.lower()))
    status = choice_arg("status", STATUSES)
    if status:
        clauses.append("t.status = %s")
        params.append(status)
    if faults.on("slow_tags_list"):
        time.sleep(3)  # the regression: a missing index / N+1 made visible
    if faults.on("slow_tag_search") and (q or status):
        time.sleep(1.5)  # the regression: a filter that no index serves any more; the plain list stays fast
    where = ("WHERE " + " AND ".join(clauses)) if clauses else ""
    with transaction() as cur:
        page = paginate(
            cur, f"SELECT {TAG_COLUMNS} FROM tags t", where, params, args,
            drop_last_page=faults.on("tags_last_page_dropped"),
        )
    return jsonify(page)


def _read_new_tag(data):
    fields = Fields(data)
    code = None
    raw_code = data.get("code")
    if isinstance(raw_code, str) and raw_code.strip():
        code = tagcode.normalise(raw_code)
        problem = tagcode.problem(code)
        if problem:
            fields.fail("code", problem)
    elif raw_code not in (None, ""):
        fields.fail("code", "must be a string")
    fingerprint = fields.string("fingerprint", required=True)
    if fingerprint is not None:
        fingerprint = fingerprint.lower()
        if not FINGERPRINT_RE.fullmatch(fingerprint):
            fields.fail("fingerprint", "must be 64 hexadecimal characters (a SHA-256 digest)")
    metadata = fields.metadata()
    fields.check()
    return code, fingerprint, metadata


def _conflict(cur, code, fingerprint):
    cur.execute("SELECT code, fingerprint FROM tags WHERE code = %s OR fingerprint = %s", (code, fingerprint))
    for row in cur.fetchall():
        what = "code" if row["code"] == code else "fingerprint"
        return ApiError(409, "conflict", f"A tag with this {what} already exists.")
    return None


@bp.post("")
@require_role("operator")
def create_tag():
    """Register a tag; its code is generated when the client sends none."""
    code, fingerprint, metadata = _read_new_tag(json_body())
    try:
        with transaction() as cur:
            if code is None:
                code = tagcode.generate()
                while find_tag(cur, code) is not None:  # 2^40 codes: a clash is rare
                    code = tagcode.generate()
            conflict = None if faults.on("db_errors_exposed") else _conflict(cur, code, fingerprint)
            if conflict:
                raise conflict
            cur.execute(
                f"INSERT INTO tags AS t (code, fingerprint, metadata) VALUES (%s, %s, %s) RETURNING {TAG_COLUMNS}",
                (code, fingerprint, json_param(metadata)),
            )
            tag = dict(cur.fetchone())
            record(cur, g.user["id"], "tag.create", "tag", tag["id"], {"code": code, "fingerprint": fingerprint})
    except psycopg2.errors.UniqueViolation as exc:
        if faults.on("db_errors_exposed"):
            # The regression: the driver's message (constraint, key and value) straight to the client.
            raise ApiError(409, "conflict", str(exc).strip()) from None
        # Another request registered the same code or fingerprint a moment ago.
        raise ApiError(409, "conflict", "A tag with this code or fingerprint already exists.") from None
    return jsonify(tag), 201, {"Location": f"/api/tags/{code}"}


@bp.get("/<code>")
@require_role("viewer")
def get_tag(code):
    """Return a tag with its current asset and its link history."""
    with transaction() as cur:
        tag = find_tag(cur, code)
        if tag is None:
            raise not_found("No tag has this code.")
        tag["asset"] = current_asset(cur, tag["id"])
        tag["links"] = link_history(cur, tag["id"])
    return jsonify(tag)


@bp.post("/<code>/revoke")
@require_role("operator")
def revoke_tag(code):
    """Revoke a tag for good, with a reason."""
    fields = Fields(json_body())
    reason = fields.string("reason", required=True, max_len=500)
    fields.check()
    with transaction() as cur:
        tag = find_tag(cur, code, lock=True)
        if tag is None:
            raise not_found("No tag has this code.")
        if tag["status"] == "revoked":
            raise ApiError(409, "already_revoked", f"Tag {tag['code']} is already revoked.")
        cur.execute(
            f"UPDATE tags AS t SET status = 'revoked', revoked_at = now(), revoked_reason = %s"
            f" WHERE t.id = %s RETURNING {TAG_COLUMNS}",
            (reason, tag["id"]),
        )
        revoked = dict(cur.fetchone())
        record(
            cur, g.user["id"], "tag.revoke", "tag", tag["id"],
            {"code": tag["code"], "reason": reason, "previous_status": tag["status"]},
        )
    return jsonify(revoked)
