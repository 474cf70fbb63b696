"""Pagination for lists that can hold a district's million rows: the count stops at a cap.

An exact COUNT(*) over a million cases costs more than the whole page, and even a capped count
reads every row up to the cap: for a common keyword that is ten times as many rows, because most
rows the index walks do not match. Nobody pages past the first twenty pages of a ledger: the
filters and the search narrow it, and the Excel export holds every row. A capped list says so
("more than 500"), offers only the pages inside the cap, and a page number past them is a 404:
never another page shown under the number asked for.
"""

from __future__ import annotations

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property

COUNT_CAP = 500


class CappedPaginator(Paginator):
    @cached_property
    def count(self) -> int:
        # Counted on the primary keys alone and in no order: what the rows annotate (a ledger row's pending
        # summons) is not computed for the cap's five hundred rows, and the database may stop at any 501 matches
        # (a town's villages, a keyword's hits) instead of sorting them all by date first.
        return self.object_list.values("pk").order_by()[: COUNT_CAP + 1].count()

    @property
    def is_capped(self) -> bool:
        return self.count > COUNT_CAP

    @cached_property
    def num_pages(self) -> int:
        if self.is_capped:
            return math.ceil(COUNT_CAP / self.per_page)
        return super().num_pages


def capped_page(object_list, per_page: int, number: str | None) -> Page:
    """The page asked for; page 1 for a missing or malformed number, 404 past the last page."""
    paginator = CappedPaginator(object_list, per_page)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage as error:
        raise Http404 from error
