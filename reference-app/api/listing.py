"""Shared list behaviour: page/per_page/sort parsing and the pagination envelope."""
from dataclasses import dataclass

from flask import request

from . import faults
from .errors import ValidationError
from .validation import bad_text

MAX_PER_PAGE = 100
DEFAULT_PER_PAGE = 20


@dataclass(frozen=True)
class ListArgs:
    page: int
    per_page: int
    order_by: str  # trusted SQL built from an allow-list, never from raw input


def _positive_int(name, default, maximum=None):
    raw = request.args.get(name)
    if raw is None:
        return default, None
    if faults.on("debug_errors"):
        # The regression: validation removed, so "abc" blows up in int().
        return int(raw), None
    raw = raw.strip()
    if not raw.isascii() or not raw.isdigit() or int(raw) < 1:
        return None, "must be a whole number of at least 1"
    value = int(raw)
    if maximum is not None and value > maximum:
        return None, f"must be at most {maximum}"
    return value, None


def list_args(sorts, default_sort, tiebreak="id"):
    """Return validated ListArgs; sorts maps an allowed field to its SQL column."""
    errors = {}
    page, problem = _positive_int("page", 1)
    if problem:
        errors["page"] = problem
    per_page, problem = _positive_int("per_page", DEFAULT_PER_PAGE, MAX_PER_PAGE)
    if problem:
        errors["per_page"] = problem
    sort = request.args.get("sort", "").strip() or default_sort
    field = sort[1:] if sort.startswith("-") else sort
    if field not in sorts:
        errors["sort"] = f"must be one of {', '.join(sorts)} (prefix - for descending)"
    if errors:
        raise ValidationError(errors, "Some query parameters are invalid.")
    direction = "DESC" if sort.startswith("-") else "ASC"
    # The id tie-break keeps pages stable when many rows share a sort value.
    order_by = f"{sorts[field]} {direction}, {tiebreak} {direction}"
    return ListArgs(page, per_page, order_by)


def text_arg(name, max_len=200):
    """Return a trimmed optional query parameter (None when absent or empty)."""
    value = request.args.get(name, "").strip()
    if not value:
        return None
    problem = bad_text(value)
    if problem:
        raise ValidationError({name: problem}, "Some query parameters are invalid.")
    if len(value) > max_len:
        raise ValidationError({name: f"must be at most {max_len} characters"}, "Some query parameters are invalid.")
    return value


def choice_arg(name, choices):
    """Return an optional query parameter that must be one of choices."""
    value = text_arg(name)
    if value is not None and value not in choices:
        raise ValidationError({name: f"must be one of {', '.join(choices)}"}, "Some query parameters are invalid.")
    return value


def like_pattern(text):
    """Return a LIKE pattern matching text anywhere, with wildcards escaped."""
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def paginate(cur, select_sql, where_sql, params, args, drop_last_page=False):
    """Run the count and page queries and return the pagination envelope."""
    cur.execute(f"SELECT count(*) AS n FROM ({select_sql} {where_sql}) AS matching", params)
    total = cur.fetchone()["n"]
    if drop_last_page:
        # The regression: an off-by-one "ceil" that is really floor(total - 1).
        pages = max((total - 1) // args.per_page, 0)
    else:
        pages = -(-total // args.per_page)
    items = []
    if args.page <= pages:
        offset = (args.page - 1) * args.per_page
        cur.execute(
            f"{select_sql} {where_sql} ORDER BY {args.order_by} LIMIT %s OFFSET %s",
            list(params) + [args.per_page, offset],
        )
        items = [dict(row) for row in cur.fetchall()]
    return {"items": items, "page": args.page, "per_page": args.per_page, "total": total, "pages": pages}
