"""Check request input and collect one message per bad field."""
import json
import math
import re
import unicodedata
from datetime import date, datetime, timezone

from flask import request

from .errors import ValidationError

EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
DATE_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
METADATA_MAX_BYTES = 8 * 1024


def json_body():
    """Return the request's JSON object body, or raise a 400."""
    try:
        data = request.get_json(force=True, silent=True)
    except RecursionError:  # absurdly nested JSON
        data = None
    if not isinstance(data, dict):
        raise ValidationError({"body": "must be a JSON object"}, "The request body must be a JSON object.")
    return data


def bad_text(value):
    """Return why value cannot be stored as text, or None when it can."""
    for char in value:
        category = unicodedata.category(char)
        if category == "Cc":
            return "must not contain control characters"
        if category == "Cs":
            return "must be valid Unicode text"
    return None


class Fields:
    """Read fields from a mapping, remembering a message for each bad one."""

    def __init__(self, data):
        self.data = data
        self.errors = {}

    def present(self, name):
        """Return True when the client sent name at all."""
        return name in self.data

    def fail(self, name, message):
        """Record message for name unless an earlier one is already there."""
        self.errors.setdefault(name, message)

    def string(self, name, required=False, max_len=None, min_len=1):
        """Return the trimmed string, None when absent/empty and optional."""
        value = self.data.get(name)
        if value is None:
            if required:
                self.fail(name, "is required")
            return None
        if not isinstance(value, str):
            self.fail(name, "must be a string")
            return None
        value = value.strip()
        if value == "":
            if required:
                self.fail(name, "is required")
            return None
        problem = bad_text(value)
        if problem:
            self.fail(name, problem)
            return None
        if len(value) < min_len:
            self.fail(name, f"must be at least {min_len} characters")
            return None
        if max_len is not None and len(value) > max_len:
            self.fail(name, f"must be at most {max_len} characters")
            return None
        return value

    def email(self, name, required=True):
        """Return the lower-cased email address."""
        value = self.string(name, required=required, max_len=254)
        if value is not None and not EMAIL_RE.match(value):
            self.fail(name, "must be a valid email address")
            return None
        return value.lower() if value else value

    def choice(self, name, choices, required=True):
        """Return a value that is one of choices."""
        value = self.string(name, required=required)
        if value is not None and value not in choices:
            self.fail(name, f"must be one of {', '.join(choices)}")
            return None
        return value

    def past_date(self, name):
        """Return an ISO date (YYYY-MM-DD) that is not in the future."""
        value = self.string(name, max_len=10)
        if value is None:
            return None
        try:
            if not DATE_RE.match(value):
                raise ValueError
            parsed = date.fromisoformat(value)
        except ValueError:
            self.fail(name, "must be a date formatted YYYY-MM-DD")
            return None
        if parsed > datetime.now(timezone.utc).date():
            self.fail(name, "must not be in the future")
            return None
        return parsed

    def metadata(self, name="metadata"):
        """Return a JSON object of at most 8 KB ({} when absent)."""
        value = self.data.get(name)
        if value is None:
            return {}
        if not isinstance(value, dict):
            self.fail(name, "must be a JSON object")
            return None
        encoded = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
        if len(encoded.encode("utf-8", "surrogatepass")) > METADATA_MAX_BYTES:
            self.fail(name, "must be at most 8 KB when encoded as JSON")
            return None
        # PostgreSQL's jsonb cannot hold NUL characters or lone surrogates.
        if not _storable(value):
            self.fail(name, "must not contain NUL characters or invalid Unicode")
            return None
        return value

    def check(self):
        """Raise a ValidationError when any field was bad."""
        if self.errors:
            raise ValidationError(self.errors)


def _storable(value):
    """Return False when value holds text PostgreSQL's jsonb cannot store."""
    if isinstance(value, str):
        return "\x00" not in value and not any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return all(_storable(k) and _storable(v) for k, v in value.items())
    if isinstance(value, list):
        return all(_storable(v) for v in value)
    if isinstance(value, float):
        return math.isfinite(value)  # NaN and Infinity are not JSON
    return True
