"""Tags: register, list, read, revoke."""
import pytest

from api import tagcode
from api.tests.helpers import audit_rows, fingerprint, valid_code

TAG_KEYS = {"id", "code", "fingerprint", "status", "revoked_at", "revoked_reason", "metadata", "created_at", "updated_at"}


def test_create_tag_with_generated_code(api, admin_conn):
    fp = fingerprint()
    response = api.post("/api/tags", "operator", json={"fingerprint": fp, "metadata": {"batch": 7}})
    assert response.status_code == 201
    tag = response.get_json()
    assert set(tag) == TAG_KEYS
    assert tagcode.is_valid(tag["code"])
    assert tag["fingerprint"] == fp
    assert tag["status"] == "unassigned"
    assert tag["metadata"] == {"batch": 7}
    assert tag["revoked_at"] is None and tag["revoked_reason"] is None
    assert response.headers["Location"] == f"/api/tags/{tag['code']}"
    [row] = audit_rows(admin_conn, "tag.create")
    assert row == {"actor_id": 2, "action": "tag.create", "entity_type": "tag", "entity_id": tag["id"],
                   "details": {"code": tag["code"], "fingerprint": fp}}


def test_create_tag_with_given_code_normalises_case_and_fingerprint(api):
    code = valid_code("7K3M9QXZ")
    tag = api.create_tag(code=f"  {code.lower()} ", fingerprint="AB" * 32)
    assert tag["code"] == code
    assert tag["fingerprint"] == "ab" * 32
    assert tag["metadata"] == {}


@pytest.mark.parametrize(
    "body, field, message",
    [
        ({}, "fingerprint", "is required"),
        ({"fingerprint": "xyz"}, "fingerprint", "must be 64 hexadecimal characters (a SHA-256 digest)"),
        ({"fingerprint": "a" * 63}, "fingerprint", "must be 64 hexadecimal characters (a SHA-256 digest)"),
        ({"fingerprint": 12}, "fingerprint", "must be a string"),
        ({"code": "TT-ABCD-1234"}, "code", "must look like TT-XXXX-XXXX-C using 0-9 and A-Z without I, L, O, U"),
        ({"code": "TT-ABCD-123I-0"}, "code", "must look like TT-XXXX-XXXX-C using 0-9 and A-Z without I, L, O, U"),
        ({"code": 5}, "code", "must be a string"),
        ({"metadata": [1, 2]}, "metadata", "must be a JSON object"),
        ({"metadata": {"blob": "x" * 9000}}, "metadata", "must be at most 8 KB when encoded as JSON"),
    ],
)
def test_create_tag_validation(api, body, field, message):
    body = {"fingerprint": fingerprint(), **body} if field != "fingerprint" else body
    response = api.post("/api/tags", "operator", json=body)
    assert response.status_code == 400
    assert response.get_json()["error"] == "validation_error"
    assert response.get_json()["fields"][field] == message


def test_create_tag_rejects_a_wrong_check_character(api):
    code = valid_code("ABCD1234")
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    response = api.post("/api/tags", "operator", json={"code": wrong, "fingerprint": fingerprint()})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"code": "has an invalid check character"}


@pytest.mark.parametrize("same", ["code", "fingerprint"])
def test_create_tag_conflicts(api, admin_conn, same):
    first = api.create_tag(code=valid_code("AAAA0000"))
    body = {"code": valid_code("BBBB0000"), "fingerprint": fingerprint()}
    body[same] = first[same]
    response = api.post("/api/tags", "operator", json=body)
    assert response.status_code == 409
    assert response.get_json() == {"error": "conflict", "message": f"A tag with this {same} already exists."}
    assert len(audit_rows(admin_conn, "tag.create")) == 1


def test_read_tag_with_asset_and_link_history(api):
    tag = api.create_tag()
    first = api.create_asset(name="First")
    second = api.create_asset(name="Second")
    api.link(first["id"], tag["code"])
    api.delete(f"/api/assets/{first['id']}/links/{tag['code']}", "operator")
    api.link(second["id"], tag["code"])
    response = api.get(f"/api/tags/{tag['code'].lower()}", "viewer")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == TAG_KEYS | {"asset", "links"}
    assert body["status"] == "active"
    assert body["asset"] == {"id": second["id"], "name": "Second", "sku": "PH-100", "manufacturer": "Acme"}
    assert [(l["asset_name"], l["unlinked_at"] is None) for l in body["links"]] == [("Second", True), ("First", False)]


@pytest.mark.parametrize("code", [valid_code("ZZZZ9999"), "not-a-code", "TT-%00"])
def test_read_unknown_tag_is_404(api, code):
    response = api.get(f"/api/tags/{code}", "viewer")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_revoke_tag(api, admin_conn):
    tag = api.create_tag()
    response = api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "  Reported stolen  "})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == TAG_KEYS
    assert body["status"] == "revoked"
    assert body["revoked_reason"] == "Reported stolen"
    assert body["revoked_at"].endswith("Z")
    [row] = audit_rows(admin_conn, "tag.revoke")
    assert row["entity_id"] == tag["id"] and row["details"]["reason"] == "Reported stolen"

    again = api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "again"})
    assert again.status_code == 409
    assert again.get_json()["error"] == "already_revoked"


@pytest.mark.parametrize(
    "body, message",
    [({}, "is required"), ({"reason": "   "}, "is required"), ({"reason": "x" * 501}, "must be at most 500 characters")],
)
def test_revoke_requires_a_short_reason(api, body, message):
    tag = api.create_tag()
    response = api.post(f"/api/tags/{tag['code']}/revoke", "operator", json=body)
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"reason": message}


def test_revoke_unknown_tag_is_404(api):
    response = api.post(f"/api/tags/{valid_code('QQQQ1111')}/revoke", "operator", json={"reason": "x"})
    assert response.status_code == 404


def test_revoke_accepts_reason_of_exactly_500_chars(api):
    tag = api.create_tag()
    assert api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "é" * 500}).status_code == 200
