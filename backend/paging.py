"""Paging shared by the list routes: the page bounds and the `X-Total-Count` header."""

from typing import Any

from backend.error_docs import invalid

MAX_PAGE_SIZE = 100
MAX_OFFSET = 1_000_000_000  # well inside BIGINT: a huge offset is a 422, not a database error
TOTAL_COUNT_HEADER = "X-Total-Count"


def total_count_response(description: str) -> dict[str, Any]:
    """OpenAPI for a 200 that carries the total across all pages in `X-Total-Count`."""
    return {
        "headers": {TOTAL_COUNT_HEADER: {"description": description, "schema": {"type": "integer"}}}
    }


PAGE_TOO_LARGE = invalid(
    (
        ("query", "limit"),
        "less_than_equal",
        f"Input should be less than or equal to {MAX_PAGE_SIZE}",
    )
)
