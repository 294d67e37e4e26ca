"""Write audit rows inside the caller's transaction."""
from . import faults
from .db import json_param

ACTIONS = (
    "auth.login",
    "asset.create",
    "asset.delete",
    "asset.update",
    "link.create",
    "link.delete",
    "tag.create",
    "tag.revoke",
    "user.create",
)
ENTITY_TYPES = ("asset", "link", "tag", "user")


def record(cur, actor, action, entity_type, entity_id, details=None):
    """Insert one audit row using cur, so it commits or rolls back with the change."""
    if faults.on("audit_not_written"):
        return
    cur.execute(
        "INSERT INTO audit_log (actor_id, action, entity_type, entity_id, details)"
        " VALUES (%s, %s, %s, %s, %s)",
        (actor, action, entity_type, entity_id, json_param(details or {})),
    )
