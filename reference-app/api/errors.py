"""Turn every error into the JSON error body; never leak a stack trace."""
import traceback

from flask import Response, jsonify
from werkzeug.exceptions import HTTPException

from . import faults

# Codes the contract names for plain HTTP errors raised by Flask/Werkzeug itself.
HTTP_CODES = {
    400: "validation_error",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    500: "internal_error",
}

MESSAGES = {
    400: "The request is invalid.",
    401: "Sign in to continue.",
    403: "Your role does not allow this action.",
    404: "Nothing was found at this address.",
    405: "This method is not allowed here.",
    500: "An unexpected error occurred. It has been logged.",
}


class ApiError(Exception):
    """An error with a status, a stable code and a human sentence."""

    def __init__(self, status, code, message, fields=None):
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


class ValidationError(ApiError):
    """A 400 carrying one message per bad field."""

    def __init__(self, fields, message="Some fields are invalid."):
        super().__init__(400, "validation_error", message, fields)


def not_found(message="Nothing was found at this address."):
    """Return a 404 ApiError."""
    return ApiError(404, "not_found", message)


def error_response(status, code, message, fields=None):
    """Return the JSON error body with status."""
    body = {"error": code, "message": message}
    if status == 400:
        body["fields"] = fields or {}
    response = jsonify(body)
    response.status_code = status
    return response


def register(app):
    """Install the JSON error handlers on app."""

    @app.errorhandler(ApiError)
    def handle_api_error(exc):
        response = error_response(exc.status, exc.code, exc.message, exc.fields)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.errorhandler(HTTPException)
    def handle_http_error(exc):
        status = exc.code or 500
        code = HTTP_CODES.get(status) or (exc.name or "error").lower().replace(" ", "_")
        message = MESSAGES.get(status) or exc.description or exc.name
        response = error_response(status, code, message)
        if status == 405 and exc.valid_methods:
            response.headers["Allow"] = ", ".join(exc.valid_methods)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(exc):
        app.logger.exception("unhandled error")
        if faults.on("debug_errors"):
            # The regression: a debug-style page straight to the client.
            return Response(traceback.format_exc(), status=500, mimetype="text/plain")
        return error_response(500, "internal_error", MESSAGES[500])
