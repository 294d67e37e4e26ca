"""Queries shared by several blueprints: tags, assets and the links between them."""
from . import tagcode

MAX_ID = 2**63 - 1

TAG_COLUMNS = (
    "t.id, t.code, t.fingerprint, t.status, t.revoked_at, t.revoked_reason, t.metadata, t.created_at, t.updated_at"
)
ASSET_COLUMNS = (
    "a.id, a.name, a.sku, a.lot, a.manufacturer, a.location, a.manufactured_on, a.metadata,"
    " a.created_at, a.updated_at"
)
ASSET_SUMMARY_COLUMNS = "a.id, a.name, a.sku, a.manufacturer"
LINK_SELECT = """
SELECT l.id, l.tag_id, t.code AS tag_code, l.asset_id, a.name AS asset_name,
       l.linked_at, l.linked_by, l.unlinked_at, l.unlinked_by
  FROM tag_links l
  JOIN tags t ON t.id = l.tag_id
  JOIN assets a ON a.id = l.asset_id
"""


def find_tag(cur, code, lock=False):
    """Return the tag with code (any case), or None."""
    code = tagcode.normalise(code)
    if not tagcode.has_shape(code):
        return None  # cannot exist, and keeps odd bytes away from the database
    cur.execute(
        f"SELECT {TAG_COLUMNS} FROM tags t WHERE t.code = %s" + (" FOR UPDATE" if lock else ""),
        (code,),
    )
    row = cur.fetchone()
    return dict(row) if row else None


def find_asset(cur, asset_id, lock=False):
    """Return the asset with asset_id, or None."""
    if not 0 < asset_id <= MAX_ID:
        return None
    cur.execute(
        f"SELECT {ASSET_COLUMNS} FROM assets a WHERE a.id = %s" + (" FOR UPDATE" if lock else ""),
        (asset_id,),
    )
    row = cur.fetchone()
    return dict(row) if row else None


def current_asset(cur, tag_id):
    """Return a summary of the asset tag_id is linked to now, or None."""
    cur.execute(
        f"SELECT {ASSET_SUMMARY_COLUMNS} FROM tag_links l JOIN assets a ON a.id = l.asset_id"
        " WHERE l.tag_id = %s AND l.unlinked_at IS NULL",
        (tag_id,),
    )
    row = cur.fetchone()
    return dict(row) if row else None


def link_history(cur, tag_id):
    """Return every link of tag_id, newest first."""
    cur.execute(LINK_SELECT + " WHERE l.tag_id = %s ORDER BY l.linked_at DESC, l.id DESC", (tag_id,))
    return [dict(row) for row in cur.fetchall()]


def find_link(cur, link_id):
    """Return one link by id."""
    cur.execute(LINK_SELECT + " WHERE l.id = %s", (link_id,))
    return dict(cur.fetchone())


def linked_tags(cur, asset_id):
    """Return the tags currently linked to asset_id, in the order they were linked."""
    cur.execute(
        f"SELECT {TAG_COLUMNS} FROM tag_links l JOIN tags t ON t.id = l.tag_id"
        " WHERE l.asset_id = %s AND l.unlinked_at IS NULL ORDER BY l.linked_at, l.id",
        (asset_id,),
    )
    return [dict(row) for row in cur.fetchall()]
