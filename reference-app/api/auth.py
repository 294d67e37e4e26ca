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


def issue_token(user_id, lifetime=None):
    """Return (token, expires_at) for user_id; lifetime (seconds) may shorten the configured one."""
    ttl = current_app.config["TOKEN_TTL_SECONDS"]
    expires = int(_now()) + (min(lifetime, ttl) if lifetime else ttl)
    token = _serializer().dumps({"uid": user_id, "exp": expires, "jti": secrets.token_urlsafe(16)})
    return token, datetime.fromtimestamp(expires, timezone.utc)


def _claims(token):
    """Return (user_id, expires, jti) of a token signed by this API, or raise a 401."""
    try:
        claims = _serializer().loads(token)
        return int(claims["uid"]), int(claims["exp"]), str(claims["jti"])
    except (BadSignature, KeyError, TypeError, ValueError):
        raise _unauthorized("The bearer token is invalid. Sign in again.") from None


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
    user_id, expires, jti = _claims(token.strip())
    if expires <= _now() and not faults.on("token_expiry_ignored"):
        raise _unauthorized("The bearer token has expired. Sign in again.")
    with transaction() as cur:
        cur.execute(
            "SELECT id, email, name, role, active,"
            " EXISTS (SELECT 1 FROM revoked_tokens WHERE jti = %s) AS signed_out FROM users WHERE id = %s",
            (jti, user_id),
        )
        user = cur.fetchone()
    if user is None or not user["active"]:
        raise _unauthorized("This account no longer exists or is inactive.")
    if user["signed_out"]:
        raise _unauthorized("This token was ended by signing out. Sign in again.")
    g.token = {"jti": jti, "expires": expires}
    return {k: v for k, v in user.items() if k != "signed_out"}


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
    lifetime = fields.data.get("expires_in")
    if lifetime is not None and (not isinstance(lifetime, int) or isinstance(lifetime, bool) or lifetime < 1):
        fields.fail("expires_in", "must be a whole number of seconds of at least 1")
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

    token, expires_at = issue_token(user["id"], lifetime)
    return jsonify(token=token, expires_at=expires_at, user=public_user(user))


@bp.post("/logout")
@require_role("viewer")
def logout():
    """End the presented token now, whatever its remaining lifetime."""
    if faults.on("signout_keeps_token"):
        return "", 204  # the regression: sign-out answers as usual but the token lives on
    with transaction() as cur:
        cur.execute("DELETE FROM revoked_tokens WHERE expires_at < now()")
        cur.execute(
            "INSERT INTO revoked_tokens (jti, user_id, expires_at) VALUES (%s, %s, to_timestamp(%s))"
            " ON CONFLICT (jti) DO NOTHING",
            (g.token["jti"], g.user["id"], g.token["expires"]),
        )
        auditlog.record(cur, g.user["id"], "auth.logout", "user", g.user["id"], {})
    return "", 204


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
