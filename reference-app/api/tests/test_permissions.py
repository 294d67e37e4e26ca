"""Every role against every protected action: 2xx, 401 or 403."""
import pytest

RANK = {None: 0, "viewer": 1, "operator": 2, "admin": 3}
ROLES = [None, "viewer", "operator", "admin"]

# (action, method, path, body, least role allowed, success status)
ACTIONS = [
    ("me", "GET", "/api/auth/me", None, "viewer", 200),
    ("stats", "GET", "/api/stats", None, "viewer", 200),
    ("list tags", "GET", "/api/tags", None, "viewer", 200),
    ("create tag", "POST", "/api/tags", {"fingerprint": "f" * 64}, "operator", 201),
    ("read tag", "GET", "/api/tags/{code}", None, "viewer", 200),
    ("revoke tag", "POST", "/api/tags/{code}/revoke", {"reason": "Lost in transit"}, "operator", 200),
    ("list assets", "GET", "/api/assets", None, "viewer", 200),
    ("create asset", "POST", "/api/assets", {"name": "Valve", "sku": "V-1", "manufacturer": "Acme"}, "operator", 201),
    ("read asset", "GET", "/api/assets/{asset_id}", None, "viewer", 200),
    ("update asset", "PATCH", "/api/assets/{asset_id}", {"location": "Bay 4"}, "operator", 200),
    ("delete asset", "DELETE", "/api/assets/{empty_asset_id}", None, "admin", 204),
    ("link tag", "POST", "/api/assets/{asset_id}/links", {"tag_code": "{code}"}, "operator", 201),
    ("unlink tag", "DELETE", "/api/assets/{asset_id}/links/{linked_code}", None, "operator", 200),
    ("list verifications", "GET", "/api/verifications", None, "viewer", 200),
    ("read audit log", "GET", "/api/audit", None, "admin", 200),
    ("list users", "GET", "/api/users", None, "admin", 200),
    (
        "create user", "POST", "/api/users",
        {"email": "new@tagtrust.test", "name": "New", "role": "viewer", "password": "long-enough-pass"},
        "admin", 201,
    ),
]

PUBLIC = [
    ("GET", "/healthz", None, 200),
    ("GET", "/readyz", None, 200),
    ("GET", "/api/version", None, 200),
    ("GET", "/api/verify/{code}", None, 200),
    ("POST", "/api/auth/login", {"email": "viewer@tagtrust.test", "password": "viewer-password-123"}, 200),
]


@pytest.fixture
def world(api):
    """Create an unassigned tag, a linked tag, an asset and an asset without links."""
    tag = api.create_tag()
    linked = api.create_tag()
    asset = api.create_asset()
    empty = api.create_asset(name="Spare", sku="SP-1")
    assert api.link(asset["id"], linked["code"]).status_code == 201
    return {"code": tag["code"], "linked_code": linked["code"], "asset_id": asset["id"], "empty_asset_id": empty["id"]}


def _fill(value, world):
    if isinstance(value, str):
        return value.format(**world)
    if isinstance(value, dict):
        return {k: _fill(v, world) for k, v in value.items()}
    return value


@pytest.mark.parametrize("role", ROLES, ids=lambda r: r or "anonymous")
@pytest.mark.parametrize("action, method, path, body, least, success", ACTIONS, ids=[a[0] for a in ACTIONS])
def test_role_matrix(api, world, role, action, method, path, body, least, success):
    response = api.request(method, _fill(path, world), role, json=_fill(body, world))
    if role is None:
        expected, error = 401, "unauthorized"
    elif RANK[role] < RANK[least]:
        expected, error = 403, "forbidden"
    else:
        expected, error = success, None
    assert response.status_code == expected, response.get_data(as_text=True)
    if error:
        assert response.get_json()["error"] == error


@pytest.mark.parametrize("method, path, body, status", PUBLIC, ids=[p[1] for p in PUBLIC])
def test_public_endpoints_need_no_token(api, world, method, path, body, status):
    assert api.request(method, _fill(path, world), json=body).status_code == status
