"""Pagination for lists that can hold a district's million rows: the count stops at a cap.

An exact COUNT(*) over a million cases costs more than the whole page, and even a capped count
reads every row up to the cap: for a common keyword that is ten times as many rows, because most
rows the index walks do not match. Nobody pages past the first twenty pages of a ledger: the
filters and the search narrow it, and the Excel export holds every row. A capped list says so
("more than 500"), offers only the pages inside the cap, and a page number past them is a 404:
never another page shown under the number asked for.

The count reaches only a few pages past the page shown (PAGES_AHEAD): the first page of a common keyword
counts 126 matches, not 501, and says "more than 125"; each page further on counts further, up to the cap.
The matches are found once, as keys in the list's order (CappedPaginator.ranked_keys): their number is the count,
and the page's slice of them says which rows are read whole.
"""

from __future__ import annotations

import math

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.http import Http404
from django.utils.functional import cached_property

COUNT_CAP = 500
PAGES_AHEAD = 4


class CappedPaginator(Paginator):
    """`rows`: where the page's rows are read whole by their keys, when the list's own filters need not run again
    for them (they are its matches already); the same rows in scope, with what a row shows. The list by default."""

    def __init__(self, object_list, per_page: int, *, shown: int = 1, rows=None) -> None:
        super().__init__(object_list, per_page)
        self.rows = object_list if rows is None else rows
        # How many rows are counted at most: a few pages past the one shown, never past the cap.
        self.limit = min(COUNT_CAP, (max(shown, 1) + PAGES_AHEAD) * per_page)

    @cached_property
    def ranked_keys(self) -> list:
        """The primary keys of the first `limit` + 1 rows, in the list's order: one query both counts the rows and
        says which are on the page. It reads the keys alone (from an index that holds them, where one does), and
        what the rows annotate (a ledger row's pending summons) is not computed for them."""
        return list(self.object_list.values_list("pk", flat=True)[: self.limit + 1])

    @cached_property
    def count(self) -> int:
        return len(self.ranked_keys)

    def page(self, number) -> Page:
        # Only the page's own rows are read whole, by their keys; the matches were found once, by ranked_keys.
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        keys = self.ranked_keys[bottom : bottom + self.per_page]
        position = {key: index for index, key in enumerate(keys)}
        rows = sorted(self.rows.filter(pk__in=keys).order_by(), key=lambda row: position[row.pk])
        return self._get_page(rows, number, self)

    @property
    def is_capped(self) -> bool:
        return self.count > self.limit

    @cached_property
    def num_pages(self) -> int:
        if self.is_capped:
            # Short of the cap, the row past the count is on a page after the counted ones: it is offered.
            return math.ceil(self.limit / self.per_page) + (self.limit < COUNT_CAP)
        return super().num_pages


def capped_page(object_list, per_page: int, number: str | None, *, rows=None) -> Page:
    """The page asked for; page 1 for a missing or malformed number, 404 past the last page."""
    shown = int(number) if number and number.isdigit() and len(number) < 10 else 1
    paginator = CappedPaginator(object_list, per_page, shown=shown, rows=rows)
    try:
        return paginator.page(number or 1)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage as error:
        raise Http404 from error
