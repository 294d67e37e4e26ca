"""Public verification and its recorded history."""
import pytest

from api.tests.helpers import valid_code


def verification_rows(admin_conn):
    with admin_conn.cursor() as cur:
        cur.execute("SELECT code, tag_id, result, location, user_agent FROM verifications ORDER BY id")
        return cur.fetchall()


def test_genuine_tag_with_asset(api, admin_conn):
    asset = api.create_asset(name="Valve", manufacturer="Acme")
    tag = api.create_tag()
    api.link(asset["id"], tag["code"])
    response = api.get(f"/api/verify/{tag['code'].lower()}?location=Rotterdam",
                       headers={"User-Agent": "scanner/1.0"})
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"result", "code", "tag", "asset"}
    assert (body["result"], body["code"]) == ("genuine", tag["code"])
    assert body["tag"]["id"] == tag["id"]
    assert body["asset"] == {"id": asset["id"], "name": "Valve", "sku": "PH-100", "manufacturer": "Acme"}
    assert verification_rows(admin_conn) == [(tag["code"], tag["id"], "genuine", "Rotterdam", "scanner/1.0")]


def test_genuine_unassigned_tag_has_no_asset(api):
    tag = api.create_tag()
    body = api.get(f"/api/verify/{tag['code']}").get_json()
    assert (body["result"], body["asset"]) == ("genuine", None)


def test_revoked_tag(api, admin_conn):
    tag = api.create_tag()
    revoked = api.post(f"/api/tags/{tag['code']}/revoke", "operator", json={"reason": "Counterfeit batch"}).get_json()
    body = api.get(f"/api/verify/{tag['code']}").get_json()
    assert set(body) == {"result", "code", "tag", "asset", "revoked_at", "reason"}
    assert (body["result"], body["revoked_at"], body["reason"]) == ("revoked", revoked["revoked_at"], "Counterfeit batch")
    assert verification_rows(admin_conn)[0][2] == "revoked"


@pytest.mark.parametrize("code", [valid_code("ABCD9999"), "tt-nope", "TT-ABCD-1234-Q'; DROP TABLE tags;--"])
def test_unknown_code_is_recorded_normalised(api, admin_conn, code):
    response = api.get(f"/api/verify/{code}")
    assert response.status_code == 200
    assert response.get_json() == {"result": "unknown", "code": code.upper()}
    assert [row[:4] for row in verification_rows(admin_conn)] == [(code.upper(), None, "unknown", None)]
    assert api.get("/api/tags", "viewer").status_code == 200  # the "injection" was only data


def test_junk_in_code_and_location_is_cleaned_not_rejected(api, admin_conn):
    response = api.get("/api/verify/" + "A" * 300 + "%00?location=" + "x" * 300 + "%01")
    assert response.status_code == 200
    [(code, _, result, location, _)] = verification_rows(admin_conn)
    assert (len(code), result, len(location)) == (64, "unknown", 200)


def test_verifications_list_filters_and_order(api):
    tag = api.create_tag()
    api.get(f"/api/verify/{tag['code']}")
    api.get(f"/api/verify/{valid_code('XXXX0000')}")
    api.get(f"/api/verify/{tag['code']}?location=Lyon")
    response = api.get("/api/verifications", "viewer")
    assert response.status_code == 200
    items = response.get_json()["items"]
    assert set(items[0]) == {"id", "code", "tag_id", "result", "location", "user_agent", "verified_at"}
    assert [i["id"] for i in items] == [3, 2, 1]
    by_code = api.get(f"/api/verifications?code={tag['code'].lower()}", "viewer").get_json()
    assert [i["location"] for i in by_code["items"]] == ["Lyon", None]
    unknown = api.get("/api/verifications?result=unknown", "viewer").get_json()
    assert unknown["total"] == 1 and unknown["items"][0]["tag_id"] is None
    assert api.get("/api/verifications?result=maybe", "viewer").status_code == 400
