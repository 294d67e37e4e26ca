"""Linking tags to assets and unlinking them."""
from api.tests.helpers import audit_rows, valid_code

LINK_KEYS = {"id", "tag_id", "tag_code", "asset_id", "asset_name", "linked_at", "linked_by", "unlinked_at",
             "unlinked_by"}


def test_link_makes_the_tag_active(api, admin_conn):
    asset = api.create_asset()
    tag = api.create_tag()
    response = api.link(asset["id"], tag["code"].lower())
    assert response.status_code == 201
    link = response.get_json()
    assert set(link) == LINK_KEYS
    assert (link["tag_code"], link["asset_id"], link["linked_by"], link["unlinked_at"]) == (
        tag["code"], asset["id"], 2, None)
    assert api.get(f"/api/tags/{tag['code']}", "viewer").get_json()["status"] == "active"
    [row] = audit_rows(admin_conn, "link.create")
    assert row["entity_type"] == "link" and row["entity_id"] == link["id"]
    assert row["details"] == {"tag_id": tag["id"], "tag_code": tag["code"], "asset_id": asset["id"]}


def test_link_an_already_linked_tag_is_409(api):
    first, second = api.create_asset(), api.create_asset(name="Other")
    tag = api.create_tag()
    api.link(first["id"], tag["code"])
    for asset in (first, second):
        response = api.link(asset["id"], tag["code"])
        assert response.status_code == 409
        assert response.get_json()["error"] == "already_linked"
    assert api.get(f"/api/tags/{tag['code']}", "viewer").get_json()["asset"]["id"] == first["id"]


def test_link_a_revoked_tag_is_409(api):
    asset = api.create_asset()
    tag = api.create_tag()
    api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "fake"})
    response = api.link(asset["id"], tag["code"])
    assert response.status_code == 409
    assert response.get_json()["error"] == "tag_revoked"


def test_link_unknown_tag_or_asset_is_404(api):
    asset = api.create_asset()
    tag = api.create_tag()
    assert api.link(asset["id"], valid_code("NNPE0000")).status_code == 404
    assert api.link(9999, tag["code"]).status_code == 404


def test_link_validates_tag_code(api):
    asset = api.create_asset()
    for body, message in (({}, "is required"), ({"tag_code": "hello"}, "must look like TT-XXXX-XXXX-C using 0-9 "
                                                                         "and A-Z without I, L, O, U")):
        response = api.post(f"/api/assets/{asset['id']}/links", "operator", json=body)
        assert response.status_code == 400
        assert response.get_json()["fields"] == {"tag_code": message}


def test_unlink_closes_the_link(api, admin_conn):
    asset = api.create_asset()
    tag = api.create_tag()
    link = api.link(asset["id"], tag["code"]).get_json()
    response = api.delete(f"/api/assets/{asset['id']}/links/{tag['code']}", "operator")
    assert response.status_code == 200
    closed = response.get_json()
    assert closed["id"] == link["id"] and closed["unlinked_at"] is not None and closed["unlinked_by"] == 2
    detail = api.get(f"/api/tags/{tag['code']}", "viewer").get_json()
    assert (detail["status"], detail["asset"], len(detail["links"])) == ("unassigned", None, 1)
    assert api.get(f"/api/assets/{asset['id']}", "viewer").get_json()["tags"] == []
    [row] = audit_rows(admin_conn, "link.delete")
    assert row["entity_id"] == link["id"]
    # and it can be linked again
    assert api.link(asset["id"], tag["code"]).status_code == 201


def test_unlink_when_not_linked_to_that_asset_is_404(api):
    first, second = api.create_asset(), api.create_asset(name="Other")
    tag = api.create_tag()
    api.link(first["id"], tag["code"])
    for path in (f"/api/assets/{second['id']}/links/{tag['code']}", f"/api/assets/{first['id']}/links/garbage",
                 f"/api/assets/{first['id']}/links/{valid_code('ZZZZ0000')}"):
        response = api.delete(path, "operator")
        assert response.status_code == 404
        assert response.get_json()["error"] == "not_found"


def test_unlinking_a_revoked_tag_keeps_it_revoked(api):
    asset = api.create_asset()
    tag = api.create_tag()
    api.link(asset["id"], tag["code"])
    api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "stolen"})
    assert api.delete(f"/api/assets/{asset['id']}/links/{tag['code']}", "operator").status_code == 200
    assert api.get(f"/api/tags/{tag['code']}", "viewer").get_json()["status"] == "revoked"
