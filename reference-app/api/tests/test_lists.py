"""Pagination, sorting and filters shared by every list endpoint."""
import pytest

from api.tests.helpers import valid_code

PAYLOADS = ["AAAA0001", "BBBB0002", "CCCC0003", "DDDD0004", "EEEE0005"]


@pytest.fixture
def five_tags(api):
    """Create five tags in order; the third is revoked, the fourth linked."""
    tags = [api.create_tag(code=valid_code(p)) for p in PAYLOADS]
    api.post(f"/api/tags/{tags[2]['code']}/revoke", "operator", json={"reason": "damaged"})
    asset = api.create_asset()
    api.link(asset["id"], tags[3]["code"])
    return [t["code"] for t in tags]


def codes(response):
    return [item["code"] for item in response.get_json()["items"]]


def test_default_is_newest_first_with_envelope(api, five_tags):
    response = api.get("/api/tags", "viewer")
    body = response.get_json()
    assert {k: body[k] for k in ("page", "per_page", "total", "pages")} == {
        "page": 1, "per_page": 20, "total": 5, "pages": 1,
    }
    assert codes(response) == list(reversed(five_tags))


@pytest.mark.parametrize(
    "page, expected",
    [(1, [0, 1]), (2, [2, 3]), (3, [4]), (4, [])],
    ids=["first", "middle", "last", "past-end"],
)
def test_page_boundaries(api, five_tags, page, expected):
    response = api.get(f"/api/tags?sort=code&per_page=2&page={page}", "viewer")
    assert response.status_code == 200
    body = response.get_json()
    assert (body["page"], body["per_page"], body["total"], body["pages"]) == (page, 2, 5, 3)
    assert codes(response) == [five_tags[i] for i in expected]


def test_per_page_bounds(api, five_tags):
    assert api.get("/api/tags?per_page=1", "viewer").get_json()["pages"] == 5
    assert api.get("/api/tags?per_page=100", "viewer").get_json()["per_page"] == 100


def test_empty_list_has_zero_pages(api):
    body = api.get("/api/tags", "viewer").get_json()
    assert body == {"items": [], "page": 1, "per_page": 20, "total": 0, "pages": 0}


@pytest.mark.parametrize(
    "query, field, message",
    [
        ("page=0", "page", "must be a whole number of at least 1"),
        ("page=-1", "page", "must be a whole number of at least 1"),
        ("page=abc", "page", "must be a whole number of at least 1"),
        ("page=1.5", "page", "must be a whole number of at least 1"),
        ("per_page=0", "per_page", "must be a whole number of at least 1"),
        ("per_page=101", "per_page", "must be at most 100"),
        ("sort=fingerprint", "sort", "must be one of code, created_at, status (prefix - for descending)"),
        ("sort=--code", "sort", "must be one of code, created_at, status (prefix - for descending)"),
        ("status=lost", "status", "must be one of unassigned, active, revoked"),
    ],
)
def test_bad_list_parameters_are_400(api, query, field, message):
    response = api.get(f"/api/tags?{query}", "viewer")
    assert response.status_code == 400
    body = response.get_json()
    assert body["error"] == "validation_error"
    assert body["fields"] == {field: message}


@pytest.mark.parametrize("path", ["/api/assets", "/api/verifications", "/api/audit", "/api/users"])
def test_every_list_rejects_bad_paging(api, path):
    response = api.get(f"{path}?page=x&per_page=1000", "admin")
    assert response.status_code == 400
    assert set(response.get_json()["fields"]) == {"page", "per_page"}


def test_huge_page_is_just_past_the_end(api, five_tags):
    response = api.get("/api/tags?page=99999999999999999999999", "viewer")
    assert response.status_code == 200
    assert response.get_json()["items"] == []


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("code", [0, 1, 2, 3, 4]),
        ("-code", [4, 3, 2, 1, 0]),
        ("created_at", [0, 1, 2, 3, 4]),
        ("status", [3, 2, 0, 1, 4]),  # active < revoked < unassigned, ties by id
    ],
)
def test_tag_sorting(api, five_tags, sort, expected):
    assert codes(api.get(f"/api/tags?sort={sort}", "viewer")) == [five_tags[i] for i in expected]


@pytest.mark.parametrize("status, expected", [("revoked", [2]), ("active", [3]), ("unassigned", [4, 1, 0])])
def test_tag_status_filter(api, five_tags, status, expected):
    response = api.get(f"/api/tags?status={status}", "viewer")
    assert codes(response) == [five_tags[i] for i in expected]
    assert response.get_json()["total"] == len(expected)


def test_tag_search_is_a_case_insensitive_substring(api, five_tags):
    assert codes(api.get("/api/tags?q=cccc", "viewer")) == [five_tags[2]]
    assert codes(api.get("/api/tags?q=0004", "viewer")) == [five_tags[3]]
    assert codes(api.get("/api/tags?q=%25", "viewer")) == []  # % is data, not a wildcard


def test_asset_search_sort_and_filter(api):
    api.create_asset(name="Boiler", sku="B-1", manufacturer="Zeta", lot="L-77")
    api.create_asset(name="Anchor", sku="A-9", manufacturer="Acme")
    api.create_asset(name="Crane", sku="C-5", manufacturer="Mid")

    def names(query):
        return [a["name"] for a in api.get(f"/api/assets?{query}", "viewer").get_json()["items"]]

    assert names("") == ["Crane", "Anchor", "Boiler"]
    assert names("sort=name") == ["Anchor", "Boiler", "Crane"]
    assert names("sort=-manufacturer") == ["Boiler", "Crane", "Anchor"]
    assert names("sort=sku") == ["Anchor", "Boiler", "Crane"]
    assert names("q=l-77") == ["Boiler"]
    assert names("q=ACME") == ["Anchor"]
    assert names("q=c-5") == ["Crane"]
    assert api.get("/api/assets?sort=lot", "viewer").status_code == 400
