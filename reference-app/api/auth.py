"""Sign-in, bearer tokens and role checks."""
import functools
import logging
import secrets
from datetime import datetime, timezone

from flask import Blueprint, current_app, g, jsonify, request
from itsdangerous import BadSignature, URLSafeSerializer
from werkzeug.security import check_password_hash, generate_password_hash

from . import auditlog, faults
from .db import transaction
from .errors import ApiError
from .validation import Fields, json_body

bp = Blueprint("auth", __name__, url_prefix="/api/auth")
log = logging.getLogger(__name__)

ROLE_RANK = {"viewer": 1, "operator": 2, "admin": 3}
PASSWORD_METHOD = "pbkdf2:sha256:260000"
TOKEN_SALT = "tagtrust.auth.v1"
_dummy_hash = None


def hash_password(password):
    """Return the werkzeug hash stored in users.password_hash."""
    return generate_password_hash(password, method=PASSWORD_METHOD)


def password_matches(password_hash, password):
    """Return True when password matches (any pbkdf2 iteration count is accepted)."""
    try:
        return check_password_hash(password_hash, password)
    except (ValueError, TypeError):
        log.warning("a user has a password hash in an unknown format")
        return False


def _serializer():
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt=TOKEN_SALT)


def _now():
    return current_app.config["CLOCK"]()


def issue_token(user_id):
    """Return (token, expires_at) for user_id."""
    expires = int(_now()) + current_app.config["TOKEN_TTL_SECONDS"]
    token = _serializer().dumps({"uid": user_id, "exp": expires})
    return token, datetime.fromtimestamp(expires, timezone.utc)


def public_user(row):
    """Return the user shape used by login and /me."""
    return {"id": row["id"], "email": row["email"], "name": row["name"], "role": row["role"]}


def _unauthorized(message):
    return ApiError(401, "unauthorized", message)


def authenticate():
    """Return the user for the request's bearer token, or raise a 401."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise _unauthorized("Sign in to continue: send Authorization: Bearer <token>.")
    try:
        claims = _serializer().loads(token.strip())
        user_id, expires = int(claims["uid"]), int(claims["exp"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise _unauthorized("The bearer token is invalid. Sign in again.") from None
    if expires <= _now():
        raise _unauthorized("The bearer token has expired. Sign in again.")
    with transaction() as cur:
        cur.execute("SELECT id, email, name, role, active FROM users WHERE id = %s", (user_id,))
        user = cur.fetchone()
    if user is None or not user["active"]:
        raise _unauthorized("This account no longer exists or is inactive.")
    return dict(user)


def require_role(role):
    """Decorate a view so only users with role or a higher one may call it."""

    def decorator(view):
        @functools.wraps(view)
        def wrapped(*args, **kwargs):
            g.user = authenticate()
            if ROLE_RANK[g.user["role"]] < ROLE_RANK[role]:
                raise ApiError(403, "forbidden", f"This action needs the {role} role or higher.")
            return view(*args, **kwargs)

        return wrapped

    return decorator


def actor_id():
    """Return the signed-in user's id, or None for anonymous requests."""
    user = g.get("user")
    return user["id"] if user else None


@bp.post("/login")
def login():
    """Exchange email and password for a bearer token."""
    fields = Fields(json_body())
    email = fields.string("email", required=True, max_len=254)
    password = fields.data.get("password")
    if not isinstance(password, str) or password == "":
        fields.fail("password", "is required")
    elif len(password) > 1024:
        fields.fail("password", "must be at most 1024 characters")
    fields.check()

    with transaction() as cur:
        cur.execute(
            "SELECT id, email, name, role, active, password_hash FROM users WHERE email = %s",
            (email.lower(),),
        )
        user = cur.fetchone()
        if user is None:
            # Spend the same time as a real check so timing does not reveal accounts.
            password_matches(_get_dummy_hash(), password)
            ok = False
        else:
            ok = password_matches(user["password_hash"], password) and user["active"]
            if faults.on("login_any_password"):
                ok = bool(user["active"])
        if ok and faults.on("viewer_login_broken") and user["role"] == "viewer":
            ok = False
        if not ok:
            raise _unauthorized("Invalid email or password.")
        auditlog.record(cur, user["id"], "auth.login", "user", user["id"], {"email": user["email"]})

    token, expires_at = issue_token(user["id"])
    return jsonify(token=token, expires_at=expires_at, user=public_user(user))


@bp.get("/me")
@require_role("viewer")
def me():
    """Return the signed-in user."""
    return jsonify(public_user(g.user))


def _get_dummy_hash():
    global _dummy_hash
    if _dummy_hash is None:
        _dummy_hash = hash_password(secrets.token_hex(16))
    return _dummy_hash
