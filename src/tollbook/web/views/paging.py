"""Page numbers for lists: one shape for every paged page and API answer."""

from __future__ import annotations

from typing import Any

from fastapi import Query

from tollbook.search import MAX_PAGE


class Paging:
    """A page number (from 1) and a page size (1 to MAX_PAGE)."""

    def __init__(self, page: int = 1, per_page: int = 50) -> None:
        self.page = page
        self.per_page = per_page

    @property
    def offset(self) -> int:
        """Index of the first item of the page."""
        return (self.page - 1) * self.per_page

    def slice(self, items: list) -> list:
        """The page's part of a full list."""
        return items[self.offset:self.offset + self.per_page]

    def envelope(self, items: list[Any], total: int) -> dict[str, Any]:
        """The paged answer: items with page, per_page, total and pages."""
        return {"items": items, "page": self.page, "per_page": self.per_page, "total": total,
                "pages": max(1, -(-total // self.per_page))}


async def paging_params(page: int = Query(1, ge=1, le=1_000_000, description="Page number, from 1."),
                        per_page: int = Query(50, ge=1, le=MAX_PAGE,
                                              description=f"Items per page, 1 to {MAX_PAGE}.")) -> Paging:
    """The `page` and `per_page` query parameters (a coroutine: FastAPI runs it on the event loop, not a thread)."""
    return Paging(page, per_page)
