"""Pagination for lists that can hold a district's million rows: the count stops at a cap.

An exact COUNT(*) over a million cases costs more than the whole page; nobody pages past the
first eighty pages, and the filters narrow a list long before that.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from django.utils.functional import cached_property

COUNT_CAP = 2_000


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        return self.object_list[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP


def capped_page(object_list, per_page: int, number: str | None) -> Page:
    return CappedPaginator(object_list, per_page).get_page(number)
