"""Small-sample honesty, shared by the research analytics.

Every analytic states the number of observations behind each figure (its *n*). A figure computed
from fewer than :data:`SMALL_N` observations is flagged ``small_sample`` and comes with a note:

* a rate or share from fewer than 10 cases moves by 10 percentage points or more when a single
  case changes, so it says little about the population it comes from;
* the same threshold applies to each arm of a with/without comparison (a lift from 3 cases against
  40 is as fragile as its smaller arm), and to the number of nodes of a graph whose centralities or
  communities are reported.

The threshold is a convention, not a test: a figure above it can still mean little, and the
Fisher exact p-values the factor analysis reports remain valid at any n (they are just rarely small
when n is small).

>>> is_small(9), is_small(10)
(True, False)
>>> small_note("transfers", 3)
'only 3 transfers (fewer than 10): treat the figures as anecdotes, not estimates'
>>> small_note("transfers", 0)
'no transfers: there is nothing to compute the figures from'
"""

from __future__ import annotations

__all__ = ["SMALL_N", "is_small", "small_note"]

SMALL_N = 10


def is_small(n: int) -> bool:
    """True when ``n`` observations are too few for a figure to mean much."""
    return n < SMALL_N


def small_note(what: str, n: int) -> str:
    """The note that goes with a figure from too few observations."""
    if n == 0:
        return f"no {what}: there is nothing to compute the figures from"
    return (f"only {n} {what} (fewer than {SMALL_N}): treat the figures as anecdotes, "
            "not estimates")
