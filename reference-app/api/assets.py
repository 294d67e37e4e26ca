"""Assets: list, create, read, update and delete."""
from datetime import date

from flask import Blueprint, g, jsonify

from .auditlog import record
from .auth import require_role
from .db import json_param, transaction
from .errors import ApiError, not_found
from .listing import like_pattern, list_args, paginate, text_arg
from .models import ASSET_COLUMNS, find_asset, linked_tags
from .validation import Fields, json_body

bp = Blueprint("assets", __name__, url_prefix="/api/assets")

SORTS = {"name": "a.name", "sku": "a.sku", "created_at": "a.created_at", "manufacturer": "a.manufacturer"}
# field -> (required, max length) for the plain text fields
TEXT_FIELDS = {
    "name": (True, 200),
    "sku": (True, 64),
    "manufacturer": (True, 200),
    "lot": (False, 64),
    "location": (False, 200),
}
FIELDS = tuple(TEXT_FIELDS) + ("manufactured_on", "metadata")


def _read_asset(data, partial):
    """Return the validated asset fields in data; with partial, only those sent."""
    fields = Fields(data)
    values = {}
    for name, (required, max_len) in TEXT_FIELDS.items():
        if not partial or fields.present(name):
            values[name] = fields.string(name, required=required, max_len=max_len)
    if not partial or fields.present("manufactured_on"):
        values["manufactured_on"] = fields.past_date("manufactured_on")
    if not partial or fields.present("metadata"):
        values["metadata"] = fields.metadata()
    fields.check()
    return values


def _for_audit(values):
    return {k: (v.isoformat() if isinstance(v, date) else v) for k, v in values.items()}


@bp.get("")
@require_role("viewer")
def list_assets():
    """List assets; q matches name, SKU, lot or manufacturer."""
    args = list_args(SORTS, "-created_at", tiebreak="a.id")
    q = text_arg("q")
    where, params = "", []
    if q:
        matches = [f"a.{column} ILIKE %s ESCAPE '\\'" for column in ("name", "sku", "lot", "manufacturer")]
        where = "WHERE (" + " OR ".join(matches) + ")"
        params = [like_pattern(q)] * len(matches)
    with transaction() as cur:
        return jsonify(paginate(cur, f"SELECT {ASSET_COLUMNS} FROM assets a", where, params, args))


@bp.post("")
@require_role("operator")
def create_asset():
    """Create an asset."""
    values = _read_asset(json_body(), partial=False)
    columns = ", ".join(values)
    placeholders = ", ".join(["%s"] * len(values))
    params = [json_param(v) if k == "metadata" else v for k, v in values.items()]
    with transaction() as cur:
        cur.execute(
            f"INSERT INTO assets AS a ({columns}) VALUES ({placeholders}) RETURNING {ASSET_COLUMNS}", params
        )
        asset = dict(cur.fetchone())
        record(cur, g.user["id"], "asset.create", "asset", asset["id"], _for_audit(values))
    return jsonify(asset), 201, {"Location": f"/api/assets/{asset['id']}"}


@bp.get("/<int:asset_id>")
@require_role("viewer")
def get_asset(asset_id):
    """Return an asset with the tags linked to it now."""
    with transaction() as cur:
        asset = find_asset(cur, asset_id)
        if asset is None:
            raise not_found("No asset has this id.")
        asset["tags"] = linked_tags(cur, asset_id)
    return jsonify(asset)


@bp.patch("/<int:asset_id>")
@require_role("operator")
def update_asset(asset_id):
    """Change any of an asset's fields."""
    values = _read_asset(json_body(), partial=True)
    with transaction() as cur:
        asset = find_asset(cur, asset_id, lock=True)
        if asset is None:
            raise not_found("No asset has this id.")
        if not values:
            return jsonify(asset)  # nothing sent that we know: nothing changed, nothing audited
        assignments = ", ".join(f"{k} = %s" for k in values)
        params = [json_param(v) if k == "metadata" else v for k, v in values.items()]
        cur.execute(
            f"UPDATE assets AS a SET {assignments} WHERE a.id = %s RETURNING {ASSET_COLUMNS}",
            params + [asset_id],
        )
        updated = dict(cur.fetchone())
        record(cur, g.user["id"], "asset.update", "asset", asset_id, {"changes": _for_audit(values)})
    return jsonify(updated)


@bp.delete("/<int:asset_id>")
@require_role("admin")
def delete_asset(asset_id):
    """Delete an asset that has no tag linked to it."""
    with transaction() as cur:
        asset = find_asset(cur, asset_id, lock=True)
        if asset is None:
            raise not_found("No asset has this id.")
        if linked_tags(cur, asset_id):
            raise ApiError(409, "asset_has_links", "Unlink every tag from this asset before deleting it.")
        cur.execute("DELETE FROM assets WHERE id = %s", (asset_id,))
        record(cur, g.user["id"], "asset.delete", "asset", asset_id, {"name": asset["name"], "sku": asset["sku"]})
    return "", 204
