"""Generate and check tag codes: TT-XXXX-XXXX-C with a Luhn mod-32 check character."""
import re
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"  # Crockford base32: no I, L, O, U
N = len(ALPHABET)
_SYMBOL = f"[{ALPHABET}]"
SHAPE_RE = re.compile(rf"^TT-({_SYMBOL}{{4}})-({_SYMBOL}{{4}})-({_SYMBOL})$")


def normalise(raw):
    """Return raw trimmed and upper-cased (codes are case-insensitive)."""
    return str(raw).strip().upper()


def check_char(payload):
    """Return the Luhn mod-32 check character for the eight payload characters."""
    total = 0
    factor = 2  # doubled from the rightmost character leftwards
    for char in reversed(payload):
        addend = factor * ALPHABET.index(char)
        total += addend // N + addend % N
        factor = 1 if factor == 2 else 2
    return ALPHABET[(N - total % N) % N]


def has_shape(code):
    """Return True when code looks like TT-XXXX-XXXX-C (check character not verified)."""
    return SHAPE_RE.fullmatch(code) is not None


def problem(code):
    """Return why the normalised code is invalid, or None when it is valid."""
    match = SHAPE_RE.fullmatch(code)
    if not match:
        return "must look like TT-XXXX-XXXX-C using 0-9 and A-Z without I, L, O, U"
    first, second, check = match.groups()
    if check_char(first + second) != check:
        return "has an invalid check character"
    return None


def is_valid(code):
    """Return True when code (any case) is a well-formed code with a correct check character."""
    return problem(normalise(code)) is None


def generate():
    """Return a new random, valid tag code."""
    payload = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"TT-{payload[:4]}-{payload[4:]}-{check_char(payload)}"
