"""Which build is running."""
from flask import Blueprint, current_app, jsonify

from . import faults

bp = Blueprint("version", __name__, url_prefix="/api/version")


@bp.get("")
def version():
    """Return the build id, version, migration head and start time."""
    config = current_app.config
    build = config["BUILD_ID"]
    if faults.on("wrong_build"):
        build = f"{build}-stale"  # the regression: an old artefact was deployed
    return jsonify(
        build=build,
        version=config["APP_VERSION"],
        migration_head=config["EXPECTED_MIGRATION"],
        started_at=config["STARTED_AT"],
    )
