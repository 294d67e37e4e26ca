"""Tag codes: Luhn mod-32 check character over Crockford base32."""
import pytest

from api import tagcode


@pytest.mark.parametrize(
    "code",
    ["TT-0000-0000-0", "TT-0000-0001-Y", "TT-0000-000Z-1", "TT-0000-0010-Z", "tt-0000-0001-y", " TT-0000-0001-Y "],
)
def test_valid_codes(code):
    assert tagcode.is_valid(code)


@pytest.mark.parametrize(
    "code, problem",
    [
        ("TT-0000-0001-X", "has an invalid check character"),
        ("TT-0000-0001", "must look like"),
        ("TX-0000-0001-Y", "must look like"),
        ("TT-0000-000I-0", "must look like"),  # I, L, O and U are not in the alphabet
        ("TT-00000001-Y", "must look like"),
        ("TT-0000-0001-Y\n", None),  # trimmed first
        ("TT-0000-0001-YY", "must look like"),
    ],
)
def test_invalid_codes(code, problem):
    found = tagcode.problem(tagcode.normalise(code))
    assert (found is None) if problem is None else found.startswith(problem)


def test_check_character_catches_every_single_substitution():
    code = tagcode.generate()
    payload = code[3:7] + code[8:12]
    for i in range(8):
        for symbol in tagcode.ALPHABET:
            if symbol != payload[i]:
                changed = payload[:i] + symbol + payload[i + 1:]
                assert tagcode.check_char(changed) != code[-1]


def test_check_character_catches_adjacent_swaps():
    payload = "7K3M9QXZ"
    check = tagcode.check_char(payload)
    for i in range(7):
        swapped = payload[:i] + payload[i + 1] + payload[i] + payload[i + 2:]
        if swapped != payload:
            assert tagcode.check_char(swapped) != check


def test_generated_codes_are_valid_and_distinct():
    codes = {tagcode.generate() for _ in range(500)}
    assert len(codes) == 500
    assert all(tagcode.is_valid(c) for c in codes)
