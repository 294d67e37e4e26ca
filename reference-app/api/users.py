"""User management (admins only)."""
import psycopg2.errors
from flask import Blueprint, g, jsonify

from .auditlog import record
from .auth import ROLE_RANK, hash_password, require_role
from .db import transaction
from .errors import ApiError
from .listing import list_args, paginate
from .validation import Fields, json_body

bp = Blueprint("users", __name__, url_prefix="/api/users")

COLUMNS = "id, email, name, role, active, created_at, updated_at"
SORTS = {"email": "email", "name": "name", "role": "role", "created_at": "created_at"}
MIN_PASSWORD = 12
MAX_PASSWORD = 1024  # hashing megabyte-long passwords is a cheap way to burn our CPU


@bp.get("")
@require_role("admin")
def list_users():
    """List users (never their password hashes)."""
    args = list_args(SORTS, "email")
    with transaction() as cur:
        return jsonify(paginate(cur, f"SELECT {COLUMNS} FROM users", "", [], args))


def _conflict():
    return ApiError(409, "conflict", "A user with this email already exists.")


@bp.post("")
@require_role("admin")
def create_user():
    """Create a user with a role and a password."""
    fields = Fields(json_body())
    email = fields.email("email")
    name = fields.string("name", required=True, max_len=200)
    role = fields.choice("role", tuple(ROLE_RANK))
    password = fields.data.get("password")
    if not isinstance(password, str) or password == "":
        fields.fail("password", "is required")
    elif len(password) < MIN_PASSWORD:
        fields.fail("password", f"must be at least {MIN_PASSWORD} characters")
    elif len(password) > MAX_PASSWORD:
        fields.fail("password", f"must be at most {MAX_PASSWORD} characters")
    elif "\x00" in password:
        fields.fail("password", "must not contain NUL characters")
    fields.check()
    password_hash = hash_password(password)
    try:
        with transaction() as cur:
            cur.execute("SELECT 1 FROM users WHERE email = %s", (email,))
            if cur.fetchone():
                raise _conflict()
            cur.execute(
                f"INSERT INTO users (email, name, role, password_hash) VALUES (%s, %s, %s, %s) RETURNING {COLUMNS}",
                (email, name, role, password_hash),
            )
            user = dict(cur.fetchone())
            record(cur, g.user["id"], "user.create", "user", user["id"], {"email": email, "role": role})
    except psycopg2.errors.UniqueViolation:
        raise _conflict() from None
    return jsonify(user), 201
