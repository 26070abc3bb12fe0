"""统一社会信用代码 check character (GB 32100-2015)."""

import pytest

from generator.package.uscc import check_char, is_valid, valid_codes


@pytest.mark.parametrize("code", ["91350100M000100Y43", "91110000600037341L",
                                  "91411700MA40000A1C"])
def test_known_good_codes(code):
    assert is_valid(code)


@pytest.mark.parametrize("code", [
    "91350100M000100Y44",  # wrong check character
    "91110000600037341M",  # wrong check character
    "91350100M000100Y4",  # 17 characters
    "91350100M000100I43",  # I is not in the character set
    "91350100m000100y43",  # lower case
])
def test_known_bad_codes(code):
    assert not is_valid(code)


def test_check_char_of_a_published_code():
    assert check_char("91350100M000100Y4") == "3"


def test_all_codes_at_once_agree_with_one_at_a_time():
    codes = ["91350100M000100Y43", "91350100M000100Y44", "91350100M000100Y4",
             "91350100M000100I43", "91350100m000100y43", "", "91350100M000100Y43X",
             "9135０100M000100Y43", "91411700MA40000A1C", "91110000600037341L"]
    assert valid_codes(codes).tolist() == [is_valid(c) for c in codes] == [
        True, False, False, False, False, False, False, False, True, True]
    assert valid_codes([]).tolist() == []


def test_codes_are_checked_a_chunk_at_a_time_with_the_same_answers(monkeypatch):
    from generator.package import uscc

    codes = ["91350100M000100Y43", "91350100M000100Y44", "", "91411700MA40000A1C",
             "91110000600037341L", "91350100m000100y43", "91350100M000100Y43X"] * 3
    whole = valid_codes(codes).tolist()
    monkeypatch.setattr(uscc, "CHUNK", 2)
    assert valid_codes(codes).tolist() == whole == [is_valid(c) for c in codes]


def test_every_character_is_checked_against_the_set():
    """A code with any one character (ASCII or not) in any place checks as `is_valid` does."""
    good = "91350100M000100Y43"
    codes = [good[:i] + chr(c) + good[i + 1:] for i in range(18)
             for c in [*range(33, 128), 0x80, 0xFF10, 0x1F600]]
    assert valid_codes(codes).tolist() == [is_valid(c) for c in codes]
