"""Admin areas: users, the audit log; and dashboard stats."""
import pytest

from api.tests.helpers import audit_rows


def test_list_users_never_shows_hashes(api):
    response = api.get("/api/users", "admin")
    assert response.status_code == 200
    body = response.get_json()
    assert body["total"] == 3
    assert [u["role"] for u in body["items"]] == ["admin", "operator", "viewer"]  # sorted by email
    assert set(body["items"][0]) == {"id", "email", "name", "role", "active", "created_at", "updated_at"}
    assert "password" not in response.get_data(as_text=True)


def test_create_user_then_sign_in(api, admin_conn):
    body = {"email": " New.Person@Example.COM ", "name": "Nüwe Persoon", "role": "operator",
            "password": "correct horse battery"}
    response = api.post("/api/users", "admin", json=body)
    assert response.status_code == 201
    user = response.get_json()
    assert (user["email"], user["name"], user["role"], user["active"]) == (
        "new.person@example.com", "Nüwe Persoon", "operator", True)
    [row] = audit_rows(admin_conn, "user.create")
    assert (row["actor_id"], row["entity_id"], row["details"]) == (
        1, user["id"], {"email": "new.person@example.com", "role": "operator"})
    login = api.client.post("/api/auth/login", json={"email": "new.person@example.com",
                                                     "password": "correct horse battery"})
    assert login.status_code == 200
    with admin_conn.cursor() as cur:
        cur.execute("SELECT password_hash FROM users WHERE id = %s", (user["id"],))
        assert cur.fetchone()[0].startswith("pbkdf2:sha256:260000$")


def test_create_user_duplicate_email_is_409(api):
    body = {"email": "VIEWER@tagtrust.test", "name": "Dup", "role": "viewer", "password": "long-enough-pass"}
    response = api.post("/api/users", "admin", json=body)
    assert response.status_code == 409
    assert response.get_json()["error"] == "conflict"


@pytest.mark.parametrize(
    "body, fields",
    [
        ({}, {"email": "is required", "name": "is required", "role": "is required", "password": "is required"}),
        ({"email": "not-an-email", "name": "X", "role": "root", "password": "short"},
         {"email": "must be a valid email address", "role": "must be one of viewer, operator, admin",
          "password": "must be at least 12 characters"}),
    ],
)
def test_create_user_validation(api, body, fields):
    response = api.post("/api/users", "admin", json=body)
    assert response.status_code == 400
    assert response.get_json()["fields"] == fields


def test_audit_log_lists_and_filters(api):
    tag = api.create_tag()
    asset = api.create_asset()
    api.link(asset["id"], tag["code"])
    response = api.get("/api/audit?action=tag.create", "admin")
    assert response.status_code == 200
    [entry] = response.get_json()["items"]
    assert set(entry) == {"id", "actor_id", "actor_email", "action", "entity_type", "entity_id", "details",
                          "created_at"}
    assert (entry["actor_email"], entry["entity_type"], entry["entity_id"]) == (
        "operator@tagtrust.test", "tag", tag["id"])
    by_entity = api.get(f"/api/audit?entity_type=asset&entity_id={asset['id']}", "admin").get_json()
    assert [e["action"] for e in by_entity["items"]] == ["asset.create"]
    newest = api.get("/api/audit?per_page=1", "admin").get_json()["items"][0]
    assert newest["action"] == "link.create"
    for bad in ("entity_id=abc", "entity_type=planet", "action=tag.explode"):
        assert api.get(f"/api/audit?{bad}", "admin").status_code == 400


def test_every_mutation_writes_exactly_one_audit_row(api, admin_conn):
    api.token("operator"), api.token("admin")  # sign in first so logins do not interleave
    before = len(audit_rows(admin_conn))
    tag = api.create_tag()
    asset = api.create_asset()
    api.patch(f"/api/assets/{asset['id']}", "operator", json={"lot": "9"})
    api.link(asset["id"], tag["code"])
    api.delete(f"/api/assets/{asset['id']}/links/{tag['code']}", "operator")
    api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "r"})
    api.delete(f"/api/assets/{asset['id']}", "admin")
    api.post("/api/users", "admin", json={"email": "a@b.co", "name": "A", "role": "viewer", "password": "p" * 12})
    actions = [r["action"] for r in audit_rows(admin_conn)[before:]]
    assert actions == ["tag.create", "asset.create", "asset.update", "link.create", "link.delete", "tag.revoke",
                       "asset.delete", "user.create"]


def test_failed_mutation_writes_no_audit_row(api, admin_conn):
    tag = api.create_tag()
    before = len(audit_rows(admin_conn))
    api.post("/api/tags", "operator", json={"code": tag["code"], "fingerprint": "1" * 64})
    api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={})
    assert len(audit_rows(admin_conn)) == before


def test_stats(api):
    tags = [api.create_tag() for _ in range(3)]
    asset = api.create_asset()
    api.link(asset["id"], tags[0]["code"])
    api.post(f"/api/tags/{tags[1]['code']}/revoke", "operator", json={"reason": "r"})
    api.get(f"/api/verify/{tags[0]['code']}")
    response = api.get("/api/stats", "viewer")
    assert response.status_code == 200
    assert response.get_json() == {
        "tags": {"total": 3, "unassigned": 1, "active": 1, "revoked": 1},
        "assets": 1,
        "verifications": {"total": 1, "last_24h": 1},
    }
