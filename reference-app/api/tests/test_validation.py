"""Hostile and unusual input: unicode, length, control characters, injection, bad JSON."""
import json

import pytest

NAME_CASES = [
    ("Überprüfung 測試 🚀 ✓", 201, None),
    ("ناقل الحركة", 201, None),
    ("x" * 200, 201, None),
    ("x" * 201, 400, "must be at most 200 characters"),
    ("🚀" * 200, 201, None),  # length counts characters, not bytes
    ("line\nbreak", 400, "must not contain control characters"),
    ("tab\there", 400, "must not contain control characters"),
    ("nul\u0000byte", 400, "must not contain control characters"),
    ("bell\u0007", 400, "must not contain control characters"),
    ("\ud800lone surrogate", 400, "must be valid Unicode text"),
    ("   ", 400, "is required"),
    ("Robert'); DROP TABLE assets;--", 201, None),
    ("' OR '1'='1", 201, None),
    ("<script>alert(1)</script>", 201, None),
]


@pytest.mark.parametrize("name, status, message", NAME_CASES)
def test_asset_name_input(api, name, status, message):
    # json.dumps escapes non-ASCII, so even a lone surrogate travels as valid JSON text.
    body = json.dumps({"name": name, "sku": "S-1", "manufacturer": "M"})
    response = api.post("/api/assets", "operator", data=body, content_type="application/json")
    assert response.status_code == status, response.get_json()
    if message:
        assert response.get_json()["fields"] == {"name": message}
    else:
        assert response.get_json()["name"] == name.strip()
        assert api.get("/api/assets", "viewer").get_json()["items"][0]["name"] == name.strip()


def test_injection_looking_search_is_data(api):
    api.create_asset(name="Plain")
    for q in ("' OR 1=1 --", "%", "_", "\\", "'; DROP TABLE assets; --"):
        response = api.get("/api/assets", "viewer", query_string={"q": q})
        assert response.status_code == 200
        assert response.get_json()["total"] == 0
    assert api.get("/api/assets", "viewer").get_json()["total"] == 1


def test_control_characters_in_query_are_400(api):
    response = api.get("/api/assets", "viewer", query_string={"q": "a\u0000b"})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"q": "must not contain control characters"}


@pytest.mark.parametrize(
    "metadata, ok",
    [({"nested": {"list": [1, 2.5, None, True]}, "ключ": "значение"}, True),
     ({"nul": "a\u0000b"}, False),
     ({"x": "y" * 8100}, True),
     ({"x": "y" * 8200}, False)],
)
def test_metadata(api, metadata, ok):
    response = api.post("/api/tags", "operator", json={"fingerprint": "c" * 64, "metadata": metadata})
    assert response.status_code == (201 if ok else 400)
    if ok:
        assert response.get_json()["metadata"] == metadata


def test_nan_in_metadata_is_rejected(api):
    response = api.post("/api/tags", "operator", data='{"fingerprint": "' + "d" * 64 + '", "metadata": {"x": NaN}}',
                        content_type="application/json")
    assert response.status_code == 400
    assert "metadata" in response.get_json()["fields"]


@pytest.mark.parametrize("data", ["{not json", "[1, 2]", "\"text\"", "", "[" * 100000])
def test_body_must_be_a_json_object(api, data):
    response = api.post("/api/assets", "operator", data=data, content_type="application/json")
    assert response.status_code == 400
    assert response.get_json() == {"error": "validation_error", "message": "The request body must be a JSON object.",
                                   "fields": {"body": "must be a JSON object"}}


def test_wrong_types_are_reported_per_field(api):
    response = api.post("/api/assets", "operator", json={"name": 1, "sku": ["a"], "manufacturer": {"b": 1}})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"name": "must be a string", "sku": "must be a string",
                                             "manufacturer": "must be a string"}
