"""Error bodies, security headers and CORS."""
import pytest

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}


@pytest.fixture
def boom_app(make_app):
    """An app with one extra route that fails like a bug would."""
    app = make_app()

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internals at /srv/app.py line 12")

    return app


def assert_security_headers(response):
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name


@pytest.mark.parametrize("path, status", [("/healthz", 200), ("/api/version", 200), ("/nope", 404),
                                          ("/api/tags/x/y/z", 404), ("/api/boom", 500)])
def test_security_headers_on_every_response(boom_app, path, status):
    response = boom_app.test_client().get(path)
    assert response.status_code == status
    assert_security_headers(response)
    if path.startswith("/api/"):
        assert response.headers["Cache-Control"] == "no-store"


def test_500_is_json_without_a_trace(boom_app, caplog):
    response = boom_app.test_client().get("/api/boom")
    assert response.status_code == 500
    assert response.get_json() == {"error": "internal_error",
                                   "message": "An unexpected error occurred. It has been logged."}
    text = response.get_data(as_text=True)
    assert "Traceback" not in text and "secret internals" not in text
    assert "secret internals" in caplog.text  # the trace goes to the server log instead


def test_404_and_405_are_json(client):
    response = client.get("/no/such/page")
    assert (response.status_code, response.get_json()["error"]) == (404, "not_found")
    response = client.delete("/api/version")
    assert (response.status_code, response.get_json()["error"]) == (405, "method_not_allowed")
    assert "GET" in response.headers["Allow"]


def test_cors_allows_configured_origin_only(api):
    allowed = api.get("/api/version", headers={"Origin": "http://localhost:5173"})
    assert allowed.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert allowed.headers["Access-Control-Allow-Credentials"] == "true"
    other = api.get("/api/version", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other.headers
    assert "Access-Control-Allow-Credentials" not in other.headers


def test_cors_preflight(api):
    headers = {"Origin": "http://localhost:5173", "Access-Control-Request-Method": "POST",
               "Access-Control-Request-Headers": "authorization, content-type"}
    response = api.client.options("/api/tags", headers=headers)
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "http://localhost:5173"
    assert "Authorization" in response.headers["Access-Control-Allow-Headers"]
    evil = api.client.options("/api/tags", headers={**headers, "Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in evil.headers


def test_no_cors_origins_by_default(make_app):
    client = make_app(CORS_ORIGINS="").test_client()
    response = client.get("/api/version", headers={"Origin": "http://localhost:5173"})
    assert "Access-Control-Allow-Origin" not in response.headers
