"""The shared text rule (`backend.fields`): one definition every feature validates with."""

import pytest
from pydantic import TypeAdapter, ValidationError

from backend.fields import SafeStr, is_storable, reject_unstorable

SAFE = TypeAdapter(SafeStr)


class TestSafeStr:
    @pytest.mark.parametrize("text", ["\x00", "a\x00b", "trailing\x00"])
    def test_nul_anywhere_is_refused(self, text: str) -> None:
        assert not is_storable(text)
        with pytest.raises(ValidationError, match="must not contain NUL bytes"):
            SAFE.validate_python(text)

    @pytest.mark.parametrize("text", ["\ud800", "token-\udfff", "\udc00\ud800"])
    def test_unpaired_surrogates_are_refused(self, text: str) -> None:
        # JSON's "\ud800" escape gives such a string; it has no UTF-8 form, so hashing or storing
        # it would raise later (the 500 of a lone surrogate in `refresh_token`).
        assert not is_storable(text)
        with pytest.raises(ValidationError, match="unpaired surrogates"):
            SAFE.validate_python(text)

    @pytest.mark.parametrize(
        "text", ["", "plain", "tab\tand newline\n", "\u2400 symbol", "emoji \U0001f600"]
    )
    def test_other_text_passes_unchanged(self, text: str) -> None:
        assert is_storable(text)
        assert SAFE.validate_python(text) == text

    def test_non_strings_are_left_to_the_type_check(self) -> None:
        assert reject_unstorable(42) == 42
        with pytest.raises(ValidationError, match="string"):
            SAFE.validate_python(42)
