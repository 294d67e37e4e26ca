"""Assets: create, read, update, delete."""
from datetime import date, timedelta

import pytest

from api.tests.helpers import audit_rows

ASSET_KEYS = {"id", "name", "sku", "lot", "manufacturer", "location", "manufactured_on", "metadata", "created_at",
              "updated_at"}


def test_create_asset_with_every_field(api, admin_conn):
    body = {"name": " Turbine blade ", "sku": "TB-9", "manufacturer": "Acme", "lot": "L1", "location": "Hall 2",
            "manufactured_on": "2024-02-29", "metadata": {"alloy": "Ti-6Al-4V"}, "unknown": "ignored"}
    response = api.post("/api/assets", "operator", json=body)
    assert response.status_code == 201
    asset = response.get_json()
    assert set(asset) == ASSET_KEYS
    assert asset["name"] == "Turbine blade"
    assert asset["manufactured_on"] == "2024-02-29"
    assert asset["metadata"] == {"alloy": "Ti-6Al-4V"}
    [row] = audit_rows(admin_conn, "asset.create")
    assert (row["actor_id"], row["entity_type"], row["entity_id"]) == (2, "asset", asset["id"])
    assert row["details"]["manufactured_on"] == "2024-02-29"


def test_create_asset_optional_fields_default_to_null(api):
    asset = api.create_asset(lot="", location="  ")
    assert (asset["lot"], asset["location"], asset["manufactured_on"], asset["metadata"]) == (None, None, None, {})


def test_create_asset_reports_every_bad_field(api):
    tomorrow = (date.today() + timedelta(days=2)).isoformat()
    body = {"name": "", "sku": "x" * 65, "lot": "y" * 65, "location": "z" * 201, "manufactured_on": tomorrow,
            "metadata": "no"}
    response = api.post("/api/assets", "operator", json=body)
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "validation_error",
        "message": "Some fields are invalid.",
        "fields": {
            "name": "is required",
            "sku": "must be at most 64 characters",
            "manufacturer": "is required",
            "lot": "must be at most 64 characters",
            "location": "must be at most 200 characters",
            "manufactured_on": "must not be in the future",
            "metadata": "must be a JSON object",
        },
    }


@pytest.mark.parametrize("value", ["2024-13-01", "01/02/2024", "2024-1-1", "yesterday", 20240101])
def test_manufactured_on_must_be_an_iso_date(api, value):
    response = api.post("/api/assets", "operator",
                        json={"name": "A", "sku": "B", "manufacturer": "C", "manufactured_on": value})
    assert response.status_code == 400
    assert "manufactured_on" in response.get_json()["fields"]


def test_read_asset_with_linked_tags(api):
    asset = api.create_asset()
    tag = api.create_tag()
    api.link(asset["id"], tag["code"])
    response = api.get(f"/api/assets/{asset['id']}", "viewer")
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == ASSET_KEYS | {"tags"}
    assert [t["code"] for t in body["tags"]] == [tag["code"]]
    assert body["tags"][0]["status"] == "active"


@pytest.mark.parametrize("path", ["/api/assets/999", "/api/assets/abc", "/api/assets/99999999999999999999"])
def test_read_unknown_asset_is_404(api, path):
    response = api.get(path, "viewer")
    assert response.status_code == 404
    assert response.get_json()["error"] == "not_found"


def test_update_asset(api, admin_conn):
    asset = api.create_asset(lot="L1")
    response = api.patch(f"/api/assets/{asset['id']}", "operator", json={"name": "Renamed", "lot": None})
    assert response.status_code == 200
    body = response.get_json()
    assert (body["name"], body["lot"], body["sku"]) == ("Renamed", None, asset["sku"])
    assert body["updated_at"] >= asset["updated_at"]
    [row] = audit_rows(admin_conn, "asset.update")
    assert row["details"] == {"changes": {"name": "Renamed", "lot": None}}


def test_update_asset_validates_sent_fields_only(api):
    asset = api.create_asset()
    response = api.patch(f"/api/assets/{asset['id']}", "operator", json={"name": None, "sku": "s" * 70})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"name": "is required", "sku": "must be at most 64 characters"}


def test_update_unknown_asset_is_404(api):
    assert api.patch("/api/assets/4040", "operator", json={"name": "x"}).status_code == 404


def test_delete_asset(api, admin_conn):
    asset = api.create_asset()
    response = api.delete(f"/api/assets/{asset['id']}", "admin")
    assert response.status_code == 204
    assert response.get_data() == b""
    assert api.get(f"/api/assets/{asset['id']}", "viewer").status_code == 404
    [row] = audit_rows(admin_conn, "asset.delete")
    assert (row["actor_id"], row["entity_id"]) == (1, asset["id"])


def test_delete_asset_with_a_linked_tag_is_409(api):
    asset = api.create_asset()
    tag = api.create_tag()
    api.link(asset["id"], tag["code"])
    response = api.delete(f"/api/assets/{asset['id']}", "admin")
    assert response.status_code == 409
    assert response.get_json()["error"] == "asset_has_links"
    # Once unlinked (history only), it can go.
    api.delete(f"/api/assets/{asset['id']}/links/{tag['code']}", "operator")
    assert api.delete(f"/api/assets/{asset['id']}", "admin").status_code == 204


def test_delete_unknown_asset_is_404(api):
    assert api.delete("/api/assets/77", "admin").status_code == 404
