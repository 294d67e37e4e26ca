"""Sign-in, tokens and /me."""
from datetime import datetime

import pytest
from werkzeug.security import generate_password_hash

from api.tests.helpers import USERS, Api, audit_rows


@pytest.mark.parametrize("role", ["admin", "operator", "viewer"])
def test_login_returns_token_and_user(api, admin_conn, role):
    email, _, name = USERS[role]
    response = api.login(role)
    assert response.status_code == 200
    body = response.get_json()
    assert set(body) == {"token", "expires_at", "user"}
    assert body["user"] == {"id": body["user"]["id"], "email": email, "name": name, "role": role}
    assert datetime.fromisoformat(body["expires_at"].replace("Z", "+00:00")) > datetime.now().astimezone()
    assert audit_rows(admin_conn, "auth.login")[-1]["entity_id"] == body["user"]["id"]


def test_login_is_case_insensitive_on_email(client):
    email, password, _ = USERS["operator"]
    response = client.post("/api/auth/login", json={"email": f"  {email.upper()} ", "password": password})
    assert response.status_code == 200


@pytest.mark.parametrize(
    "email, password",
    [("operator@tagtrust.test", "wrong-password-123"), ("nobody@tagtrust.test", "operator-password-123")],
)
def test_login_rejects_bad_credentials(client, admin_conn, email, password):
    response = client.post("/api/auth/login", json={"email": email, "password": password})
    assert response.status_code == 401
    assert response.get_json() == {"error": "unauthorized", "message": "Invalid email or password."}
    assert audit_rows(admin_conn, "auth.login") == []


def test_login_rejects_inactive_user(api, admin_conn):
    with admin_conn.cursor() as cur:
        cur.execute("UPDATE users SET active = false WHERE role = 'operator'")
    assert api.login("operator").status_code == 401


def test_login_requires_email_and_password(client):
    response = client.post("/api/auth/login", json={})
    assert response.status_code == 400
    assert response.get_json()["fields"] == {"email": "is required", "password": "is required"}


def test_login_accepts_werkzeug_hashes_with_any_iteration_count(client, admin_conn):
    with admin_conn.cursor() as cur:
        cur.execute(
            "INSERT INTO users (email, name, role, password_hash) VALUES ('seeded@tagtrust.test', 'Seeded', 'viewer', %s)",
            (generate_password_hash("seeded-password-1", method="pbkdf2:sha256:600000"),),
        )
    response = client.post("/api/auth/login", json={"email": "seeded@tagtrust.test", "password": "seeded-password-1"})
    assert response.status_code == 200


def test_me_returns_the_user(api):
    response = api.get("/api/auth/me", "viewer")
    assert response.status_code == 200
    assert response.get_json() == {"id": 3, "email": USERS["viewer"][0], "name": USERS["viewer"][2], "role": "viewer"}


@pytest.mark.parametrize(
    "header",
    [None, "Bearer", "Bearer not-a-token", "Basic dXNlcjpwYXNz", "Token abc"],
)
def test_me_rejects_missing_or_invalid_tokens(client, header):
    response = client.get("/api/auth/me", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_token_signed_with_another_key_is_rejected(make_app, api):
    other = Api(make_app(SECRET_KEY="another-key").test_client())
    token = other.login("viewer").get_json()["token"]
    response = api.get("/api/auth/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_tokens_expire(make_app):
    now = [1_700_000_000.0]
    client = make_app(TOKEN_TTL_SECONDS=60, CLOCK=lambda: now[0]).test_client()
    login = Api(client).login("viewer").get_json()
    assert login["expires_at"] == "2023-11-14T22:14:20Z"
    headers = {"Authorization": f"Bearer {login['token']}"}
    now[0] += 59
    assert client.get("/api/auth/me", headers=headers).status_code == 200
    now[0] += 1
    response = client.get("/api/auth/me", headers=headers)
    assert response.status_code == 401
    assert "expired" in response.get_json()["message"]


def test_token_of_a_deactivated_user_stops_working(api, admin_conn):
    assert api.get("/api/auth/me", "operator").status_code == 200
    with admin_conn.cursor() as cur:
        cur.execute("UPDATE users SET active = false WHERE role = 'operator'")
    assert api.get("/api/auth/me", "operator").status_code == 401


def test_a_shorter_lifetime_may_be_asked_for_but_never_a_longer_one(make_app):
    now = [1_700_000_000.0]
    client = make_app(TOKEN_TTL_SECONDS=60, CLOCK=lambda: now[0]).test_client()
    email, password, _ = USERS["viewer"]
    short = client.post("/api/auth/login", json={"email": email, "password": password, "expires_in": 5}).get_json()
    assert short["expires_at"] == "2023-11-14T22:13:25Z"
    longer = client.post("/api/auth/login", json={"email": email, "password": password, "expires_in": 3600}).get_json()
    assert longer["expires_at"] == "2023-11-14T22:14:20Z"  # capped at TOKEN_TTL_SECONDS
    now[0] += 5
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {short['token']}"}).status_code == 401
    assert client.get("/api/auth/me", headers={"Authorization": f"Bearer {longer['token']}"}).status_code == 200


@pytest.mark.parametrize("lifetime", [0, -1, 1.5, "60", True])
def test_a_lifetime_that_is_not_whole_seconds_is_refused(client, lifetime):
    email, password, _ = USERS["viewer"]
    response = client.post("/api/auth/login", json={"email": email, "password": password, "expires_in": lifetime})
    assert response.status_code == 400
    assert "expires_in" in response.get_json()["fields"]


def test_sign_out_ends_that_token_only(api, client, admin_conn):
    first = api.login("operator").get_json()["token"]
    second = api.login("operator").get_json()["token"]
    bearer = lambda token: {"Authorization": f"Bearer {token}"}  # noqa: E731
    assert client.post("/api/auth/logout", headers=bearer(first)).status_code == 204
    for path in ["/api/auth/me", "/api/tags", "/api/assets"]:
        response = client.get(path, headers=bearer(first))
        assert (response.status_code, "signing out" in response.get_json()["message"]) == (401, True)
    assert client.get("/api/auth/me", headers=bearer(second)).status_code == 200
    assert client.post("/api/auth/logout", headers=bearer(first)).status_code == 401
    assert audit_rows(admin_conn, "auth.logout")[-1]["entity_id"] == 2


def test_sign_out_forgets_revocations_of_expired_tokens(make_app, admin_conn):
    now = [1_700_000_000.0]
    client = make_app(TOKEN_TTL_SECONDS=60, CLOCK=lambda: now[0]).test_client()
    api = Api(client)
    for _ in range(2):
        token = api.login("viewer").get_json()["token"]
        assert client.post("/api/auth/logout", headers={"Authorization": f"Bearer {token}"}).status_code == 204
    with admin_conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM revoked_tokens")
        assert cur.fetchone()[0] == 1  # the first had expired (2023) by the database's clock
