"""Test helpers: role users, a signed-in client wrapper and small data makers."""
import secrets

from api import tagcode

SECRET_KEY = "test-secret-key-not-for-production"
USERS = {
    "admin": ("admin@tagtrust.test", "admin-password-123", "Ada Admin"),
    "operator": ("operator@tagtrust.test", "operator-password-123", "Otto Operator"),
    "viewer": ("viewer@tagtrust.test", "viewer-password-123", "Vera Viewer"),
}


def fingerprint():
    """Return a random valid fingerprint."""
    return secrets.token_hex(32)


def valid_code(payload="ABCD1234"):
    """Return a valid tag code for an eight-character payload."""
    return f"TT-{payload[:4]}-{payload[4:]}-{tagcode.check_char(payload)}"


def audit_rows(admin_conn, action=None):
    """Return audit rows (optionally of one action) as dicts, oldest first."""
    with admin_conn.cursor() as cur:
        cur.execute(
            "SELECT actor_id, action, entity_type, entity_id, details FROM audit_log"
            " WHERE %(action)s::text IS NULL OR action = %(action)s ORDER BY id",
            {"action": action},
        )
        columns = [c.name for c in cur.description]
        return [dict(zip(columns, row)) for row in cur.fetchall()]


_token_cache = {}


class Api:
    """A test client that signs in as a role (once per session) when asked to."""

    def __init__(self, client):
        self.client = client

    def login(self, role):
        email, password, _ = USERS[role]
        return self.client.post("/api/auth/login", json={"email": email, "password": password})

    def token(self, role):
        if role not in _token_cache:
            response = self.login(role)
            assert response.status_code == 200, response.get_json()
            _token_cache[role] = response.get_json()["token"]
        return _token_cache[role]

    def headers(self, role):
        return {"Authorization": f"Bearer {self.token(role)}"} if role else {}

    def request(self, method, path, role=None, **kwargs):
        headers = {**self.headers(role), **kwargs.pop("headers", {})}
        return self.client.open(path, method=method, headers=headers, **kwargs)

    def get(self, path, role=None, **kwargs):
        return self.request("GET", path, role, **kwargs)

    def post(self, path, role=None, **kwargs):
        return self.request("POST", path, role, **kwargs)

    def patch(self, path, role=None, **kwargs):
        return self.request("PATCH", path, role, **kwargs)

    def delete(self, path, role=None, **kwargs):
        return self.request("DELETE", path, role, **kwargs)

    def create_tag(self, **fields):
        body = {"fingerprint": fingerprint(), **fields}
        response = self.post("/api/tags", "operator", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def create_asset(self, **fields):
        body = {"name": "Pump housing", "sku": "PH-100", "manufacturer": "Acme", **fields}
        response = self.post("/api/assets", "operator", json=body)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    def link(self, asset_id, code):
        return self.post(f"/api/assets/{asset_id}/links", "operator", json={"tag_code": code})
