"""Parse the FAULTS switch list (see FAULTS.md) once, at start-up."""
import logging

from flask import current_app

API_FAULTS = frozenset(
    {
        "viewer_login_broken",
        "login_any_password",
        "signout_keeps_token",
        "token_expiry_ignored",
        "revoked_reads_genuine",
        "tags_last_page_dropped",
        "double_link_allowed",
        "audit_not_written",
        "verification_not_recorded",
        "pending_migration",
        "wrong_build",
        "audit_open",
        "security_headers_missing",
        "security_headers_weak",
        "debug_errors",
        "cors_any_origin",
        "cors_open_on_verify",
        "db_errors_exposed",
        "slow_tags_list",
        "slow_tag_search",
        "asset_custodian_required",
    }
)
# Known, but the web app (or its deployer, for stale_bundle) acts on them; the API has nothing to change.
WEB_FAULTS = frozenset(
    {
        "verify_button_missing",
        "dashboard_counts_zero",
        "link_button_missing",
        "signout_broken",
        "stale_bundle",
        "web_renders_markup",
        "status_labels_swapped",
    }
)

log = logging.getLogger(__name__)


def parse(value, logger=log):
    """Return the set of fault names in value (a comma-separated string or a list)."""
    if isinstance(value, str):
        names = [n.strip() for n in value.split(",")]
    else:
        names = [str(n).strip() for n in value or ()]
    names = {n for n in names if n}
    unknown = sorted(names - API_FAULTS - WEB_FAULTS)
    if unknown:
        logger.warning(
            "ignoring unknown FAULTS %s; known: %s", ", ".join(unknown), ", ".join(sorted(API_FAULTS | WEB_FAULTS))
        )
    active = frozenset(names & API_FAULTS)
    if active:
        logger.warning("fault switches ON: %s", ", ".join(sorted(active)))
    return active


def on(name):
    """Return True when fault name is switched on for the current app."""
    return name in current_app.config["FAULTS"]
