"""The one parser and check of score weights (``--weights factor=0.6,sdg=0.3,evidence=0.1``).

Weights are strict, so a typo never silently changes a ranking:

* only the names of the score's components are accepted (an unknown name is refused, with the
  nearest known name suggested);
* each weight is a finite number >= 0;
* a component left out of ``--weights`` weighs 0;
* the weights must sum to 1 (within 1e-6); otherwise they are refused, and the message gives the
  same weights normalised to sum to 1, ready to paste.

>>> parse_weights("factor=0.7, sdg=0.3", ("factor", "sdg", "evidence"))
{'factor': 0.7, 'sdg': 0.3, 'evidence': 0.0}
>>> parse_weights("factor=1,sdg=1", ("factor", "sdg", "evidence"))
Traceback (most recent call last):
...
psikg.errors.QueryError: weights must sum to 1, not 2 (factor=1,sdg=1); normalised: factor=0.5,sdg=0.5,evidence=0
"""

from __future__ import annotations

import math
from typing import Sequence

from ..errors import QueryError

__all__ = ["parse_weights", "check_weights", "SUM_TOLERANCE"]

#: How far from 1 the sum of the weights may be.
SUM_TOLERANCE = 1e-6


def _number(value: float) -> str:
    return f"{value:.6g}"


def check_weights(values: dict[str, float]) -> None:
    """Refuse weights that are not finite numbers >= 0 summing to 1 (ValueError says why)."""
    for name, value in values.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value) or value < 0:
            raise QueryError(f"weight {name} must be a finite number >= 0, not {value!r}")
    total = sum(values.values())
    if abs(total - 1.0) > SUM_TOLERANCE:
        given = ",".join(f"{n}={_number(v)}" for n, v in values.items() if v)
        if total <= 0:
            raise QueryError(f"weights must sum to 1, not {_number(total)}: give at least one weight above 0")
        normalised = ",".join(f"{n}={_number(v / total)}" for n, v in values.items())
        raise QueryError(f"weights must sum to 1, not {_number(total)} ({given}); normalised: {normalised}")


def parse_weights(text: str, names: Sequence[str]) -> dict[str, float]:
    """Weights named ``names`` from ``name=value,...``; omitted names weigh 0; checked strictly."""
    values = {name: 0.0 for name in names}
    for part in (p.strip() for p in text.split(",")):
        if not part:
            continue
        name, sep, value = part.partition("=")
        name = name.strip()
        if not sep or name not in values:
            import difflib  # here: only a mistake needs it

            near = difflib.get_close_matches(name, names, n=1)
            hint = f" (did you mean {near[0]}?)" if near else ""
            raise QueryError(f"expected name=value with name {', '.join(names)}, not {part!r}{hint}")
        try:
            values[name] = float(value)
        except ValueError:
            raise QueryError(f"weight {name} must be a number, not {value.strip()!r}") from None
    check_weights(values)
    return values
