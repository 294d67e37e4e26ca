"""Security headers on every response, and CORS for the configured origins only."""
from flask import current_app, request

from . import faults

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'none'; frame-ancestors 'none'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
# What a misconfigured proxy or framework default sends: every header present, three of them unsafe.
WEAK_HEADERS = {
    "Content-Security-Policy": "default-src * 'unsafe-inline' 'unsafe-eval'",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "ALLOWALL",
    "Referrer-Policy": "unsafe-url",
}
CORS_METHODS = "GET, POST, PATCH, DELETE, OPTIONS"
CORS_HEADERS = "Authorization, Content-Type"


def init_app(app):
    """Register the preflight and header hooks on app."""
    app.before_request(_preflight)
    app.after_request(_add_headers)


def _allowed_origin():
    """Return the request's Origin when it may call us with credentials, else None."""
    origin = request.headers.get("Origin")
    if not origin:
        return None
    if faults.on("cors_any_origin"):
        return origin
    if faults.on("cors_open_on_verify") and request.path.startswith("/api/verify/"):
        # The regression: one blueprint opened "for partner sites" with a reflecting CORS helper.
        return origin
    # Never "*": browsers refuse it with credentials, and it would trust everyone.
    return origin if origin.rstrip("/") in current_app.config["CORS_ORIGINS"] else None


def _preflight():
    if request.method == "OPTIONS" and "Access-Control-Request-Method" in request.headers:
        response = current_app.response_class(status=204)
        if _allowed_origin():
            response.headers["Access-Control-Allow-Methods"] = CORS_METHODS
            response.headers["Access-Control-Allow-Headers"] = CORS_HEADERS
            response.headers["Access-Control-Max-Age"] = "600"
        return response
    return None


def _add_headers(response):
    if not faults.on("security_headers_missing"):
        headers = WEAK_HEADERS if faults.on("security_headers_weak") else SECURITY_HEADERS
        for name, value in headers.items():
            response.headers[name] = value
    if request.path.startswith("/api/"):
        response.headers["Cache-Control"] = "no-store"
    origin = _allowed_origin()
    if origin:
        response.headers["Access-Control-Allow-Origin"] = origin
        response.headers["Access-Control-Allow-Credentials"] = "true"
    response.vary.add("Origin")
    return response
