"""Links between a tag and an asset: link and unlink."""
import psycopg2.errors
from flask import Blueprint, g, jsonify

from . import faults, tagcode
from .auditlog import record
from .auth import require_role
from .db import transaction
from .errors import ApiError, not_found
from .models import find_asset, find_link, find_tag
from .validation import Fields, json_body

bp = Blueprint("links", __name__, url_prefix="/api/assets")


def _already_linked():
    return ApiError(409, "already_linked", "This tag is already linked to an asset. Unlink it first.")


@bp.post("/<int:asset_id>/links")
@require_role("operator")
def create_link(asset_id):
    """Link a tag to an asset; the tag becomes active."""
    fields = Fields(json_body())
    code = fields.string("tag_code", required=True, max_len=64)
    if code is not None:
        code = tagcode.normalise(code)
        if not tagcode.has_shape(code):
            fields.fail("tag_code", "must look like TT-XXXX-XXXX-C using 0-9 and A-Z without I, L, O, U")
    fields.check()
    user_id = g.user["id"]
    try:
        with transaction() as cur:
            # Lock order asset -> tag everywhere, so concurrent link/delete cannot deadlock.
            if find_asset(cur, asset_id, lock=True) is None:
                raise not_found("No asset has this id.")
            tag = find_tag(cur, code, lock=True)
            if tag is None:
                raise not_found("No tag has this code.")
            if tag["status"] == "revoked":
                raise ApiError(409, "tag_revoked", f"Tag {tag['code']} is revoked and cannot be linked.")
            cur.execute("SELECT id FROM tag_links WHERE tag_id = %s AND unlinked_at IS NULL", (tag["id"],))
            open_link = cur.fetchone()
            if open_link is not None:
                if not faults.on("double_link_allowed"):
                    raise _already_linked()
                # The regression: the old link is closed quietly and the tag moves.
                cur.execute(
                    "UPDATE tag_links SET unlinked_at = now(), unlinked_by = %s WHERE id = %s",
                    (user_id, open_link["id"]),
                )
            cur.execute(
                "INSERT INTO tag_links (tag_id, asset_id, linked_by) VALUES (%s, %s, %s) RETURNING id",
                (tag["id"], asset_id, user_id),
            )
            link_id = cur.fetchone()["id"]
            cur.execute("UPDATE tags SET status = 'active' WHERE id = %s", (tag["id"],))
            link = find_link(cur, link_id)
            record(
                cur, user_id, "link.create", "link", link_id,
                {"tag_id": tag["id"], "tag_code": tag["code"], "asset_id": asset_id},
            )
    except psycopg2.errors.UniqueViolation:
        raise _already_linked() from None  # a concurrent request linked it first
    return jsonify(link), 201


@bp.delete("/<int:asset_id>/links/<code>")
@require_role("operator")
def delete_link(asset_id, code):
    """Close the open link between a tag and an asset; the tag becomes unassigned."""
    user_id = g.user["id"]
    with transaction() as cur:
        tag = find_tag(cur, code, lock=True)
        link_id = None
        if tag is not None:
            cur.execute(
                "SELECT id FROM tag_links WHERE tag_id = %s AND asset_id = %s AND unlinked_at IS NULL",
                (tag["id"], asset_id),
            )
            row = cur.fetchone()
            link_id = row["id"] if row else None
        if link_id is None:
            raise not_found("This tag is not linked to this asset.")
        cur.execute(
            "UPDATE tag_links SET unlinked_at = now(), unlinked_by = %s WHERE id = %s", (user_id, link_id)
        )
        # A revoked tag stays revoked; only an active one goes back to the pool.
        cur.execute("UPDATE tags SET status = 'unassigned' WHERE id = %s AND status = 'active'", (tag["id"],))
        link = find_link(cur, link_id)
        record(
            cur, user_id, "link.delete", "link", link_id,
            {"tag_id": tag["id"], "tag_code": tag["code"], "asset_id": asset_id},
        )
    return jsonify(link)
