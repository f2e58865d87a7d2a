"""The shared NUL rule (`backend.fields`): one definition every feature validates with."""

import pytest
from pydantic import TypeAdapter, ValidationError

from backend.fields import SafeStr, contains_nul, reject_nul

SAFE = TypeAdapter(SafeStr)


class TestSafeStr:
    @pytest.mark.parametrize("text", ["\x00", "a\x00b", "trailing\x00"])
    def test_nul_anywhere_is_refused(self, text: str) -> None:
        assert contains_nul(text)
        with pytest.raises(ValidationError, match="must not contain NUL bytes"):
            SAFE.validate_python(text)

    @pytest.mark.parametrize("text", ["", "plain", "tab\tand newline\n", "\u2400 symbol"])
    def test_other_text_passes_unchanged(self, text: str) -> None:
        assert not contains_nul(text)
        assert SAFE.validate_python(text) == text

    def test_non_strings_are_left_to_the_type_check(self) -> None:
        assert reject_nul(42) == 42
        with pytest.raises(ValidationError, match="string"):
            SAFE.validate_python(42)
